// A wedged module (docs/simulator.md, `wedge`: the firmware answers nothing until its power is
// cycled) against uclinkd's recovery ladder (docs/state-machine.md, "Recovery ladder"): with a
// reset_command the ladder reaches the power cycle and the link comes back; without one uclinkd
// keeps trying with back-off and says why. Private network namespace, private state directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class WedgeScenarioTest : public RigScenarioTest {
 protected:
  void Start(bool with_reset_command) {
    rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig());
    if (with_reset_command) AddSimPowerCycleResetCommand(*rig_);
    ASSERT_TRUE(rig_->StartSim({"--fast"})) << rig_->SimLog();
    ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
    events_ = std::make_unique<EventStream>(rig_->socket_path(), rig_.get());
    ASSERT_TRUE(events_->open());
    ASSERT_EQ(rig_->Call("connect").value("ok", false), true);
    ASSERT_TRUE(events_->WaitForState("online", 30s)) << rig_->Casualty();
  }
};

TEST_F(WedgeScenarioTest, WedgedModuleIsPowerCycledAndComesBackOnline) {
  Start(/*with_reset_command=*/true);
  const auto wedged_at = Clock::now();
  ASSERT_EQ(rig_->SimControl("wedge"), "OK");
  const auto reset = events_->WaitFor(
      [](const nlohmann::json& e) {
        return e.value("event", "") == "reset" && e["data"].value("phase", "") == "done";
      },
      60s);
  ASSERT_TRUE(reset.has_value()) << rig_->Casualty();
  EXPECT_EQ((*reset)["data"].value("ok", false), true) << reset->dump();
  ASSERT_TRUE(events_->WaitForState("online", 60s)) << rig_->Casualty();
  const double seconds = std::chrono::duration<double>(Clock::now() - wedged_at).count();
  RecordProperty("wedge_to_online_s", std::to_string(seconds));
  std::printf("wedge → online through a power cycle: %.1f s\n", seconds);
  EXPECT_EQ(rig_->SimStatusField("wedged"), "0");
  const nlohmann::json status = rig_->Status();
  EXPECT_EQ(status["recovery"]["resets_last_hour"], 1);
  EXPECT_EQ(status["recovery"]["power_cycles"], 1);
  EXPECT_EQ(status["recovery"]["reconnects"], 1);
  EXPECT_EQ(status["recovery"]["last_reset_result"], "exit 0");
  EXPECT_TRUE(status["recovery"]["last_reset"].is_string());
  EXPECT_THAT(rig_->DaemonLog(), HasSubstr("power-cycling the module"));
  EXPECT_THAT(rig_->DaemonLog(), HasSubstr("uclink-sim: OK"));  // the command's output, logged
}

TEST_F(WedgeScenarioTest, WithoutResetCommandAWedgedModuleIsRetriedAndStatusSaysWhy) {
  Start(/*with_reset_command=*/false);
  ASSERT_EQ(rig_->SimControl("wedge"), "OK");
  // Each attempt is about 16 s (the probe's silent tries, each followed by the AT engine's own
  // resync): three show the rhythm; the count itself is TransientFailuresAreRetriedForEver's.
  for (int failures = 0; failures < 3; ++failures) {
    const auto event = events_->WaitFor(
        [](const nlohmann::json& e) {
          return IsError(e, "module-not-responding") || EntersState(e, "failed");
        },
        30s);
    ASSERT_TRUE(event.has_value()) << "after " << failures << " failures; " << rig_->Casualty();
    ASSERT_FALSE(EntersState(*event, "failed")) << event->dump();
    ASSERT_TRUE(events_->WaitForState("backoff", 10s)) << "after failure " << failures + 1;
  }
  const nlohmann::json status = rig_->Status();
  EXPECT_NE(status["state"], "failed");
  EXPECT_GE(status["recovery"]["consecutive_failures"].get<int>(), 3);
  EXPECT_EQ(status["last_error"]["code"], "module-not-responding");
  EXPECT_TRUE(status["recovery"]["failures_until_reset"].is_null());
  const auto [code, text] = rig_->Uclink({"status"});
  EXPECT_THAT(text, HasSubstr("module-not-responding"));
  // The counters are on disk, in the rig's private state directory.
  const std::string state =
      std::filesystem::path(rig_->config_path()).parent_path().string() + "/state/recovery.json";
  std::ifstream file(state);
  const nlohmann::json saved = nlohmann::json::parse(file, nullptr, false);
  ASSERT_TRUE(saved.is_object()) << state;
  EXPECT_EQ(saved["schema"], 1);
  EXPECT_GE(saved["consecutive_failures"].get<int>(), 3);
}

// Dozens of transient failures in a row (the module refuses the attach 24 times: 1-2 s apart
// with this configuration's back-off) never reach `failed` — not at the deprecated fail_after
// (8 here), not later — and the link comes up once the network accepts the attach.
TEST_F(WedgeScenarioTest, TransientFailuresAreRetriedForEverWithBackoff) {
  rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig());
  ASSERT_TRUE(rig_->StartSim({"--fast", "--attach-fail", "24"})) << rig_->SimLog();
  ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
  events_ = std::make_unique<EventStream>(rig_->socket_path(), rig_.get());
  ASSERT_TRUE(events_->open());
  ASSERT_EQ(rig_->Call("connect").value("ok", false), true);
  int failures = 0;
  while (true) {
    const auto event = events_->WaitFor(
        [](const nlohmann::json& e) {
          return IsError(e, "attach-failed") || EntersState(e, "failed") ||
                 EntersState(e, "online");
        },
        30s);
    ASSERT_TRUE(event.has_value()) << "after " << failures << " failures; " << rig_->Casualty();
    ASSERT_FALSE(EntersState(*event, "failed")) << "after " << failures << ": " << event->dump();
    if (EntersState(*event, "online")) break;
    ASSERT_LT(++failures, 25) << "the simulator refuses 24 attaches, not more";
  }
  EXPECT_EQ(failures, 24);
  // The count stays until the link has been up for backoff.reset_after_s (docs/state-machine.md).
  EXPECT_GE(rig_->Status()["recovery"]["consecutive_failures"].get<int>(), 24);
}

// A state directory that cannot be written (a read-only /var; here a regular file where the
// directory goes, which stops root too) is a warning per write: the daemon starts, the ladder
// counts from memory, and the link comes up (docs/state.md).
TEST_F(WedgeScenarioTest, AnUnwritableStateDirectoryIsAWarningAndTheLadderGoesOn) {
  rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig());
  std::ofstream(rig_->state_dir()) << "not a directory\n";
  ASSERT_TRUE(rig_->StartSim({"--fast", "--attach-fail", "2"})) << rig_->SimLog();
  ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
  events_ = std::make_unique<EventStream>(rig_->socket_path(), rig_.get());
  ASSERT_TRUE(events_->open());
  ASSERT_EQ(rig_->Call("connect").value("ok", false), true);
  ASSERT_TRUE(events_->WaitForState("online", 30s)) << rig_->Casualty();
  EXPECT_GE(rig_->Status()["recovery"]["consecutive_failures"].get<int>(), 2);
  EXPECT_THAT(rig_->DaemonLog(), HasSubstr("the ladder goes on from memory"));
  EXPECT_TRUE(std::filesystem::is_regular_file(rig_->state_dir()));
}

}  // namespace
}  // namespace uclink::control::testing
