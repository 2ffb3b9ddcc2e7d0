// `uclink probe` and `uclink at` against a pty whose other end replays the manual's examples:
// in process (AtSession + Probe) and as the real binary (//cmd:uclink) in a child process.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "control/api/protocol.h"
#include "control/api/status.h"
#include "control/cli/at_session.h"
#include "control/cli/probe_command.h"
#include "gtest/gtest.h"
#include "tests/chat/manual_module.h"
#include "tests/chat/pty_responder.h"

extern char** environ;

namespace uclink::control::cli {
namespace {

using chat::testing::PtyPair;
using chat::testing::PtyResponder;
using nlohmann::json;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir ? dir : "/tmp";
}

// The module side runs on its own thread and io_context, like a real module would.
class ManualModule {
 public:
  ManualModule() : pty_(PtyPair::Open()), responder_(io_, pty_.master) {
    chat::testing::ScriptManualAnswers(responder_);
    responder_.On("AT+SILENT", "");               // a command the module never answers
    responder_.On("ATD*99#", "\r\nCONNECT\r\n");  // what a dial gets (manual §2.16's CONNECT)
    responder_.On("AT D*99#", "\r\nCONNECT\r\n");
    responder_.SetEcho(true);
    responder_.Start();
    work_ = std::thread([this] { io_.run_for(std::chrono::seconds(60)); });
  }
  ~ManualModule() {
    Stop();
    pty_.CloseSlave();
  }
  const std::string& path() const { return pty_.slave_path; }
  // Stops the module's thread; the command lines it received.
  const std::vector<std::string>& StopAndReceived() {
    Stop();
    return responder_.received();
  }

 private:
  void Stop() {
    io_.stop();
    if (work_.joinable()) work_.join();
  }

  boost::asio::io_context io_;
  PtyPair pty_;
  PtyResponder responder_;
  std::thread work_;
};

json ExpectedManualProbe() {
  return json::parse(R"({
    "module": {"manufacturer": "ucchip", "model": "8088", "revision": "012345678",
               "imei": "863711020146740", "imsi": "460040812002376"},
    "cfun": 1,
    "signal": {"csq": 21, "rssi_dbm": -71, "ber": null},
    "registration": {"stat": 1, "name": null, "lac": "3342", "ci": "7EC3"},
    "operator": "26242",
    "attached": true,
    "pdp_contexts": [
      {"cid": 1, "type": "IP", "apn": "", "active": true, "address": "192.168.40.13"},
      {"cid": 2, "type": null, "apn": null, "active": true, "address": "192.168.40.14"}
    ]
  })");
}

json WithStatName(json expected) {
  expected["registration"]["name"] = *api::RegistrationStatName(1);
  return expected;
}

TEST(CliProbeTest, ProbeReportsTheManualsExampleValues) {
  ManualModule module;
  PortFlags flags;
  flags.port = module.path();
  flags.lock_dir = TempDir();
  std::error_code error;
  auto session = AtSession::Open(flags, error);
  ASSERT_TRUE(session) << error.message();
  const json doc = Probe([&](chat::AtCommand command) { return session->Run(std::move(command)); });
  EXPECT_EQ(doc, WithStatName(ExpectedManualProbe())) << doc.dump(2);
}

// Runs //cmd:uclink with `args`, bounded to 30 s; returns {exit code, stdout} (stdout and
// stderr with `with_stderr`).
std::pair<int, std::string> RunUclink(std::vector<std::string> args, bool with_stderr = false) {
  args.insert(args.begin(), "cmd/uclink");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe(out) != 0) return {-1, ""};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (with_stderr) posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    return {-1, ""};
  }
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char buffer[4096];
      const ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      output.append(buffer, static_cast<std::size_t>(n));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      break;
    }
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(CliProbeTest, UclinkProbeJsonAgainstTheManualsAnswers) {
  ManualModule module;
  const auto [code, output] =
      RunUclink({"probe", "--port", module.path(), "--lock-dir", TempDir(), "--json"});
  ASSERT_EQ(code, 0) << output;
  EXPECT_EQ(json::parse(output), WithStatName(ExpectedManualProbe()));
}

TEST(CliAtTest, UclinkAtPrintsEachAnswerAsJson) {
  ManualModule module;
  const auto [code, output] = RunUclink(
      {"at", "--port", module.path(), "--lock-dir", TempDir(), "--json", "AT+CSQ", "AT+CGREG?"});
  ASSERT_EQ(code, 0) << output;
  const json replies = json::parse(output);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0]["lines"], json({"+CSQ: 21,99"}));
  EXPECT_EQ(replies[0]["final"], "OK");
  EXPECT_EQ(replies[1]["lines"], json({"+CGREG: 1,1,13122,32451"}));
}

TEST(CliAtTest, UclinkAtExitsNonZeroOnError) {
  ManualModule module;
  const auto [code, output] =
      RunUclink({"at", "--port", module.path(), "--lock-dir", TempDir(), "AT+NOSUCH"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("ERROR"), std::string::npos);
}

TEST(CliAtTest, UclinkAtCannotOpenAMissingPort) {
  const auto [code, output] =
      RunUclink({"at", "--port", "/dev/does-not-exist", "--lock-dir", TempDir(), "AT"});
  EXPECT_EQ(code, 3);
}

// Exit codes (docs/control-api.md): a command the module does not answer in time is 5, the
// timeout row, for the one-off path as through uclinkd.
TEST(CliAtTest, UclinkAtTimeoutExitsFive) {
  ManualModule module;
  const auto [code, output] = RunUclink(
      {"at", "--port", module.path(), "--lock-dir", TempDir(), "--timeout", "0.3", "AT+SILENT"});
  EXPECT_EQ(code, 5) << output;
}

// A dial, however spelled, never reaches the module: the one-off port would be left in data
// mode for every later command. Refused before the port is opened, as a usage error.
TEST(CliAtTest, UclinkAtRefusesDataModeCommandsBeforeTheModuleSeesThem) {
  ManualModule module;
  for (const char* dial : {"ATD*99#", "AT D*99#", "AT+CGDATA=\"PPP\",1", "ATO"}) {
    const auto [code, output] =
        RunUclink({"at", "--port", module.path(), "--lock-dir", TempDir(), "AT+CSQ", dial},
                  /*with_stderr=*/true);
    EXPECT_EQ(code, 2) << dial << ": " << output;
    EXPECT_NE(output.find("data mode"), std::string::npos) << output;
  }
  EXPECT_TRUE(module.StopAndReceived().empty()) << "the module received a command";
  const auto [code, output] =
      RunUclink({"at", "--port", "/dev/does-not-exist", "--lock-dir", TempDir(), "ATD*99#"});
  EXPECT_EQ(code, 2) << "refused before opening the port";
}

TEST(CliAtTest, UclinkAtRefusesControlBytesNamingThem) {
  ManualModule module;
  const auto [code, output] =
      RunUclink({"at", "--port", module.path(), "--lock-dir", TempDir(), "AT+CSQ\x1a"}, true);
  EXPECT_EQ(code, 2) << output;
  EXPECT_NE(output.find("0x1A at offset 6"), std::string::npos) << output;
  EXPECT_NE(output.find("AT+CSQ\\x1A"), std::string::npos) << "printed escaped: " << output;
  EXPECT_TRUE(module.StopAndReceived().empty());
}

TEST(CliProbeTest, ProbeOfASilentModuleExitsFive) {
  PtyPair silent = PtyPair::Open();  // nobody answers on the other side
  const auto [code, output] =
      RunUclink({"probe", "--port", silent.slave_path, "--lock-dir", TempDir()});
  EXPECT_EQ(code, 5) << output;
  ::close(silent.master);
  silent.CloseSlave();
}

// Usage errors are 2 whatever CLI11 calls them (it returns 104..109 of its own).
TEST(CliUsageTest, UsageErrorsExitTwoAndVersionPrintsTheRelease) {
  EXPECT_EQ(RunUclink({"bogus"}).first, 2);
  EXPECT_EQ(RunUclink({"status", "--json", "--keyvalue"}).first, 2);
  EXPECT_EQ(RunUclink({"at", "--port", "/dev/x", "--timeout", "abc", "AT"}).first, 2);
  EXPECT_EQ(RunUclink({}).first, 2);
  const auto [code, output] = RunUclink({"--version"});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(output, "uclink " + std::string(api::kVersion) + "\n");
}

}  // namespace
}  // namespace uclink::control::cli
