// The control API's wire format, schema 1 (docs/control-api.md), byte for byte: every monitor
// event kind and the status document, produced through the code paths uclinkd uses (the manager
// on a fake clock, the usage tracker, the api's encoders) and compared with the golden files in
// tests/control/golden/. A difference is an incompatible change for every client that parses
// `uclink monitor --json` or `uclink status --json`: add fields, never rename or remove them.
// On a mismatch the produced text is written to $TEST_UNDECLARED_OUTPUTS_DIR for review.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/api/events.h"
#include "control/api/protocol.h"
#include "control/api/status.h"
#include "control/daemon/usage_tracker.h"
#include "control/usage/document.h"
#include "control/usage/ledger.h"
#include "tests/control/manager_test_support.h"

namespace uclink::control {
namespace {

using testing::ManagerDriver;
using namespace std::chrono_literals;

// Every event line carries this time, so the files do not depend on the wall clock.
constexpr const char* kTime = "2026-11-27T14:05:00Z";
constexpr std::int64_t kUnixStart = 1'800'000'000;

// The line uclinkd sends a subscriber for one published event.
std::string WireLine(const act::Publish& p) {
  return api::EncodeEvent(api::ToEvent(p.event, kTime));
}

// The event's wire name.
std::string Name(const act::Publish& p) { return api::EventName(p.event); }

// The events named `names` among those published in `actions`, as the subscriber reads them.
std::string WireLinesNamed(const std::vector<Action>& actions,
                           std::initializer_list<std::string_view> names) {
  std::string out;
  for (const Action& action : actions) {
    const auto* p = std::get_if<act::Publish>(&action);
    if (p && std::find(names.begin(), names.end(), Name(*p)) != names.end()) out += WireLine(*p);
  }
  return out;
}

// Every event published in `actions`, as the subscriber reads them.
std::string Transcript(const std::vector<Action>& actions) {
  std::string out;
  for (const Action& action : actions) {
    if (const auto* p = std::get_if<act::Publish>(&action)) out += WireLine(*p);
  }
  return out;
}

std::string ReadGolden(const std::string& name) {
  std::ifstream in("tests/control/golden/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares `actual` with golden file `name`; on a difference, leaves `actual` beside the logs.
void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string expected = ReadGolden(name);
  EXPECT_EQ(actual, expected) << "golden file tests/control/golden/" << name;
  if (actual == expected) return;
  if (const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << actual;
  }
}

// What `uclink status --json` prints for `status`.
std::string StatusText(const api::Status& status) { return api::ToJson(status).dump(2) + "\n"; }

// The manager's own events: state, registration, signal, link, ipv6, error.
TEST(WireGolden, EventsOfAConnectionItsIpv6AndItsLoss) {
  ManagerDriver d;
  d.options.unix_at_start = kUnixStart;
  d.Start();
  d.BringOnline();
  api::Ipv6Info up{"fe80::11", "fe80::1", {}, {}};
  api::Ipv6Info slaac = up;
  slaac.addresses = {{"2001:db8:1::11", 64}};
  slaac.dns = {"2001:db8::53"};
  d.Feed(ev::Ipv6Changed{up});
  d.Feed(ev::Ipv6Changed{slaac});
  d.Feed(ev::Signal{99, 99});
  d.Feed(ev::Registration{5, {}, {}});
  d.Feed(ev::Ipv6Changed{std::nullopt});
  d.Feed(ev::PppDown{"NO CARRIER", true});
  d.Feed(ev::NoCarrier{});
  for (int i = 0; i < 5 && d.PendingAtCount() > 0; ++i) d.Reply(chat::FinalKind::kOk);
  ASSERT_EQ(d.state(), State::kBackoff);
  ExpectGolden("events_connection.jsonl", Transcript(d.all));
}

// "probe": failures with their count and detail, then the recovery.
TEST(WireGolden, ProbeEvents) {
  ManagerDriver d;
  d.options.config.monitor.probe = "tcp:10.0.2.2:80";
  d.options.config.monitor.probe_interval = 10s;
  d.options.config.monitor.probe_failures = 3;
  d.Start();
  d.BringOnline();
  d.all.clear();
  for (bool ok : {false, false, true}) {
    d.Advance(10s);
    std::optional<act::RunProbe> run;
    for (const Action& action : d.last) {
      if (const auto* r = std::get_if<act::RunProbe>(&action)) run = *r;
    }
    ASSERT_TRUE(run);
    d.Feed(ev::ProbeResult{run->id, ok, ok ? "" : "connect: Connection refused"});
  }
  ExpectGolden("events_probe.jsonl", Transcript(d.all));
}

// "rung" (radio cycle), "reset" and "escalate", started and done, on a module that answers
// the probe and then fails the dial every time.
TEST(WireGolden, RecoveryLadderEvents) {
  ManagerDriver d;
  d.options.unix_at_start = kUnixStart;
  d.options.jitter_seed = 42;
  d.options.config.recovery.reset_command = {"gpioset", "gpiochip0", "17=0"};
  d.options.config.recovery.escalate_command = {"systemctl", "reboot"};
  d.options.config.recovery.escalate_after_resets = 1;
  d.options.config.recovery.probe_attempts = 1;
  d.Start();
  d.Feed(ev::UserConnect{});
  bool escalated = false;
  for (int step = 0; step < 2000 && !escalated; ++step) {
    bool reset = false, escalate = false;
    for (const Action& action : d.last) {
      reset = reset || std::holds_alternative<act::RunResetCommand>(action);
      escalate = escalate || std::holds_alternative<act::RunEscalateCommand>(action);
    }
    if (escalate) {
      d.Feed(ev::ResetDone{false, "exit 1", true});
      escalated = true;
    } else if (reset) {
      d.Feed(ev::ResetDone{true, "exit 0", false});
    } else if (d.PendingAtCount() > 0) {
      d.Reply(kNoAnswer);
    } else {
      const std::optional<Clock::time_point> next = d.manager->NextDeadline();
      ASSERT_TRUE(next.has_value()) << ToString(d.state());
      d.last.clear();
      d.Advance(std::max<Clock::duration>(*next - d.now, 0s));
    }
  }
  ASSERT_TRUE(escalated);
  ExpectGolden("events_ladder.jsonl", WireLinesNamed(d.all, {"reset", "escalate"}));
  ExpectGolden("status_recovering.json", StatusText(d.status()));
}

TEST(WireGolden, RadioCycleRungEvent) {
  ManagerDriver d;
  d.options.config.recovery.cfun_cycle_after = 1;
  d.Start();
  d.ConnectUntilConnect();
  d.Feed(ev::NoCarrier{});
  for (int step = 0; step < 20 && d.state() != State::kConfiguring; ++step) {
    if (d.PendingAtCount() > 0) {
      d.Reply(chat::FinalKind::kOk);
    } else {
      const std::optional<Clock::time_point> next = d.manager->NextDeadline();
      ASSERT_TRUE(next.has_value()) << ToString(d.state());
      d.Advance(std::max<Clock::duration>(*next - d.now, 0s));
    }
  }
  ASSERT_EQ(d.state(), State::kConfiguring);
  ExpectGolden("events_rung.jsonl", WireLinesNamed(d.all, {"rung"}));
}

// "apn" (network.apn = "auto", docs/apn.md): the candidates, a refusal moving to the next.
TEST(WireGolden, ApnEvents) {
  ManagerDriver d;
  d.options.config.network.apn = "auto";
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInitUpToTheContext("460111234567890");
  d.Expect("AT+CGDCONT=1,\"IP\"", chat::FinalKind::kOk);
  d.Expect("AT+CGREG=1", chat::FinalKind::kOk);
  d.all.clear();
  d.Feed(ev::ApnCandidates{"460111234567890",
                           {ApnChoice{"ctnet", "", "", "", "auto: China Telecom"},
                            ApnChoice{"ctlte", "", "", "", "auto: China Telecom"}},
                           ""});
  d.Feed(ev::ApnCandidates{"460111234567890", {}, "no provider file"});
  d.Feed(ev::ApnCandidates{"460111234567890",
                           {ApnChoice{"ctnet", "", "", "", "auto: China Telecom"},
                            ApnChoice{"ctlte", "", "", "", "auto: China Telecom"}},
                           ""});
  d.AnswerRegistered();
  d.AnswerAttach();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctnet\"", chat::FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kCmeError, {}, 133);
  ExpectGolden("events_apn.jsonl", WireLinesNamed(d.all, {"apn"}));
}

// "monitoring": one completed slice on a single port (docs/state-machine.md).
TEST(WireGolden, MonitoringSliceEvent) {
  ManagerDriver d;
  d.options.config.modem.escape_supported = true;
  d.Start();
  d.BringOnline();
  d.all.clear();
  d.Advance(15s + 1200ms + 1s + 30ms);
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Advance(20ms);
  d.Expect("ATO", chat::FinalKind::kConnect);
  ExpectGolden("events_monitoring.jsonl", WireLinesNamed(d.all, {"monitoring"}));
}

// "usage-warning" and "usage-limit" come from the daemon's usage tracker (docs/data-budget.md);
// the period's end depends on today's date, so the file says {{period_end}}.
TEST(WireGolden, UsageEvents) {
  char dir[] = "/tmp/uclink-golden-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  boost::asio::io_context io;
  Config config;
  config.daemon.state_dir = std::string(dir) + "/state";
  config.usage.limit_mb = 1;
  config.usage.on_limit = OnLimit::kDisconnect;
  std::string lines;
  {
    UsageTracker::Hooks hooks;
    hooks.feed = [](Event) {};
    hooks.publish = [&lines](api::MonitorEvent event) {
      lines += api::EncodeEvent(api::ToEvent(event, kTime));
    };
    UsageTracker tracker(io, config, std::move(hooks));
    tracker.OnImsi("460001111111111");
    tracker.OnInbandUp();
    tracker.AddInbandBytes(900 * 1024, 0);
    tracker.AddInbandBytes(1024, 0);
    tracker.AddInbandBytes(200 * 1024, 0);
    tracker.AddInbandBytes(1024, 0);
    const std::string end = tracker.Document()["period"]["end"].get<std::string>();
    for (std::size_t at; (at = lines.find(end)) != std::string::npos;) {
      lines.replace(at, end.size(), "{{period_end}}");
    }
    tracker.Shutdown();
  }
  std::filesystem::remove_all(dir);
  ExpectGolden("events_usage.jsonl", lines);
}

// The status document of a manager that never connected.
TEST(WireGolden, StatusWhileIdle) {
  ManagerDriver d;
  d.options.unix_at_start = kUnixStart;
  d.Start();
  ExpectGolden("status_idle.json", StatusText(d.status()));
}

// Online with everything filled in: module, registration, signal, interface with IPv6, the
// APN and its source, and the SIM's usage period.
TEST(WireGolden, StatusOnlineWithIpv6ApnAndUsage) {
  ManagerDriver d;
  d.options.unix_at_start = kUnixStart;
  d.options.config.network.apn = "auto";
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInitUpToTheContext("460111234567890");
  d.Expect("AT+CGDCONT=1,\"IP\"", chat::FinalKind::kOk);
  d.Expect("AT+CGREG=1", chat::FinalKind::kOk);
  d.Feed(ev::ApnCandidates{
      "460111234567890", {ApnChoice{"ctnet", "", "", "", "auto: China Telecom"}}, ""});
  d.AnswerRegistered();
  d.AnswerAttach();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctnet\"", chat::FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
  d.Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {"10.0.2.3", "10.0.2.4"}, 1500});
  d.Feed(ev::Ipv6Changed{
      api::Ipv6Info{"fe80::11", "fe80::1", {{"2001:db8:1::11", 64}}, {"2001:db8::53"}}});
  d.Advance(7s);
  api::Status status = d.status();
  // The daemon fills in the usage period (control/daemon/usage_tracker.cc, StatusUsage).
  usage::Ledger ledger("460111234567890", 1, kUnixStart);
  ledger.BeginSession("ppp", kUnixStart);
  ledger.AddBytes(123456, 7890, kUnixStart + 7);
  status.usage = usage::StatusUsage(ledger, 1024 * 1024);
  ExpectGolden("status_online.json", StatusText(status));
  // The compact form is what the "status" response and the "subscribe" result carry.
  ExpectGolden("status_online_line.json", api::ToJson(status).dump() + "\n");
}

}  // namespace
}  // namespace uclink::control
