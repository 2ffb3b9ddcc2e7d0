// The systemd watchdog (sd_watchdog_enabled(3)): with WATCHDOG_USEC set, uclinkd sends
// WATCHDOG=1 to $NOTIFY_SOCKET every half interval from its event loop. The test owns the notify
// socket; it stops the daemon with SIGSTOP (a blocked loop, as real as it gets) and sees the
// pings stop, then resume after SIGCONT. A WATCHDOG_PID naming another process turns them off.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "process/spawn.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class WatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/uclink-wd-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    std::ofstream(dir_ + "/uclink.toml") << "[connection]\nautoconnect = false\n";
    notify_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s/notify.sock", dir_.c_str());
    ASSERT_EQ(::bind(notify_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGCONT);
      ::kill(pid_, SIGTERM);  // our own child, by its pid
      pollfd p{pidfd_, POLLIN, 0};
      if (::poll(&p, 1, 10000) != 1) ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      ::close(pidfd_);
    }
    ::close(notify_);
    std::filesystem::remove_all(dir_);
  }

  void StartDaemon(const std::string& watchdog_pid) {
    uclink::process::SpawnOptions options;
    options.environment = {"NOTIFY_SOCKET=" + dir_ + "/notify.sock", "WATCHDOG_USEC=200000"};
    if (!watchdog_pid.empty()) options.environment.push_back("WATCHDOG_PID=" + watchdog_pid);
    options.redirects = {uclink::process::Null(0), uclink::process::AppendTo(1, dir_ + "/log"),
                         uclink::process::AppendTo(2, dir_ + "/log")};
    const auto spawned = uclink::process::Spawn(
        {"cmd/uclinkd", "--config", dir_ + "/uclink.toml", "--port", dir_ + "/no-modem", "--socket",
         dir_ + "/uclinkd.sock", "--state-dir", dir_ + "/state"},
        options);
    ASSERT_TRUE(spawned) << spawned.error.message();
    pid_ = spawned.pid;
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    ASSERT_GE(pidfd_, 0);
  }

  // The next datagram containing `what`, or false after `bound` (or when the daemon exits).
  bool Receive(const std::string& what, std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    while (Clock::now() < deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd fds[2] = {{notify_, POLLIN, 0}, {pidfd_, POLLIN, 0}};
      if (::poll(fds, 2, static_cast<int>(left.count()) + 1) <= 0) return false;
      if (fds[1].revents != 0) return false;  // the daemon exited
      char datagram[512];
      const ssize_t n = ::recv(notify_, datagram, sizeof datagram, MSG_DONTWAIT);
      if (n > 0 &&
          std::string(datagram, static_cast<std::size_t>(n)).find(what) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  // Reads whatever is queued now.
  void Drain() {
    char datagram[512];
    while (::recv(notify_, datagram, sizeof datagram, MSG_DONTWAIT) > 0) {
    }
  }

  std::string Log() const {
    std::ifstream in(dir_ + "/log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir_;
  int notify_ = -1;
  pid_t pid_ = -1;
  int pidfd_ = -1;
};

TEST_F(WatchdogTest, PingsComeFromTheLoopAndStopWhileItIsBlocked) {
  StartDaemon("");
  ASSERT_TRUE(Receive("READY=1", 10s)) << Log();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Receive("WATCHDOG=1", 2s)) << i << Log();
  // A stopped process runs no loop: within five intervals (1 s) not one ping may come.
  ASSERT_EQ(::kill(pid_, SIGSTOP), 0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid_), &info, WSTOPPED), 0);  // stopped now
  Drain();
  EXPECT_FALSE(Receive("WATCHDOG=1", 1000ms));
  ASSERT_EQ(::kill(pid_, SIGCONT), 0);
  EXPECT_TRUE(Receive("WATCHDOG=1", 2s)) << Log();
}

TEST_F(WatchdogTest, AWatchdogPidOfAnotherProcessMeansNoPings) {
  StartDaemon("1");
  ASSERT_TRUE(Receive("READY=1", 10s)) << Log();
  EXPECT_FALSE(Receive("WATCHDOG=1", 1000ms));
}

}  // namespace
