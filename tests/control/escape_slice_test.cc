// Monitoring slices on a single port (docs/state-machine.md, "Monitoring slices") as a
// specification: while online through PPP with modem.escape_supported, each due reading suspends
// the backend, writes "+++" between two silent guard times, checks command mode with AT, polls,
// and returns with ATO → CONNECT. Anything else is link trouble and takes the usual recovery
// path. Fake clock; nothing sleeps.
#include <gtest/gtest.h>

#include <set>

#include "control/manager/connection_manager.h"
#include "tests/control/manager_test_support.h"

namespace uclink::control {
namespace {

using testing::ManagerDriver;
using namespace std::chrono_literals;

const std::vector<std::uint8_t> kPlusPlusPlus = {'+', '+', '+'};

class EscapeSliceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d.options.config.modem.escape_supported = true;
    d.Start();
  }

  // The last act::WriteRaw emitted so far, if any.
  std::optional<std::vector<std::uint8_t>> LastRawWrite() const {
    for (auto it = d.all.rbegin(); it != d.all.rend(); ++it) {
      if (const auto* raw = std::get_if<act::WriteRaw>(&*it)) return raw->bytes;
    }
    return std::nullopt;
  }

  // The identifier of the last act::SendLcpTerminate emitted so far, if any.
  std::optional<std::uint8_t> LastTerminate() const {
    for (auto it = d.all.rbegin(); it != d.all.rend(); ++it) {
      if (const auto* t = std::get_if<act::SendLcpTerminate>(&*it)) return t->identifier;
    }
    return std::nullopt;
  }

  // From online to the first slice's "AT" check (CSQ due `until_due` from now, guard times
  // passed).
  void RunSliceUntilCheck(Clock::duration until_due = 15s) {
    d.Advance(until_due);
    ASSERT_TRUE(d.EmittedLast<act::SuspendPpp>());
    ASSERT_EQ(d.PendingAtCount(), 0u);
    d.Advance(1200ms);  // 1 s guard (V.250 S12) + 200 ms for the UART to drain
    ASSERT_EQ(LastRawWrite(), kPlusPlusPlus);
    ASSERT_EQ(d.PendingAtCount(), 0u);
    d.Advance(1s);  // the guard after "+++"
    ASSERT_TRUE(d.EmittedLast<act::ResumeCommandMode>());
    ASSERT_EQ(d.AtCommand(), "AT");
  }

  ManagerDriver d;
};

TEST_F(EscapeSliceTest, WithoutEscapeSupportTheOnlyPortStaysInDataMode) {
  d.options.config.modem.escape_supported = false;
  d.Start();
  d.BringOnline();
  d.Advance(60s);
  EXPECT_EQ(d.Count<act::SuspendPpp>(), 0);
  EXPECT_EQ(d.PendingAtCount(), 0u);
}

TEST_F(EscapeSliceTest, SecondAtPortNeedsNoEscape) {
  d.options.config.modem.at_port = "/dev/ttyUSB2";
  d.Start();
  d.BringOnline();
  d.Advance(60s);
  EXPECT_EQ(d.Count<act::SuspendPpp>(), 0);
}

TEST_F(EscapeSliceTest, DueSignalReadingRunsOneSliceAndResumesPpp) {
  d.BringOnline();
  d.Advance(14s);
  EXPECT_EQ(d.Count<act::SuspendPpp>(), 0);
  RunSliceUntilCheck(1s);
  EXPECT_FALSE(d.manager->AtPortAvailable());  // user AT waits: the slice owns the line
  d.Expect("AT", chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "AT+CSQ");
  d.Feed(ev::Signal{17, 0});
  d.Reply(chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "ATO");
  EXPECT_TRUE(d.at()->expect_connect);  // the line comes back through the data-mode hand-over
  d.Reply(chat::FinalKind::kConnect);
  EXPECT_TRUE(d.EmittedLast<act::ResumePpp>());
  EXPECT_EQ(d.state(), State::kOnline);
  api::Status s = d.status();
  EXPECT_EQ(s.signal.csq, 17);
  EXPECT_DOUBLE_EQ(*s.signal.age_s, 0.0);
  EXPECT_EQ(s.monitoring.escapes, 1);
  EXPECT_DOUBLE_EQ(*s.monitoring.last_escape_ms, 2200.0);  // guard + margin + guard
  EXPECT_FALSE(d.manager->AtPortAvailable());              // data mode again
}

TEST_F(EscapeSliceTest, SliceDurationIsPublishedAndInTheStatusDocument) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Advance(30ms);
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Advance(20ms);
  d.Expect("ATO", chat::FinalKind::kConnect);
  bool published = false;
  for (const Action& action : d.last) {
    const auto* p = std::get_if<act::Publish>(&action);
    if (const auto* slice = p ? std::get_if<api::SliceCompleted>(&p->event) : nullptr) {
      published = true;
      EXPECT_EQ(slice->escapes, 1);
      EXPECT_DOUBLE_EQ(slice->last_escape_ms, 2250.0);
    }
  }
  EXPECT_TRUE(published);
  nlohmann::json doc = api::ToJson(d.status());
  EXPECT_EQ(doc["monitoring"]["escapes"], 1);
  EXPECT_DOUBLE_EQ(doc["monitoring"]["last_escape_ms"].get<double>(), 2250.0);
}

TEST_F(EscapeSliceTest, StatusShowsNoSliceYetAsZeroAndNull) {
  nlohmann::json doc = api::ToJson(d.status());
  EXPECT_EQ(doc["monitoring"]["escapes"], 0);
  EXPECT_TRUE(doc["monitoring"]["last_escape_ms"].is_null());
}

TEST_F(EscapeSliceTest, OneEscapeServesBothReadingsWhenBothAreDue) {
  d.BringOnline();
  RunSliceUntilCheck();  // t = 15 s: CSQ only
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Expect("ATO", chat::FinalKind::kConnect);
  d.Advance(30s - 15s - 2200ms);  // t = 30 s: CSQ and CGREG both due
  d.Advance(2200ms);
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "AT+CGREG?");
  d.Feed(ev::Registration{1, "3342", "7A1"});
  d.Reply(chat::FinalKind::kOk);
  d.Expect("ATO", chat::FinalKind::kConnect);
  EXPECT_EQ(d.Count<act::SuspendPpp>(), 2);
  EXPECT_EQ(d.status().monitoring.escapes, 2);
  EXPECT_DOUBLE_EQ(*d.status().registration.age_s, 0.0);
}

TEST_F(EscapeSliceTest, EscapeWithoutOkIsLinkTroubleTerminatedAndRedialled) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Reply(kNoAnswer);  // "+++" was not taken: the module is still in data mode
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_EQ(d.status().last_error->code, "escape-failed");
  d.Feed(ev::PppDown{"local close: stopped during a monitoring slice", false});
  // The suspended backend sent no Terminate: the manager does, through the AT channel.
  EXPECT_EQ(LastTerminate(), 0x5b);
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);  // no ATH: there is no suspended call
  EXPECT_EQ(d.state(), State::kBackoff);
  d.Advance(5s);
  EXPECT_EQ(d.state(), State::kProbing);
}

TEST_F(EscapeSliceTest, SliceOverItsBudgetIsLinkTrouble) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Advance(4999ms);  // the AT channel is still resynchronising behind a silent line
  EXPECT_EQ(d.state(), State::kOnline);
  d.Advance(1ms);  // 5 s beyond the guard times
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_EQ(d.status().last_error->code, "escape-failed");
  EXPECT_EQ(d.status().monitoring.escapes, 0);
}

TEST_F(EscapeSliceTest, AtoErrorHangsUpTheSuspendedCallWithAth) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Expect("ATO", chat::FinalKind::kError);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_EQ(d.status().last_error->code, "escape-failed");
  const int raw_before = d.Count<act::SendLcpTerminate>();
  d.Feed(ev::PppDown{"local close", false});
  EXPECT_EQ(d.Count<act::SendLcpTerminate>(), raw_before);  // command mode is certain: no Terminate
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATH", chat::FinalKind::kOk);  // never leave a suspended call behind
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
}

TEST_F(EscapeSliceTest, AtoTimeoutAssumesDataModeAndTerminates) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  d.Expect("ATO", kNoAnswer);
  d.Feed(ev::PppDown{"local close", false});
  EXPECT_EQ(LastTerminate(), 0x5b);
  d.Advance(2s);  // no NO CARRIER: the resync probe tells
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATH", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kBackoff);
}

TEST_F(EscapeSliceTest, PollTimeoutInCommandModeMeansTheModuleIsGone) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", kNoAnswer);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_EQ(d.status().last_error->code, "module-not-responding");
}

TEST_F(EscapeSliceTest, DisconnectDuringPollsHangsUpFromCommandMode) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Expect("AT", chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "AT+CSQ");
  d.Feed(ev::UserDisconnect{});
  EXPECT_EQ(d.state(), State::kOnline);  // the poll in flight finishes first
  d.Reply(chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_FALSE(d.Emitted<act::ResumePpp>(d.all));  // no detour through data mode
  d.Feed(ev::PppDown{"local close", false});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("ATH", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
  EXPECT_EQ(d.manager->NextDeadline(), std::nullopt);
}

TEST_F(EscapeSliceTest, DisconnectBeforeTheEscapeResumesPppAndHangsUpAsUsual) {
  d.BringOnline();
  d.Advance(15s);
  ASSERT_TRUE(d.EmittedLast<act::SuspendPpp>());
  d.Feed(ev::UserDisconnect{});
  EXPECT_TRUE(d.EmittedLast<act::ResumePpp>());
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  d.Advance(2s);
  EXPECT_NE(LastRawWrite(), kPlusPlusPlus);  // the escape is never written
  d.Feed(ev::PppDown{"local close", false});
  EXPECT_TRUE(d.EmittedLast<act::ResumeCommandMode>());
  EXPECT_FALSE(d.EmittedLast<act::SendLcpTerminate>());  // the resumed backend sent Terminate
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
}

TEST_F(EscapeSliceTest, DisconnectWhileAtoIsPendingWaitsForConnectThenHangsUp) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CSQ", chat::FinalKind::kOk);
  ASSERT_EQ(d.AtCommand(), "ATO");
  d.Feed(ev::UserDisconnect{});
  EXPECT_EQ(d.state(), State::kOnline);
  d.Reply(chat::FinalKind::kConnect);
  EXPECT_TRUE(d.EmittedLast<act::ResumePpp>());
  EXPECT_TRUE(d.EmittedLast<act::StopPpp>());
  EXPECT_EQ(d.state(), State::kHangingUp);
  d.Feed(ev::PppDown{"local close", false});
  d.Feed(ev::NoCarrier{});
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kIdle);
}

TEST_F(EscapeSliceTest, NoCarrierDuringASliceIsRecoveredLikeAnyOther) {
  d.BringOnline();
  RunSliceUntilCheck();
  d.Expect("AT", chat::FinalKind::kOk);
  d.Feed(ev::NoCarrier{});  // the network ended the suspended call
  EXPECT_EQ(d.state(), State::kHangingUp);
  EXPECT_EQ(d.status().last_error->code, "no-carrier");
  d.Feed(ev::PppDown{"local close", false});
  d.Expect("AT+CSQ", chat::FinalKind::kOk);  // the slice's poll, still queued: stale, ignored
  d.Expect("AT", chat::FinalKind::kOk);
  d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);  // no ATH: the call is gone
  EXPECT_EQ(d.state(), State::kBackoff);
}

TEST_F(EscapeSliceTest, TwoUnansweredEscapesInARowStopSlicing) {
  d.BringOnline();
  for (int round = 0; round < 2; ++round) {
    RunSliceUntilCheck();
    d.Reply(kNoAnswer);
    d.Feed(ev::PppDown{"local close", false});
    d.Feed(ev::NoCarrier{});
    d.Expect("AT", chat::FinalKind::kOk);
    d.Expect("AT+CGACT=0,1", chat::FinalKind::kOk);
    ASSERT_EQ(d.state(), State::kBackoff);
    d.Advance(round == 0 ? 5s : 10s);
    ASSERT_EQ(d.state(), State::kProbing);
    d.AnswerProbeAndInit();
    d.AnswerRegistered();
    d.AnswerAttach();
    d.Expect("AT+CGDATA=\"PPP\",1", chat::FinalKind::kConnect);
    d.Feed(ev::PppUp{"uclink0", "10.0.2.15", "10.0.2.2", {}, 1500});
    ASSERT_EQ(d.state(), State::kOnline);
  }
  const int suspends = d.Count<act::SuspendPpp>();
  d.Advance(120s);
  EXPECT_EQ(d.Count<act::SuspendPpp>(), suspends);  // the firmware does not take "+++"
  EXPECT_EQ(d.PendingAtCount(), 0u);
  EXPECT_EQ(d.state(), State::kOnline);
}

TEST_F(EscapeSliceTest, PhasesHaveDistinctNames) {
  std::set<std::string> names;
  for (SlicePhase phase : {SlicePhase::kNone, SlicePhase::kQuiescing, SlicePhase::kEscaping,
                           SlicePhase::kConfirming, SlicePhase::kPolling, SlicePhase::kResuming}) {
    names.insert(ToString(phase));
  }
  EXPECT_EQ(names.size(), 6u);
  EXPECT_STREQ(ToString(AtPurpose::kSlice), "slice");
}

TEST(EscapeSliceScriptTest, SliceStepsAreTheCheckThePollsAndTheReturn) {
  std::vector<ScriptStep> steps = Expand(Script::kEscapeSlice, 1, "x");
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].command, "AT");
  EXPECT_EQ(steps[1].command, "AT+CSQ");
  EXPECT_EQ(steps[2].command, "AT+CGREG?");
  EXPECT_EQ(steps[3].command, "ATO");
  EXPECT_EQ(steps[3].expect, Expect::kConnect);
  EXPECT_EQ(Expand(Script::kEndSuspendedCall, 1, "x").front().command, "ATH");
}

}  // namespace
}  // namespace uclink::control
