// The monitor events as types (control/api/events.h): every kind reads back from its own JSON
// into the same value, and what a client cannot read as a known kind is said to be unknown, not
// guessed at. The bytes themselves are the golden files' business (wire_golden_test.cc).
#include <gtest/gtest.h>

#include <set>

#include "control/api/events.h"

namespace uclink::control::api {
namespace {

using nlohmann::json;

std::vector<MonitorEvent> OneOfEachKind() {
  return {
      StateChanged{State::kDialing, State::kNegotiatingPpp, "CONNECT"},
      RegistrationChanged{5, "3342", "7A1"},
      RegistrationChanged{2, std::nullopt, std::nullopt},
      SignalChanged::FromCsq(21, 99),
      SignalChanged::FromCsq(99, 99),
      LinkChanged{true, "uclink0", "10.0.2.15", "10.0.2.2", {"10.0.2.3"}, 1500},
      LinkChanged{false, "", "", "", {}, 0},
      ErrorRecorded{"no-carrier", "NO CARRIER"},
      ProbeReport{"tcp:10.0.2.2:80", false, 2, "connect: Connection refused"},
      ProbeReport{"tcp:10.0.2.2:80", true, 0, std::nullopt},
      RungReached{"radio-cycle", 3},
      ResetStarted{{"gpioset", "gpiochip0", "17=0"}, 2, 6},
      EscalateStarted{{"systemctl", "reboot"}, 3},
      CommandFinished{false, true, "exit 0"},
      CommandFinished{true, false, "timeout after 30 s (killed)"},
      Ipv6Changed{Ipv6Info{"fe80::11", "fe80::1", {{"2001:db8:1::11", 64}}, {"2001:db8::53"}},
                  {"2001:db8:1::11/64"},
                  {}},
      Ipv6Changed{std::nullopt, {}, {"2001:db8:1::11/64"}},
      ApnCandidatesFound{{{"ctnet", "auto: China Telecom"}, {"cmnet", "remembered"}}, ""},
      ApnCandidatesFound{{}, "no provider file"},
      ApnRefused{"ctnet", "+CME ERROR: 133", "ctlte"},
      SliceCompleted{4, 2250.5},
      UsageCapReached{false, "460001111111111", 921600, 1048576, "2027-02-01T00:00:00Z", "warn"},
      UsageCapReached{true, "460001111111111", 1127424, 1048576, "2027-02-01T00:00:00Z",
                      "disconnect"},
      ReloadDone{true, {}},
      ReloadDone{false, {"uclink.toml:3: network.apn: must be text"}},
  };
}

TEST(MonitorEvents, EveryKindReadsBackFromItsOwnJson) {
  for (const MonitorEvent& event : OneOfEachKind()) {
    const Event line = ToEvent(event, "2026-11-27T14:05:00Z");
    SCOPED_TRACE(EncodeEvent(line));
    const std::optional<MonitorEvent> back = MonitorEventFromJson(line.name, line.data);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->index(), event.index());
    EXPECT_STREQ(EventName(*back), EventName(event));
    EXPECT_EQ(ToJson(*back).dump(), line.data.dump());
  }
}

TEST(MonitorEvents, TheLineCarriesTheNameTheTimeAndTheData) {
  const Event line = ToEvent(ErrorRecorded{"no-carrier", "NO CARRIER"}, "2026-11-27T14:05:00Z");
  EXPECT_EQ(EncodeEvent(line),
            "{\"data\":{\"code\":\"no-carrier\",\"message\":\"NO CARRIER\"},\"event\":\"error\","
            "\"time\":\"2026-11-27T14:05:00Z\"}\n");
}

TEST(MonitorEvents, UnknownKindsAndMisshapenDataAreNotGuessedAt) {
  EXPECT_FALSE(MonitorEventFromJson("at", json::object()));
  EXPECT_FALSE(MonitorEventFromJson("state", json::array()));
  EXPECT_FALSE(MonitorEventFromJson("state", {{"from", "idle"}, {"to", "teleporting"}}));
  EXPECT_FALSE(MonitorEventFromJson("state", {{"from", "idle"}, {"to", 7}}));
  EXPECT_FALSE(MonitorEventFromJson("registration", {{"stat", "1"}}));
  EXPECT_FALSE(MonitorEventFromJson("reset", {{"phase", "halfway"}}));
}

TEST(States, EveryStateHasOneWireNameThatReadsBack) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(State::kFailed); ++i) {
    const State state = static_cast<State>(i);
    const std::string name = ToString(state);
    EXPECT_NE(name, "?");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(StateFromString(name), state);
  }
  EXPECT_EQ(StateFromString("Online"), std::nullopt);
  EXPECT_TRUE(IsOnline(State::kOnlineInband));
  EXPECT_FALSE(IsOnline(State::kNegotiatingPpp));
}

}  // namespace
}  // namespace uclink::control::api
