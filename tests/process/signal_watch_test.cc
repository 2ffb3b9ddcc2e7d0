// SignalWatch: a signal arrives on the io_context with its sender; and a child stopped right
// after it was started never makes its parent believe it was signalled itself.
#include "process/signal_watch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "process/exit_status.h"
#include "process/spawn.h"

namespace uclink::process {
namespace {

TEST(SignalWatchTest, DeliversTheSignalWithItsSender) {
  boost::asio::io_context io;
  SignalWatch watch(io, {SIGUSR2});
  ASSERT_FALSE(watch.error()) << watch.error().message();
  std::optional<SignalInfo> got;
  watch.Watch([&](const SignalInfo& info) { got = info; });
  ASSERT_EQ(::kill(::getpid(), SIGUSR2), 0);
  io.run_one();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->number, SIGUSR2);
  EXPECT_EQ(got->sender_pid, ::getpid());
  EXPECT_EQ(got->description.rfind("SIGUSR2 from pid " + std::to_string(::getpid()), 0), 0U)
      << got->description;
  EXPECT_NE(got->description.find("signal_watch_test"), std::string::npos) << got->description;
}

TEST(SignalWatchTest, CancelledWatchDeliversNothing) {
  boost::asio::io_context io;
  SignalWatch watch(io, {SIGUSR2});
  int calls = 0;
  watch.Watch([&](const SignalInfo&) { ++calls; });
  watch.Cancel();
  ::kill(::getpid(), SIGUSR2);  // stays pending (blocked); consumed below so it cannot leak
  io.poll();
  EXPECT_EQ(calls, 0);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  timespec zero{};
  EXPECT_EQ(::sigtimedwait(&set, nullptr, &zero), SIGUSR2);
}

// The simulator used to vanish when it stopped its PPP peer right after starting it: the child,
// between fork() and exec(), ran the parent's signal handler, which wrote to the self-pipe both
// shared. Start and stop a child at once, many times, with SIGTERM watched in the parent: every
// SIGTERM must end the child, none may reach the parent.
TEST(SignalWatchTest, TermSentToAChildRightAfterStartNeverReachesTheParent) {
  boost::asio::io_context io;
  SignalWatch watch(io, {SIGTERM, SIGINT});
  ASSERT_FALSE(watch.error());
  std::optional<SignalInfo> parent_got;
  watch.Watch([&](const SignalInfo& info) { parent_got = info; });
  constexpr int kRounds = 300;
  for (int i = 0; i < kRounds; ++i) {
    const Spawned child = Spawn({"/bin/sleep", "10"});
    ASSERT_TRUE(child) << child.error.message();
    ASSERT_EQ(::kill(child.pid, SIGTERM), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child.pid, &status, 0), child.pid);
    ASSERT_EQ(DescribeWaitStatus(status), "signal 15 (SIGTERM)") << "round " << i;
    io.poll();
    ASSERT_FALSE(parent_got.has_value()) << "round " << i << ": " << parent_got->description;
  }
}

}  // namespace
}  // namespace uclink::process
