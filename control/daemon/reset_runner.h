// Runs recovery.reset_command / recovery.escalate_command for the daemon without blocking its
// loop: process::Spawn (no shell), the child's exit through a pidfd on the io_context, its
// output through a pipe of which the first 4 KiB are kept (the rest is read and dropped, so a
// chatty command cannot stall on a full pipe), and a kill by its own pid after the timeout
// (docs/state-machine.md, "Recovery ladder").
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace uclink::control {

/// How the command ended.
struct CommandResult {
  bool ok = false;     ///< exited 0
  std::string status;  ///< "exit 0", "exit 3", "timeout after 30 s (killed)", "cannot start ..."
  std::string output;  ///< the first kOutputLimit bytes of stdout and stderr together
  std::size_t output_bytes = 0;  ///< how much it printed in all
};

class ResetRunner {
 public:
  static constexpr std::size_t kOutputLimit = 4096;
  using Done = std::function<void(const CommandResult&)>;

  explicit ResetRunner(boost::asio::io_context& io) : io_(io) {}
  ~ResetRunner();
  ResetRunner(const ResetRunner&) = delete;
  ResetRunner& operator=(const ResetRunner&) = delete;

  /// Starts `argv`; `done` is called once, from the io_context (also when it cannot start).
  /// One command at a time: a second Run while one runs is answered "busy" at once.
  void Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, Done done);

 private:
  struct Child;
  boost::asio::io_context& io_;
  std::shared_ptr<Child> child_;
};

}  // namespace uclink::control
