// uclink-sim (pty, --fast, slirp as the PPP peer) + uclinkd + the uclink client commands, in
// network and mount namespaces this test creates. The processes are the rig's
// (tests/control/scenarios/uclink_rig.h: pidfd-watched, readiness by sd_notify, waits on the
// control socket's events); every wait is bounded; only our own children are signalled.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using uclink::control::testing::EventStream;
using uclink::control::testing::PrivateNamespacesTest;
using uclink::control::testing::ReadWholeFile;
using uclink::control::testing::UclinkRig;

// One raw request line over the control socket; returns the first line of the answer.
std::string Request(const std::string& socket_path, const std::string& line) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "";
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const std::string request = line + "\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char c;
  while (::recv(fd, &c, 1, 0) == 1 && c != '\n') answer.push_back(c);
  ::close(fd);
  return answer;
}

// Private network and mount namespaces: the TUN device, addresses and routes vanish with the
// test, and /etc/resolv.conf is the test's own.
class DaemonIntegrationTest : public PrivateNamespacesTest {
 protected:
  void SetUp() override {
    dir_ = fs::path(rig_.config_path()).parent_path();
    socket_ = rig_.socket_path();
    config_ = rig_.config_path();
    // The backend "auto" picks (userspace here: no /dev/ppp), as a user's daemon would.
    rig_.set_backend("");
  }

  void TearDown() override {
    if (HasFailure()) ADD_FAILURE() << "daemon log:\n" << rig_.DaemonLog();
  }

  void StartSim(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), "--fast");
    ASSERT_TRUE(rig_.StartSim(extra)) << rig_.SimLog();
  }

  void StartDaemon() { ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog(); }

  std::pair<int, std::string> Uclink(const std::vector<std::string>& args) {
    return rig_.Uclink(args);
  }

  nlohmann::json Status() {
    auto [code, out] = Uclink({"status", "--json"});
    EXPECT_EQ(code, 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }

  UclinkRig rig_{"[connection]\nautoconnect = false\n[monitor]\necho_interval_s = 5\n"};
  fs::path dir_;
  std::string socket_, config_;
};

TEST_F(DaemonIntegrationTest, ConnectsThroughSlirpAndShowsTheAddress) {
  StartSim();
  StartDaemon();
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out << rig_.DaemonLog();
  EXPECT_THAT(out, HasSubstr("registering"));
  EXPECT_THAT(out, HasSubstr("dialing"));
  EXPECT_THAT(out, HasSubstr("online: uclink0 address 10.0.2.15"));
  nlohmann::json s = Status();
  EXPECT_EQ(s["state"], "online");
  EXPECT_EQ(s["mode"], "ppp");
  EXPECT_EQ(s["backend"], "userspace");
  EXPECT_EQ(s["interface"]["address"], "10.0.2.15");
  EXPECT_EQ(s["registration"]["stat"], 1);
  EXPECT_TRUE(s["signal"]["age_s"].is_number());
  auto [kv_code, kv] = Uclink({"status", "--keyvalue"});
  EXPECT_EQ(kv_code, 0);
  EXPECT_THAT(kv, HasSubstr("interface.address=10.0.2.15"));
}

// dns = "file" (what "auto" picks without systemd-resolved or resolvconf) writes
// /etc/resolv.conf: the test's private one (tests/control/scenarios/uclink_rig.h), never the
// machine's, seen here through the root of PID 1.
TEST_F(DaemonIntegrationTest, TheDaemonsResolvConfIsTheTestsNotTheMachines) {
  const std::string machine_before = ReadWholeFile("/proc/1/root/etc/resolv.conf");
  std::ofstream(config_, std::ios::app) << "[interface]\ndns = \"file\"\n";
  StartSim();
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0) << rig_.DaemonLog();
  EXPECT_THAT(ReadWholeFile("/etc/resolv.conf"), HasSubstr("Written by uclink for uclink0"));
  EXPECT_EQ(ReadWholeFile("/proc/1/root/etc/resolv.conf"), machine_before);
}

TEST_F(DaemonIntegrationTest, FallsBackToInbandWhenCgdataIsRefused) {
  StartSim({"--refuse-cgdata"});
  StartDaemon();
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out << rig_.DaemonLog();
  EXPECT_THAT(out, HasSubstr("online (in-band)"));
  nlohmann::json s = Status();
  EXPECT_EQ(s["state"], "online-inband");
  EXPECT_EQ(s["mode"], "inband");
  EXPECT_EQ(s["last_error"]["code"], "dial-refused");
}

TEST_F(DaemonIntegrationTest, DisconnectFromInbandReturnsToIdle) {
  StartSim({"--refuse-cgdata"});
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);
  auto [code, out] = Uclink({"disconnect"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(rig_.WaitForState("idle", 10s)) << rig_.DaemonLog();
}

// The "service" method decides by the manager's state (docs/control-api.md); the in-band
// services themselves are tested end to end by //tests/control/services:daemon_services_e2e_test.
TEST_F(DaemonIntegrationTest, ServiceWhileIdleIsNotOnlineNamingTheState) {
  StartSim();
  StartDaemon();
  const std::string answer = Request(
      socket_, R"({"id":5,"method":"service","params":{"service":"tcp","host":"h","port":7}})");
  EXPECT_THAT(answer, HasSubstr(R"("code":"not-online")"));
  EXPECT_THAT(answer, HasSubstr("state idle"));
}

TEST_F(DaemonIntegrationTest, ServiceOverPppTellsTheClientToGoNativeOnTheInterface) {
  StartSim();
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0) << rig_.DaemonLog();
  const std::string answer = Request(
      socket_, R"({"id":5,"method":"service","params":{"service":"tcp","host":"h","port":7}})");
  EXPECT_THAT(answer, HasSubstr(R"("code":"use-native")"));
  EXPECT_THAT(answer, HasSubstr("uclink0"));
}

TEST_F(DaemonIntegrationTest, SigtermWhileOnlineStopsWithinTheBudget) {
  StartSim();
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);
  EXPECT_EQ(rig_.StopDaemon(25s), 0) << rig_.DaemonLog();  // SIGTERM, bounded
  EXPECT_FALSE(fs::exists(socket_));
}

TEST_F(DaemonIntegrationTest, TwoClientsAtOnceAreBothAnswered) {
  StartSim();
  StartDaemon();
  const pid_t monitor =
      rig_.SpawnLogged({"cmd/uclink", "--socket", socket_, "monitor", "--json"}, "monitor.out");
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out;
  ::kill(monitor, SIGTERM);
  rig_.WaitExited(monitor, 5s);
  const std::string events = rig_.Log("monitor.out");
  EXPECT_THAT(events, HasSubstr(R"("to":"online")"));
  EXPECT_THAT(events, HasSubstr(R"("event":"link")"));
}

TEST_F(DaemonIntegrationTest, SocketRefusesOtherUsers) {
  StartSim();
  StartDaemon();
  // A copy nobody can execute (the runfiles tree is under root's home).
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  fs::copy_file("cmd/uclink", dir_ / "uclink");
  const pid_t client =
      rig_.SpawnLogged({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        (dir_ / "uclink").string(), "--socket", socket_, "status"},
                       "nobody.out");
  const int code = rig_.WaitExited(client, 10s);
  const std::string out = rig_.Log("nobody.out");
  // Mode 0660 root:root: nobody cannot even connect. That is permission denied (4), with the
  // way in (docs/control-api.md, "`uclink` exit codes").
  EXPECT_EQ(code, 4) << out;
  EXPECT_THAT(out, HasSubstr("Permission denied"));
  EXPECT_THAT(out, HasSubstr("[control] group"));
}

// One uclinkd per control socket (docs/control-api.md, "The socket file"): a second one with
// the same configuration refuses to start, exit 1, naming the first, and the first's socket
// (the same file) keeps answering.
TEST_F(DaemonIntegrationTest, SecondDaemonOnTheSameSocketRefusesAndLeavesTheFirstServing) {
  StartSim();
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0) << rig_.DaemonLog();
  struct stat before {};
  ASSERT_EQ(::stat(socket_.c_str(), &before), 0);
  const pid_t second =
      rig_.SpawnLogged({"cmd/uclinkd", "--config", config_, "--port", rig_.modem_path(), "--socket",
                        socket_, "--apn", "cmnet", "--state-dir", rig_.state_dir()},
                       "second.log");
  EXPECT_EQ(rig_.WaitExited(second, 10s), 1) << rig_.Log("second.log");
  EXPECT_THAT(
      rig_.Log("second.log"),
      HasSubstr("another uclinkd (pid " + std::to_string(rig_.daemon_pid()) + ") is serving it"));
  struct stat after {};
  ASSERT_EQ(::stat(socket_.c_str(), &after), 0) << "the first daemon's socket is gone";
  EXPECT_EQ(after.st_ino, before.st_ino);
  const nlohmann::json s = Status();
  EXPECT_EQ(s["state"], "online");
}

// A daemon that died without removing its socket left a file nobody listens on: the next one
// replaces it.
TEST_F(DaemonIntegrationTest, StaleSocketOfAKilledDaemonIsReplaced) {
  StartSim();
  StartDaemon();
  ::kill(rig_.daemon_pid(), SIGKILL);  // no chance to remove its socket
  rig_.StopDaemon(5s);                 // reaps it
  ASSERT_TRUE(fs::exists(socket_));
  StartDaemon();  // ready (sd_notify) means listening
  const std::string answer = Request(socket_, R"({"id":3,"method":"status"})");
  EXPECT_THAT(answer, HasSubstr(R"("id":3,"ok":true)")) << rig_.DaemonLog();
}

TEST_F(DaemonIntegrationTest, NoDaemonIsExitCodeThree) {
  auto [code, out] = Uclink({"status"});
  EXPECT_EQ(code, 3);
  EXPECT_THAT(out, HasSubstr("cannot reach uclinkd"));
}

TEST_F(DaemonIntegrationTest, BadConfigurationNamesKeyAndLineAndExitsTwo) {
  std::ofstream(config_) << "[network]\ncid = 7\n";
  const pid_t daemon = rig_.SpawnLogged(
      {"cmd/uclinkd", "--config", config_, "--socket", socket_, "--state-dir", rig_.state_dir()},
      "bad.log");
  EXPECT_EQ(rig_.WaitExited(daemon, 5s), 2);
  EXPECT_THAT(rig_.Log("bad.log"), HasSubstr("network.cid (line 2)"));
}

}  // namespace

namespace {

TEST_F(DaemonIntegrationTest, ReloadedBackendTakesOverAtTheNextAttemptNotUnderTheSession) {
  // pppd "missing" for this daemon: a forced pppd backend cannot be built, and mode auto then
  // goes in-band, which shows from outside that the backend was rebuilt.
  ::setenv("UCLINK_PPPD", (dir_ / "no-pppd").c_str(), 1);
  std::ofstream(config_) << "[connection]\nautoconnect = false\nbackend = \"userspace\"\n";
  StartSim();
  StartDaemon();
  ::unsetenv("UCLINK_PPPD");
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out << rig_.DaemonLog();
  ASSERT_EQ(Status()["backend"], "userspace");

  std::ofstream(config_) << "[connection]\nautoconnect = false\nbackend = \"pppd\"\n";
  EXPECT_THAT(Request(socket_, R"({"id":1,"method":"reload"})"), HasSubstr("next-attempt"));
  // Never under a running session: the link stays up on the backend it started with.
  const nlohmann::json during = Status();
  EXPECT_EQ(during["state"], "online");
  EXPECT_EQ(during["backend"], "userspace");
  EXPECT_THAT(rig_.DaemonLog(), HasSubstr("PPP backend settings changed"));

  EXPECT_THAT(rig_.SimControl("drop"), HasSubstr("OK"));  // the next attempt begins
  ASSERT_TRUE(rig_.WaitForState("online-inband", 40s)) << rig_.DaemonLog();
  EXPECT_THAT(rig_.DaemonLog(), HasSubstr("PPP backend pppd: pppd: "));
}

TEST_F(DaemonIntegrationTest, ReloadRefusesAnInvalidFileAndSighupAppliesAValidOne) {
  StartSim();
  StartDaemon();
  EventStream events(socket_, &rig_);
  ASSERT_TRUE(events.open());
  auto reload_event = [&events] {
    return events.WaitFor([](const nlohmann::json& e) { return e.value("event", "") == "reload"; },
                          10s);
  };
  std::ofstream(config_) << "[network]\ncid = 9\n";
  const std::string answer = Request(socket_, R"({"id":7,"method":"reload"})");
  EXPECT_THAT(answer, HasSubstr("config-invalid"));
  EXPECT_THAT(answer, HasSubstr("network.cid (line 2)"));
  const std::optional<nlohmann::json> refused = reload_event();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->at("data").value("ok", true), false) << refused->dump();
  EXPECT_THAT(refused->at("data").at("issues").dump(), HasSubstr("network.cid (line 2)"));
  EXPECT_EQ(Status()["state"], "idle");  // still running, still answering
  std::ofstream(config_) << "[connection]\nautoconnect = false\n";
  ::kill(rig_.daemon_pid(), SIGHUP);
  const std::optional<nlohmann::json> applied = reload_event();
  ASSERT_TRUE(applied.has_value()) << rig_.DaemonLog();
  EXPECT_EQ(applied->at("data").value("ok", false), true) << applied->dump();
  EXPECT_THAT(rig_.DaemonLog(), HasSubstr("configuration reloaded"));
}

}  // namespace
