// uclink-sim (pty, --fast, slirp as the PPP peer) + uclinkd + the uclink client commands, in a
// network namespace this test creates. Every wait is bounded; only our own children are killed.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

#include "tests/control/scenarios/uclink_rig.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

struct Child {
  pid_t pid = -1;
  std::string out;  // file with stdout+stderr
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Child Spawn(const std::vector<std::string>& argv, const std::string& out,
            std::optional<uid_t> as_user = std::nullopt) {
  Child child;
  child.out = out;
  child.pid = ::fork();
  if (child.pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (as_user && (::setgid(65534) != 0 || ::setuid(*as_user) != 0)) _exit(126);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  return child;
}

// Waits for the child to exit; kills it (by its own pid) when the bound is exceeded.
int WaitExit(Child& child, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
      child.pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(20ms);
  }
  ::kill(child.pid, SIGKILL);
  ::waitpid(child.pid, &status, 0);
  child.pid = -1;
  return -1;
}

void Stop(Child& child, std::chrono::milliseconds bound = 25s) {
  if (child.pid <= 0) return;
  ::kill(child.pid, SIGTERM);
  WaitExit(child, bound);
}

bool WaitForPath(const std::string& path, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

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

class DaemonIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Private network and mount namespaces: the TUN device, addresses and routes vanish with
    // the test, and /etc/resolv.conf is the test's own.
    ASSERT_TRUE(uclink::control::testing::EnterPrivateNamespaces()) << "needs root";
  }

  void SetUp() override {
    // Short: a socket path must fit sun_path (108 bytes); Bazel's TEST_TMPDIR does not.
    char dir[] = "/tmp/uclink-it-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    // The port's UUCP lock is /var/lock/LCK..<basename>, shared by every process on the host:
    // a name unique to this run keeps a simulator elsewhere on the machine from locking us out.
    modem_ = (dir_ / dir_.filename()).string();
    socket_ = (dir_ / "uclinkd.sock").string();
    config_ = (dir_ / "uclink.toml").string();
    std::ofstream(config_) << "[connection]\nautoconnect = false\n[monitor]\necho_interval_s = 5\n";
  }

  void TearDown() override {
    if (daemon_.pid > 0) {
      // A clean SIGTERM exit is 0; sanitizer reports (leaks included) would change it.
      ::kill(daemon_.pid, SIGTERM);
      EXPECT_EQ(WaitExit(daemon_, 25s), 0) << ReadFile(daemon_.out);
    }
    Stop(sim_, 5s);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void StartSim(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"cmd/uclink-sim", "--fast", "--link", modem_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    sim_ = Spawn(argv, (dir_ / "sim.log").string());
    ASSERT_TRUE(WaitForPath(modem_, 5s)) << ReadFile(sim_.out);
  }

  void StartDaemon(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"cmd/uclinkd", "--config", config_, "--port", modem_,
                                     "--socket",    socket_,    "--apn", "cmnet",  "-v"};
    // A private state directory: never /var/lib/uclink, never shared with another test.
    argv.insert(argv.end(), {"--state-dir", (dir_ / "state").string()});
    argv.insert(argv.end(), extra.begin(), extra.end());
    daemon_ = Spawn(argv, (dir_ / "uclinkd.log").string());
    ASSERT_TRUE(WaitForPath(socket_, 5s)) << ReadFile(daemon_.out);
  }

  // Runs the client; returns its exit code and output.
  std::pair<int, std::string> Uclink(std::vector<std::string> args,
                                     std::optional<uid_t> as_user = std::nullopt) {
    std::vector<std::string> argv = {"tests/control/uclink_for_tests", "--socket", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = (dir_ / ("uclink-" + std::to_string(runs_++) + ".out")).string();
    Child client = Spawn(argv, out, as_user);
    const int code = WaitExit(client, 40s);
    return {code, ReadFile(out)};
  }

  nlohmann::json Status() {
    auto [code, out] = Uclink({"status", "--json"});
    EXPECT_EQ(code, 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }

  // Polls status until `state` (bounded).
  bool WaitForState(const std::string& state, std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
      nlohmann::json s = Status();
      if (s.is_object() && s["state"] == state) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  fs::path dir_;
  std::string modem_, socket_, config_;
  Child sim_, daemon_;
  int runs_ = 0;
};

TEST_F(DaemonIntegrationTest, ConnectsThroughSlirpAndShowsTheAddress) {
  StartSim();
  StartDaemon();
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out << ReadFile(daemon_.out);
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
  const std::string machine_before = ReadFile("/proc/1/root/etc/resolv.conf");
  std::ofstream(config_, std::ios::app) << "[interface]\ndns = \"file\"\n";
  StartSim();
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0) << ReadFile(daemon_.out);
  EXPECT_THAT(ReadFile("/etc/resolv.conf"), HasSubstr("Written by uclink for uclink0"));
  EXPECT_EQ(ReadFile("/proc/1/root/etc/resolv.conf"), machine_before);
}

TEST_F(DaemonIntegrationTest, FallsBackToInbandWhenCgdataIsRefused) {
  StartSim({"--refuse-cgdata"});
  StartDaemon();
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out << ReadFile(daemon_.out);
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
  EXPECT_TRUE(WaitForState("idle", 10s)) << ReadFile(daemon_.out);
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
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0) << ReadFile(daemon_.out);
  const std::string answer = Request(
      socket_, R"({"id":5,"method":"service","params":{"service":"tcp","host":"h","port":7}})");
  EXPECT_THAT(answer, HasSubstr(R"("code":"use-native")"));
  EXPECT_THAT(answer, HasSubstr("uclink0"));
}

TEST_F(DaemonIntegrationTest, SigtermWhileOnlineStopsWithinTheBudget) {
  StartSim();
  StartDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);
  ::kill(daemon_.pid, SIGTERM);
  EXPECT_EQ(WaitExit(daemon_, 25s), 0) << ReadFile(daemon_.out);
  EXPECT_FALSE(fs::exists(socket_));
}

TEST_F(DaemonIntegrationTest, TwoClientsAtOnceAreBothAnswered) {
  StartSim();
  StartDaemon();
  Child monitor =
      Spawn({"tests/control/uclink_for_tests", "--socket", socket_, "monitor", "--json"},
            (dir_ / "monitor.out").string());
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out;
  ::kill(monitor.pid, SIGTERM);
  WaitExit(monitor, 5s);
  const std::string events = ReadFile(monitor.out);
  EXPECT_THAT(events, HasSubstr(R"("to":"online")"));
  EXPECT_THAT(events, HasSubstr(R"("event":"link")"));
}

TEST_F(DaemonIntegrationTest, SocketRefusesOtherUsers) {
  StartSim();
  StartDaemon();
  // A copy nobody can execute (the runfiles tree is under root's home).
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  fs::copy_file("tests/control/uclink_for_tests", dir_ / "uclink");
  const std::string out_file = (dir_ / "nobody.out").string();
  Child client = Spawn({(dir_ / "uclink").string(), "--socket", socket_, "status"}, out_file,
                       /*as_user=*/65534);
  const int code = WaitExit(client, 10s);
  const std::string out = ReadFile(out_file);
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
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0) << ReadFile(daemon_.out);
  struct stat before {};
  ASSERT_EQ(::stat(socket_.c_str(), &before), 0);
  Child second = Spawn({"cmd/uclinkd", "--config", config_, "--port", modem_, "--socket", socket_,
                        "--apn", "cmnet", "--state-dir", (dir_ / "state").string()},
                       (dir_ / "second.log").string());
  EXPECT_EQ(WaitExit(second, 10s), 1) << ReadFile(second.out);
  EXPECT_THAT(ReadFile(second.out),
              HasSubstr("another uclinkd (pid " + std::to_string(daemon_.pid) + ") is serving it"));
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
  ::kill(daemon_.pid, SIGKILL);
  WaitExit(daemon_, 5s);
  ASSERT_TRUE(fs::exists(socket_));
  StartDaemon();
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (answer.empty() && std::chrono::steady_clock::now() < deadline) {
    answer = Request(socket_, R"({"id":3,"method":"status"})");
    if (answer.empty()) std::this_thread::sleep_for(50ms);
  }
  EXPECT_THAT(answer, HasSubstr(R"("id":3,"ok":true)")) << ReadFile(daemon_.out);
}

TEST_F(DaemonIntegrationTest, NoDaemonIsExitCodeThree) {
  auto [code, out] = Uclink({"status"});
  EXPECT_EQ(code, 3);
  EXPECT_THAT(out, HasSubstr("cannot reach uclinkd"));
}

TEST_F(DaemonIntegrationTest, BadConfigurationNamesKeyAndLineAndExitsTwo) {
  std::ofstream(config_) << "[network]\ncid = 7\n";
  Child daemon = Spawn({"cmd/uclinkd", "--config", config_, "--socket", socket_, "--state-dir",
                        (dir_ / "state").string()},
                       (dir_ / "bad.log").string());
  EXPECT_EQ(WaitExit(daemon, 5s), 2);
  EXPECT_THAT(ReadFile(daemon.out), HasSubstr("network.cid (line 2)"));
}

}  // namespace

namespace {

TEST_F(DaemonIntegrationTest, ReloadedBackendTakesOverAtTheNextAttemptNotUnderTheSession) {
  // pppd "missing" for this daemon: a forced pppd backend cannot be built, and mode auto then
  // goes in-band, which shows from outside that the backend was rebuilt.
  ::setenv("UCLINK_PPPD", (dir_ / "no-pppd").c_str(), 1);
  std::ofstream(config_) << "[connection]\nautoconnect = false\nbackend = \"userspace\"\n";
  const std::string sim_control = (dir_ / "sim.ctl").string();
  StartSim({"--control", sim_control});
  StartDaemon();
  ::unsetenv("UCLINK_PPPD");
  auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  ASSERT_EQ(code, 0) << out << ReadFile(daemon_.out);
  ASSERT_EQ(Status()["backend"], "userspace");

  std::ofstream(config_) << "[connection]\nautoconnect = false\nbackend = \"pppd\"\n";
  EXPECT_THAT(Request(socket_, R"({"id":1,"method":"reload"})"), HasSubstr("next-attempt"));
  // Never under a running session: the link stays up on the backend it started with.
  const nlohmann::json during = Status();
  EXPECT_EQ(during["state"], "online");
  EXPECT_EQ(during["backend"], "userspace");
  EXPECT_THAT(ReadFile(daemon_.out), HasSubstr("PPP backend settings changed"));

  EXPECT_THAT(Request(sim_control, "drop"), HasSubstr("OK"));  // the next attempt begins
  ASSERT_TRUE(WaitForState("online-inband", 40s)) << ReadFile(daemon_.out);
  EXPECT_THAT(ReadFile(daemon_.out), HasSubstr("PPP backend pppd: pppd: "));
}

TEST_F(DaemonIntegrationTest, ReloadRefusesAnInvalidFileAndSighupAppliesAValidOne) {
  StartSim();
  StartDaemon();
  std::ofstream(config_) << "[network]\ncid = 9\n";
  const std::string answer = Request(socket_, R"({"id":7,"method":"reload"})");
  EXPECT_THAT(answer, HasSubstr("config-invalid"));
  EXPECT_THAT(answer, HasSubstr("network.cid (line 2)"));
  EXPECT_EQ(Status()["state"], "idle");  // still running, still answering
  std::ofstream(config_) << "[connection]\nautoconnect = false\n";
  ::kill(daemon_.pid, SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline &&
         ReadFile(daemon_.out).find("configuration reloaded") == std::string::npos) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_THAT(ReadFile(daemon_.out), HasSubstr("configuration reloaded"));
}

}  // namespace
