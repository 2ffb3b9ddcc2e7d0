// Starting a child process, the one way uclink does it.
//
// Why not fork(): a process that handles signals through a self-pipe (Boost.Asio's signal_set)
// keeps those handlers in a forked child until exec(). A signal sent to the child in that window
// runs the parent's handler, which writes to the pipe the child shares with its parent: the
// parent then believes it was signalled itself. posix_spawn (glibc: clone(CLONE_VFORK)) resets
// every disposition before any handler can run, and here it is also told to: every signal back
// to SIG_DFL (SIG_IGN of SIGPIPE included), an empty signal mask (a daemon that reads signals
// from a signalfd blocks them), and no descriptor above stderr left open.
#pragma once

#include <sys/types.h>

#include <string>
#include <system_error>
#include <vector>

namespace uclink::process {

/// One descriptor of the child, set up before exec in the order given.
struct Redirect {
  int child_fd = -1;   ///< the descriptor in the child (0, 1, 2)
  int parent_fd = -1;  ///< dup2 this descriptor of ours, or
  std::string path;    ///< open this path (used when parent_fd < 0)
  int flags = 0;       ///< open(2) flags for `path`
  mode_t mode = 0644;  ///< creation mode for `path`
};

/// A redirect of `child_fd` to a descriptor of ours.
Redirect FromFd(int child_fd, int parent_fd);
/// A redirect of `child_fd` to a file opened for appending (created when missing).
Redirect AppendTo(int child_fd, std::string path);
/// A redirect of `child_fd` to /dev/null.
Redirect Null(int child_fd);

struct SpawnOptions {
  std::vector<Redirect> redirects;
  /// NAME=VALUE entries that replace or extend this process's environment.
  std::vector<std::string> environment;
  /// Look argv[0] up in PATH when it holds no '/'.
  bool search_path = false;
};

/// A started child, or why none started.
struct Spawned {
  pid_t pid = -1;
  std::error_code error;  ///< std::system_category (ENOENT for a missing program, ...)
  explicit operator bool() const { return pid > 0; }
};

/// Starts argv[0] with `argv` as posix_spawn does, with the guarantees of this header.
Spawned Spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

}  // namespace uclink::process
