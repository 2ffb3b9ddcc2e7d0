// Control commands and TOML scenario files.
#include "sim/scenario.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "sim/errors.h"
#include "sim/scenario_toml.h"

namespace uclink::sim {
namespace {

using Kind = ControlCommand::Kind;

TEST(ControlCommandTest, ParsesCommandsWithArguments) {
  std::error_code error;
  std::optional<ControlCommand> chunk = ParseControlCommand("chunk 4 25\n", error);
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->kind, Kind::kChunk);
  EXPECT_EQ(chunk->value, 4);
  EXPECT_EQ(chunk->value2, 25);
  std::optional<ControlCommand> refuse = ParseControlCommand("refuse-cgdata on", error);
  ASSERT_TRUE(refuse.has_value());
  EXPECT_EQ(refuse->value, 1);
}

TEST(ControlCommandTest, UnknownWordIsUnknownControl) {
  std::error_code error;
  EXPECT_FALSE(ParseControlCommand("explode", error).has_value());
  EXPECT_EQ(error, Errc::kUnknownControl);
}

TEST(ControlCommandTest, MissingOrOutOfRangeArgumentsAreRejected) {
  std::error_code error;
  EXPECT_FALSE(ParseControlCommand("garbage", error).has_value());
  EXPECT_EQ(error, Errc::kBadControlArgument);
  EXPECT_FALSE(ParseControlCommand("register 9", error).has_value());
  EXPECT_FALSE(ParseControlCommand("garbage 99999999999", error).has_value());
  EXPECT_FALSE(ParseControlCommand("refuse-cgdata maybe", error).has_value());
  EXPECT_FALSE(ParseControlCommand("csq -1", error).has_value());
}

TEST(ControlCommandTest, EveryKindHasAName) {
  // A control command is named by the word that asks for it on the control socket.
  EXPECT_EQ(ToString(Kind::kSilentPpp), "silent-ppp");
  EXPECT_EQ(ToString(Kind::kBlackhole), "blackhole");
  EXPECT_EQ(ToString(Kind::kPowerCycle), "power-cycle");
  std::error_code error;
  EXPECT_EQ(ParseControlCommand(std::string(ToString(Kind::kWedge)), error)->kind, Kind::kWedge);
  EXPECT_EQ(ToString(Errc::kPtyFailed), "pty-failed");
  EXPECT_EQ(ToString(ErrorKind::kExt), "ext");
  EXPECT_EQ(CmeText(107), "GPRS service not allowed");
  EXPECT_EQ(ExtText(15), "no set device function(at+cfun=1)");
}

TEST(ScenarioTomlTest, OverlaysEverySection) {
  Scenario scenario;
  ApplyScenarioToml(R"(
[module]
imei = "111111111111111"
echo = false
cmee = 2
[network]
csq = 9
registration = [ { stat = 2, after_ms = 100 }, { stat = 5, after_ms = 900 } ]
selectable = ["46001"]
[faults]
attach_fail = 2
chunk_size = 8
chunk_gap_ms = 5
[behaviour]
fast = true
escape = true
[[timeline]]
at_ms = 3000
command = "drop"
)",
                    scenario);
  EXPECT_EQ(scenario.imei, "111111111111111");
  EXPECT_FALSE(scenario.echo);
  EXPECT_EQ(scenario.cmee, 2);
  EXPECT_EQ(scenario.rssi, 9);
  ASSERT_EQ(scenario.registration.size(), 2u);
  EXPECT_EQ(scenario.registration[1].stat, 5);
  EXPECT_EQ(scenario.registration[1].after, Millis{900});
  EXPECT_EQ(scenario.selectable, std::vector<std::string>{"46001"});
  EXPECT_EQ(scenario.attach_fail, 2);
  EXPECT_EQ(scenario.chunk_size, 8u);
  EXPECT_TRUE(scenario.fast);
  EXPECT_TRUE(scenario.escape);
  ASSERT_EQ(scenario.timeline.size(), 1u);
  EXPECT_EQ(scenario.timeline[0].at, Millis{3000});
}

TEST(ScenarioTomlTest, AnUnknownTimelineCommandIsRejected) {
  Scenario scenario;
  EXPECT_THROW(ApplyScenarioToml("[[timeline]]\nat_ms = 1\ncommand = \"explode\"\n", scenario),
               std::runtime_error);
}

TEST(ScenarioTomlTest, AWrongTypeNamesTheKey) {
  Scenario scenario;
  try {
    ApplyScenarioToml("[network]\ncsq = \"strong\"\n", scenario);
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("csq"), std::string::npos);
  }
}

TEST(ScenarioTomlTest, SyntaxErrorsThrow) {
  Scenario scenario;
  EXPECT_THROW(ApplyScenarioToml("[network\n", scenario), std::runtime_error);
}

}  // namespace
}  // namespace uclink::sim
