// Secrets are never logged (docs/SECURITY.md, "Secrets"): the PAP/CHAP password of
// [network], an MQTT password and an FTP password pass through uclinkd at debug level, the
// pppd backend and uclink's in-band clients; then every byte they printed (daemon log, events,
// `status` output, error messages) and every command line is searched for the secret strings.
// Each test also checks that the path it claims to cover really ran (the password reached pppd's
// file, the failing command is named), so a test cannot pass by doing nothing.
// Root: the rig enters a network namespace of its own.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"

extern char** environ;

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::EventStream;
using testing::FastRecoveryConfig;
using testing::PrivateNamespacesTest;
using testing::UclinkRig;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Distinct strings that appear nowhere else; spaces and '#' exercise pppd's option quoting.
constexpr char kPapSecret[] = "pap S3cret#71f9";
constexpr char kMqttSecret[] = "mqttS3cret5c0d";
constexpr char kFtpSecret[] = "ftpS3cret9e2b";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ConfigWithCredentials() {
  return FastRecoveryConfig() + "[network]\nusername = \"uclinkuser\"\npassword = \"" + kPapSecret +
         "\"\n";
}

// /proc/PID/cmdline with NULs as spaces: what `ps` and a core dump show of the command line.
std::string CommandLineOf(pid_t pid) {
  std::string text = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : text) c = c == '\0' ? ' ' : c;
  return text;
}

class TempDir {
 public:
  TempDir() {
    char dir[] = "/tmp/uclink-sec-XXXXXX";
    if (::mkdtemp(dir) != nullptr) path_ = dir;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using SecretsTest = PrivateNamespacesTest;

TEST_F(SecretsTest, UserspaceDaemonAtDebugLevelNeverPrintsThePapOrMqttPassword) {
  UclinkRig rig(ConfigWithCredentials());
  ASSERT_TRUE(rig.StartSim({"--fast"})) << rig.SimLog();
  ASSERT_TRUE(rig.StartDaemon()) << rig.DaemonLog();  // the rig passes -v (debug)
  EventStream events(rig.socket_path());
  ASSERT_TRUE(events.open());
  // An MQTT password through the daemon's raw `at` (idle: the port is in command mode).
  const json at = rig.Call(
      "at", {{"command", std::string("AT+MQTTCONFIG=\"127.0.0.1\",1883,\"id\",1,60,\"user\",\"") +
                             kMqttSecret + "\""}});
  EXPECT_EQ(at.value("ok", false), true) << at.dump();
  ASSERT_EQ(rig.Call("connect").value("ok", false), true);
  ASSERT_TRUE(events.WaitForState("online", 30s)) << rig.DaemonLog();
  const auto [json_code, status_json] = rig.Uclink({"status", "--json"});
  const auto [kv_code, status_kv] = rig.Uclink({"status", "--keyvalue"});
  EXPECT_EQ(json_code, 0) << status_json;
  EXPECT_EQ(kv_code, 0) << status_kv;
  EXPECT_EQ(rig.Call("reload").value("ok", false), true);  // the password is read again
  const std::string command_line = CommandLineOf(rig.daemon_pid());
  ASSERT_EQ(rig.Call("disconnect").value("ok", false), true);
  ASSERT_TRUE(events.WaitForState("idle", 30s));
  EXPECT_EQ(rig.StopDaemon(), 0);

  std::string event_text;
  for (const json& e : events.seen()) event_text += e.dump() + "\n";
  const std::string log = rig.DaemonLog();
  EXPECT_NE(log.find("AT> "), std::string::npos) << "not at debug level";
  EXPECT_NE(status_json.find("\"online\""), std::string::npos) << status_json;
  for (const std::string secret : {kPapSecret, kMqttSecret}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "daemon log:\n" << log;
    EXPECT_EQ(event_text.find(secret), std::string::npos) << event_text;
    EXPECT_EQ(status_json.find(secret), std::string::npos) << status_json;
    EXPECT_EQ(status_kv.find(secret), std::string::npos) << status_kv;
    EXPECT_EQ(command_line.find(secret), std::string::npos) << command_line;
  }
}

// The pppd path without /dev/ppp: fake_pppd stands in for pppd and reports what it was given.
class PppdSecretsTest : public SecretsTest {
 protected:
  void SetUp() override {
    ::chmod(runtime_.path().c_str(), 0700);
    const std::string fake = fs::absolute("tests/control/security/fake_pppd");
    record_ = work_.path() + "/pppd.json";
    ::setenv("UCLINK_PPPD", fake.c_str(), 1);
    ::setenv("UCLINK_PPPD_HOOK", fake.c_str(), 1);
    ::setenv("UCLINK_PPP_DEVICE", "/dev/null", 1);
    ::setenv("UCLINK_RUNTIME_DIR", runtime_.path().c_str(), 1);
    ::setenv("UCLINK_FAKE_PPPD_RECORD", record_.c_str(), 1);
  }
  void TearDown() override {
    for (const char* name : {"UCLINK_PPPD", "UCLINK_PPPD_HOOK", "UCLINK_PPP_DEVICE",
                             "UCLINK_RUNTIME_DIR", "UCLINK_FAKE_PPPD_RECORD"}) {
      ::unsetenv(name);
    }
  }

  TempDir runtime_, work_;
  std::string record_;
};

TEST_F(PppdSecretsTest, PasswordReachesPppdOnlyThroughA0600FileThatIsRemovedAfterwards) {
  UclinkRig rig(ConfigWithCredentials());
  rig.set_backend("pppd");
  ASSERT_TRUE(rig.StartSim({"--fast"})) << rig.SimLog();
  ASSERT_TRUE(rig.StartDaemon()) << rig.DaemonLog();
  EventStream events(rig.socket_path(), &rig);
  ASSERT_EQ(rig.Call("connect").value("ok", false), true);
  // The stand-in writes its record, then exits with status 16: the failed attempt's `error`
  // event comes after the record is complete.
  ASSERT_TRUE(events.WaitFor([](const json& e) { return e.value("event", "") == "error"; }, 30s))
      << rig.DaemonLog();
  const json record = json::parse(ReadFile(record_), nullptr, false);
  ASSERT_TRUE(record.is_object()) << rig.DaemonLog();
  ASSERT_EQ(rig.Call("disconnect").value("ok", false), true);
  EXPECT_TRUE(rig.WaitForState("idle", 30s));
  EXPECT_EQ(rig.StopDaemon(), 0);

  const std::string argv = record["argv"].dump();
  EXPECT_EQ(argv.find(kPapSecret), std::string::npos) << argv;
  EXPECT_NE(argv.find(R"("user","uclinkuser")"), std::string::npos) << argv;
  EXPECT_NE(argv.find(R"("hide-password")"), std::string::npos) << argv;
  ASSERT_TRUE(record.contains("secrets_file")) << argv;
  const json& file = record["secrets_file"];
  EXPECT_EQ(file.value("mode", 0), 0600);
  EXPECT_EQ(file.value("uid", -1), 0);
  EXPECT_EQ(file.value("regular", false), true);
  EXPECT_EQ(file.value("dir_mode", 0), 0700);
  EXPECT_EQ(file.value("text", ""), std::string("password \"") + kPapSecret + "\"\n");
  EXPECT_EQ(file.value("path", "").rfind(runtime_.path() + "/", 0), 0u);
  // The private directory (secrets file, event socket) is gone with the link.
  EXPECT_TRUE(fs::is_empty(runtime_.path()));
  const std::string log = rig.DaemonLog();
  EXPECT_NE(log.find("fake pppd: "), std::string::npos) << "pppd's argv was not printed";
  EXPECT_EQ(log.find(kPapSecret), std::string::npos) << log;
}

// A module on a pty that answers OK, except ERROR for commands starting with `fail_prefix`.
class FakeModule {
 public:
  explicit FakeModule(std::string fail_prefix) : fail_prefix_(std::move(fail_prefix)) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
    slave_path_ = ::ptsname(master_);
    // Held open (raw, no echo) so that the pty survives the client's close.
    slave_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    termios tio{};
    ::tcgetattr(slave_, &tio);
    ::cfmakeraw(&tio);
    ::tcsetattr(slave_, TCSANOW, &tio);
  }
  ~FakeModule() {
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  const std::string& slave_path() const { return slave_path_; }
  const std::vector<std::string>& commands() const { return commands_; }

  // Answers until `client` exits (bounded); returns its exit status (-1: killed at the bound).
  int ServeUntilExit(pid_t client, std::chrono::seconds bound) {
    const auto deadline = Clock::now() + bound;
    int status = 0;
    while (Clock::now() < deadline) {
      if (::waitpid(client, &status, WNOHANG) == client) {
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 20) != 1) continue;
      char chunk[4096];
      const ssize_t n = ::read(master_, chunk, sizeof chunk);
      if (n > 0) Feed(std::string(chunk, static_cast<std::size_t>(n)));
    }
    ::kill(client, SIGKILL);
    ::waitpid(client, &status, 0);
    return -1;
  }

 private:
  void Feed(const std::string& bytes) {
    for (char c : bytes) {
      if (c != '\r' && c != '\n') {
        line_ += c;
        continue;
      }
      if (line_.empty()) continue;
      commands_.push_back(line_);
      const bool fail = line_.rfind(fail_prefix_, 0) == 0;
      const std::string reply = fail ? "\r\nERROR\r\n" : "\r\nOK\r\n";
      if (::write(master_, reply.data(), reply.size()) < 0) return;
      line_.clear();
    }
  }

  std::string fail_prefix_, slave_path_, line_;
  std::vector<std::string> commands_;
  int master_ = -1, slave_ = -1;
};

// Runs cmd/uclink with `args` against `module`; returns its exit code and everything it printed.
std::pair<int, std::string> RunUclinkAgainst(FakeModule& module, std::vector<std::string> args,
                                             const TempDir& dir) {
  args.insert(args.begin(), "cmd/uclink");
  const std::string out = dir.path() + "/uclink.out";
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> raw;
  for (std::string& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return {-1, "spawn failed"};
  const int code = module.ServeUntilExit(pid, 30s);
  return {code, ReadFile(out)};
}

TEST_F(SecretsTest, InbandMqttFailureNamesTheCommandButNotThePassword) {
  TempDir dir;
  FakeModule module("AT+MQTTCONFIG");
  const auto [code, output] = RunUclinkAgainst(
      module,
      {"mqtt", "pub", "--port", module.slave_path(), "--lock-dir", dir.path(), "-b",
       "127.0.0.1:1883", "-t", "t", "-m", "hello", "-u", "user", "-P", kMqttSecret},
      dir);
  EXPECT_EQ(code, 1) << output;
  // The password did reach the module (the path under test ran) ...
  bool sent = false;
  for (const std::string& c : module.commands()) sent |= c.find(kMqttSecret) != std::string::npos;
  EXPECT_TRUE(sent);
  // ... and the error names the failing command without its arguments.
  EXPECT_NE(output.find("AT+MQTTCONFIG failed"), std::string::npos) << output;
  EXPECT_EQ(output.find(kMqttSecret), std::string::npos) << output;
}

TEST_F(SecretsTest, InbandFtpLoginFailureNamesTheCommandButNotThePassword) {
  TempDir dir;
  FakeModule module("AT+FTPPW");
  const auto [code, output] =
      RunUclinkAgainst(module,
                       {"ftp", "ls", std::string("ftp://user:") + kFtpSecret + "@127.0.0.1/dir",
                        "--port", module.slave_path(), "--lock-dir", dir.path()},
                       dir);
  EXPECT_EQ(code, 1) << output;
  bool sent = false;
  for (const std::string& c : module.commands()) sent |= c.find(kFtpSecret) != std::string::npos;
  EXPECT_TRUE(sent);
  EXPECT_NE(output.find("AT+FTPPW failed"), std::string::npos) << output;
  EXPECT_EQ(output.find(kFtpSecret), std::string::npos) << output;
}

}  // namespace
}  // namespace uclink::control
