// Starts the real uclink-sim binary for integration tests: reads its "PTY <path>" line, opens
// the pty raw, talks to the control socket. Every wait is bounded; the process is stopped by
// its own PID. Users add data = ["//cmd:uclink-sim"] (run from the workspace root in runfiles).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace uclink::sim::testing {

class SimProcess {
 public:
  /// Starts cmd/uclink-sim with `args` plus --control/--log in a fresh temp dir.
  explicit SimProcess(std::vector<std::string> args);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  bool started() const { return pty_fd_ >= 0; }
  const std::string& pty_path() const { return pty_path_; }
  /// Lines the simulator printed on stdout after "PTY ..." (e.g. "TCP 127.0.0.1:PORT").
  std::string ReadStdoutLine(std::chrono::milliseconds timeout);
  /// Writes to the pty.
  void Write(const std::string& bytes);
  /// Reads from the pty until `needle` appears or `timeout` passes; returns all bytes read.
  std::string ReadUntil(const std::string& needle, std::chrono::milliseconds timeout);
  /// Reads from the pty until `done(bytes)` holds or `timeout` passes.
  template <typename Done>
  std::string ReadWhile(Done done, std::chrono::milliseconds timeout);
  /// One control-socket exchange ("status" → "OK ...").
  std::string Control(const std::string& line);
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return pid_; }

 private:
  bool ReadSome(std::string& into, std::chrono::steady_clock::time_point deadline);

  std::string dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int pty_fd_ = -1;
  std::string pty_path_;
  std::string stdout_buffer_;
};

template <typename Done>
std::string SimProcess::ReadWhile(Done done, std::chrono::milliseconds timeout) {
  std::string bytes;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(bytes) && ReadSome(bytes, deadline)) {
  }
  return bytes;
}

}  // namespace uclink::sim::testing
