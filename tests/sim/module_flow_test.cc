// Flow control between the in-band services and the serial line: URCs that arrive while a
// command is in flight wait, sources are told to pause above Module::kUrcHighWater and resumed
// once the backlog drains, and nothing is dropped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/service_router.h"
#include "tests/sim/module_harness.h"

namespace uclink::sim::testing {
namespace {

using std::chrono::milliseconds;

// Service commands stay in flight until the test finishes them (like AT+HTTPACTION waiting for
// a slow server).
class PendingServices : public ServiceRouter {
 public:
  bool Handles(const SimCommand&) const override { return true; }
  void Execute(const SimCommand&) override {}
  void Reset() override {}
};

class ModuleFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.module().SetServices(&services_);
    h_.Command("ATE0");
  }
  void StartSlowCommand() { h_.Send("AT+HTTPACTION=0\r"); }
  void FinishSlowCommand() {
    h_.module().Ok();
    h_.Settle();
  }
  void FillWhileBusy(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) h_.module().Urc("+IPRECV=\"TCP\", 1, " + Digit(i));
  }
  static std::string Digit(std::size_t i) {
    return std::string(1, static_cast<char>('0' + i % 10));
  }
  ModuleHarness h_;
  PendingServices services_;
};

TEST_F(ModuleFlowTest, BacklogIsNotFullUpToTheHighWater) {
  StartSlowCommand();
  FillWhileBusy(Module::kUrcHighWater);
  EXPECT_FALSE(h_.module().UrcBacklogFull());
  FillWhileBusy(1);
  EXPECT_TRUE(h_.module().UrcBacklogFull());
}

TEST_F(ModuleFlowTest, ASourceResumesOnlyAfterTheBacklogDrains) {
  StartSlowCommand();
  FillWhileBusy(Module::kUrcHighWater + 10);
  int resumed = 0;
  h_.module().WhenUrcsDrain([&resumed] { ++resumed; });
  EXPECT_EQ(resumed, 0);
  FinishSlowCommand();  // the final result, then the backlog goes out
  EXPECT_EQ(resumed, 1);
  EXPECT_FALSE(h_.module().UrcBacklogFull());
}

TEST_F(ModuleFlowTest, ASourceResumesAtOnceWhenTheLineIsNotBehind) {
  int resumed = 0;
  h_.module().WhenUrcsDrain([&resumed] { ++resumed; });
  EXPECT_EQ(resumed, 1);
}

TEST_F(ModuleFlowTest, EveryUrcAboveTheHighWaterIsKeptInOrder) {
  StartSlowCommand();
  const std::size_t count = Module::kUrcHighWater * 4;
  FillWhileBusy(count);
  h_.TakeSerial();
  FinishSlowCommand();
  std::vector<std::string> lines = SplitLines(h_.TakeSerial());
  ASSERT_EQ(lines.size(), count + 1);  // OK, then every URC
  EXPECT_EQ(lines[0], "OK");
  for (std::size_t i = 0; i < count; ++i) {
    ASSERT_EQ(lines[i + 1], "+IPRECV=\"TCP\", 1, " + Digit(i)) << i;
  }
  EXPECT_NE(h_.Control("status").find(" urcs_lost=0"), std::string::npos);
}

TEST_F(ModuleFlowTest, AResumedSourceDoesNotOvertakeTheRestOfTheBacklog) {
  StartSlowCommand();
  FillWhileBusy(Module::kUrcHighWater + 10);
  // Resumed at the high water, while kUrcHighWater older URCs still wait for the line.
  h_.module().WhenUrcsDrain([this] { h_.module().Urc("+IPRECV=\"TCP\", 1, x"); });
  FinishSlowCommand();
  std::vector<std::string> lines = SplitLines(h_.TakeSerial());
  ASSERT_EQ(lines.size(), Module::kUrcHighWater + 12);
  EXPECT_EQ(lines.back(), "+IPRECV=\"TCP\", 1, x");
}

TEST_F(ModuleFlowTest, OnlyTheHardBoundCountsLostUrcsAndStatusReportsThem) {
  StartSlowCommand();
  FillWhileBusy(Module::kMaxBacklog + 3);  // a source that ignores UrcBacklogFull
  EXPECT_NE(h_.Control("status").find(" urcs_lost=3"), std::string::npos);
  EXPECT_EQ(h_.module().urcs_lost(), 3u);
}

}  // namespace
}  // namespace uclink::sim::testing
