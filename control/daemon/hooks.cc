#include "control/daemon/hooks.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <filesystem>

#include "process/exit_status.h"
#include "process/spawn.h"

namespace uclink::control {

// The hook in progress: its pid (signalled only while unreaped, so never a reused pid), its
// pidfd and output pipe on the loop, and its deadline.
struct HookRunner::Running {
  explicit Running(boost::asio::io_context& io) : exit_watch(io), output(io), deadline(io) {}
  std::string name;
  std::string event;
  pid_t pid = -1;
  boost::asio::posix::stream_descriptor exit_watch;
  boost::asio::posix::stream_descriptor output;
  boost::asio::steady_timer deadline;
  std::string text;
  std::size_t dropped = 0;
  bool killed = false;
  char buffer[1024];
};

HookRunner::HookRunner(boost::asio::io_context& io, std::string dir, std::chrono::seconds timeout)
    : io_(io), dir_(std::move(dir)), timeout_(timeout) {}

HookRunner::~HookRunner() {
  *alive_ = 1;
  alive_.reset();
  if (running_ && running_->pid > 0) {
    ::kill(running_->pid, SIGKILL);
    int status = 0;
    while (::waitpid(running_->pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void HookRunner::Reconfigure(std::string dir, std::chrono::seconds timeout) {
  if (dir != dir_) missing_dir_logged_ = false;
  dir_ = std::move(dir);
  timeout_ = timeout;
}

void HookRunner::Dispatch(HookEvent event, std::vector<std::string> environment) {
  queue_.push_back(Job{event, std::move(environment)});
  if (!running_) {
    // Never from inside the caller (the daemon's event dispatch): a spawn failure logs only.
    boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
      if (!alive.expired() && !running_) RunNext();
    });
  }
}

void HookRunner::RunNext() {
  while (!queue_.empty()) {
    Job& job = queue_.front();
    if (!job.scanned) {
      job.scanned = true;
      HookScan scan = ScanHooks(dir_);
      if (!scan.dir_problem.empty()) {
        // A missing directory is the normal case without hooks: said once, not per event.
        if (scan.dir_exists || !missing_dir_logged_) {
          spdlog::info("hooks: {}; no hooks run", scan.dir_problem);
          missing_dir_logged_ = !scan.dir_exists;
        }
      } else {
        missing_dir_logged_ = false;
      }
      for (const std::string& skipped : scan.skipped) {
        spdlog::warn("hooks: {}/{}: skipped", dir_, skipped);
      }
      job.programs = std::move(scan.programs);
    }
    if (job.next < job.programs.size()) {
      const std::string path = job.programs[job.next++];
      StartHook(path, job);
      if (running_) return;
      continue;  // could not start: the next hook
    }
    queue_.pop_front();
  }
  if (on_idle_) on_idle_();
}

void HookRunner::StartHook(const std::string& path, const Job& job) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    spdlog::warn("hooks: {}: pipe: {}", path, std::strerror(errno));
    return;
  }
  process::SpawnOptions options;
  options.redirects = {process::Null(STDIN_FILENO), process::FromFd(STDOUT_FILENO, pipe_fds[1]),
                       process::FromFd(STDERR_FILENO, pipe_fds[1])};
  options.environment = job.environment;
  const process::Spawned child = process::Spawn({path, ToString(job.event)}, options);
  ::close(pipe_fds[1]);
  if (!child) {
    ::close(pipe_fds[0]);
    spdlog::warn("hooks: {} ({}): cannot start: {}", path, ToString(job.event),
                 child.error.message());
    return;
  }
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child.pid, 0));
  auto running = std::make_unique<Running>(io_);
  running->name = std::filesystem::path(path).filename().string();
  running->event = ToString(job.event);
  running->pid = child.pid;
  running->output.assign(pipe_fds[0]);
  running_ = std::move(running);
  spdlog::debug("hooks: {} ({}) started, pid {}", running_->name, running_->event, child.pid);
  const std::weak_ptr<int> alive = alive_;
  if (pidfd < 0) {
    // No pidfd (Linux < 5.3): the end of the output stands for the end of the hook.
    spdlog::warn("hooks: pidfd_open: {}; waiting for the hook's output to end",
                 std::strerror(errno));
  } else {
    running_->exit_watch.assign(pidfd);
    running_->exit_watch.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                    [this, alive](boost::system::error_code ec) {
                                      if (!ec && !alive.expired()) OnExited();
                                    });
  }
  running_->deadline.expires_after(timeout_);
  running_->deadline.async_wait([this, alive, pid = child.pid](boost::system::error_code ec) {
    if (ec || alive.expired() || !running_ || running_->pid != pid) return;
    running_->killed = true;
    spdlog::warn("hooks: {} ({}) still running after {} s: killing pid {}", running_->name,
                 running_->event, timeout_.count(), pid);
    ::kill(pid, SIGKILL);  // unreaped: the pid is still this hook's
  });
  ReadOutput();
}

void HookRunner::ReadOutput() {
  Running& r = *running_;
  r.output.async_read_some(
      boost::asio::buffer(r.buffer), [this, alive = std::weak_ptr<int>(alive_), pid = r.pid](
                                         boost::system::error_code ec, std::size_t n) {
        if (alive.expired() || !running_ || running_->pid != pid) return;
        Running& r = *running_;
        const std::size_t keep = std::min(n, kOutputLimit - std::min(kOutputLimit, r.text.size()));
        r.text.append(r.buffer, keep);
        r.dropped += n - keep;
        if (!ec) return ReadOutput();
        if (r.exit_watch.is_open()) return;  // the pidfd says when it ended
        OnExited();
      });
}

void HookRunner::OnExited() {
  Running& r = *running_;
  int status = 0;
  pid_t reaped;
  do {
    reaped = ::waitpid(r.pid, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  r.pid = -1;
  // What the hook wrote before it ended is in the pipe already; a background child of the hook
  // that keeps the pipe open does not hold us up.
  for (;;) {
    boost::system::error_code ec;
    r.output.non_blocking(true, ec);
    const std::size_t n = r.output.read_some(boost::asio::buffer(r.buffer), ec);
    if (ec || n == 0) break;
    const std::size_t keep = std::min(n, kOutputLimit - std::min(kOutputLimit, r.text.size()));
    r.text.append(r.buffer, keep);
    r.dropped += n - keep;
  }
  std::string how = reaped < 0 ? "not reaped" : process::DescribeWaitStatus(status);
  if (r.killed) how += " (killed: hooks.timeout_s " + std::to_string(timeout_.count()) + " s)";
  FinishHook(how);
}

void HookRunner::FinishHook(const std::string& how) {
  std::unique_ptr<Running> done = std::move(running_);
  done->deadline.cancel();
  std::string output = done->text;
  while (!output.empty() && output.back() == '\n') output.pop_back();
  if (done->dropped > 0) output += " [" + std::to_string(done->dropped) + " more bytes not logged]";
  const bool clean = how == "exit 0";
  if (clean) {
    spdlog::info("hooks: {} ({}): {}{}{}", done->name, done->event, how, output.empty() ? "" : ": ",
                 output);
  } else {
    spdlog::warn("hooks: {} ({}): {}{}{}", done->name, done->event, how, output.empty() ? "" : ": ",
                 output);
  }
  // The descriptors close with `done`, after every handler of theirs was cancelled.
  boost::system::error_code ignored;
  done->output.cancel(ignored);
  done->exit_watch.cancel(ignored);
  boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_),
                          keep = std::shared_ptr<Running>(std::move(done))] {
    if (!alive.expired() && !running_) RunNext();
  });
}

}  // namespace uclink::control
