// network.apn = "auto" and network.roaming in the connection manager (docs/apn.md), on a fake
// clock: the candidates come as an event, each is defined and activated in turn, a refusal moves
// to the next after a short pause, the one that activated is remembered, and roaming with deny
// keeps the manager offline but watching.
#include <gtest/gtest.h>

#include "tests/control/manager_test_support.h"

namespace uclink::control::testing {
namespace {

using chat::FinalKind;

constexpr const char* kImsi = "460111234567890";

ApnChoice Choice(std::string apn, std::string source) {
  return ApnChoice{std::move(apn), "", "", "", std::move(source)};
}

// Probe and init; the init defines the context without an APN (none is known yet), and the
// IMSI read by AT+CIMI is what the lookup is asked for.
void InitWithoutApn(ManagerDriver& d) {
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInitUpToTheContext(kImsi);
  d.Expect("AT+CGDCONT=1,\"IP\"", FinalKind::kOk);
  d.Expect("AT+CGREG=1", FinalKind::kOk);
}

class AutoApnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d.options.config.network.apn = "auto";
    d.Start();
  }

  // Probe and init; the init defines the context without an APN (none is known yet), and the
  // IMSI read by AT+CIMI is what the lookup is asked for.
  void Init() { InitWithoutApn(d); }

  const act::LookUpApn* LookUp() const {
    for (const Action& a : d.all) {
      if (const auto* lookup = std::get_if<act::LookUpApn>(&a)) return lookup;
    }
    return nullptr;
  }

  const act::RememberApn* Remembered() const {
    for (const Action& a : d.all) {
      if (const auto* remember = std::get_if<act::RememberApn>(&a)) return remember;
    }
    return nullptr;
  }

  void Candidates(std::vector<ApnChoice> list, std::string error = "") {
    d.Feed(ev::ApnCandidates{kImsi, std::move(list), std::move(error)});
  }

  void RegisteredAndAttached() {
    d.AnswerRegistered();
    d.AnswerAttach();
  }

  ManagerDriver d;
};

TEST_F(AutoApnTest, LooksTheImsiUpOnceTheInitHasReadIt) {
  Init();
  const act::LookUpApn* lookup = LookUp();
  ASSERT_NE(lookup, nullptr);
  EXPECT_EQ(lookup->imsi, kImsi);
  EXPECT_EQ(d.state(), State::kAwaitingRegistration);
}

TEST_F(AutoApnTest, RefusedCandidateMovesToTheNextAfterAShortPauseAndTheWinnerIsRemembered) {
  Init();
  Candidates({Choice("ctnet", "auto: China Telecom"), Choice("ctlte", "auto: China Telecom")});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctnet\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kCmeError, {}, 133);
  // Not the back-off ladder: still dialing, no failed attempt, the next APN after 2 s.
  EXPECT_EQ(d.state(), State::kDialing);
  EXPECT_EQ(d.PendingAtCount(), 0u);
  EXPECT_FALSE(d.status().attempt);
  d.Advance(1900ms);
  EXPECT_EQ(d.PendingAtCount(), 0u);
  d.Advance(100ms);
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctlte\"", FinalKind::kOk);
  EXPECT_EQ(d.status().network.apn, "ctlte");
  EXPECT_EQ(d.status().network.apn_source, "auto: China Telecom");
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kConnect);
  EXPECT_EQ(d.state(), State::kNegotiatingPpp);
  const act::RememberApn* remember = Remembered();
  ASSERT_NE(remember, nullptr);
  EXPECT_EQ(remember->imsi, kImsi);
  EXPECT_EQ(remember->apn, "ctlte");
  EXPECT_EQ(remember->provider, "China Telecom");
}

const act::StartPpp* StartedPpp(const ManagerDriver& d) {
  for (const Action& a : d.all) {
    if (const auto* start = std::get_if<act::StartPpp>(&a)) return start;
  }
  return nullptr;
}

// The lookup offers uninet with credentials; registered, attached, dialled: the PPP start.
const act::StartPpp* DialWithTheUninetCandidate(ManagerDriver& d) {
  d.Feed(ev::ApnCandidates{
      kImsi, {ApnChoice{"uninet", "wap", "secret", "pap", "auto: China Unicom"}}, ""});
  d.AnswerRegistered();
  d.AnswerAttach();
  d.Expect("AT+CGDCONT=1,\"IP\",\"uninet\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kConnect);
  return StartedPpp(d);
}

TEST_F(AutoApnTest, PppLogsInWithTheCandidatesCredentialsWhenNoneAreConfigured) {
  Init();
  const act::StartPpp* start = DialWithTheUninetCandidate(d);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->username, "wap");
  EXPECT_EQ(start->password, "secret");
}

TEST(AutoApnCredentials, ConfiguredCredentialsWinOverTheDatabases) {
  ManagerDriver d;
  d.options.config.network.apn = "auto";
  d.options.config.network.username = "mine";
  d.options.config.network.password = "pw";
  d.Start();
  InitWithoutApn(d);
  const act::StartPpp* start = DialWithTheUninetCandidate(d);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->username, "mine");
  EXPECT_EQ(start->password, "pw");
}

TEST_F(AutoApnTest, RememberedCandidateIsTriedFirstAndNotSavedAgain) {
  Init();
  Candidates({Choice("ctlte", "remembered"), Choice("ctnet", "auto: China Telecom")});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctlte\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kConnect);
  EXPECT_EQ(Remembered(), nullptr);
  EXPECT_EQ(d.status().network.apn_source, "remembered");
}

TEST_F(AutoApnTest, WhenEveryCandidateIsRefusedLastErrorNamesEachAndTheAnswer) {
  Init();
  Candidates({Choice("ctnet", "auto: China Telecom"), Choice("ctlte", "auto: China Telecom")});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctnet\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kCmeError, {}, 133);
  d.Advance(2s);
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctlte\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kCmeError, {}, 149);
  EXPECT_EQ(d.state(), State::kBackoff);
  const api::Status status = d.status();
  ASSERT_TRUE(status.last_error);
  EXPECT_EQ(status.last_error->code, "apn-refused");
  EXPECT_EQ(status.last_error->message,
            "every APN candidate was refused: \"ctnet\" → +CME ERROR: 133 (requested service "
            "option not subscribed); \"ctlte\" → +CME ERROR: 149 (PDP authorisation error)");
  EXPECT_EQ(status.attempt, 1);
  EXPECT_EQ(Remembered(), nullptr);
}

TEST_F(AutoApnTest, ARefusedDefinitionAlsoMovesOn) {
  Init();
  Candidates({Choice("odd", "auto: X"), Choice("good", "auto: X")});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\",\"odd\"", FinalKind::kError);
  d.Advance(2s);
  d.Expect("AT+CGDCONT=1,\"IP\",\"good\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kConnect);
  EXPECT_EQ(d.state(), State::kNegotiatingPpp);
}

TEST_F(AutoApnTest, NoCandidatesUsesTheModulesDefaultContext) {
  Init();
  Candidates({}, "no-provider: MCC 460, MNC 11 or 111");
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\"", FinalKind::kOk);
  EXPECT_EQ(d.status().network.apn, "");
  EXPECT_EQ(d.status().network.apn_source, "auto: module default");
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kConnect);
  EXPECT_EQ(Remembered(), nullptr);
}

TEST_F(AutoApnTest, AnswerForAnotherSimIsIgnored) {
  Init();
  d.Feed(ev::ApnCandidates{"262011234567890", {Choice("internet.telekom", "auto: Telekom")}, ""});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\"", FinalKind::kOk);
  EXPECT_FALSE(d.status().network.apn_source);
}

TEST_F(AutoApnTest, DisconnectDuringThePauseGoesIdle) {
  Init();
  Candidates({Choice("ctnet", "auto: China Telecom"), Choice("ctlte", "auto: China Telecom")});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctnet\"", FinalKind::kOk);
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kCmeError, {}, 133);
  d.Feed(ev::UserDisconnect{});
  EXPECT_EQ(d.state(), State::kIdle);
  d.Advance(5s);
  EXPECT_EQ(d.PendingAtCount(), 0u);
}

TEST_F(AutoApnTest, InbandActivationRefusalMovesToTheNextCandidate) {
  d.options.config.connection.mode = ModeChoice::kInband;
  d.Start();
  Init();
  Candidates({Choice("ctnet", "auto: China Telecom"), Choice("ctlte", "auto: China Telecom")});
  RegisteredAndAttached();
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctnet\"", FinalKind::kOk);
  d.Expect("AT+CGACT=1,1", FinalKind::kCmeError, {}, 133);
  EXPECT_EQ(d.state(), State::kActivatingInband);
  d.Advance(2s);
  d.Expect("AT+CGDCONT=1,\"IP\",\"ctlte\"", FinalKind::kOk);
  d.Expect("AT+CGACT=1,1", FinalKind::kOk);
  EXPECT_EQ(d.state(), State::kOnlineInband);
  ASSERT_NE(Remembered(), nullptr);
  EXPECT_EQ(Remembered()->apn, "ctlte");
}

TEST(ExplicitApn, IsNeverLookedUpAndShownAsConfig) {
  ManagerDriver d;
  d.Start();
  d.ConnectUntilConnect();
  for (const Action& a : d.all) EXPECT_FALSE(std::holds_alternative<act::LookUpApn>(a));
  EXPECT_EQ(d.status().network.apn, "cmnet");
  EXPECT_EQ(d.status().network.apn_source, "config");
}

TEST(ExplicitApn, ARefusalIsNotRetriedWithAnotherApn) {
  ManagerDriver d;
  d.options.config.connection.mode = ModeChoice::kPpp;
  d.Start();
  d.ConnectUntilAttached();
  d.Expect("AT+CGDATA=\"PPP\",1", FinalKind::kCmeError, {}, 133);
  EXPECT_EQ(d.state(), State::kBackoff);
  EXPECT_EQ(d.status().last_error->code, "dial-refused");
}

// ---- network.roaming ----------------------------------------------------------------------

TEST(Roaming, AllowedByDefault) {
  ManagerDriver d;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(5);
  EXPECT_EQ(d.state(), State::kAttaching);
}

TEST(Roaming, DenyStaysOfflineWatchingUntilHomeRegistration) {
  ManagerDriver d;
  d.options.config.network.roaming = RoamingPolicy::kDeny;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(5);
  EXPECT_EQ(d.state(), State::kAwaitingRegistration);
  ASSERT_TRUE(d.status().last_error);
  EXPECT_EQ(d.status().last_error->code, "roaming-denied");
  // Far past registration_timeout: no registration-timeout, still polling +CGREG.
  for (int i = 0; i < 100; ++i) {
    d.Advance(3s);
    if (d.AtCommand() == "AT+CGREG?") d.Reply(FinalKind::kOk);
  }
  EXPECT_EQ(d.state(), State::kAwaitingRegistration);
  EXPECT_EQ(d.status().last_error->code, "roaming-denied");
  d.Advance(3s);
  d.AnswerRegistered(1);
  EXPECT_EQ(d.state(), State::kAttaching);
}

TEST(Roaming, CmeError113OnAttachIsRoamingDenied) {
  ManagerDriver d;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(1);
  ASSERT_EQ(d.AtCommand(), "AT+CSQ");
  d.Reply(FinalKind::kOk);
  d.Expect("AT+CGATT=1", FinalKind::kCmeError, {}, 113);
  ASSERT_TRUE(d.status().last_error);
  EXPECT_EQ(d.status().last_error->code, "roaming-denied");
  EXPECT_NE(d.status().last_error->message.find("Roaming not allowed in Location Area"),
            std::string::npos);
}

TEST(Roaming, DenyWhileOnlineInbandFailsTheLink) {
  ManagerDriver d;
  d.options.config.network.roaming = RoamingPolicy::kDeny;
  d.options.config.connection.mode = ModeChoice::kInband;
  d.Start();
  d.Feed(ev::UserConnect{});
  d.AnswerProbeAndInit();
  d.AnswerRegistered(1);
  d.AnswerAttach();
  d.Expect("AT+CGACT=1,1", FinalKind::kOk);
  ASSERT_EQ(d.state(), State::kOnlineInband);
  d.Feed(ev::Registration{5, "3342", "7A1"});
  ASSERT_TRUE(d.status().last_error);
  EXPECT_EQ(d.status().last_error->code, "roaming-denied");
  EXPECT_NE(d.state(), State::kOnlineInband);
}

}  // namespace
}  // namespace uclink::control::testing
