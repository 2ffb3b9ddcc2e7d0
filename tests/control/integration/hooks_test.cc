// Dispatcher hooks with real scripts (control/daemon/hooks.h; docs/system-integration.md,
// "Dispatcher hooks"): name order, one at a time, the UCLINK_* environment, the timeout kill by
// pid, NetworkManager-dispatcher's ownership and mode rule, and every kind of bad directory.
#include "control/daemon/hooks.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace uclink::control {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = fs::path(tmp ? tmp : "/tmp") /
            ("hooks-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    dir_ = root_ / "dispatcher.d";
    fs::create_directories(dir_);
    record_ = (root_ / "record").string();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
    spdlog::set_level(spdlog::level::debug);
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_);
    fs::remove_all(root_);
  }

  // A root-owned hook, mode 0755 unless told otherwise.
  fs::path Hook(const std::string& name, const std::string& body, mode_t mode = 0755) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string Recorder(const std::string& tag) {
    return "echo \"" + tag + " $UCLINK_EVENT $1\" >> " + record_;
  }
  std::string Record() const {
    std::ifstream in(record_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Dispatches `events` and runs the loop until the queue is empty (bounded).
  bool RunEvents(HookRunner& runner, const std::vector<HookEvent>& events,
                 std::chrono::seconds bound = 20s) {
    runner.set_on_idle([this] { io_.stop(); });
    for (HookEvent event : events) {
      HookContext context;
      context.state = "online";
      runner.Dispatch(event, HookEnvironment(event, context));
    }
    io_.restart();
    io_.run_for(bound);
    return runner.idle();
  }

  boost::asio::io_context io_;
  fs::path root_, dir_;
  std::string record_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(HooksTest, RunInNameOrderOneAtATimePerEventInTheOrderTheEventsCame) {
  Hook("20-second", Recorder("second"));
  // The first hook takes a while: the second must not start before it ends.
  Hook("10-first", "echo 'first-start' >> " + record_ + "; sleep 0.3; " + Recorder("first"));
  Hook("30-third", Recorder("third"));
  HookRunner runner(io_, dir_.string(), 10s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kUp, HookEvent::kDown}));
  EXPECT_EQ(Record(),
            "first-start\nfirst up up\nsecond up up\nthird up up\n"
            "first-start\nfirst down down\nsecond down down\nthird down down\n");
}

TEST_F(HooksTest, EveryHookGetsTheWholeEnvironment) {
  Hook("10-env", "env | grep '^UCLINK_' | sort > " + record_);
  HookRunner runner(io_, dir_.string(), 10s);
  runner.set_on_idle([this] { io_.stop(); });
  HookContext context{"online",
                      "ppp",
                      "uclink0",
                      "10.0.0.2",
                      "10.0.0.1",
                      {"10.64.0.53", "10.64.0.54"},
                      "ppp-failed: LCP timeout"};
  runner.Dispatch(HookEvent::kUsageLimit, HookEnvironment(HookEvent::kUsageLimit, context));
  io_.run_for(20s);
  EXPECT_EQ(Record(),
            "UCLINK_ADDRESS=10.0.0.2\n"
            "UCLINK_DNS=10.64.0.53 10.64.0.54\n"
            "UCLINK_EVENT=usage-limit\n"
            "UCLINK_INTERFACE=uclink0\n"
            "UCLINK_LAST_ERROR=ppp-failed: LCP timeout\n"
            "UCLINK_MODE=ppp\n"
            "UCLINK_PEER=10.0.0.1\n"
            "UCLINK_STATE=online\n");
}

TEST_F(HooksTest, AHookPastItsTimeoutIsKilledAndTheNextOneRuns) {
  Hook("10-hangs", "echo 'going to sleep'; exec sleep 600");
  Hook("20-after", Recorder("after"));
  HookRunner runner(io_, dir_.string(), 1s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kUp}));
  EXPECT_EQ(Record(), "after up up\n");
  EXPECT_NE(log_.str().find("10-hangs (up) still running after 1 s: killing pid"),
            std::string::npos)
      << log_.str();
  EXPECT_NE(log_.str().find("signal 9 (SIGKILL)"), std::string::npos) << log_.str();
  EXPECT_NE(log_.str().find("going to sleep"), std::string::npos) << log_.str();
}

TEST_F(HooksTest, ASlowHookNeverBlocksTheLoop) {
  Hook("10-slow", "sleep 1; " + Recorder("slow"));
  HookRunner runner(io_, dir_.string(), 10s);
  bool timer_fired_while_hook_ran = false;
  boost::asio::steady_timer timer(io_, 50ms);
  timer.async_wait([&](boost::system::error_code) {
    timer_fired_while_hook_ran = !runner.idle() && Record().empty();
  });
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kState}));
  EXPECT_TRUE(timer_fired_while_hook_ran);
  EXPECT_EQ(Record(), "slow state state\n");
}

TEST_F(HooksTest, InsecureFilesAreSkippedWithAWarning) {
  Hook("10-group-writable", Recorder("group"), 0775);
  Hook("20-world-writable", Recorder("world"), 0757);
  const fs::path foreign = Hook("30-not-root", Recorder("foreign"));
  ASSERT_EQ(::chown(foreign.c_str(), 65534, 65534), 0) << "the test runs as root";
  Hook("40-fine", Recorder("fine"));
  HookRunner runner(io_, dir_.string(), 10s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kUp}));
  EXPECT_EQ(Record(), "fine up up\n");
  const std::string log = log_.str();
  EXPECT_NE(log.find("10-group-writable: writable by group or others: skipped"), std::string::npos)
      << log;
  EXPECT_NE(log.find("20-world-writable: writable by group or others: skipped"), std::string::npos);
  EXPECT_NE(log.find("30-not-root: not owned by root (uid 65534): skipped"), std::string::npos);
}

TEST_F(HooksTest, NonExecutablesDirectoriesLoopsAndLeftoversAreNotRun) {
  Hook("10-plain", Recorder("plain"), 0644);
  fs::create_directory(dir_ / "20-subdir");
  fs::create_symlink("30-loop-b", dir_ / "30-loop-a");
  fs::create_symlink("30-loop-a", dir_ / "30-loop-b");
  fs::create_symlink("/nonexistent/hook", dir_ / "35-dangling");
  Hook("40-backup~", Recorder("backup"));
  Hook(".50-hidden", Recorder("hidden"));
  Hook("60-fine", Recorder("fine"));
  const HookScan scan = ScanHooks(dir_.string());
  EXPECT_EQ(scan.programs, std::vector<std::string>{(dir_ / "60-fine").string()});
  EXPECT_EQ(scan.skipped,
            (std::vector<std::string>{"10-plain: not executable", "20-subdir: a directory",
                                      "30-loop-a: symlink loop", "30-loop-b: symlink loop",
                                      "35-dangling: No such file or directory"}));
  HookRunner runner(io_, dir_.string(), 10s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kDown}));
  EXPECT_EQ(Record(), "fine down down\n");
}

TEST_F(HooksTest, AMissingDirectoryIsSaidOnceAndNothingRuns) {
  HookRunner runner(io_, (root_ / "absent").string(), 10s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kUp, HookEvent::kState, HookEvent::kDown}));
  const std::string log = log_.str();
  const std::string line = "absent: No such file or directory; no hooks run";
  const auto first = log.find(line);
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("no hooks run", first + line.size()), std::string::npos)
      << "said once: " << log;
}

TEST_F(HooksTest, NamesAreNeverInterpretedByAShell) {
  Hook("10-a;touch pwned", Recorder("odd-name"));
  HookRunner runner(io_, dir_.string(), 10s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kReset}));
  EXPECT_EQ(Record(), "odd-name reset reset\n");
  EXPECT_FALSE(fs::exists(fs::current_path() / "pwned"));
  EXPECT_FALSE(fs::exists(dir_ / "pwned"));
}

TEST_F(HooksTest, OutputGoesToTheLogCutAtTheLimit) {
  Hook("10-chatty", "head -c 10000 /dev/zero | tr '\\0' x; echo; echo oops >&2; exit 3");
  HookRunner runner(io_, dir_.string(), 10s);
  ASSERT_TRUE(RunEvents(runner, {HookEvent::kUp}));
  const std::string log = log_.str();
  EXPECT_NE(log.find("10-chatty (up): exit 3: xxxx"), std::string::npos) << log.substr(0, 300);
  EXPECT_NE(log.find("more bytes not logged"), std::string::npos);
  EXPECT_EQ(log.find(std::string(HookRunner::kOutputLimit + 1, 'x')), std::string::npos);
}

}  // namespace
}  // namespace uclink::control
