// What `uclink status` and `uclink monitor` print for people (control/cli/client_commands.h):
// only what is known, recovery progress visible, every event a sentence rather than JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "control/cli/client_commands.h"

namespace uclink::control::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// The status document of an idle daemon that never reached the module (docs/control-api.md).
json IdleStatus() {
  return json::parse(R"({
    "schema": 1, "state": "idle", "mode": "none", "backend": null,
    "module": {"manufacturer": null, "model": null, "revision": null, "imei": null, "imsi": null},
    "registration": {"stat": null, "name": null, "lac": null, "ci": null, "age_s": null},
    "signal": {"csq": null, "rssi_dbm": null, "ber": null, "age_s": null},
    "interface": {"name": null, "address": null, "peer": null, "dns": null, "mtu": null},
    "since": "2026-11-27T14:05:00Z", "last_error": null, "attempt": null, "retry_in_s": null,
    "monitoring": {"escapes": 0, "last_escape_ms": null}
  })");
}

TEST(ClientFormatTest, IdleStatusIsOneLineNotAWallOfPlaceholders) {
  EXPECT_EQ(FormatStatus(IdleStatus()), "state:        idle since 2026-11-27T14:05:00Z\n");
}

TEST(ClientFormatTest, BackoffShowsTheAttemptAndTheTimeToTheNextOne) {
  json s = IdleStatus();
  s["state"] = "backoff";
  s["attempt"] = 2;
  s["retry_in_s"] = 11.6;
  s["last_error"] = {{"code", "no-carrier"}, {"message", "no carrier: NO CARRIER"}};
  const std::string text = FormatStatus(s);
  EXPECT_THAT(text, HasSubstr("attempt:      2 failed in a row; next attempt in 12 s\n"));
  EXPECT_THAT(text, HasSubstr("last error:   no-carrier\n"));
  EXPECT_THAT(text, Not(HasSubstr(" - ")));
}

TEST(ClientFormatTest, OnlineStatusShowsWhatIsKnown) {
  json s = IdleStatus();
  s["state"] = "online";
  s["mode"] = "ppp";
  s["backend"] = "userspace";
  s["module"]["manufacturer"] = "UNICORE";
  s["module"]["model"] = "UC8088";
  s["module"]["imei"] = "861234567890123";
  s["registration"] = {
      {"stat", 1}, {"name", "registered-home"}, {"lac", "3342"}, {"ci", "7EC3"}, {"age_s", 12.4}};
  s["signal"] = {{"csq", 21}, {"rssi_dbm", -71}, {"ber", nullptr}, {"age_s", 3.0}};
  s["interface"] = {{"name", "uclink0"},
                    {"address", "10.0.2.15"},
                    {"peer", "10.0.2.2"},
                    {"dns", json::array({"10.0.2.3"})},
                    {"mtu", 1500}};
  const std::string text = FormatStatus(s);
  EXPECT_THAT(text, HasSubstr("mode:         ppp via userspace\n"));
  EXPECT_THAT(text, HasSubstr("module:       UNICORE UC8088, imei 861234567890123\n"));
  EXPECT_THAT(text, HasSubstr("registration: registered-home, lac 3342, ci 7EC3 (12 s ago)\n"));
  EXPECT_THAT(text, HasSubstr("signal:       csq 21, -71 dBm (3 s ago)\n"));
  EXPECT_THAT(text, HasSubstr("interface:    uclink0 address 10.0.2.15 peer 10.0.2.2 dns 10.0.2.3 "
                              "mtu 1500\n"));
  EXPECT_THAT(text, Not(HasSubstr("attempt")));
}

TEST(ClientFormatTest, ApnAndItsSourceAreShown) {
  json s = IdleStatus();
  s["network"] = {{"apn", "ctlte"}, {"apn_source", "remembered"}};
  EXPECT_THAT(FormatStatus(s), HasSubstr("apn:          \"ctlte\" (remembered)\n"));
  s["network"] = {{"apn", ""}, {"apn_source", "config"}};
  EXPECT_THAT(FormatStatus(s), HasSubstr("apn:          module default (config)\n"));
  EXPECT_EQ(
      FormatEvent("apn", {{"refused", "ctnet"},
                          {"answer", "+CME ERROR: 133 (requested service option not subscribed)"},
                          {"next", "ctlte"}}),
      "apn \"ctnet\" refused (+CME ERROR: 133 (requested service option not subscribed)); "
      "next \"ctlte\"");
  EXPECT_EQ(
      FormatEvent("apn", {{"candidates", {{{"apn", "ctnet"}, {"source", "auto: China Telecom"}}}},
                          {"error", ""}}),
      "apn candidates: \"ctnet\" (auto: China Telecom)");
}

TEST(ClientFormatTest, AReloadSaysWhetherTheNewConfigurationTookAndWhyNot) {
  EXPECT_EQ(FormatEvent("reload", {{"ok", true}}),
            "configuration reloaded; it applies from the next attempt");
  EXPECT_EQ(FormatEvent("reload", {{"ok", false}, {"issues", {"a.toml:2: x", "a.toml:5: y"}}}),
            "reload refused, the running configuration stays: a.toml:2: x; a.toml:5: y");
}

TEST(ClientFormatTest, MonitorEventsAreSentencesNotJson) {
  EXPECT_EQ(
      FormatEvent("registration",
                  {{"stat", 1}, {"name", "registered-home"}, {"lac", "3342"}, {"ci", "7EC3"}}),
      "registration registered-home (stat 1), lac 3342, ci 7EC3");
  EXPECT_EQ(FormatEvent("signal", {{"csq", 21}, {"rssi_dbm", -71}, {"ber", nullptr}}),
            "signal csq 21, -71 dBm");
  EXPECT_EQ(FormatEvent("signal", {{"csq", nullptr}, {"rssi_dbm", nullptr}, {"ber", nullptr}}),
            "signal unknown (csq 99)");
  EXPECT_EQ(
      FormatEvent("ipv6", {{"up", true},
                           {"link_local", "fe80::11"},
                           {"peer_link_local", "fe80::1"},
                           {"addresses", {{{"address", "2001:db8:1::11"}, {"prefix_len", 64}}}},
                           {"dns", {"2001:db8::53"}}}),
      "ipv6: fe80::11 peer fe80::1 addresses 2001:db8:1::11/64 dns 2001:db8::53");
  EXPECT_EQ(FormatEvent("ipv6", {{"up", false}}), "ipv6 down");
  EXPECT_EQ(FormatEvent("link", {{"up", true},
                                 {"interface", "uclink0"},
                                 {"address", "10.0.2.15"},
                                 {"peer", "10.0.2.2"},
                                 {"dns", json::array({"10.0.2.3", "10.0.2.4"})},
                                 {"mtu", 1500}}),
            "link up: uclink0 address 10.0.2.15 peer 10.0.2.2 dns 10.0.2.3,10.0.2.4 mtu 1500");
  EXPECT_EQ(FormatEvent("state", {{"from", "online"},
                                  {"to", "hanging-up"},
                                  {"why", "no-carrier: no carrier: NO CARRIER"}}),
            "state online -> hanging-up (no-carrier)");
  EXPECT_EQ(FormatEvent("error", {{"code", "no-carrier"}, {"message", "NO CARRIER while online"}}),
            "error no-carrier: NO CARRIER while online");
  EXPECT_EQ(FormatEvent("monitoring", {{"escapes", 3}, {"last_escape_ms", 2401.3}}),
            "monitoring slice 3: 2401 ms out of data mode");
  EXPECT_EQ(
      FormatEvent(
          "probe",
          {{"target", "tcp:10.0.2.2:80"}, {"ok", false}, {"failures", 2}, {"detail", "timeout"}}),
      "probe tcp:10.0.2.2:80 failed (2 in a row): timeout");
  EXPECT_EQ(FormatEvent("future", {{"a", 1}, {"b", {{"c", "x"}}}}), "future a=1 b.c=x");
}

TEST(ClientFormatTest, UnstutterDropsOnlyRepeats) {
  EXPECT_EQ(Unstutter("no-carrier: no carrier: NO CARRIER"), "no-carrier");
  EXPECT_EQ(Unstutter("no-carrier: no carrier: NO CARRIER while online"),
            "no-carrier: NO CARRIER while online");
  EXPECT_EQ(Unstutter("link-dead: loopback: own magic number came back"),
            "link-dead: loopback: own magic number came back");
  EXPECT_EQ(Unstutter("dial-refused: +CME ERROR: 30"), "dial-refused: +CME ERROR: 30");
  EXPECT_EQ(Unstutter(""), "");
}

}  // namespace
}  // namespace uclink::control::cli
