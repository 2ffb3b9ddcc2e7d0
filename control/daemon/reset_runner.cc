#include "control/daemon/reset_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#include "process/exit_status.h"
#include "process/spawn.h"

namespace uclink::control {

namespace asio = boost::asio;

struct ResetRunner::Child {
  explicit Child(asio::io_context& io) : pidfd(io), output(io), timer(io) {}
  pid_t pid = -1;
  asio::posix::stream_descriptor pidfd, output;
  asio::steady_timer timer;
  std::array<char, 4096> buffer{};
  CommandResult result;
  bool timed_out = false;
  bool exited = false;
  bool output_done = false;
  int wait_status = 0;
  std::chrono::milliseconds timeout{};
  Done done;

  void Keep(std::size_t n) {
    result.output_bytes += n;
    const std::size_t room = kOutputLimit - std::min(kOutputLimit, result.output.size());
    result.output.append(buffer.data(), std::min(n, room));
  }

  // One read is always pending while the pipe is open, so every byte passes through this
  // handler once: the exit cancels the pending read instead of reading beside it.
  void ReadOutput(const std::shared_ptr<Child>& self) {
    output.async_read_some(
        asio::buffer(buffer), [self](boost::system::error_code ec, std::size_t n) {
          self->Keep(n);
          if (self->exited) return self->DrainAfterExit();
          if (ec) {  // EOF: the child (and anything it started that kept the pipe) is done with it
            self->output_done = true;
            return self->MaybeFinish();
          }
          self->ReadOutput(self);
        });
  }

  void OnExit() {
    exited = true;
    if (output_done) return MaybeFinish();
    boost::system::error_code ignored;
    output.cancel(ignored);  // the pending read completes now, with or without data
  }

  // What the child wrote just before it exited may still sit in the pipe: take what is there,
  // without waiting for a grandchild that may keep the pipe open. The exit decides.
  void DrainAfterExit() {
    boost::system::error_code ignored;
    output.non_blocking(true, ignored);
    while (true) {
      boost::system::error_code ec;
      const std::size_t n = output.read_some(asio::buffer(buffer), ec);
      Keep(n);
      if (ec || n == 0) break;
    }
    output_done = true;
    MaybeFinish();
  }

  void MaybeFinish() {
    if (!exited || !output_done || !done) return;
    boost::system::error_code ignored;
    output.close(ignored);
    pidfd.close(ignored);
    timer.cancel();
    if (timed_out) {
      const std::string bound = timeout.count() % 1000 == 0
                                    ? std::to_string(timeout.count() / 1000) + " s"
                                    : std::to_string(timeout.count()) + " ms";
      result.status =
          "timeout after " + bound + " (killed: " + process::DescribeWaitStatus(wait_status) + ")";
      result.ok = false;
    } else {
      result.status = process::DescribeWaitStatus(wait_status);
      result.ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    }
    std::exchange(done, nullptr)(result);
  }
};

ResetRunner::~ResetRunner() {
  if (child_ && !child_->exited && child_->pid > 0) {
    ::kill(child_->pid, SIGKILL);  // our own child, by its pid
    ::waitpid(child_->pid, nullptr, 0);
    child_->done = nullptr;
  }
}

void ResetRunner::Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      Done done) {
  auto fail = [this, &done](std::string why) {
    CommandResult result;
    result.status = std::move(why);
    asio::post(io_, [done = std::move(done), result] { done(result); });
  };
  if (child_ && !child_->exited) return fail("busy: the previous command still runs");
  if (argv.empty()) return fail("no command configured");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  process::SpawnOptions options;
  options.search_path = true;
  options.redirects = {process::Null(0), process::FromFd(1, pipe_fds[1]),
                       process::FromFd(2, pipe_fds[1])};
  process::Spawned spawned = process::Spawn(argv, options);
  ::close(pipe_fds[1]);
  if (!spawned) {
    ::close(pipe_fds[0]);
    return fail("cannot start " + argv[0] + ": " + spawned.error.message());
  }
  auto child = std::make_shared<Child>(io_);
  child->pid = spawned.pid;
  child->timeout = timeout;
  child->done = std::move(done);
  child->output.assign(pipe_fds[0]);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, spawned.pid, 0));
  if (pidfd < 0) {
    // No pidfd (kernel before 5.3): bounded by the timeout alone, then reaped by pid.
    ::kill(spawned.pid, SIGKILL);
    ::waitpid(spawned.pid, &child->wait_status, 0);
    child->exited = true;
    child->result.status = "pidfd_open failed";
    asio::post(io_, [child] { std::exchange(child->done, nullptr)(child->result); });
    return;
  }
  child->pidfd.assign(pidfd);
  child_ = child;
  child->ReadOutput(child);
  child->pidfd.async_wait(asio::posix::stream_descriptor::wait_read,
                          [child](boost::system::error_code ec) {
                            if (ec) return;
                            ::waitpid(child->pid, &child->wait_status, 0);
                            child->OnExit();
                          });
  child->timer.expires_after(timeout);
  child->timer.async_wait([child](boost::system::error_code ec) {
    if (ec || child->exited) return;
    child->timed_out = true;
    ::kill(child->pid, SIGKILL);  // its exit arrives through the pidfd
  });
}

}  // namespace uclink::control
