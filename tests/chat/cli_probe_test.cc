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
    responder_.SetEcho(true);
    responder_.Start();
    work_ = std::thread([this] { io_.run_for(std::chrono::seconds(60)); });
  }
  ~ManualModule() {
    io_.stop();
    work_.join();
    pty_.CloseSlave();
  }
  const std::string& path() const { return pty_.slave_path; }

 private:
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
    "registration": {"stat": 1, "name": null, "lac": "13122", "ci": "32451"},
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

// Runs //cmd:uclink with `args`, bounded to 30 s; returns {exit code, stdout}.
std::pair<int, std::string> RunUclink(std::vector<std::string> args) {
  args.insert(args.begin(), "cmd/uclink");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe(out) != 0) return {-1, ""};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
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

}  // namespace
}  // namespace uclink::control::cli
