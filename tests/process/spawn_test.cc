// process::Spawn: a child starts clean whatever its parent does with signals and descriptors
// (process/spawn.h says why a raw fork() is not allowed in the tree).
#include "process/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "process/exit_status.h"

namespace uclink::process {
namespace {

// Runs argv to its end with stdout captured through a pipe; returns {wait status, stdout}.
std::pair<int, std::string> Capture(const std::vector<std::string>& argv,
                                    SpawnOptions options = {}) {
  int out[2];
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  options.redirects.push_back(FromFd(1, out[1]));
  const Spawned child = Spawn(argv, options);
  ::close(out[1]);
  EXPECT_TRUE(child) << child.error.message();
  std::string text;
  char chunk[512];
  for (ssize_t n; (n = ::read(out[0], chunk, sizeof chunk)) > 0;) text.append(chunk, n);
  ::close(out[0]);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  return {status, text};
}

// The classic signals 1-31 of a "SigBlk:\t0000000000000000" line of /proc/PID/status (32 and
// 33 are glibc's own, which no program can change, and stay as the runner left them).
std::string Field(const std::string& status, const std::string& name) {
  const std::size_t at = status.find(name + ":");
  if (at == std::string::npos) return "missing";
  const std::size_t start = status.find_first_not_of(" \t", at + name.size() + 1);
  const std::string mask = status.substr(start, status.find('\n', start) - start);
  if (mask.size() != 16) return mask;
  char low[16];
  std::snprintf(low, sizeof low, "%08lx", std::stoul(mask.substr(8), nullptr, 16) & 0x7fffffffUL);
  return low;
}

class SpawnTest : public ::testing::Test {
 protected:
  // The parent of a daemon: SIGTERM blocked (signalfd), SIGPIPE ignored, SIGUSR1 handled.
  void SetUp() override {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &set, &saved_mask_), 0);
    saved_pipe_ = ::signal(SIGPIPE, SIG_IGN);
    saved_usr1_ = ::signal(SIGUSR1, [](int) {});
  }
  void TearDown() override {
    ::pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
    ::signal(SIGPIPE, saved_pipe_);
    ::signal(SIGUSR1, saved_usr1_);
  }
  sigset_t saved_mask_;
  sighandler_t saved_pipe_ = SIG_DFL;
  sighandler_t saved_usr1_ = SIG_DFL;
};

TEST_F(SpawnTest, ChildHasNoBlockedIgnoredOrCaughtSignals) {
  const auto [status, text] = Capture({"/bin/cat", "/proc/self/status"});
  ASSERT_EQ(DescribeWaitStatus(status), "exit 0");
  EXPECT_EQ(Field(text, "SigBlk"), "00000000") << "SIGTERM stays blocked in pppd";
  EXPECT_EQ(Field(text, "SigIgn"), "00000000") << "SIGPIPE stays ignored in slirp";
  EXPECT_EQ(Field(text, "SigCgt"), "00000000");
}

TEST_F(SpawnTest, DescriptorsAboveStderrAreClosed) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC: fork+exec would pass it on
  ASSERT_GE(leaked, 3);
  const std::string fd = std::to_string(leaked);
  const auto [status, text] = Capture({"/bin/sh", "-c", "[ -e /proc/self/fd/" + fd + " ]"});
  ::close(leaked);
  EXPECT_EQ(DescribeWaitStatus(status), "exit 1") << "descriptor " << fd << " reached the child";
}

TEST_F(SpawnTest, RedirectsApplyInOrder) {
  SpawnOptions options;
  options.redirects = {Null(0)};
  const auto [status, text] = Capture({"/bin/sh", "-c", "echo out; cat"}, options);
  EXPECT_EQ(DescribeWaitStatus(status), "exit 0");
  EXPECT_EQ(text, "out\n");  // stdin is /dev/null: cat ends at once
}

TEST_F(SpawnTest, EnvironmentEntriesReplaceOurs) {
  ::setenv("UCLINK_SPAWN_TEST", "parent", 1);
  SpawnOptions options;
  options.environment = {"UCLINK_SPAWN_TEST=child", "HOME=/nonexistent-home"};
  const auto [status, text] = Capture({"/bin/sh", "-c", "echo $UCLINK_SPAWN_TEST $HOME"}, options);
  EXPECT_EQ(text, "child /nonexistent-home\n");
  ::unsetenv("UCLINK_SPAWN_TEST");
}

TEST_F(SpawnTest, SearchPathFindsAProgramByName) {
  SpawnOptions options;
  options.search_path = true;
  const auto [status, text] = Capture({"echo", "found"}, options);
  EXPECT_EQ(text, "found\n");
}

TEST_F(SpawnTest, MissingProgramIsAnErrorNotAChild) {
  const Spawned child = Spawn({"/nonexistent/program"});
  EXPECT_FALSE(child);
  EXPECT_EQ(child.error, std::errc::no_such_file_or_directory);
  EXPECT_FALSE(Spawn({}));
}

TEST(ExitStatusTest, DescribesExitsAndSignals) {
  EXPECT_EQ(DescribeWaitStatus(0), "exit 0");
  EXPECT_EQ(DescribeWaitStatus(127 << 8), "exit 127");
  EXPECT_EQ(DescribeWaitStatus(SIGTERM), "signal 15 (SIGTERM)");
  EXPECT_EQ(DescribeWaitStatus(SIGKILL), "signal 9 (SIGKILL)");
  EXPECT_EQ(SignalName(SIGHUP), "SIGHUP");
}

TEST(ExitStatusTest, DescribesAProcessByItsCommandLine) {
  const std::string self = DescribeProcess(::getpid(), ::getuid());
  EXPECT_NE(self.find("pid " + std::to_string(::getpid())), std::string::npos) << self;
  EXPECT_NE(self.find("spawn_test"), std::string::npos) << self;
  EXPECT_NE(DescribeProcess(0, 0).find("the kernel"), std::string::npos);
}

}  // namespace
}  // namespace uclink::process
