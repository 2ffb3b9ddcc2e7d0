// The connection manager on a module reboot (its start-up banner, ev::ModuleRestarted) in every
// state, and the data-path probe while online (monitor.probe, ev::ProbeResult). Fake clock; one
// scenario per test, read as "the manager sends / the module answers".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/manager/connection_manager.h"
#include "tests/control/manager_test_support.h"

namespace uclink::control {
namespace {

using ::testing::HasSubstr;
using testing::ManagerDriver;
using namespace std::chrono_literals;

class ModuleRestartTest : public ::testing::Test {
 protected:
  void SetUp() override { d.Start(); }

  // The port reopen completes the abandoned command as closed: its late answer is stale.
  void DeliverAbandonedCommand() { d.Reply(kNoAnswer); }

  // After a restart: the init script runs at once, without a probe or a back-off.
  void ExpectInitStartsNow() {
    EXPECT_EQ(d.state(), State::kConfiguring);
    EXPECT_EQ(d.AtCommand(), "ATE0");
  }

  ManagerDriver d;
};

TEST_F(ModuleRestartTest, WhileDialingAbandonsCgdataAndConfiguresAtOnce) {
  d.ConnectUntilAttached();
  ASSERT_EQ(d.AtCommand(), "AT+CGDATA=\"PPP\",1");
  d.Feed(ev::ModuleRestarted{"READY"});
  // Not the 30 s dial timeout: the port is reopened so the lost command ends now.
  EXPECT_TRUE(d.EmittedLast<act::ReopenPort>());
  EXPECT_FALSE(d.EmittedLast<act::SendLcpTerminate>());  // no data mode to leave
  DeliverAbandonedCommand();
  ExpectInitStartsNow();
  EXPECT_EQ(d.status().last_error->code, "module-restarted");
  EXPECT_THAT(d.status().last_error->message, HasSubstr("READY"));
  EXPECT_THAT(d.status().last_error->message, HasSubstr("dialing"));
  EXPECT_EQ(d.status().attempt, 1);
}

TEST_F(ModuleRestartTest, WhileConfiguringStartsTheInitScriptAgain) {
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "AT+CFUN=1");
  d.Feed(ev::ModuleRestarted{"RDY"});
  DeliverAbandonedCommand();
  ExpectInitStartsNow();
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  EXPECT_EQ(d.AtCommand(), "AT+CFUN=1");  // the reboot left the module at CFUN=0
}

TEST_F(ModuleRestartTest, WhileAwaitingRegistrationReconfiguresInsteadOfPolling) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  ASSERT_EQ(d.state(), State::kAwaitingRegistration);
  d.Feed(ev::ModuleRestarted{"READY"});
  DeliverAbandonedCommand();
  ExpectInitStartsNow();
  d.Advance(3s);  // the registration poll timer is gone with the state
  EXPECT_EQ(d.AtCommand(), "ATE0");
  EXPECT_EQ(d.PendingAtCount(), 1u);
}

TEST_F(ModuleRestartTest, WhileAttachingForgetsTheAttach) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered();
  ASSERT_EQ(d.AtCommand(), "AT+CSQ");
  d.Reply(chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "AT+CGATT=1");
  d.Feed(ev::ModuleRestarted{"READY"});
  DeliverAbandonedCommand();
  ExpectInitStartsNow();
}

TEST_F(ModuleRestartTest, WhileProbingIsTheAnswerAndNoFailure) {
  d.Feed(ev::UserConnect{});
  ASSERT_EQ(d.AtCommand(), "AT");
  d.Feed(ev::ModuleRestarted{"READY"});
  DeliverAbandonedCommand();
  ExpectInitStartsNow();
  EXPECT_EQ(d.status().attempt, std::nullopt);  // a power-up at start is not a failed attempt
  EXPECT_EQ(d.status().last_error, std::nullopt);
}

TEST_F(ModuleRestartTest, WhileNegotiatingPppStopsTheBackendThenReconfigures) {
  d.ConnectUntilConnect();
  ASSERT_EQ(d.state(), State::kNegotiatingPpp);
  d.Feed(ev::ModuleRestarted{"READY"});  // seen on a second AT port, or before the hand-over
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_FALSE(d.EmittedLast<act::ReopenPort>());  // the backend still owns the line
  EXPECT_EQ(d.state(), State::kHangingUp);
  d.Feed(ev::PppDown{"local close", false});
  EXPECT_TRUE(d.EmittedLast<act::ResumeCommandMode>());
  EXPECT_FALSE(d.EmittedLast<act::SendLcpTerminate>());  // the reboot ended data mode: no Terminate
  d.Expect("AT", chat::FinalKind::kOk);                  // resync after the hand-back
  // No AT+CGACT=0: the context died with the reboot. Straight to the next attempt.
  EXPECT_EQ(d.state(), State::kProbing);
  d.Expect("AT", chat::FinalKind::kOk);
  EXPECT_EQ(d.AtCommand(), "ATE0");
  EXPECT_EQ(d.status().last_error->code, "module-restarted");
}

TEST_F(ModuleRestartTest, WhileOnlineWithASecondPortHangsUpAndRedialsWithoutBackoff) {
  d.options.config.modem.at_port = "/dev/ttyUSB2";
  d.Start();
  d.BringOnline();
  d.Reply(chat::FinalKind::kOk);  // the first CSQ poll on the second port
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  d.Feed(ev::PppDown{"local close", false});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kConfiguring);
  EXPECT_EQ(d.status().interface.address, std::nullopt);
}

TEST_F(ModuleRestartTest, WhileOnlineInbandReactivatesFromTheInit) {
  d.BringOnlineInband();
  ASSERT_EQ(d.state(), State::kOnlineInband);
  d.Feed(ev::ModuleRestarted{"READY"});
  DeliverAbandonedCommand();  // the CSQ poll sent on entry
  ExpectInitStartsNow();
  d.Advance(15s);  // monitoring polls ended with the state
  EXPECT_EQ(d.PendingAtCount(), 1u);
}

TEST_F(ModuleRestartTest, WhileActivatingInbandSkipsTheDeactivation) {
  d.options.config.connection.mode = ModeChoice::kInband;
  d.Start();
  d.ConnectUntilAttached();
  ASSERT_EQ(d.AtCommand(), "AT+CGACT=1,1");
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_TRUE(d.EmittedLast<act::ReopenPort>());  // CGACT=1 may take 150 s: abandon it now
  DeliverAbandonedCommand();
  ExpectInitStartsNow();
}

TEST_F(ModuleRestartTest, WhileHangingUpEndsTheRemainingPhases) {
  d.BringOnline();
  d.Feed(ev::PppDown{"LCP echo timeout", false});
  ASSERT_EQ(d.state(), State::kHangingUp);  // waiting for NO CARRIER (2 s)
  d.Feed(ev::ModuleRestarted{"READY"});
  // Neither the NO CARRIER wait, the resync nor AT+CGACT=0: the reboot did all of it.
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.PendingAtCount(), 0u);
  EXPECT_EQ(d.status().last_error->code, "link-dead");
}

TEST_F(ModuleRestartTest, WhileDeactivatingAbandonsCgact) {
  d.BringOnline();
  d.Feed(ev::PppDown{"NO CARRIER", true});
  ASSERT_EQ(d.AtCommand(), "AT+CGACT=0,1");
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_TRUE(d.EmittedLast<act::ReopenPort>());
  DeliverAbandonedCommand();
  EXPECT_EQ(d.state(), State::kBackoff);
}

TEST_F(ModuleRestartTest, InBackoffWaitsAsBefore) {
  d.BringOnline();
  d.Feed(ev::PppDown{"NO CARRIER", true});
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  ASSERT_EQ(d.state(), State::kBackoff);
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_TRUE(d.last.empty());
  d.Advance(5s);
  EXPECT_EQ(d.AtCommand(), "AT");
}

TEST_F(ModuleRestartTest, WhenIdleNothingHappens) {
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_TRUE(d.last.empty());
  EXPECT_EQ(d.status().last_error, std::nullopt);
}

TEST_F(ModuleRestartTest, WhenFailedStaysFailedUntilConnect) {
  d.Start();
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=1", chat::FinalKind::kCmeError, {}, 11);  // SIM PIN: a person must act
  ASSERT_EQ(d.state(), State::kFailed);
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_EQ(d.state(), State::kFailed);
  EXPECT_EQ(d.status().last_error->code, "sim-error");
}

TEST_F(ModuleRestartTest, RebootLoopClimbsTheLadderButNeverFails) {
  d.options.config.recovery.cfun_cycle_after = 2;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  for (int reboot = 1; reboot <= 2; ++reboot) {
    ASSERT_EQ(d.state(), State::kConfiguring) << reboot;
    d.Feed(ev::ModuleRestarted{"READY"});
    DeliverAbandonedCommand();
  }
  // Two reboots: the third configuring starts with the radio cycle, like any third attempt.
  EXPECT_EQ(d.AtCommand(), "AT+CFUN=0");
  d.Feed(ev::ModuleRestarted{"READY"});
  EXPECT_EQ(d.state(), State::kConfiguring);
  EXPECT_EQ(d.status().last_error->code, "module-restarted");
  EXPECT_EQ(d.status().recovery.consecutive_failures, 3);
}

// ---- data-path probe -------------------------------------------------------------------------

class HealthProbeManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d.options.config.monitor.probe = "tcp:10.0.2.2:80";
    d.options.config.monitor.probe_interval = 10s;
    d.options.config.monitor.probe_failures = 3;
    d.Start();
  }

  // The RunProbe in the last actions, if any.
  std::optional<act::RunProbe> Probe() const {
    for (const Action& action : d.last) {
      if (const auto* run = std::get_if<act::RunProbe>(&action)) return *run;
    }
    return std::nullopt;
  }

  // Waits for the next probe and answers it.
  void ProbeAnswers(bool ok, const std::string& detail = "") {
    d.Advance(10s);
    std::optional<act::RunProbe> run = Probe();
    ASSERT_TRUE(run);
    d.Feed(ev::ProbeResult{run->id, ok, detail});
  }

  ManagerDriver d;
};

TEST_F(HealthProbeManagerTest, ProbesThroughTheInterfaceEveryIntervalOnline) {
  d.BringOnline();
  d.Advance(9s);
  EXPECT_EQ(d.Count<act::RunProbe>(), 0);
  d.Advance(1s);
  std::optional<act::RunProbe> run = Probe();
  ASSERT_TRUE(run);
  EXPECT_EQ(run->ifname, "uclink0");
  EXPECT_EQ(run->target, "tcp:10.0.2.2:80");
  EXPECT_EQ(run->timeout, 5s);
}

TEST_F(HealthProbeManagerTest, NextProbeWaitsForTheAnswerOfTheLast) {
  d.BringOnline();
  d.Advance(10s);
  d.Advance(30s);  // no answer yet: no second probe piles up
  EXPECT_EQ(d.Count<act::RunProbe>(), 1);
}

TEST_F(HealthProbeManagerTest, SuccessKeepsTheLinkAndResetsTheCount) {
  d.BringOnline();
  ProbeAnswers(false, "timeout");
  ProbeAnswers(false, "timeout");
  ProbeAnswers(true);
  ProbeAnswers(false, "timeout");
  ProbeAnswers(false, "timeout");
  EXPECT_EQ(d.state(), State::kOnline);
}

TEST_F(HealthProbeManagerTest, FailuresInARowDeclareTheLinkDeadAndHangUp) {
  d.BringOnline();
  ProbeAnswers(false, "tcp:10.0.2.2:80: no answer in 5000 ms");
  ProbeAnswers(false, "tcp:10.0.2.2:80: no answer in 5000 ms");
  EXPECT_EQ(d.state(), State::kOnline);
  ProbeAnswers(false, "tcp:10.0.2.2:80: no answer in 5000 ms");
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_EQ(d.status().last_error->code, "data-path-dead");
  EXPECT_THAT(d.status().last_error->message, HasSubstr("probe tcp:10.0.2.2:80 failed 3 times"));
  // The usual path: PPP stops, NO CARRIER, deactivation, back-off, redial.
  d.Feed(ev::PppDown{"local close", false});
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
  d.Advance(5s);
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(HealthProbeManagerTest, FailuresArePublishedWithTheirCount) {
  d.BringOnline();
  ProbeAnswers(false, "connect: Connection refused");
  bool published = false;
  for (const Action& action : d.last) {
    const auto* p = std::get_if<act::Publish>(&action);
    const auto* probe = p ? std::get_if<api::ProbeReport>(&p->event) : nullptr;
    if (probe == nullptr) continue;
    published = true;
    EXPECT_EQ(probe->failures, 1);
    EXPECT_EQ(probe->detail, "connect: Connection refused");
  }
  EXPECT_TRUE(published);
}

TEST_F(HealthProbeManagerTest, ResultOfAnEarlierLinkIsIgnored) {
  d.BringOnline();
  d.Advance(10s);
  const std::optional<act::RunProbe> old = Probe();
  ASSERT_TRUE(old);
  d.DropAndRedial();
  for (int i = 0; i < 3; ++i) d.Feed(ev::ProbeResult{old->id, false, "stale"});
  EXPECT_EQ(d.state(), State::kOnline);
}

TEST_F(HealthProbeManagerTest, NoProbeWhenNotConfigured) {
  d.options.config.monitor.probe.clear();
  d.Start();
  d.BringOnline();
  d.Advance(10min);
  EXPECT_EQ(d.Count<act::RunProbe>(), 0);
}

TEST_F(HealthProbeManagerTest, InbandHasNoInterfaceToProbe) {
  d.BringOnlineInband();
  ASSERT_EQ(d.state(), State::kOnlineInband);
  d.Advance(60s);
  EXPECT_EQ(d.Count<act::RunProbe>(), 0);
}

}  // namespace
}  // namespace uclink::control
