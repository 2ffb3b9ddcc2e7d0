#include "process/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace uclink::process {
namespace {

// The environment of the child: ours, with `extra` replacing entries of the same name.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> merged;
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    bool replaced = false;
    for (const std::string& x : extra) replaced = replaced || name_of(x) == name_of(entry);
    if (!replaced) merged.push_back(entry);
  }
  merged.insert(merged.end(), extra.begin(), extra.end());
  return merged;
}

std::vector<char*> Pointers(const std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size() + 1);
  for (const std::string& w : words) out.push_back(const_cast<char*>(w.c_str()));
  out.push_back(nullptr);
  return out;
}

// Owns the posix_spawn attribute and file-action objects for one call.
class SpawnPlan {
 public:
  SpawnPlan() {
    ::posix_spawnattr_init(&attr_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnPlan() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attr_);
  }
  SpawnPlan(const SpawnPlan&) = delete;
  SpawnPlan& operator=(const SpawnPlan&) = delete;

  int SetSignals() {
    sigset_t all, none;
    ::sigfillset(&all);
    ::sigemptyset(&none);
    int rc = ::posix_spawnattr_setsigdefault(&attr_, &all);
    if (rc == 0) rc = ::posix_spawnattr_setsigmask(&attr_, &none);
    if (rc == 0)
      rc = ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    return rc;
  }

  int AddRedirects(const std::vector<Redirect>& redirects) {
    for (const Redirect& r : redirects) {
      const int rc = r.parent_fd >= 0
                         ? ::posix_spawn_file_actions_adddup2(&actions_, r.parent_fd, r.child_fd)
                         : ::posix_spawn_file_actions_addopen(&actions_, r.child_fd, r.path.c_str(),
                                                              r.flags, r.mode);
      if (rc != 0) return rc;
    }
    // After the dup2s: nothing of ours above stderr reaches the child (serial port, sockets).
    return ::posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
  }

  posix_spawnattr_t* attr() { return &attr_; }
  posix_spawn_file_actions_t* actions() { return &actions_; }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

}  // namespace

Redirect FromFd(int child_fd, int parent_fd) { return Redirect{child_fd, parent_fd, "", 0, 0}; }

Redirect AppendTo(int child_fd, std::string path) {
  return Redirect{child_fd, -1, std::move(path), O_WRONLY | O_CREAT | O_APPEND, 0644};
}

Redirect Null(int child_fd) {
  return Redirect{child_fd, -1, "/dev/null", child_fd == 0 ? O_RDONLY : O_WRONLY, 0};
}

Spawned Spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty() || argv[0].empty())
    return {-1, std::make_error_code(std::errc::invalid_argument)};
  SpawnPlan plan;
  int rc = plan.SetSignals();
  if (rc == 0) rc = plan.AddRedirects(options.redirects);
  if (rc != 0) return {-1, std::error_code(rc, std::system_category())};
  std::vector<char*> args = Pointers(argv);
  const std::vector<std::string> env = options.environment.empty()
                                           ? std::vector<std::string>{}
                                           : MergedEnvironment(options.environment);
  std::vector<char*> envp = Pointers(env);
  char** environment = options.environment.empty() ? environ : envp.data();
  pid_t pid = -1;
  rc = options.search_path
           ? ::posix_spawnp(&pid, args[0], plan.actions(), plan.attr(), args.data(), environment)
           : ::posix_spawn(&pid, args[0], plan.actions(), plan.attr(), args.data(), environment);
  if (rc != 0) return {-1, std::error_code(rc, std::system_category())};
  return {pid, {}};
}

}  // namespace uclink::process
