#include "tests/sim/sim_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>

#include "process/spawn.h"

namespace uclink::sim::testing {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

SimProcess::SimProcess(std::vector<std::string> args) {
  char templ[] = "/tmp/uclink-sim-test-XXXXXX";  // short: Unix socket paths are limited
  if (::mkdtemp(templ) == nullptr) return;
  dir_ = templ;
  args.insert(args.begin(), "cmd/uclink-sim");
  args.push_back("--control");
  args.push_back(dir_ + "/ctl");
  args.push_back("--log");
  args.push_back(dir_ + "/log");
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return;
  process::SpawnOptions options;
  options.redirects = {process::FromFd(1, out[1])};
  pid_ = process::Spawn(args, options).pid;
  ::close(out[1]);
  stdout_fd_ = out[0];
  std::string first = ReadStdoutLine(std::chrono::seconds(10));
  if (first.rfind("PTY ", 0) != 0) return;
  pty_path_ = first.substr(4);
  pty_fd_ = ::open(pty_path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (pty_fd_ < 0) return;
  termios tio{};
  ::tcgetattr(pty_fd_, &tio);
  ::cfmakeraw(&tio);
  ::tcsetattr(pty_fd_, TCSANOW, &tio);
}

SimProcess::~SimProcess() {
  if (pty_fd_ >= 0) ::close(pty_fd_);
  if (pid_ > 0) {
    // Its pidfd is readable once it has exited (bounded: SIGKILL past 5 s).
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    ::kill(pid_, SIGTERM);
    bool reaped = false;
    if (pidfd >= 0) {
      pollfd exited{pidfd, POLLIN, 0};
      reaped = ::poll(&exited, 1, 5000) == 1 && ::waitpid(pid_, nullptr, 0) == pid_;
      ::close(pidfd);
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string SimProcess::ReadStdoutLine(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (stdout_buffer_.find('\n') == std::string::npos) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, RemainingMs(deadline)) <= 0) return {};
    char buffer[256];
    ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) return {};
    stdout_buffer_.append(buffer, static_cast<std::size_t>(n));
  }
  std::size_t end = stdout_buffer_.find('\n');
  std::string line = stdout_buffer_.substr(0, end);
  stdout_buffer_.erase(0, end + 1);
  return line;
}

void SimProcess::Write(const std::string& bytes) {
  std::size_t done = 0;
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (done < bytes.size() && Clock::now() < deadline) {
    ssize_t n = ::write(pty_fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else {
      pollfd p{pty_fd_, POLLOUT, 0};
      ::poll(&p, 1, 50);
    }
  }
}

bool SimProcess::ReadSome(std::string& into, Clock::time_point deadline) {
  pollfd p{pty_fd_, POLLIN, 0};
  if (::poll(&p, 1, RemainingMs(deadline)) <= 0) return false;
  char buffer[4096];
  ssize_t n = ::read(pty_fd_, buffer, sizeof buffer);
  if (n < 0) return Clock::now() < deadline;
  into.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::string SimProcess::ReadUntil(const std::string& needle, std::chrono::milliseconds timeout) {
  return ReadWhile(
      [&needle](const std::string& bytes) { return bytes.find(needle) != std::string::npos; },
      timeout);
}

std::string SimProcess::Control(const std::string& line) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string path = dir_ + "/ctl";
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string request = line + "\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      auto deadline = Clock::now() + std::chrono::seconds(5);
      while (answer.find('\n') == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, RemainingMs(deadline)) <= 0) break;
        char buffer[512];
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  if (!answer.empty() && answer.back() == '\n') answer.pop_back();
  return answer;
}

}  // namespace uclink::sim::testing
