// ResetRunner (control/daemon/reset_runner.h): the daemon's way to run recovery.reset_command
// and escalate_command. Bad commands — missing, failing, hanging, printing megabytes — each end
// with a clear status, bounded in time and memory, and the loop is never blocked.
#include "control/daemon/reset_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Runs `argv` on a fresh io_context; the result, or nullopt if none came within 20 s.
std::optional<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  ResetRunner runner(io);
  std::optional<CommandResult> result;
  runner.Run(argv, timeout, [&](const CommandResult& r) {
    result = r;
    io.stop();
  });
  io.run_for(20s);
  return result;
}

TEST(ResetRunnerTest, ExitZeroIsOkWithItsOutput) {
  const auto r = RunCommand({"sh", "-c", "echo powered off; echo powered on >&2"}, 5s);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->status, "exit 0");
  EXPECT_EQ(r->output, "powered off\npowered on\n");
}

TEST(ResetRunnerTest, NonZeroExitIsAFailureWithTheStatus) {
  const auto r = RunCommand({"sh", "-c", "exit 3"}, 5s);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->status, "exit 3");
}

TEST(ResetRunnerTest, AMissingCommandSaysSo) {
  const auto r = RunCommand({"/nonexistent/uc8088-power-cycle"}, 5s);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_THAT(r->status, HasSubstr("cannot start /nonexistent/uc8088-power-cycle"));
  EXPECT_THAT(r->status, HasSubstr("No such file"));
}

TEST(ResetRunnerTest, AHangingCommandIsKilledAtItsTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = RunCommand({"sleep", "60"}, 300ms);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_THAT(r->status, HasSubstr("timeout after 300 ms (killed: signal 9 (SIGKILL))"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(ResetRunnerTest, MegabytesOfOutputKeepOnlyTheFirstFourKiB) {
  const auto r = RunCommand({"sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' x"}, 10s);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok) << r->status;
  EXPECT_EQ(r->output.size(), ResetRunner::kOutputLimit);
  EXPECT_EQ(r->output_bytes, 5000000u);
}

// The exit and the last output arrive in the same wake-up when the command has finished before
// the loop looks: every byte it wrote is still counted, once. (A drain beside the pending read
// once lost the 4 KiB that read had taken.)
TEST(ResetRunnerTest, OutputStillInThePipeAtTheExitIsCountedOnce) {
  boost::asio::io_context io;
  ResetRunner runner(io);
  std::optional<CommandResult> result;
  runner.Run({"sh", "-c", "head -c 20000 /dev/zero | tr '\\0' y"}, 10s,
             [&](const CommandResult& r) {
               result = r;
               io.stop();
             });
  siginfo_t info{};  // wait until the command is a zombie, without reaping it
  ASSERT_EQ(::waitid(P_ALL, 0, &info, WEXITED | WNOWAIT), 0);
  io.run_for(20s);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->ok) << result->status;
  EXPECT_EQ(result->output_bytes, 20000u);
  EXPECT_EQ(result->output, std::string(ResetRunner::kOutputLimit, 'y'));
}

}  // namespace
}  // namespace uclink::control
