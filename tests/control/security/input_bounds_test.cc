// Input bounds of the real uclinkd's control socket (docs/SECURITY.md, "Input bounds"): each
// abuse gets its documented answer or closes only the abusing connection, and the daemon keeps
// serving other clients with its fds back at the baseline. uclink-sim --fast on a pty, uclinkd
// idle (autoconnect off); root: the rig enters a network namespace of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"
#include "tests/control/security/raw_client.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

json Parse(const std::optional<std::string>& line) {
  return json::parse(line.value_or(""), nullptr, false);
}

std::string ErrorCode(const json& reply) {
  if (!reply.is_object() || !reply.contains("error")) return "";
  return reply["error"].value("code", "");
}

class InputBoundsTest : public PrivateNamespacesTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(rig_.StartSim({"--fast"})) << rig_.SimLog();
    ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog();
    ASSERT_TRUE(rig_.WaitForState("idle", 10s)) << rig_.DaemonLog();
    baseline_fds_ = rig_.SettledSample().fds;
  }

  // The daemon is alive, answers `status` on a fresh connection and holds no extra fds.
  void ExpectStillServing(const std::string& state = "idle") {
    ASSERT_TRUE(rig_.DaemonAlive()) << rig_.DaemonLog();
    const int fds = rig_.SettledSample().fds;  // and every closed client's slot is free again
    EXPECT_EQ(rig_.State(), state);
    EXPECT_EQ(fds, baseline_fds_);
  }

  json At(RawClient& client, const std::string& command) {
    client.Send(json{{"id", 3}, {"method", "at"}, {"params", {{"command", command}}}}.dump() +
                "\n");
    return Parse(client.ReadLine());
  }

  UclinkRig rig_{FastRecoveryConfig()};
  int baseline_fds_ = -1;
};

TEST_F(InputBoundsTest, OversizeLineIsRefusedAndTheSameConnectionGoesOn) {
  RawClient client(rig_.socket_path());
  ASSERT_TRUE(client.open());
  // 1 MiB without a newline, then its end: discarded as it streams, answered once.
  ASSERT_TRUE(client.Send(std::string(1 << 20, 'x')));
  ASSERT_TRUE(client.Send("\n{\"id\":2,\"method\":\"status\"}\n"));
  EXPECT_EQ(ErrorCode(Parse(client.ReadLine())), "request-too-long");
  const json status = Parse(client.ReadLine());
  EXPECT_EQ(status.value("id", 0), 2);
  EXPECT_EQ(status.value("ok", false), true);
  client.Close();  // the daemon's fd count is compared next
  ExpectStillServing();
}

TEST_F(InputBoundsTest, PipelinedFloodClosesOnlyTheFloodingConnection) {
  RawClient bystander(rig_.socket_path());
  ASSERT_TRUE(bystander.open());
  RawClient flooder(rig_.socket_path());
  ASSERT_TRUE(flooder.open());
  std::string flood;
  for (int i = 0; i < 5000; ++i)
    flood += R"({"id":1,"method":"status"})"
             "\n";
  flooder.Send(flood);  // may fail part-way: the daemon hangs up on us
  EXPECT_TRUE(flooder.ClosedByPeer(5s));
  bystander.Send(R"({"id":9,"method":"status"})"
                 "\n");
  EXPECT_EQ(Parse(bystander.ReadLine()).value("id", 0), 9);
  bystander.Close();  // the daemon's fd count is compared next
  flooder.Close();
  ExpectStillServing();
}

TEST_F(InputBoundsTest, GarbageLinesGetBadRequestAndTheConnectionGoesOn) {
  RawClient client(rig_.socket_path());
  ASSERT_TRUE(client.open());
  client.Send(std::string("\x00\xff{\"method\":", 11) +
              "\n[1,2]\n{\"id\":-1,\"method\":\"status\"}\n");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ErrorCode(Parse(client.ReadLine())), "bad-request") << i;
  client.Send(R"({"id":4,"method":"format-disk"})"
              "\n");
  EXPECT_EQ(ErrorCode(Parse(client.ReadLine())), "unknown-method");
  client.Close();  // the daemon's fd count is compared next
  ExpectStillServing();
}

TEST_F(InputBoundsTest, AtCommandWithLineEndsOrOverLongIsRefusedBeforeTheModule) {
  // In-band online: the AT port is open and in command mode, so `at` reaches the module.
  ASSERT_EQ(rig_.SimControl("refuse-cgdata on").rfind("OK", 0), 0u);
  ASSERT_EQ(rig_.Call("connect").value("ok", false), true);
  ASSERT_TRUE(rig_.WaitForState("online-inband", 30s)) << rig_.DaemonLog();
  const int baseline_fds = rig_.SettledSample().fds;
  const std::string cfun_before = rig_.SimStatusField("cfun");
  RawClient client(rig_.socket_path());
  ASSERT_TRUE(client.open());
  // A CR would end the command line early and smuggle a second command (manual §1.3.1).
  EXPECT_EQ(ErrorCode(At(client, "AT\rAT+CFUN=0")), "invalid-params");
  EXPECT_EQ(ErrorCode(At(client, "AT\nAT+CFUN=0")), "invalid-params");
  EXPECT_EQ(ErrorCode(At(client, "AT+CGDCONT=1,\"IP\",\"" + std::string(1100, 'a') + "\"")),
            "invalid-params");
  EXPECT_EQ(ErrorCode(At(client, "")), "invalid-params");
  // Data mode belongs to the manager, not to raw AT.
  EXPECT_EQ(ErrorCode(At(client, "AT+CGDATA=\"PPP\",1")), "invalid-params");
  // None of them reached the module: its CFUN is unchanged and it is in command mode.
  EXPECT_EQ(rig_.SimStatusField("cfun"), cfun_before);
  EXPECT_EQ(rig_.SimStatusField("mode"), "kCommand");
  const json ok = At(client, "AT");
  EXPECT_EQ(ok.value("ok", false), true) << ok.dump();
  baseline_fds_ = baseline_fds;
  client.Close();  // the daemon's fd count is compared next
  ExpectStillServing("online-inband");
}

TEST_F(InputBoundsTest, ClientsBeyondTheSessionCapAreToldBusyAndServedOnceOthersLeave) {
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<RawClient>(rig_.socket_path()));
    ASSERT_TRUE(idle.back()->open()) << i;
  }
  RawClient refused(rig_.socket_path());
  refused.Send(R"({"id":5,"method":"status"})"
               "\n");
  const std::optional<std::string> line = refused.ReadLine();
  ASSERT_TRUE(line.has_value());
  EXPECT_NE(line->find("\"busy\""), std::string::npos) << *line;
  refused.Close();
  idle.clear();  // once the daemon has read their ends of stream, a new client is served
  ExpectStillServing();
}

}  // namespace
}  // namespace uclink::control::testing
