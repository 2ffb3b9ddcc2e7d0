// The daemon's usage tracker (control/daemon/usage_tracker.h) with a real state directory: one
// ledger per SIM, kept when the SIM changes, and caps reported once.
#include "control/daemon/usage_tracker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <vector>

namespace uclink::control {
namespace {

namespace fs = std::filesystem;

class UsageTrackerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/uclink-tracker-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    config_.daemon.state_dir = dir_ + "/state";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<UsageTracker> Make() {
    UsageTracker::Hooks hooks;
    hooks.feed = [this](Event e) { fed_.push_back(std::move(e)); };
    hooks.publish = [this](api::MonitorEvent e) { published_.push_back(api::EventName(e)); };
    return std::make_unique<UsageTracker>(io_, config_, std::move(hooks));
  }

  template <typename T>
  int Fed() const {
    int n = 0;
    for (const Event& e : fed_) n += std::holds_alternative<T>(e);
    return n;
  }

  boost::asio::io_context io_;
  Config config_;
  std::string dir_;
  std::vector<Event> fed_;
  std::vector<std::string> published_;
};

TEST_F(UsageTrackerTest, ANewSimGetsANewLedgerAndTheOldOneIsKept) {
  auto tracker = Make();
  tracker->OnImsi("460001111111111");
  tracker->OnInbandUp();
  tracker->AddInbandBytes(700, 300);
  tracker->OnImsi("460002222222222");  // a SIM swap
  EXPECT_EQ(tracker->Document()["imsi"], "460002222222222");
  EXPECT_EQ(tracker->Document()["period"]["rx_bytes"], 0u);
  EXPECT_TRUE(fs::exists(config_.daemon.state_dir + "/usage-460001111111111.json"));
  tracker->OnImsi("460001111111111");  // the first SIM comes back
  EXPECT_EQ(tracker->Document()["period"]["rx_bytes"], 700u);
  EXPECT_EQ(tracker->Document()["period"]["tx_bytes"], 300u);
}

TEST_F(UsageTrackerTest, WarningAndLimitArePublishedOnceAndTheManagerIsTold) {
  config_.usage.limit_mb = 1;
  config_.usage.on_limit = OnLimit::kDisconnect;
  auto tracker = Make();
  tracker->OnImsi("460001111111111");
  tracker->OnInbandUp();
  tracker->AddInbandBytes(900 * 1024, 0);
  tracker->AddInbandBytes(1024, 0);
  EXPECT_EQ(published_, std::vector<std::string>{"usage-warning"});
  tracker->AddInbandBytes(200 * 1024, 0);
  tracker->AddInbandBytes(1024, 0);
  EXPECT_EQ(published_, (std::vector<std::string>{"usage-warning", "usage-limit"}));
  EXPECT_EQ(Fed<ev::UsageLimitReached>(), 1);
}

TEST_F(UsageTrackerTest, ALimitReachedBeforeARestartStillHolds) {
  config_.usage.limit_mb = 1;
  config_.usage.on_limit = OnLimit::kDisconnect;
  {
    auto tracker = Make();
    tracker->OnImsi("460001111111111");
    tracker->OnInbandUp();
    tracker->AddInbandBytes(2 * 1024 * 1024, 0);
    tracker->Shutdown();
  }
  fed_.clear();
  published_.clear();
  auto tracker = Make();
  tracker->OnImsi("460001111111111");
  EXPECT_EQ(Fed<ev::UsageLimitReached>(), 1);
  EXPECT_TRUE(published_.empty());  // the events went out before the restart
}

TEST_F(UsageTrackerTest, AnImsiThatIsNoDigitStringIsCountedButNeverAFileName) {
  auto tracker = Make();
  tracker->OnImsi("../../etc/passwd");
  tracker->OnInbandUp();
  tracker->AddInbandBytes(10, 0);
  tracker->Shutdown();
  EXPECT_EQ(tracker->Document()["period"]["rx_bytes"], 10u);
  EXPECT_FALSE(fs::exists(config_.daemon.state_dir));
}

}  // namespace
}  // namespace uclink::control
