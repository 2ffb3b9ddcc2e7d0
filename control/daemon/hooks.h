// Runs the site's dispatcher hooks (hook_scan.h) for uclinkd: one event at a time, the programs
// of each event in name order, each on its own (process::Spawn, no shell) and bounded by
// hooks.timeout_s, past which it is killed by its pid. The daemon's loop only waits on the
// hook's pidfd, its output pipe and a timer, so a slow hook delays later hooks, never the link
// (docs/system-integration.md, "Dispatcher hooks").
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control/daemon/hook_scan.h"

namespace uclink::control {

class HookRunner {
 public:
  /// Output kept per hook for the log; the rest is counted, not kept.
  static constexpr std::size_t kOutputLimit = 4096;

  HookRunner(boost::asio::io_context& io, std::string dir, std::chrono::seconds timeout);
  /// Kills (by pid) and reaps a hook still running; queued events are dropped.
  ~HookRunner();
  HookRunner(const HookRunner&) = delete;
  HookRunner& operator=(const HookRunner&) = delete;

  /// hooks.dir and hooks.timeout_s after a reload; applies from the next event.
  void Reconfigure(std::string dir, std::chrono::seconds timeout);
  /// Queues `event` with `environment` (HookEnvironment); the directory is read when the event's
  /// turn comes, so a hook added meanwhile runs. The entry point for every event source.
  void Dispatch(HookEvent event, std::vector<std::string> environment);
  /// Called each time the queue runs empty (tests wait on it).
  void set_on_idle(std::function<void()> on_idle) { on_idle_ = std::move(on_idle); }
  bool idle() const { return queue_.empty() && !running_; }

 private:
  struct Job {
    HookEvent event;
    std::vector<std::string> environment;
    std::vector<std::string> programs;
    std::size_t next = 0;
    bool scanned = false;
  };
  struct Running;

  void RunNext();
  void StartHook(const std::string& path, const Job& job);
  void ReadOutput();
  void OnExited();
  void FinishHook(const std::string& how);

  boost::asio::io_context& io_;
  std::string dir_;
  std::chrono::seconds timeout_;
  std::deque<Job> queue_;
  std::unique_ptr<Running> running_;
  std::function<void()> on_idle_;
  bool missing_dir_logged_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::control
