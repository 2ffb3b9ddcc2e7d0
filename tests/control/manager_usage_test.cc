// The connection manager and the data budget (docs/data-budget.md): the data-path probe runs
// only on an idle link, and a usage cap takes the link down or keeps it to in-band services.
// Fake clock; the daemon's part (interface counters, the cap decision) arrives as events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/manager/connection_manager.h"
#include "tests/control/manager_test_support.h"

namespace uclink::control {
namespace {

using ::testing::HasSubstr;
using testing::ManagerDriver;
using namespace std::chrono_literals;

class IdleOnlyProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d.options.config.monitor.probe = "tcp:10.0.2.2:80";
    d.options.config.monitor.probe_interval = 60s;
    d.Start();
    d.BringOnline();
    d.Feed(ev::LinkCounters{0});  // the daemon's reading when the link came up
  }

  // Answers the probe in the last actions; the daemon reads the counters just before.
  void AnswerProbe(std::uint64_t rx_packets_after) {
    std::optional<act::RunProbe> run;
    for (const Action& a : d.last) {
      if (const auto* r = std::get_if<act::RunProbe>(&a)) run = *r;
    }
    ASSERT_TRUE(run) << "no probe was sent";
    d.Feed(ev::LinkCounters{rx_packets_after});
    d.Feed(ev::ProbeResult{run->id, true, ""});
  }

  ManagerDriver d;
};

TEST_F(IdleOnlyProbeTest, WithTrafficFlowingNoProbeIsSent) {
  std::uint64_t rx = 0;
  for (int minute = 0; minute < 60; ++minute) {
    rx += 25;  // a busy link: packets arrive between every two readings
    d.Advance(10s);
    d.Feed(ev::LinkCounters{rx});
    d.Advance(50s);
  }
  EXPECT_EQ(d.Count<act::RunProbe>(), 0);
  EXPECT_EQ(d.status().monitoring.probes_skipped, 60);
  EXPECT_EQ(d.status().monitoring.probes, 0);
  EXPECT_EQ(d.state(), State::kOnline);
}

TEST_F(IdleOnlyProbeTest, AnIdleLinkIsProbedEveryInterval) {
  d.Advance(60s);
  AnswerProbe(3);  // the probe's own SYN-ACK and FIN are received packets
  d.Feed(ev::LinkCounters{3});
  d.Advance(60s);
  AnswerProbe(6);
  EXPECT_EQ(d.Count<act::RunProbe>(), 2);
  EXPECT_EQ(d.status().monitoring.probes_skipped, 0);
}

TEST_F(IdleOnlyProbeTest, TheProbesOwnAnswerDoesNotCountAsTraffic) {
  d.Advance(60s);
  AnswerProbe(1);  // the SYN-ACK, read with the result
  d.Advance(30s);
  d.Feed(ev::LinkCounters{3});  // the peer's ACK of our FIN and its FIN, after the result
  d.Advance(30s);
  EXPECT_EQ(d.Count<act::RunProbe>(), 2);
}

TEST_F(IdleOnlyProbeTest, MoreThanAProbesTailIsTraffic) {
  d.Advance(60s);
  AnswerProbe(1);
  d.Feed(ev::LinkCounters{4});
  d.Advance(60s);
  EXPECT_EQ(d.Count<act::RunProbe>(), 1);
}

TEST_F(IdleOnlyProbeTest, TrafficThenSilenceProbesAgain) {
  d.Feed(ev::LinkCounters{40});
  d.Advance(60s);
  EXPECT_EQ(d.Count<act::RunProbe>(), 0);
  d.Advance(60s);  // no new packets since the skipped probe
  EXPECT_EQ(d.Count<act::RunProbe>(), 1);
}

TEST_F(IdleOnlyProbeTest, WithoutCounterReadingsTheProbeRunsAsBefore) {
  ManagerDriver plain;
  plain.options.config.monitor.probe = "tcp:10.0.2.2:80";
  plain.options.config.monitor.probe_interval = 60s;
  plain.Start();
  plain.BringOnline();
  plain.Advance(60s);
  EXPECT_EQ(plain.Count<act::RunProbe>(), 1);
}

TEST_F(IdleOnlyProbeTest, ReadingsOfAnEarlierLinkAreForgotten) {
  d.Feed(ev::LinkCounters{500});
  d.Feed(ev::PppDown{"peer terminated", false});
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  d.Advance(5s);  // back-off
  d.AnswerProbeAndInit();
  d.AnswerRegistered();
  d.AnswerAttach();
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
  d.Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {}, 1500});
  ASSERT_EQ(d.state(), State::kOnline);
  d.Feed(ev::LinkCounters{0});  // a recreated interface starts from zero: no traffic
  d.Advance(60s);
  EXPECT_EQ(d.Count<act::RunProbe>(), 1);
}

class UsageCapTest : public ::testing::Test {
 protected:
  void SetUp() override { d.Start(); }

  void HangUpFromOnline() {
    ASSERT_TRUE(d.EmittedLast<act::StopPpp>());
    d.Feed(ev::PppDown{"local close", false});
    d.Feed(ev::NoCarrier{});
    d.Expect("AT", chat::FinalKind::kOk);
    d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  }

  ManagerDriver d;
};

TEST_F(UsageCapTest, DisconnectCapHangsUpAndRecordsWhy) {
  d.BringOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kDisconnect, "5.0 MiB of 5 MiB used"});
  HangUpFromOnline();
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_EQ(d.status().last_error->code, "usage-limit");
  EXPECT_THAT(d.status().last_error->message, HasSubstr("5 MiB"));
}

TEST_F(UsageCapTest, DisconnectCapRefusesAPlainConnect) {
  d.BringOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kDisconnect, "limit"});
  HangUpFromOnline();
  d.Feed(ev::UserConnect{});
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_THAT(d.status().last_error->message, HasSubstr("--ignore-limit"));
  d.Advance(1h);
  EXPECT_EQ(d.state(), State::kIdle);  // no back-off brings it back either
}

TEST_F(UsageCapTest, IgnoreLimitConnectsAnyway) {
  d.BringOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kDisconnect, "limit"});
  HangUpFromOnline();
  d.Feed(ev::UserConnect{.ignore_limit = true});
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(UsageCapTest, ANewPeriodReconnectsALinkThatWasWanted) {
  d.BringOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kDisconnect, "limit"});
  HangUpFromOnline();
  d.Feed(ev::UsagePeriodStarted{});
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(UsageCapTest, ANewPeriodDoesNotConnectALinkTheUserTookDown) {
  d.BringOnline();
  d.Feed(ev::UserDisconnect{});
  HangUpFromOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kDisconnect, "limit"});
  d.Feed(ev::UsagePeriodStarted{});
  EXPECT_EQ(d.state(), State::kIdle);
  d.Feed(ev::UserConnect{});  // and the cap no longer holds
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(UsageCapTest, DisconnectCapWhileRegisteringGoesIdle) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.Feed(ev::UsageLimitReached{OnLimit::kDisconnect, "limit"});
  EXPECT_EQ(d.state(), State::kIdle);
}

TEST_F(UsageCapTest, WarnCapChangesNothing) {
  d.BringOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kWarn, "limit"});
  EXPECT_EQ(d.state(), State::kOnline);
  EXPECT_TRUE(d.last.empty());
}

TEST_F(UsageCapTest, InbandOnlyCapHangsUpPppAndActivatesTheContext) {
  d.BringOnline();
  d.Feed(ev::UsageLimitReached{OnLimit::kInbandOnly, "limit"});
  ASSERT_TRUE(d.EmittedLast<act::StopPpp>());
  d.Feed(ev::PppDown{"local close", false});
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  // The context is deactivated with the PPP session, then activated for the module's stack.
  while (d.AtCommand() != "AT+CGACT=1,1" && d.PendingAtCount() > 0) {
    d.Reply(chat::FinalKind::kOk);
  }
  d.Expect("AT+CGACT=1,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kOnlineInband);
  EXPECT_EQ(d.status().mode, "inband");
}

TEST_F(UsageCapTest, InbandOnlyCapDialsNoPppAtTheNextAttempt) {
  d.options.config.connection.mode = ModeChoice::kPpp;
  d.Start();
  d.Feed(ev::UsageLimitReached{OnLimit::kInbandOnly, "limit"});
  d.ConnectUntilAttached();
  EXPECT_EQ(d.AtCommand(), "AT+CGACT=1,1");
  EXPECT_EQ(d.state(), State::kActivatingInband);
}

}  // namespace
}  // namespace uclink::control
