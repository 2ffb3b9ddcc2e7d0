// End-to-end recovery scenarios: uclink-sim (realistic latencies unless noted, faults injected
// through its control socket) + uclinkd with short intervals (FastRecoveryConfig) + a subscriber.
// One scenario per test; every wait is bounded; everything runs in a private network namespace.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class RecoveryScenarioTest : public RigScenarioTest {
 protected:
  void SetUp() override { rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig()); }

  std::optional<nlohmann::json> WaitForError(const std::string& code,
                                             std::chrono::milliseconds bound) {
    return events_->WaitFor([&](const nlohmann::json& e) { return IsError(e, code); }, bound);
  }
};

TEST_F(RecoveryScenarioTest, SlowRegistrationWaitsForStatOneThenGoesOnline) {
  // +CGREG: 2 (searching) for 3 s, then 1 (UC8088 manual §2.15.3: URCs before CGATT's OK).
  const auto start = Clock::now();
  StartAndConnect({"--registration", "2:500,1:3000"});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  EXPECT_GE(Clock::now() - start, 3s);
  int searching_at = -1, registered_at = -1;
  for (size_t i = 0; i < events_->seen().size(); ++i) {
    const nlohmann::json& e = events_->seen()[i];
    if (e.value("event", "") != "registration") continue;
    if (e["data"]["stat"] == 2 && searching_at < 0) searching_at = static_cast<int>(i);
    if (e["data"]["stat"] == 1 && registered_at < 0) registered_at = static_cast<int>(i);
  }
  EXPECT_GE(searching_at, 0);
  EXPECT_GT(registered_at, searching_at);
}

TEST_F(RecoveryScenarioTest, AttachFailureIsRetriedAfterBackoffAndGoesOnline) {
  StartAndConnect({"--attach-fail", "1"});
  ASSERT_TRUE(WaitForError("attach-failed", 20s));
  ASSERT_TRUE(events_->WaitForState("backoff", 5s));
  EXPECT_TRUE(events_->WaitForState("online", 30s));
}

TEST_F(RecoveryScenarioTest, NoCarrierWhileOnlineRedialsAfterBackoff) {
  StartAndConnect({});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  ASSERT_THAT(rig_->SimControl("drop"), HasSubstr("OK"));
  EXPECT_TRUE(WaitForError("no-carrier", 10s));
  EXPECT_TRUE(events_->WaitForState("backoff", 15s));
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  // The fleet counter says so (docs/metrics.md).
  const auto [code, metrics] = rig_->Uclink({"metrics"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(metrics, HasSubstr("\nuclink_reconnects_total 1\n"));
  EXPECT_THAT(metrics, HasSubstr("\nuclink_power_cycles_total 0\n"));
}

TEST_F(RecoveryScenarioTest, ModuleRebootWhileOnlineIsRecovered) {
  StartAndConnect({});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  ASSERT_THAT(rig_->SimControl("reboot"), HasSubstr("OK"));
  ASSERT_TRUE(events_->WaitForState("hanging-up", 15s));
  EXPECT_TRUE(events_->WaitForState("online", 45s));
  EXPECT_EQ(rig_->SimStatusField("cfun"), "1");
}

TEST_F(RecoveryScenarioTest, ModuleRebootWhileDialingReconfiguresWithoutWaitingForTheDialTimeout) {
  // CONNECT takes 0.3 s with realistic latencies: the reboot swallows AT+CGDATA.
  StartAndConnect({});
  ASSERT_TRUE(events_->WaitForState("dialing", 30s));
  const auto injected = Clock::now();
  ASSERT_THAT(rig_->SimControl("reboot"), HasSubstr("OK"));
  // The READY banner after the 1.5 s boot is the event, not the 30 s dial timeout.
  ASSERT_TRUE(WaitForError("module-restarted", 10s)) << rig_->DaemonLog();
  EXPECT_LT(Clock::now() - injected, 5s);
  EXPECT_TRUE(events_->WaitForState("online", 20s));
  EXPECT_LT(Clock::now() - injected, 20s);
  for (const nlohmann::json& e : events_->seen()) EXPECT_FALSE(IsError(e, "dial-timeout"));
}

// Returns a listening TCP socket on 127.0.0.1 (an ephemeral port); slirp forwards the PPP side's
// 10.0.2.2 to it. The kernel completes handshakes without accept(): that is all a probe needs.
int ListenOnLoopback(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

TEST_F(RecoveryScenarioTest, DataPathBlackholeIsDetectedByTheProbeAndRedialed) {
  int port = 0;
  const std::unique_ptr<int, void (*)(int*)> listener(new int(ListenOnLoopback(&port)),
                                                      [](int* fd) {
                                                        if (*fd >= 0) ::close(*fd);
                                                        delete fd;
                                                      });
  ASSERT_GE(*listener, 0);
  std::string config = FastRecoveryConfig();
  const std::string monitor = "[monitor]\n";
  config.replace(config.find(monitor), monitor.size(),
                 monitor + "probe = \"tcp:10.0.2.2:" + std::to_string(port) +
                     "\"\nprobe_interval_s = 1\nprobe_timeout_s = 1\nprobe_failures = 2\n");
  rig_ = std::make_unique<UclinkRig>(config);
  StartAndConnect({"--fast"});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  // A working path: probes succeed for a while (no failure published).
  EXPECT_FALSE(events_->WaitFor(
      [](const nlohmann::json& e) { return e.value("event", "") == "probe"; }, 3s));
  const auto injected = Clock::now();
  ASSERT_THAT(rig_->SimControl("blackhole"), HasSubstr("OK"));
  ASSERT_TRUE(WaitForError("data-path-dead", 15s)) << rig_->DaemonLog();
  // Two failed probes, one second apart, each bounded by one second.
  EXPECT_LT(Clock::now() - injected, 6s);
  // LCP echoes still crossed: the echo monitor alone would not have seen it.
  for (const nlohmann::json& e : events_->seen()) EXPECT_FALSE(IsError(e, "link-dead"));
  EXPECT_TRUE(events_->WaitForState("online", 45s));
  const nlohmann::json status = rig_->Status();
  EXPECT_EQ(status["last_error"]["code"], "data-path-dead");
  EXPECT_THAT(status["last_error"]["message"].get<std::string>(), HasSubstr("tcp:10.0.2.2:"));
}

TEST_F(RecoveryScenarioTest, ModuleThatStopsAnsweringIsReportedAndRecoveredAfterUnhang) {
  StartAndConnect({});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  ASSERT_THAT(rig_->SimControl("hang"), HasSubstr("OK"));
  // In data mode nothing is forwarded either: LCP echoes fail first, then the probes.
  ASSERT_TRUE(events_->WaitFor(
      [](const nlohmann::json& e) { return IsError(e, "module-not-responding"); }, 40s));
  const nlohmann::json status = rig_->Status();
  EXPECT_EQ(status["last_error"]["code"], "module-not-responding");
  ASSERT_THAT(rig_->SimControl("unhang"), HasSubstr("OK"));
  EXPECT_TRUE(events_->WaitForState("online", 45s));
}

TEST_F(RecoveryScenarioTest, RefusedCgdataFallsBackToInband) {
  StartAndConnect({"--fast"});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  // Through the daemon's own recovery: refuse the next dial, then end the call.
  ASSERT_THAT(rig_->SimControl("refuse-cgdata on"), HasSubstr("OK"));
  ASSERT_THAT(rig_->SimControl("drop"), HasSubstr("OK"));
  ASSERT_TRUE(WaitForError("dial-refused", 30s));
  ASSERT_TRUE(events_->WaitForState("online-inband", 15s));
  EXPECT_EQ(rig_->Status()["mode"], "inband");
}

TEST_F(RecoveryScenarioTest, DisconnectWhileDialingEndsIdleInCommandMode) {
  // CONNECT takes 0.3 s with realistic latencies: the disconnect lands while AT+CGDATA runs.
  StartAndConnect({});
  ASSERT_TRUE(events_->WaitForState("dialing", 30s));
  ASSERT_EQ(rig_->Call("disconnect").value("ok", false), true);
  ASSERT_TRUE(events_->WaitForState("idle", 30s));
  EXPECT_EQ(rig_->SimStatusField("mode"), "kCommand") << rig_->SimControl("status");
}

TEST_F(RecoveryScenarioTest, SilentPppDeathIsDetectedByEchoesAndRedialed) {
  StartAndConnect({"--fast"});
  ASSERT_TRUE(events_->WaitForState("online", 30s));
  const auto injected = Clock::now();
  ASSERT_THAT(rig_->SimControl("silent-ppp"), HasSubstr("OK"));
  ASSERT_TRUE(WaitForError("link-dead", 15s));
  // echo_interval_s = 1, echo_failures = 2: detected within a few seconds.
  EXPECT_LT(Clock::now() - injected, 8s);
  EXPECT_TRUE(events_->WaitForState("online", 45s));
}

TEST_F(RecoveryScenarioTest, RegistrationLostLongerThanGraceHangsUpAndRedials) {
  // In-band keeps the AT port free, so the loss is seen by URC/poll while online (a PPP call is
  // ended by the module itself on deregistration: NO CARRIER, covered above).
  StartAndConnect({"--fast", "--refuse-cgdata"});
  ASSERT_TRUE(events_->WaitForState("online-inband", 30s));
  ASSERT_THAT(rig_->SimControl("register 2"), HasSubstr("OK"));
  ASSERT_TRUE(WaitForError("registration-lost", 15s));
  ASSERT_THAT(rig_->SimControl("register 1"), HasSubstr("OK"));
  EXPECT_TRUE(events_->WaitForState("online-inband", 45s));
}

TEST_F(RecoveryScenarioTest, GarbageAndChunkedOutputDuringConnectStillGoOnline) {
  // Every answer in 3-byte pieces 2 ms apart, and 512 random bytes while the init script runs.
  StartAndConnect({"--chunk-size", "3", "--chunk-gap-ms", "2", "--seed", "7"});
  ASSERT_TRUE(events_->WaitForState("configuring", 15s));
  ASSERT_THAT(rig_->SimControl("garbage 512"), HasSubstr("OK"));
  EXPECT_TRUE(events_->WaitForState("online", 60s));
}

}  // namespace
}  // namespace uclink::control::testing
