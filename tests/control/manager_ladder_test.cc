// The recovery ladder (docs/state-machine.md, "Recovery ladder"): transient faults never end in
// `failed`, a silent module is power-cycled at once, power cycles keep to their hourly bound, the
// last resort fires at most once per interval — also across a restart through the persisted
// state — and the back-off is per class, jittered from a seeded source. Days of failures run on
// a fake clock in milliseconds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "control/manager/ladder.h"
#include "tests/control/manager_test_support.h"

namespace uclink::control {
namespace {

using ::testing::HasSubstr;
using testing::ManagerDriver;
using namespace std::chrono_literals;

constexpr std::int64_t kUnixStart = 1'700'000'000;

class LadderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d.options.unix_at_start = kUnixStart;
    d.options.jitter_seed = 42;
    d.options.config.recovery.probe_attempts = 1;
    d.options.config.recovery.reset_command = {"gpioset", "gpiochip0", "17=0"};
  }

  std::int64_t UnixNow() const {
    return kUnixStart + std::chrono::duration_cast<std::chrono::seconds>(d.now - start_).count();
  }

  // Plays a module that answers nothing, ever, and a reset command that exits 0; records the
  // Unix time of each power cycle and escalation. Stops after `span` of fake time.
  void RunSilentModule(Clock::duration span) {
    const Clock::time_point end = d.now + span;
    while (d.now < end) {
      ASSERT_NE(d.state(), State::kFailed) << d.status().last_error->message;
      bool reset = false, escalate = false;
      for (const Action& action : d.last) {
        reset = reset || std::holds_alternative<act::RunResetCommand>(action);
        escalate = escalate || std::holds_alternative<act::RunEscalateCommand>(action);
        if (const auto* save = std::get_if<act::SaveRecoveryState>(&action)) saved = save->document;
      }
      if (escalate) escalations.push_back(UnixNow());
      if (reset) {
        resets.push_back(UnixNow());
        d.Feed(ev::ResetDone{true, "exit 0", false});
        continue;
      }
      if (escalate) {
        d.Feed(ev::ResetDone{true, "exit 0", true});
        continue;
      }
      if (d.PendingAtCount() > 0) {
        d.Reply(kNoAnswer);
        continue;
      }
      const std::optional<Clock::time_point> next = d.manager->NextDeadline();
      ASSERT_TRUE(next.has_value()) << ToString(d.state());
      d.last.clear();
      d.Advance(std::max<Clock::duration>(*next - d.now, 0s));
    }
  }

  // No window of one hour holds more than `bound` of `times`.
  static int MostInOneHour(const std::vector<std::int64_t>& times) {
    int most = 0;
    for (std::size_t i = 0; i < times.size(); ++i) {
      int n = 0;
      for (std::size_t j = i; j < times.size() && times[j] < times[i] + 3600; ++j) ++n;
      most = std::max(most, n);
    }
    return most;
  }

  ManagerDriver d;
  Clock::time_point start_ = d.now;
  std::vector<std::int64_t> resets, escalations;
  nlohmann::json saved;
};

TEST_F(LadderTest, ThreeDaysOfASilentModuleNeverReachFailedAndKeepTheHourlyBound) {
  d.Start();
  d.Feed(ev::UserConnect{});
  RunSilentModule(72h);
  EXPECT_NE(d.state(), State::kFailed);
  EXPECT_GE(resets.size(), 72u);  // the bound allows 4 an hour; a silent module uses them
  EXPECT_LE(MostInOneHour(resets), 4);
  EXPECT_EQ(MostInOneHour(resets), 4);
  EXPECT_TRUE(escalations.empty());  // escalate_command is opt-in
}

TEST_F(LadderTest, SilentModuleIsPowerCycledAtOnceAndComesBackWithItsBanner) {
  d.options.config.recovery.probe_attempts = 2;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.Expect("AT", kNoAnswer);  // then an LCP Terminate and a second try
  d.Advance(2s);
  d.Expect("AT", kNoAnswer);
  ASSERT_EQ(d.state(), State::kResetting);
  bool found = false;
  for (const Action& a : d.last) {
    if (const auto* r = std::get_if<act::RunResetCommand>(&a)) {
      found = true;
      EXPECT_EQ(r->argv, d.options.config.recovery.reset_command);
      EXPECT_EQ(r->timeout, 30s);
    }
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(d.status().recovery.rung, "power-cycle");
  EXPECT_EQ(d.status().recovery.resets_last_hour, 1);
  EXPECT_EQ(d.status().recovery.power_cycles, 1);
  d.Feed(ev::ResetDone{true, "exit 0", false});
  EXPECT_TRUE(d.EmittedLast<act::ReopenPort>());
  EXPECT_EQ(d.AtCommand(), "AT");
  d.Feed(ev::ModuleRestarted{"READY"});
  d.Reply(kNoAnswer);  // the abandoned probe's late answer is stale
  EXPECT_EQ(d.state(), State::kConfiguring);
  EXPECT_EQ(d.status().recovery.last_reset_result, "exit 0");
}

TEST_F(LadderTest, SettleWithoutBannerOrOkIsAFailureAndTheLadderGoesOn) {
  d.Start();
  d.Feed(ev::UserConnect{});
  d.Expect("AT", kNoAnswer);
  ASSERT_EQ(d.state(), State::kResetting);
  d.Feed(ev::ResetDone{true, "exit 0", false});
  for (int i = 0; i < 40 && d.state() == State::kResetting; ++i) {
    if (d.PendingAtCount() > 0) d.Reply(kNoAnswer);
    d.Advance(1s);
  }
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_THAT(d.status().last_error->message, HasSubstr("after the power cycle"));
}

TEST_F(LadderTest, AResetCommandThatFailsIsCountedAndTheLadderGoesOn) {
  d.Start();
  d.Feed(ev::UserConnect{});
  d.Expect("AT", kNoAnswer);
  ASSERT_EQ(d.state(), State::kResetting);
  d.Feed(ev::ResetDone{false, "cannot start gpioset: No such file or directory", false});
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "reset-failed");
  EXPECT_THAT(d.status().recovery.last_reset_result.value_or(""), HasSubstr("No such file"));
  d.Advance(10min);
  EXPECT_EQ(d.AtCommand(), "AT");
}

TEST_F(LadderTest, PowerCycleByCountAfterResetAfterFailures) {
  d.options.config.recovery.probe_attempts = 5;
  d.options.config.recovery.reset_after = 3;
  d.options.config.recovery.cfun_cycle_after = 2;
  d.Start();
  d.Feed(ev::UserConnect{});
  for (int failure = 1; failure <= 3; ++failure) {
    ASSERT_EQ(d.AtCommand(), "AT") << failure;
    d.Reply(chat::FinalKind::kOk);
    if (failure >= 3) {
      d.Expect("AT+CFUN=0", chat::FinalKind::kOk);
    }
    d.Expect("ATE0", chat::FinalKind::kError);  // init-failed: the module answers, but badly
    if (failure < 3) {
      ASSERT_EQ(d.state(), State::kBackoff) << failure;
      EXPECT_EQ(d.status().recovery.failures_until_reset, 3 - failure);
      d.Advance(10min);
    }
  }
  EXPECT_EQ(d.state(), State::kResetting);
}

TEST_F(LadderTest, EscalatesAtMostOncePerIntervalAlsoAcrossARestart) {
  d.options.config.recovery.escalate_command = {"systemctl", "reboot"};
  d.options.config.recovery.escalate_after_resets = 2;
  d.Start();
  d.Feed(ev::UserConnect{});
  RunSilentModule(50h);
  ASSERT_EQ(escalations.size(), 3u);  // at 0 h + a little, then 24 h and 48 h later
  for (std::size_t i = 1; i < escalations.size(); ++i) {
    EXPECT_GE(escalations[i] - escalations[i - 1], 86400);
  }
  // uclinkd restarts (the reboot happened): the persisted counters come back.
  const std::int64_t last = escalations.back();
  d.options.unix_at_start = UnixNow();
  d.options.restored = RecoveryState::FromJson(saved);
  ASSERT_EQ(d.options.restored->last_escalation, last);
  d.Start();  // a new manager; AT commands the old one left pending are stale to it
  escalations.clear();
  d.Feed(ev::UserConnect{});
  const std::int64_t restarted_at = UnixNow();
  RunSilentModule(20h);
  EXPECT_TRUE(escalations.empty())
      << "escalated " << escalations.front() - restarted_at << " s after a restart, "
      << escalations.front() - last << " s after the last escalation";
}

TEST_F(LadderTest, TransientFaultsOfEveryClassRetryForEver) {
  d.options.config.recovery.reset_command.clear();
  d.Start();
  d.Feed(ev::UserConnect{});
  for (int i = 0; i < 200; ++i) {
    d.Expect("AT", chat::FinalKind::kOk);
    if (i >= 3) d.Expect("AT+CFUN=0", chat::FinalKind::kOk);  // the radio-cycle rung
    d.Expect("ATE0", chat::FinalKind::kOk);
    d.Expect("AT+CMEE=1", chat::FinalKind::kOk);
    d.Expect("AT+CFUN=1", chat::FinalKind::kOk);
    for (const char* id : {"AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+CIMI"}) {
      d.Expect(id, chat::FinalKind::kOk, {"x"});
    }
    d.Expect("AT+CGDCONT=1,\"IP\",\"cmnet\"", chat::FinalKind::kOk);
    d.Expect("AT+CGREG=1", chat::FinalKind::kOk);
    d.AnswerRegistered(3);  // registration denied, every time
    ASSERT_EQ(d.state(), State::kBackoff) << i;
    d.Advance(15min);
  }
  EXPECT_EQ(d.status().recovery.consecutive_failures, 200);
  EXPECT_EQ(d.status().recovery.failures_until_reset, std::nullopt);
}

TEST(LadderTable, BackoffPerClassDoublesToTheMaximum) {
  BackoffConfig backoff;  // 5 s doubling to 600 s
  EXPECT_EQ(ClassBackoff(FailureClass::kModuleSilent, 1, backoff, nullptr), 5s);
  EXPECT_EQ(ClassBackoff(FailureClass::kModuleSilent, 3, backoff, nullptr), 20s);
  EXPECT_EQ(ClassBackoff(FailureClass::kRegistrationDenied, 1, backoff, nullptr), 60s);
  EXPECT_EQ(ClassBackoff(FailureClass::kPdpRejected, 2, backoff, nullptr), 40s);
  EXPECT_EQ(ClassBackoff(FailureClass::kLinkDead, 30, backoff, nullptr), 600s);
  EXPECT_EQ(ClassOf(Errc::kRegistrationDenied), FailureClass::kRegistrationDenied);
  EXPECT_EQ(ClassOf(Errc::kDialRefused), FailureClass::kPdpRejected);
  EXPECT_EQ(ClassOf(Errc::kModuleNotResponding), FailureClass::kModuleSilent);
}

// Only a failure no retry can fix ends in `failed`: a SIM that needs a person (PIN, PUK, wrong
// SIM, wrong password) and a command the firmware does not support (manual §3.1, 附表 3.1).
TEST(LadderTable, InitFailuresThatNeedAPersonArePermanentTheRestAreRetried) {
  const auto classify = [](int code) {
    return ClassifyInitFailure(chat::FinalKind::kCmeError, code);
  };
  for (int code : {11, 12, 15, 16}) {
    EXPECT_EQ(classify(code).code, Errc::kSimError) << code;
    EXPECT_TRUE(classify(code).permanent) << code;
  }
  for (int code : {10, 13, 14}) {  // not inserted, SIM failure, busy: loose or slow SIMs
    EXPECT_EQ(classify(code).code, Errc::kSimError) << code;
    EXPECT_FALSE(classify(code).permanent) << code;
  }
  EXPECT_EQ(classify(4).code, Errc::kCommandUnsupported);
  EXPECT_TRUE(classify(4).permanent);
  for (int code : {3, 9, 17, 100}) {
    EXPECT_EQ(classify(code).code, Errc::kInitFailed) << code;
    EXPECT_FALSE(classify(code).permanent) << code;
  }
  // The same numbers outside +CME ERROR, and no answer at all, are ordinary init failures.
  EXPECT_EQ(ClassifyInitFailure(chat::FinalKind::kExtError, 11).code, Errc::kInitFailed);
  EXPECT_FALSE(ClassifyInitFailure(chat::FinalKind::kError, 0).permanent);
  EXPECT_EQ(ClassifyInitFailure(kNoAnswer, 0).code, Errc::kInitFailed);
}

TEST(LadderTable, JitterIsWithinTwentyPercentAndReplaysWithTheSeed) {
  BackoffConfig backoff;
  JitterSource a(7), b(7);
  bool varied = false;
  for (int i = 0; i < 1000; ++i) {
    const auto da = ClassBackoff(FailureClass::kLinkDead, 30, backoff, &a);
    EXPECT_EQ(da, ClassBackoff(FailureClass::kLinkDead, 30, backoff, &b));
    EXPECT_GE(da, 480s);
    EXPECT_LE(da, 720s);
    varied = varied || da != 600s;
  }
  EXPECT_TRUE(varied);
}

TEST(LadderTable, HourlyBoundHoldsThePowerCycleAndSaysUntilWhen) {
  RecoveryConfig config;
  config.reset_command = {"uhubctl", "-a", "cycle"};
  RecoveryState state;
  state.resets = {1000, 2000, 3000, 4000};
  const RungDecision held = DecideRung(config, state, /*module_silent=*/true, 4100);
  EXPECT_NE(held.rung, Rung::kPowerCycle);
  EXPECT_EQ(held.reset_held_until, 1000 + 3600);
  EXPECT_EQ(DecideRung(config, state, true, 4601).rung, Rung::kPowerCycle);
}

TEST(RecoveryStateDocument, RoundTripsAndSurvivesGarbage) {
  RecoveryState s;
  s.consecutive_failures = 7;
  s.failures_since_reset = 2;
  s.resets_since_online = 3;
  s.resets = {10, 20};
  s.last_reset = 20;
  s.last_reset_result = "exit 0";
  s.last_escalation = 5;
  s.escalations = 1;
  s.last_online = 1;
  s.last_error_code = "module-not-responding";
  s.last_error_message = "no answer";
  s.last_error_at = 21;
  EXPECT_EQ(RecoveryState::FromJson(s.ToJson()), s);
  EXPECT_EQ(s.ToJson()["schema"], 1);
  const RecoveryState junk = RecoveryState::FromJson(
      {{"consecutive_failures", "many"}, {"resets", {1, "x", -5}}, {"escalations", -3}});
  EXPECT_EQ(junk.consecutive_failures, 0);
  EXPECT_EQ(junk.resets, (std::vector<std::int64_t>{1, -5}));
  EXPECT_EQ(junk.escalations, 0);
  EXPECT_EQ(RecoveryState::FromJson(nlohmann::json::array()), RecoveryState{});
}

}  // namespace
}  // namespace uclink::control
