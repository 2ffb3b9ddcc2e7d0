// network.apn = "auto" end to end (docs/apn.md): uclink-sim with a China Telecom IMSI whose
// network activates only "ctlte", the second of the fixture database's two candidates; uclinkd
// with that database and a private state directory. Runs in a private network namespace (root).
#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kImsi = "460111234567890";

std::string AbsolutePath(const std::string& relative) {
  char resolved[PATH_MAX];
  return ::realpath(relative.c_str(), resolved) ? std::string(resolved) : relative;
}

bool IsApnEvent(const nlohmann::json& e) {
  return e.is_object() && e.value("event", "") == "apn" && e.contains("data");
}

int Refusals(const EventStream& events) {
  int refused = 0;
  for (const nlohmann::json& e : events.seen()) {
    if (IsApnEvent(e) && e["data"].contains("refused")) ++refused;
  }
  return refused;
}

class ApnScenarioTest : public RigScenarioTest {
 protected:
  void SetUp() override {
    const std::string db = AbsolutePath("tests/control/apn/testdata/providers.xml");
    rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig() + "[network]\nprovider_db = \"" + db +
                                       "\"\n");
    rig_->set_apn("auto");
    state_dir_ = rig_->state_dir();
  }

  void StartDaemonAndConnect() {
    ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
    events_ = std::make_unique<EventStream>(rig_->socket_path(), rig_.get());
    ASSERT_TRUE(events_->open());
    ASSERT_EQ(rig_->Call("connect").value("ok", false), true);
  }

  nlohmann::json RememberedDocument() const {
    std::ifstream file(state_dir_ + "/apn.json");
    std::stringstream text;
    text << file.rdbuf();
    return nlohmann::json::parse(text.str(), nullptr, false);
  }

  std::string state_dir_;
};

// ctnet's database entry carries a user name (ctnet@mycdma.cn) and none is configured: the
// daemon rebuilds its PPP backend with it before PPP starts, and the link still comes up.
TEST_F(ApnScenarioTest, ACandidatesCredentialsReachThePppBackend) {
  ASSERT_TRUE(rig_->StartSim({"--fast", "--imsi", kImsi, "--require-apn", "ctnet"}))
      << rig_->SimLog();
  StartDaemonAndConnect();
  ASSERT_TRUE(events_->WaitForState("online", 40s)) << rig_->Casualty();
  EXPECT_EQ(rig_->Status()["network"]["apn"], "ctnet");
  EXPECT_NE(rig_->DaemonLog().find("PPP backend rebuilt with the user name of the APN in use "
                                   "(\"ctnet@mycdma.cn\")"),
            std::string::npos)
      << rig_->DaemonLog();
}

TEST_F(ApnScenarioTest, SecondCandidateGoesOnlineIsRememberedAndTriedFirstNextTime) {
  ASSERT_TRUE(rig_->StartSim({"--fast", "--imsi", kImsi, "--require-apn", "ctlte"}))
      << rig_->SimLog();

  // First connection: ctnet is refused with +CME ERROR: 133, ctlte activates.
  StartDaemonAndConnect();
  ASSERT_TRUE(events_->WaitForState("online", 40s)) << rig_->Casualty();
  EXPECT_EQ(Refusals(*events_), 1);
  nlohmann::json status = rig_->Status();
  EXPECT_EQ(status["network"]["apn"], "ctlte") << status.dump();
  EXPECT_EQ(status["network"]["apn_source"], "auto: China Telecom") << status.dump();
  const nlohmann::json saved = RememberedDocument();
  ASSERT_TRUE(saved.is_object()) << "no " << state_dir_ << "/apn.json";
  EXPECT_EQ(saved["schema"], 1);
  EXPECT_EQ(saved["sims"][kImsi]["apn"], "ctlte") << saved.dump();

  // The next connect, by a new daemon on the same state directory: ctlte first, one activation.
  ASSERT_EQ(rig_->StopDaemon(), 0);
  StartDaemonAndConnect();
  ASSERT_TRUE(events_->WaitForState("online", 40s)) << rig_->Casualty();
  EXPECT_EQ(Refusals(*events_), 0);
  const nlohmann::json* candidates = nullptr;
  for (const nlohmann::json& e : events_->seen()) {
    if (IsApnEvent(e) && e["data"].contains("candidates")) candidates = &e["data"]["candidates"];
  }
  ASSERT_NE(candidates, nullptr);
  ASSERT_GE(candidates->size(), 2u);
  EXPECT_EQ((*candidates)[0]["apn"], "ctlte");
  EXPECT_EQ((*candidates)[0]["source"], "remembered");
  EXPECT_EQ((*candidates)[1]["apn"], "ctnet");
  status = rig_->Status();
  EXPECT_EQ(status["network"]["apn"], "ctlte");
  EXPECT_EQ(status["network"]["apn_source"], "remembered");
}

TEST_F(ApnScenarioTest, EveryCandidateRefusedNamesEachInLastError) {
  ASSERT_TRUE(rig_->StartSim({"--fast", "--imsi", kImsi, "--require-apn", "elsewhere"}))
      << rig_->SimLog();
  StartDaemonAndConnect();
  const auto error =
      events_->WaitFor([](const nlohmann::json& e) { return IsError(e, "apn-refused"); }, 40s);
  ASSERT_TRUE(error) << rig_->Casualty();
  const std::string message = (*error)["data"]["message"];
  EXPECT_NE(message.find("\"ctnet\" → +CME ERROR: 133"), std::string::npos) << message;
  EXPECT_NE(message.find("\"ctlte\" → +CME ERROR: 133"), std::string::npos) << message;
  EXPECT_FALSE(RememberedDocument().is_object());
}

// network.roaming = "deny": registered-roaming keeps uclinkd offline with roaming-denied, still
// watching; home registration later brings it online without a new connect.
TEST(RoamingScenarioTest, DenyWaitsOfflineWhileRoamingThenGoesOnlineAtHome) {
  ASSERT_TRUE(EnterPrivateNamespaces()) << "needs root";
  UclinkRig rig(FastRecoveryConfig() + "[network]\nroaming = \"deny\"\n");
  ASSERT_TRUE(rig.StartSim({"--fast", "--registration", "2:100,5:200"})) << rig.SimLog();
  ASSERT_TRUE(rig.StartDaemon()) << rig.DaemonLog();
  EventStream events(rig.socket_path(), &rig);
  ASSERT_TRUE(events.open());
  ASSERT_EQ(rig.Call("connect").value("ok", false), true);
  ASSERT_TRUE(
      events.WaitFor([](const nlohmann::json& e) { return IsError(e, "roaming-denied"); }, 30s))
      << rig.Casualty() << rig.DaemonLog();
  nlohmann::json status = rig.Status();
  EXPECT_EQ(status["state"], "awaiting-registration") << status.dump();
  EXPECT_EQ(status["last_error"]["code"], "roaming-denied");
  EXPECT_EQ(status["registration"]["stat"], 5);
  // No registration timeout while roaming is denied: manager_apn_test proves it on a fake clock
  // (Roaming.DenyStaysOfflineWatchingUntilHomeRegistration), so no wall-clock wait here.
  ASSERT_NE(rig.SimControl("register 1").find("OK"), std::string::npos);
  EXPECT_TRUE(events.WaitForState("online", 30s)) << rig.DaemonLog();
  EXPECT_EQ(rig.StopDaemon(), 0);
}

}  // namespace
}  // namespace uclink::control::testing
