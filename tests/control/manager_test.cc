// The connection manager as a specification: each test is one scenario, read top to bottom as
// "the manager sends / the module answers". Time is a fake clock; nothing sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "chat/commands/timeouts.h"
#include "control/manager/connection_manager.h"
#include "control/manager/errc.h"
#include "tests/control/manager_test_support.h"

namespace uclink::control {
namespace {

using testing::ManagerDriver;
using namespace std::chrono_literals;

// std::error_code treats value 0 as success, so no failure reason may encode to it.
TEST(ControlErrcTest, EveryReasonIsAnError) {
#define UCLINK_X(name, wire, text) \
  EXPECT_TRUE(static_cast<bool>(make_error_code(Errc::name))) << wire;
  UCLINK_CONTROL_ERRORS(UCLINK_X)
#undef UCLINK_X
}

class ConnectionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { d.Start(); }
  ManagerDriver d;
};

// ---- connect flow ---------------------------------------------------------------------------

TEST_F(ConnectionManagerTest, StartsIdleAndSendsNothing) {
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_EQ(d.manager->NextDeadline(), std::nullopt);
  EXPECT_TRUE(d.Feed(ev::Tick{}).empty());
}

TEST_F(ConnectionManagerTest, ConnectStartsWithAProbe) {
  d.Feed(ev::UserConnect{});
  EXPECT_EQ(d.state(), State::kProbing);
  EXPECT_EQ(d.AtCommand(), "AT");
}

TEST_F(ConnectionManagerTest, InitScriptRunsInTheDocumentedOrder) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  EXPECT_EQ(d.state(), State::kAwaitingRegistration);
  EXPECT_EQ(d.AtCommand(), "AT+CGREG?");
}

TEST_F(ConnectionManagerTest, IdentityRepliesFillTheStatusModuleFields) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  api::Status s = d.status();
  EXPECT_EQ(s.module.manufacturer, "UNICORE");
  EXPECT_EQ(s.module.model, "UC8088");
  EXPECT_EQ(s.module.revision, "V1.0");
  EXPECT_EQ(s.module.imei, "861234567890123");
  EXPECT_EQ(s.module.imsi, "460001234567890");
}

TEST_F(ConnectionManagerTest, FailedIdentityReadDoesNotStopTheInit) {
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=1", chat::FinalKind::kOk);
  d.Expect("AT+CGMI", chat::FinalKind::kOk, {"UNICORE"});
  d.Expect("AT+CGMM", chat::FinalKind::kOk, {"UC8088"});
  d.Expect("AT+CGMR", chat::FinalKind::kOk, {"V1.0"});
  d.Expect("AT+CGSN", chat::FinalKind::kOk, {"861234567890123"});
  d.Expect("AT+CIMI", chat::FinalKind::kCmeError, {}, 10);
  EXPECT_EQ(d.AtCommand(), "AT+CGDCONT=1,\"IP\",\"cmnet\"");
  EXPECT_EQ(d.status().module.imsi, std::nullopt);
}

TEST_F(ConnectionManagerTest, StaysWaitingWhileSearching) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.Feed(ev::Registration{2, {}, {}});
  d.Reply(chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kAwaitingRegistration);
}

TEST_F(ConnectionManagerTest, RegistrationUrcStartsTheAttach) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.Expect("AT+CGREG?", chat::FinalKind::kOk);  // answered "+CGREG: 1,2": still searching
  d.Feed(ev::Registration{1, {}, {}});          // then the URC "+CGREG: 1" (manual §2.15.3)
  EXPECT_EQ(d.state(), State::kAttaching);
  EXPECT_EQ(d.AtCommand(), "AT+CSQ");
}

TEST_F(ConnectionManagerTest, RoamingCountsAsRegistered) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(5);
  EXPECT_EQ(d.state(), State::kAttaching);
}

TEST_F(ConnectionManagerTest, NotSearchingModuleIsAttachedToStartTheSearch) {
  // UC8088 manual §2.15.3: stat 0 until AT+CGATT=1, whose URCs "+CGREG: 2", "+CGREG: 1" come
  // before its OK.
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(0);
  EXPECT_EQ(d.state(), State::kAttaching);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "AT+CGATT=1");
  d.Feed(ev::Registration{2, {}, {}});
  d.Feed(ev::Registration{1, {}, {}});
  d.Reply(chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kDialing);
}

TEST_F(ConnectionManagerTest, AttachedButUnregisteredWaitsForTheUrcBeforeDialing) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(0);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Expect("AT+CGATT=1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kAwaitingRegistration);
  d.Expect("AT+CGREG?", chat::FinalKind::kOk);
  d.Feed(ev::Registration{5, {}, {}});
  EXPECT_EQ(d.state(), State::kDialing);
}

TEST_F(ConnectionManagerTest, PollsCgregEveryThreeSecondsWhileWaiting) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.Expect("AT+CGREG?", chat::FinalKind::kOk);
  d.Advance(2900ms);
  EXPECT_EQ(d.PendingAtCount(), 0u);
  d.Advance(100ms);
  EXPECT_EQ(d.AtCommand(), "AT+CGREG?");
}

TEST_F(ConnectionManagerTest, RegistrationDeniedBacksOff) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(3);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "registration-denied");
}

TEST_F(ConnectionManagerTest, RegistrationTimeoutBacksOff) {
  d.options.config.connection.registration_timeout = 10s;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  for (int i = 0; i < 4; ++i) {
    d.Expect("AT+CGREG?", chat::FinalKind::kOk);
    d.Advance(3s);
  }
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "registration-timeout");
}

TEST_F(ConnectionManagerTest, AttachFailureBacksOffThenSucceeds) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered();
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Expect("AT+CGATT=1", chat::FinalKind::kCmeError, {}, 30);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->message, "AT+CGATT=1 → +CME ERROR: 30");
  d.Advance(10s);  // attach failures start at 2 × backoff.initial_s (ladder.h)
  d.AnswerProbeAndInit();
  d.AnswerRegistered();
  d.AnswerAttach();
  EXPECT_EQ(d.state(), State::kDialing);
}

TEST_F(ConnectionManagerTest, DialsWithCgdataAndStartsPppOnConnect) {
  d.ConnectUntilAttached();
  ASSERT_EQ(d.AtCommand(), "AT+CGDATA=\"PPP\",1");
  EXPECT_TRUE(d.at()->expect_connect);
  d.Reply(chat::FinalKind::kConnect);
  EXPECT_TRUE(d.EmittedLast<act::StartPpp>());
  EXPECT_EQ(d.state(), State::kNegotiatingPpp);
}

TEST_F(ConnectionManagerTest, PppUpIsOnlineWithAddressInStatus) {
  d.BringOnline();
  EXPECT_EQ(d.state(), State::kOnline);
  api::Status s = d.status();
  EXPECT_EQ(s.state, "online");
  EXPECT_EQ(s.mode, "ppp");
  EXPECT_EQ(s.backend, "userspace");
  EXPECT_EQ(s.interface.address, "10.0.2.15");
  EXPECT_EQ(s.interface.peer, "10.0.2.2");
  EXPECT_EQ(s.interface.name, "uclink0");
  EXPECT_EQ(s.registration.stat, 1);
  EXPECT_EQ(s.registration.name, "registered-home");
  EXPECT_EQ(s.signal.csq, 21);
  EXPECT_EQ(s.signal.rssi_dbm, -71);
  EXPECT_EQ(s.signal.ber, std::nullopt);  // 99 = unknown (manual §2.17)
}

TEST_F(ConnectionManagerTest, SinglePortReadingsAgeWhileOnline) {
  d.BringOnline();
  d.Advance(40s);
  api::Status s = d.status();
  EXPECT_EQ(d.PendingAtCount(), 0u);  // nothing may be sent: the only port carries PPP
  EXPECT_DOUBLE_EQ(*s.signal.age_s, 40.0);
  EXPECT_DOUBLE_EQ(*s.registration.age_s, 40.0);
}

TEST_F(ConnectionManagerTest, UserAtIsRefusedWhileTheOnlyPortIsInDataMode) {
  EXPECT_TRUE(d.manager->AtPortAvailable());
  d.BringOnline();
  EXPECT_FALSE(d.manager->AtPortAvailable());
}

TEST_F(ConnectionManagerTest, SecondAtPortKeepsPollingWhileOnline) {
  d.options.config.modem.at_port = "/dev/ttyUSB2";
  d.Start();
  d.ConnectUntilAttached();
  ASSERT_EQ(d.AtCommand(), "AT+CGDATA=\"PPP\",1");
  EXPECT_TRUE(d.at()->data_port);
  d.Reply(chat::FinalKind::kConnect);
  d.Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {}, 1500});
  EXPECT_TRUE(d.manager->AtPortAvailable());
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Advance(15s);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Advance(15s);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);     // CSQ every 15 s ...
  d.Expect("AT+CGREG?", chat::FinalKind::kOk);  // ... CGREG every 30 s, one command at a time
}

TEST_F(ConnectionManagerTest, TransitionsAreAnnouncedWithOldAndNewState) {
  d.Feed(ev::UserConnect{});
  ASSERT_FALSE(d.last.empty());
  const auto* t = std::get_if<act::Transition>(&d.last.front());
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->from, State::kIdle);
  EXPECT_EQ(t->to, State::kProbing);
  EXPECT_EQ(t->why, "connect requested");
}

// ---- the module may still be in data mode ----------------------------------------------------

TEST_F(ConnectionManagerTest, SilentProbeSendsLcpTerminateThenRetries) {
  d.Feed(ev::UserConnect{});
  d.Reply(kNoAnswer);
  ASSERT_EQ(d.last.size(), 1u);
  const auto* terminate = std::get_if<act::SendLcpTerminate>(&d.last.front());
  ASSERT_NE(terminate, nullptr);
  EXPECT_EQ(terminate->identifier, 0x5a);
  EXPECT_EQ(d.PendingAtCount(), 0u);
  d.Advance(2s);
  EXPECT_EQ(d.AtCommand(), "AT");
}

TEST_F(ConnectionManagerTest, NoCarrierAfterTerminateProbesAtOnce) {
  d.Feed(ev::UserConnect{});
  d.Reply(kNoAnswer);
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kConfiguring);
}

TEST_F(ConnectionManagerTest, MuteModuleBacksOffWithModuleNotResponding) {
  d.Feed(ev::UserConnect{});
  d.Reply(kNoAnswer);
  d.Advance(2s);
  for (int i = 0; i < 4; ++i) d.Expect("AT", kNoAnswer);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "module-not-responding");
}

// The frame's bytes are pppif's (tests/pppif/lcp_terminate_test.cc).

// ---- recovery --------------------------------------------------------------------------------

TEST_F(ConnectionManagerTest, RedialsAfterNoCarrierWithBackoff) {
  d.BringOnline();
  d.Feed(ev::PppDown{"NO CARRIER", true});
  EXPECT_TRUE(d.EmittedLast<act::ResumeCommandMode>());
  EXPECT_EQ(d.state(), State::kHangingUp);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "no-carrier");
  d.Advance(4900ms);
  EXPECT_EQ(d.state(), State::kBackoff);
  d.Advance(100ms);
  EXPECT_EQ(d.state(), State::kProbing);
  EXPECT_EQ(d.AtCommand(), "AT");
}

// Fleet counters (`uclink metrics`): coming back online by itself is a reconnect; the first
// online after a connect request, even after a disconnect, is not.
TEST_F(ConnectionManagerTest, OnlineAgainAfterALostLinkCountsOneReconnect) {
  d.BringOnline();
  EXPECT_EQ(d.status().recovery.reconnects, 0);
  d.DropAndRedial();
  ASSERT_EQ(d.state(), State::kOnline);
  EXPECT_EQ(d.status().recovery.reconnects, 1);
  EXPECT_EQ(d.status().recovery.power_cycles, 0);

  d.Feed(ev::UserDisconnect{});
  d.Feed(ev::PppDown{"local close", false});
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  ASSERT_EQ(d.state(), State::kIdle);
  d.BringOnline();
  EXPECT_EQ(d.status().recovery.reconnects, 1);  // asked for: not a reconnect
}

TEST_F(ConnectionManagerTest, EchoTimeoutTerminatesWaitsForNoCarrierAndResyncs) {
  d.BringOnline();
  d.Feed(ev::PppDown{"LCP echo timeout", false});
  EXPECT_TRUE(d.EmittedLast<act::SendLcpTerminate>());  // the module may still be in data mode
  EXPECT_EQ(d.PendingAtCount(), 0u);
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "link-dead");
}

TEST_F(ConnectionManagerTest, NoCarrierWaitIsBoundedToTwoSeconds) {
  d.BringOnline();
  d.Feed(ev::PppDown{"LCP echo timeout", false});
  d.Advance(2s);
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
}

TEST_F(ConnectionManagerTest, BackoffDoublesUpToTenMinutes) {
  EXPECT_EQ(NextRedialDelay(1, 5s, 600s), 5s);
  EXPECT_EQ(NextRedialDelay(2, 5s, 600s), 10s);
  EXPECT_EQ(NextRedialDelay(3, 5s, 600s), 20s);
  EXPECT_EQ(NextRedialDelay(7, 5s, 600s), 320s);
  EXPECT_EQ(NextRedialDelay(8, 5s, 600s), 600s);
  EXPECT_EQ(NextRedialDelay(1000, 5s, 600s), 600s);
}

TEST_F(ConnectionManagerTest, SecondDenialWaitsTwiceAsLong) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(3);
  d.Advance(60s);  // registration-denied starts at 12 × backoff.initial_s
  d.AnswerProbeAndInit();
  d.AnswerRegistered(3);
  EXPECT_EQ(d.status().attempt, 2);
  d.Advance(119s);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_DOUBLE_EQ(*d.status().retry_in_s, 1.0);
  EXPECT_DOUBLE_EQ(*d.status().recovery.next_attempt_in_s, 1.0);
  d.Advance(1s);
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(ConnectionManagerTest, BackoffResetsAfterSixtySecondsOnline) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(3);
  d.Advance(60s);
  d.AnswerProbeAndInit();
  d.AnswerRegistered();
  d.AnswerAttach();
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
  d.Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {}, 1500});
  EXPECT_EQ(d.status().attempt, 1);
  d.Advance(60s);
  EXPECT_EQ(d.status().attempt, std::nullopt);
  d.Feed(ev::PppDown{"NO CARRIER", true});
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  d.Advance(5s);  // back to the first rung: 5 s, not 10 s
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(ConnectionManagerTest, RegistrationLostForFifteenSecondsRedials) {
  d.options.config.modem.at_port = "/dev/ttyUSB2";
  d.Start();
  d.BringOnline();
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Feed(ev::Registration{2, {}, {}});
  d.Advance(14s);
  EXPECT_EQ(d.state(), State::kOnline);
  d.Advance(1s);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.Emitted<act::StopPpp>(d.last));
  EXPECT_EQ(d.status().last_error->code, "registration-lost");
}

TEST_F(ConnectionManagerTest, RegistrationBackWithinGraceKeepsTheLink) {
  d.options.config.modem.at_port = "/dev/ttyUSB2";
  d.Start();
  d.BringOnline();
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Feed(ev::Registration{2, {}, {}});
  d.Advance(10s);
  d.Feed(ev::Registration{1, {}, {}});
  d.Advance(10s);
  EXPECT_EQ(d.state(), State::kOnline);
}

TEST_F(ConnectionManagerTest, PortVanishingWhileOnlineReopensBeforeTheNextProbe) {
  d.BringOnline();
  d.Feed(ev::PortClosed{"read: EIO"});
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "port-closed");
  d.Advance(5s);
  EXPECT_TRUE(d.Emitted<act::ReopenPort>(d.last));
  EXPECT_EQ(d.AtCommand(), "AT");
}

TEST_F(ConnectionManagerTest, SimPinRequiredFailsWithoutRetry) {
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=1", chat::FinalKind::kCmeError, {}, 11);  // SIM PIN required (manual §3.1)
  EXPECT_EQ(d.state(), State::kFailed);
  EXPECT_EQ(d.status().last_error->code, "sim-error");
  EXPECT_EQ(d.status().recovery.next_action, "connect");
  EXPECT_EQ(d.manager->NextDeadline(), std::nullopt);
}

// A required init step the firmware does not support (+CME ERROR: 4, manual 附表 3.1) is a
// permanent problem: retrying cannot change the firmware, so `failed` says which command.
TEST_F(ConnectionManagerTest, RequiredCommandUnsupportedFailsWithoutRetry) {
  d.options.config.network.pdp_type = chat::PdpType::kIpv6;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInitUpToTheContext();
  d.Expect("AT+CGDCONT=1,\"IPV6\",\"cmnet\"", chat::FinalKind::kCmeError, {}, 4);
  EXPECT_EQ(d.state(), State::kFailed);
  ASSERT_TRUE(d.status().last_error);
  EXPECT_EQ(d.status().last_error->code, "command-unsupported");
  EXPECT_THAT(d.status().last_error->message, ::testing::HasSubstr("AT+CGDCONT"));
  EXPECT_EQ(d.status().recovery.next_action, "connect");
  EXPECT_EQ(d.manager->NextDeadline(), std::nullopt);
}

// Any other refusal of an init step is retried: only "not supported" is about the firmware.
TEST_F(ConnectionManagerTest, OtherInitRefusalsAreRetried) {
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=1", chat::FinalKind::kCmeError, {}, 3);  // operation not allowed
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "init-failed");
}

TEST_F(ConnectionManagerTest, SimNotInsertedIsRetried) {
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=1", chat::FinalKind::kCmeError, {}, 10);  // a loose SIM may come back
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "sim-error");
}

TEST_F(ConnectionManagerTest, RepeatedFailuresCycleTheRadio) {
  d.options.config.recovery.cfun_cycle_after = 1;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(3);
  d.Advance(60s);
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=0", chat::FinalKind::kOk);
  EXPECT_EQ(d.AtCommand(), "ATE0");
}

TEST_F(ConnectionManagerTest, FailAfterIsIgnoredTransientFailuresRetryForEver) {
  d.options.config.recovery.probe_attempts = 1;
  d.options.config.recovery.fail_after = 2;  // deprecated: accepted, ignored
  d.Start();
  d.Feed(ev::UserConnect{});
  for (int i = 0; i < 20; ++i) {
    d.Expect("AT", kNoAnswer);
    ASSERT_EQ(d.state(), State::kBackoff) << i;
    d.Advance(10min);
  }
  EXPECT_EQ(d.status().last_error->code, "module-not-responding");
  EXPECT_EQ(d.status().recovery.consecutive_failures, 20);
}

TEST_F(ConnectionManagerTest, ConnectFromFailedStartsOver) {
  d.Start();
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATE0", chat::FinalKind::kOk);
  d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
  d.Expect("AT+CFUN=1", chat::FinalKind::kCmeError, {}, 12);  // SIM PUK required
  ASSERT_EQ(d.state(), State::kFailed);
  d.Feed(ev::UserConnect{});
  EXPECT_EQ(d.state(), State::kProbing);
  EXPECT_EQ(d.status().attempt, std::nullopt);
}

TEST_F(ConnectionManagerTest, DialTimeoutRecoversAsIfInDataMode) {
  d.ConnectUntilAttached();
  d.Expect("AT+CGDATA=\"PPP\",1", kNoAnswer);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.EmittedLast<act::SendLcpTerminate>());
  d.Advance(2s);
  d.Expect("AT", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "dial-timeout");
}

TEST_F(ConnectionManagerTest, PppTimeoutStopsTheBackend) {
  d.ConnectUntilConnect();
  d.Advance(30s);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_EQ(d.status().last_error->code, "ppp-timeout");
}

TEST_F(ConnectionManagerTest, BackendIgnoringStopIsGivenUpAfterFiveSeconds) {
  d.BringOnline();
  d.Feed(ev::UserDisconnect{});
  d.Advance(5s);  // no PppDown
  EXPECT_TRUE(d.Emitted<act::ResumeCommandMode>(d.all));
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
}

// ---- fallback to in-band -------------------------------------------------------------------

TEST_F(ConnectionManagerTest, FallsBackToInbandWhenCgdataRefused) {
  d.ConnectUntilAttached();
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kError);
  EXPECT_EQ(d.state(), State::kActivatingInband);
  d.Expect("AT+CGACT=1,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kOnlineInband);
  api::Status s = d.status();
  EXPECT_EQ(s.mode, "inband");
  EXPECT_EQ(s.backend, std::nullopt);
  EXPECT_EQ(s.last_error->code, "dial-refused");
  EXPECT_EQ(s.attempt, std::nullopt);  // a fallback is not a failed attempt
}

TEST_F(ConnectionManagerTest, ModePppBacksOffWhenCgdataRefused) {
  d.options.config.connection.mode = ModeChoice::kPpp;
  d.Start();
  d.ConnectUntilAttached();
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kNoCarrier);
  EXPECT_EQ(d.state(), State::kBackoff);
}

TEST_F(ConnectionManagerTest, FallsBackToInbandAfterThreePppFailures) {
  d.ConnectUntilConnect();
  for (int failure = 1; failure <= 3; ++failure) {
    d.Feed(ev::PppDown{"LCP negotiation failed", false});
    d.Feed(ev::NoCarrier{});
    d.Expect("AT", chat::FinalKind::kOk);
    d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
    if (failure == 3) break;
    ASSERT_EQ(d.state(), State::kBackoff);
    d.Advance(NextRedialDelay(failure, 5s, 600s));
    d.AnswerProbeAndInit();
    d.AnswerRegistered();
    d.AnswerAttach();
    d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
  }
  EXPECT_EQ(d.state(), State::kActivatingInband);
  EXPECT_EQ(d.AtCommand(), "AT+CGACT=1,1");
}

TEST_F(ConnectionManagerTest, FallsBackToInbandWhenNoBackendCanRun) {
  d.ConnectUntilConnect();
  d.Feed(ev::PppUnavailable{"no /dev/net/tun"});
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.EmittedLast<act::SendLcpTerminate>());  // nothing runs PPP: terminate it ourselves
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=1,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kOnlineInband);
}

TEST_F(ConnectionManagerTest, KnownMissingBackendSkipsTheDial) {
  d.options.ppp_backend_available = false;
  d.Start();
  d.ConnectUntilAttached();
  EXPECT_EQ(d.AtCommand(), "AT+CGACT=1,1");
}

TEST_F(ConnectionManagerTest, ModeInbandActivatesWithoutDialing) {
  d.BringOnlineInband();
  EXPECT_EQ(d.state(), State::kOnlineInband);
}

TEST_F(ConnectionManagerTest, InbandPollsCsqEvery15sAndCgregEvery30s) {
  d.BringOnlineInband();
  d.Feed(ev::Signal{18, 0});
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  EXPECT_EQ(d.status().signal.csq, 18);
  d.Advance(15s);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Advance(15s);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Expect("AT+CGREG?", chat::FinalKind::kOk);
  EXPECT_EQ(d.PendingAtCount(), 0u);
}

TEST_F(ConnectionManagerTest, InbandMonitorTimeoutMeansTheModuleIsGone) {
  d.BringOnlineInband();
  d.Expect("AT+CSQ", kNoAnswer);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_EQ(d.status().last_error->code, "module-not-responding");
}

TEST_F(ConnectionManagerTest, RetriesPppAfterTheInbandPeriod) {
  d.options.config.connection.retry_ppp_after = 600s;
  d.options.config.monitor.csq_interval = 10000s;
  d.options.config.monitor.cgreg_interval = 10000s;
  d.Start();
  d.ConnectUntilAttached();
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kError);
  d.Expect("AT+CGACT=1,1", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Advance(600s);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kProbing);
  d.AnswerProbeAndInit();
  d.AnswerRegistered();
  d.AnswerAttach();
  EXPECT_EQ(d.AtCommand(), "AT+CGDATA=\"PPP\",1");
}

// ---- disconnect ----------------------------------------------------------------------------

TEST_F(ConnectionManagerTest, DisconnectStopsPppWaitsNoCarrierAndDeactivates) {
  d.BringOnline();
  d.Feed(ev::UserDisconnect{});
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  d.Feed(ev::PppDown{"local close", false});
  EXPECT_TRUE(d.EmittedLast<act::ResumeCommandMode>());
  EXPECT_FALSE(d.EmittedLast<act::SendLcpTerminate>());  // the backend already sent Terminate
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_EQ(d.status().mode, "none");
  EXPECT_EQ(d.status().interface.address, std::nullopt);
  EXPECT_EQ(d.manager->NextDeadline(), std::nullopt);
}

// The port closes while the hang-up waits for the backend to stop: the backend held the line
// and still reports its end, so the hang-up waits for it (status still names the backend), then
// has nothing left to do on a closed port; the next attempt reopens it.
TEST_F(ConnectionManagerTest, PortClosedWhileStoppingPppWaitsForTheBackendsEnd) {
  d.BringOnline();
  d.Feed(ev::UserDisconnect{});
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  d.Feed(ev::PortClosed{"read: EIO"});
  EXPECT_TRUE(d.EmittedLast<act::ResumeCommandMode>());  // the daemon closes the descriptor
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_EQ(d.status().backend, "userspace");
  d.Feed(ev::PppDown{"line closed", false});
  EXPECT_FALSE(d.EmittedLast<act::SendLcpTerminate>());
  EXPECT_FALSE(d.at().has_value());  // no resync, no deactivation on a closed port
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_EQ(d.status().backend, std::nullopt);
  d.Feed(ev::UserConnect{});
  EXPECT_TRUE(d.EmittedLast<act::ReopenPort>());
  EXPECT_EQ(d.AtCommand(), "AT");
}

TEST_F(ConnectionManagerTest, DisconnectWhileDialingHangsUpTheLateConnect) {
  d.ConnectUntilAttached();
  d.Feed(ev::UserDisconnect{});
  EXPECT_EQ(d.state(), State::kDialing);  // CGDATA is in flight: wait for its result
  d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
  EXPECT_FALSE(d.Emitted<act::StartPpp>(d.all));
  EXPECT_TRUE(d.EmittedLast<act::SendLcpTerminate>());
  EXPECT_TRUE(d.EmittedLast<act::ResumeCommandMode>());
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
}

TEST_F(ConnectionManagerTest, DisconnectWhileRegisteringGoesIdleAtOnce) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.Feed(ev::UserDisconnect{});
  EXPECT_EQ(d.state(), State::kIdle);
}

TEST_F(ConnectionManagerTest, DisconnectInBackoffGoesIdle) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(3);
  d.Feed(ev::UserDisconnect{});
  EXPECT_EQ(d.state(), State::kIdle);
  d.Advance(1h);
  EXPECT_EQ(d.state(), State::kIdle);
}

TEST_F(ConnectionManagerTest, ConnectDuringHangupRedials) {
  d.BringOnline();
  d.Feed(ev::UserDisconnect{});
  d.Feed(ev::UserConnect{});
  d.Feed(ev::PppDown{"local close", true});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(ConnectionManagerTest, InbandDisconnectDeactivatesTheContext) {
  d.BringOnlineInband();
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Feed(ev::UserDisconnect{});
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
}

// ---- events, staleness, names ----------------------------------------------------------------

TEST_F(ConnectionManagerTest, StaleAtReplyIsIgnored) {
  d.Feed(ev::UserConnect{});
  d.Feed(ev::AtDone{9999, chat::FinalKind::kOk, 0, {}});
  EXPECT_EQ(d.state(), State::kProbing);
  EXPECT_TRUE(d.last.empty());
}

TEST_F(ConnectionManagerTest, RegistrationChangesArePublishedOnce) {
  d.Feed(ev::Registration{2, {}, {}});
  d.Feed(ev::Registration{2, {}, {}});
  d.Feed(ev::Registration{1, "3342", "7A1"});
  int published = 0;
  for (const Action& a : d.all) {
    const auto* p = std::get_if<act::Publish>(&a);
    if (p && std::holds_alternative<api::RegistrationChanged>(p->event)) ++published;
  }
  EXPECT_EQ(published, 2);
}

// docs/control-api.md, "Events: ipv6": each change once, with the global addresses that
// appeared and went; the status shows the IPv6 side while online.
TEST_F(ConnectionManagerTest, Ipv6ChangesArePublishedWithAddedAndRemovedAddresses) {
  d.BringOnline();
  api::Ipv6Info up{"fe80::11", "fe80::1", {}, {}};
  api::Ipv6Info slaac = up;
  slaac.addresses = {{"2001:db8:1::11", 64}};
  slaac.dns = {"2001:db8::53"};
  d.Feed(ev::Ipv6Changed{up});
  d.Feed(ev::Ipv6Changed{up});  // no change: no event
  d.Feed(ev::Ipv6Changed{slaac});
  EXPECT_EQ(d.status().interface.ipv6, slaac);
  d.Feed(ev::Ipv6Changed{std::nullopt});
  std::vector<nlohmann::json> events;
  for (const Action& a : d.all) {
    const auto* p = std::get_if<act::Publish>(&a);
    if (p && std::holds_alternative<api::Ipv6Changed>(p->event)) {
      events.push_back(api::ToJson(p->event));
    }
  }
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["up"], true);
  EXPECT_EQ(events[0]["link_local"], "fe80::11");
  EXPECT_EQ(events[1]["added"], nlohmann::json::array({"2001:db8:1::11/64"}));
  EXPECT_EQ(events[1]["dns"], nlohmann::json::array({"2001:db8::53"}));
  EXPECT_EQ(events[2]["up"], false);
  EXPECT_EQ(events[2]["removed"], nlohmann::json::array({"2001:db8:1::11/64"}));
  EXPECT_EQ(d.status().interface.ipv6, std::nullopt);
}

TEST_F(ConnectionManagerTest, StatusShowsTheConfiguredPdpType) {
  EXPECT_EQ(d.status().network.pdp_type, "IP");
}

TEST_F(ConnectionManagerTest, UnknownSignalIsNullNotZero) {
  d.Feed(ev::Signal{99, 99});
  api::Status s = d.status();
  EXPECT_EQ(s.signal.csq, std::nullopt);
  EXPECT_EQ(s.signal.rssi_dbm, std::nullopt);
  EXPECT_DOUBLE_EQ(*s.signal.age_s, 0.0);
}

TEST_F(ConnectionManagerTest, ReconfigureAppliesAtTheNextAttempt) {
  ManagerOptions changed = d.options;
  changed.config.network.apn = "internet";
  d.manager->Reconfigure(changed);
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  for (const char* cmd :
       {"ATE0", "AT+CMEE=1", "AT+CFUN=1", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+CIMI"}) {
    d.Expect(cmd, chat::FinalKind::kOk);
  }
  EXPECT_EQ(d.AtCommand(), "AT+CGDCONT=1,\"IP\",\"internet\"");
}

TEST_F(ConnectionManagerTest, ConfiguredPdpTypeIsSentInCgdcont) {
  ManagerOptions changed = d.options;
  changed.config.network.pdp_type = chat::PdpType::kIpv6;
  d.manager->Reconfigure(changed);
  d.Feed(ev::UserConnect{});
  d.Expect("AT", chat::FinalKind::kOk);
  for (const char* cmd :
       {"ATE0", "AT+CMEE=1", "AT+CFUN=1", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+CIMI"}) {
    d.Expect(cmd, chat::FinalKind::kOk);
  }
  // Manual §2.11: <PDP_type> IPV6, upper case (§2.11.4).
  EXPECT_EQ(d.AtCommand(), "AT+CGDCONT=1,\"IPV6\",\"cmnet\"");
}

TEST(ScriptsTest, EmptyApnLeavesTheApnOut) {
  std::vector<ScriptStep> init = Expand(Script::kInit, 2, "");
  auto it = std::find_if(init.begin(), init.end(),
                         [](const ScriptStep& s) { return s.command.starts_with("AT+CGDCONT"); });
  ASSERT_NE(it, init.end());
  EXPECT_EQ(it->command, "AT+CGDCONT=2,\"IP\"");
}

// Steps without an override take chat's timeouts (chat/commands/timeouts.h); the overrides keep
// the values the manager has always used (docs/state-machine.md, "Scripts").
TEST(ScriptsTest, StepsTakeChatsTimeoutsUnlessTheyOverrideThem) {
  for (const ScriptStep& step : Expand(Script::kInit, 1, "x")) {
    if (step.command == "AT+CFUN=1") {
      EXPECT_EQ(step.timeout, std::chrono::seconds(10));
    } else {
      EXPECT_EQ(step.timeout, chat::kBasicTimeout) << step.command;
    }
  }
  EXPECT_EQ(Expand(Script::kProbe, 1, "").front().timeout, std::chrono::seconds(1));
  EXPECT_EQ(Expand(Script::kAttach, 1, "x").back().timeout, std::chrono::seconds(75));
  EXPECT_EQ(Expand(Script::kDial, 1, "x").front().timeout, std::chrono::seconds(30));
  EXPECT_EQ(Expand(Script::kInbandActivate, 1, "x").front().timeout, std::chrono::seconds(150));
  EXPECT_EQ(Expand(Script::kDeactivate, 1, "x").front().timeout, std::chrono::seconds(45));
}

// Identity answers are decoded with chat's decoders, as `uclink probe` decodes them (manual §2.4:
// the revision is the +SOFTV value).
TEST(ScriptsTest, IdentityIsDecodedAsProbeDecodesIt) {
  EXPECT_EQ(
      DecodeCapture(Capture::kRevision, {"+SOFTV:012345678", "+HARDV:00123456", "+MANUF:ucchip"}),
      "012345678");
  EXPECT_EQ(DecodeCapture(Capture::kRevision, {"V1.0"}), "V1.0");
  EXPECT_EQ(DecodeCapture(Capture::kImei, {"863711020146740"}), "863711020146740");
  EXPECT_EQ(DecodeCapture(Capture::kImei, {"not an IMEI"}), std::nullopt);
}

TEST(ScriptsTest, DialExpectsConnectAndKnowsItsRefusals) {
  std::vector<ScriptStep> dial = Expand(Script::kDial, 1, "x");
  ASSERT_EQ(dial.size(), 1u);
  EXPECT_EQ(dial[0].expect, Expect::kConnect);
  EXPECT_THAT(dial[0].failures, ::testing::Contains(chat::FinalKind::kNoCarrier));
}

TEST(NamesTest, EveryStateHasADistinctName) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(State::kFailed); ++i) {
    names.insert(ToString(static_cast<State>(i)));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(State::kFailed) + 1);
  EXPECT_EQ(names.count("?"), 0u);
}

TEST(NamesTest, EveryErrorHasAWireNameAndMeaning) {
  for (int i = 0; i <= static_cast<int>(Errc::kTooManyFailures); ++i) {
    const auto e = static_cast<Errc>(i);
    EXPECT_STRNE(ToString(e), "unknown-error");
    EXPECT_EQ(std::error_code(e).message(), Describe(e));
  }
}

}  // namespace
}  // namespace uclink::control

namespace uclink::control {
namespace {

// status.since is when the state was entered. Two snapshots of one state must agree even when
// the wall clock's second ticks between them at another moment than the steady clock's
// (docs/control-api.md, the status document): it is derived once per state, not per call.
TEST(ManagerSinceTest, SinceDoesNotMoveWhileTheStateStays) {
  testing::ManagerDriver d;
  d.Start();
  d.Feed(ev::UserConnect{});  // idle → probing, entered at d.now
  ASSERT_EQ(d.state(), State::kProbing);
  // 0.9 s later the wall clock reads 1'800'000'000 s; 0.15 s after that it has not ticked yet.
  const api::Status first = d.manager->Snapshot(d.now + 900ms, std::int64_t{1'800'000'000});
  const api::Status second = d.manager->Snapshot(d.now + 1050ms, std::int64_t{1'800'000'000});
  ASSERT_TRUE(first.since.has_value());
  EXPECT_EQ(first.since, second.since);
  EXPECT_EQ(*first.since, api::FormatUtc(1'800'000'000 - 1));  // 0.9 s before, rounded down

  // Sub-second wall clocks: the same instant however the two clocks' seconds are phased.
  const auto wall = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  d.Feed(ev::UserDisconnect{});  // a new state: since moves once
  ASSERT_EQ(d.state(), State::kIdle);
  const api::Status a = d.manager->Snapshot(d.now + 300ms, wall + 300ms);
  const api::Status b = d.manager->Snapshot(d.now + 1700ms, wall + 1700ms);
  EXPECT_EQ(a.since, b.since);
  EXPECT_EQ(*a.since, api::FormatUtc(1'800'000'000));
}

}  // namespace
}  // namespace uclink::control
