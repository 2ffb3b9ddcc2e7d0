// `uclink` and `uclinkd` as a user meets them, run as binaries against uclink-sim: one test per
// row of the exit-code table (docs/control-api.md, "`uclink` exit codes"), `uclink reload`,
// data-mode AT lines refused on both sides, what `status` and `monitor` print, and uclinkd's
// start-up errors (docs/configuration.md). Root: a private network namespace, another uid.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uid_t kNobody = 65534;

// A child whose stdout and stderr come back through a pipe, read as lines with poll().
class PipedChild {
 public:
  // Runs `argv` (a runfiles path or an absolute one), as `uid` when given.
  explicit PipedChild(const std::vector<std::string>& argv, std::optional<uid_t> uid = {}) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
      if (uid && (::setgid(kNobody) != 0 || ::setuid(*uid) != 0)) _exit(126);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      _exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  }
  ~PipedChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
    if (pidfd_ >= 0) ::close(pidfd_);
  }

  // The next line of output, or nullopt when `bound` passes or the output ends.
  std::optional<std::string> Line(std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    while (true) {
      const std::size_t newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        all_ += line + "\n";
        return line;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{out_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) return {};
      char chunk[4096];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // Reads lines until one contains `text` (bounded); false when none did.
  bool WaitForText(const std::string& text, std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    while (Clock::now() < deadline) {
      std::optional<std::string> line =
          Line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (!line) return false;
      if (line->find(text) != std::string::npos) return true;
    }
    return false;
  }
  // Waits for the exit (its pidfd becomes readable), reading the rest of the output; the exit
  // code, or -1 when `bound` passed and the child was killed.
  int Wait(std::chrono::milliseconds bound) {
    while (Line(bound)) {
    }
    pollfd p{pidfd_, POLLIN, 0};
    int status = 0;
    if (::poll(&p, 1, static_cast<int>(bound.count())) != 1) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void Terminate() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
  }
  const std::string& output() const { return all_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int pidfd_ = -1;
  std::string buffer_;
  std::string all_;
};

// Runs `argv` to its end; {exit code, stdout + stderr}.
std::pair<int, std::string> RunToEnd(const std::vector<std::string>& argv,
                                     std::optional<uid_t> uid = {}) {
  PipedChild child(argv, uid);
  const int code = child.Wait(60s);
  return {code, child.output()};
}

class ExitCodesTest : public PrivateNamespacesTest {
 protected:
  void SetUp() override { rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig()); }
  void TearDown() override {
    if (HasFailure()) ADD_FAILURE() << "uclinkd log:\n" << rig_->DaemonLog();
  }

  void StartSimAndDaemon(const std::vector<std::string>& sim_args = {"--fast"}) {
    ASSERT_TRUE(rig_->StartSim(sim_args));
    ASSERT_TRUE(rig_->StartDaemon());
  }
  std::string Dir() const { return fs::path(rig_->socket_path()).parent_path().string(); }
  // `uclink --socket <the rig's> args...`.
  std::pair<int, std::string> Uclink(std::vector<std::string> args, std::optional<uid_t> uid = {}) {
    args.insert(args.begin(),
                {uid ? Dir() + "/uclink" : "cmd/uclink", "--socket", rig_->socket_path()});
    return RunToEnd(args, uid);
  }
  // A copy of cmd/uclink that another user may run (the runfiles tree is root's).
  void LetNobodyRunUclink() {
    fs::permissions(Dir(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::copy_file("cmd/uclink", Dir() + "/uclink", fs::copy_options::overwrite_existing);
  }

  std::unique_ptr<UclinkRig> rig_;
};

// ---- row 0: success -------------------------------------------------------------------------

TEST_F(ExitCodesTest, Row0ConnectWaitWhenAlreadyOnlineSaysSo) {
  StartSimAndDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);
  const auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("already online: uclink0 address 10."));
}

// The top-level --socket may follow the subcommand, where a new user types it.
TEST_F(ExitCodesTest, Row0SocketAfterTheSubcommandIsTheSameOption) {
  StartSimAndDaemon();
  const auto [code, out] =
      RunToEnd({"cmd/uclink", "status", "--json", "--socket", rig_->socket_path()});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("\"state\""));
  EXPECT_EQ(RunToEnd({"cmd/uclink", "status", "--socket", Dir() + "/nothing.sock"}).first, 3);
}

// ---- row 1: the daemon or the module reported an error --------------------------------------

TEST_F(ExitCodesTest, Row1ModuleErrorThroughTheDaemon) {
  StartSimAndDaemon();
  const auto [code, out] = Uclink({"at", "AT+NOSUCHCOMMAND"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(out, HasSubstr("ERROR"));
}

// ---- row 2: usage ---------------------------------------------------------------------------

TEST_F(ExitCodesTest, Row2UsageErrorsOfBothProgramsAreTwo) {
  EXPECT_EQ(RunToEnd({"cmd/uclink", "bogus"}).first, 2);
  EXPECT_EQ(RunToEnd({"cmd/uclink", "status", "--json", "--keyvalue"}).first, 2);
  EXPECT_EQ(RunToEnd({"cmd/uclink", "connect", "--timeout", "soon"}).first, 2);
  const auto [code, out] = RunToEnd({"cmd/uclinkd", "--baud", "abc"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("--baud"));
}

TEST_F(ExitCodesTest, Row2DataModeAtLinesAreRefusedOnBothSidesAndTheChannelKeepsWorking) {
  StartSimAndDaemon();
  for (const char* line : {"AT D*99#", "ATD*99#", "AT+CGDATA=\"PPP\",1", "ATO"}) {
    const auto [code, out] = Uclink({"at", line});
    EXPECT_EQ(code, 2) << line << ": " << out;
    EXPECT_THAT(out, HasSubstr("data mode")) << line;
    // Another client of the control API meets the same check in the daemon.
    const nlohmann::json answer = rig_->Call("at", {{"command", line}});
    EXPECT_EQ(answer["error"]["code"], "invalid-params") << answer.dump();
    EXPECT_THAT(answer["error"]["message"].get<std::string>(), HasSubstr("data mode"));
  }
  const nlohmann::json control = rig_->Call("at", {{"command", std::string("AT+CSQ\x1b", 7)}});
  EXPECT_THAT(control["error"]["message"].get<std::string>(), HasSubstr("0x1B at offset 6"));
  const auto [code, out] = Uclink({"at", "AT+CSQ"});
  EXPECT_EQ(code, 0) << "the daemon's AT channel is wedged: " << out;
  EXPECT_THAT(out, HasSubstr("+CSQ:"));
  EXPECT_EQ(rig_->State(), "idle");
}

TEST_F(ExitCodesTest, Row2ReloadOfAnInvalidFileNamesEveryProblem) {
  StartSimAndDaemon();
  const auto [ok, said] = Uclink({"reload"});
  EXPECT_EQ(ok, 0) << said;
  EXPECT_THAT(said, HasSubstr("configuration reloaded"));
  EXPECT_THAT(rig_->DaemonLog(), HasSubstr("configuration reloaded"));

  std::ofstream(rig_->config_path()) << "[network]\ncid = 9\n[modem]\nbaud = \"fast\"\n";
  const auto [code, out] = Uclink({"reload"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("network.cid (line 2)"));
  EXPECT_THAT(out, HasSubstr("modem.baud (line 4)"));
  EXPECT_EQ(Uclink({"status"}).first, 0) << "uclinkd keeps serving";

  // A port that cannot be a serial device is refused at reload as at start-up, never retried.
  std::ofstream(rig_->config_path()) << "[modem]\nat_port = \"/dev/null\"\n";
  const auto [bad_port, why] = Uclink({"reload"});
  EXPECT_EQ(bad_port, 2) << why;
  EXPECT_THAT(why, HasSubstr("modem.at_port (line 2): /dev/null is a \"mem\" device"));
  EXPECT_EQ(rig_->State(), "idle");
}

// uclinkd's configuration errors exit 2 naming key and line or flag, all at once.
TEST_F(ExitCodesTest, Row2UclinkdConfigurationErrorsExitTwo) {
  const std::string config = Dir() + "/bad.toml";
  const std::string socket = Dir() + "/bad.sock";
  const auto uclinkd = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"cmd/uclinkd", "--config",    config,          "--socket",
                                     socket,        "--state-dir", Dir() + "/state"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunToEnd(argv);
  };
  std::ofstream(config) << "";
  std::ofstream(Dir() + "/regular-file") << "x";
  const std::pair<std::string, std::string> ports[] = {
      {"/dev/null", "--port: /dev/null is a \"mem\" device, not a serial port"},
      {Dir(), "is a directory"},
      {Dir() + "/regular-file", "is a regular file"}};
  for (const auto& [port, says] : ports) {
    const auto [code, out] = uclinkd({"--port", port});
    EXPECT_EQ(code, 2) << port << ": " << out;
    EXPECT_THAT(out, HasSubstr(says));
  }
  std::ofstream(config) << "[control]\ngroup = \"nosuchgroup-uclink\"\n";
  auto [code, out] = uclinkd({});
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("control.group (line 2): no such group"));

  std::ofstream(config) << "[modem]\nbaud = \"fast\"\n[network]\ncid = 7\n";
  std::tie(code, out) = uclinkd({"--backend", "slip"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("modem.baud (line 2): must be an integer"));
  EXPECT_THAT(out, HasSubstr("network.cid (line 4)"));
  EXPECT_THAT(out, HasSubstr("--backend"));
}

// Not a row: start-up failures are 1; a missing socket directory says what to do about it.
TEST_F(ExitCodesTest, UclinkdWithoutItsSocketDirectorySaysToCreateItOrPassSocket) {
  const std::string config = Dir() + "/empty.toml";
  std::ofstream(config) << "[connection]\nautoconnect = false\n";
  const auto [code, out] =
      RunToEnd({"cmd/uclinkd", "--config", config, "--port", Dir() + "/no-modem", "--socket",
                Dir() + "/run-uclink/uclinkd.sock", "--state-dir", Dir() + "/state"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(out, HasSubstr(Dir() + "/run-uclink does not exist: create it"));
  EXPECT_THAT(out, HasSubstr("--socket"));
}

TEST_F(ExitCodesTest, VersionOfBothProgramsIsTheOneRelease) {
  const auto [code, out] = RunToEnd({"cmd/uclink", "--version"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, ::testing::MatchesRegex("uclink 0\\.[0-9]+\\.[0-9]+\n"));
  EXPECT_EQ(RunToEnd({"cmd/uclinkd", "--version"}), std::make_pair(0, out));
}

// ---- row 3: uclinkd not reachable -----------------------------------------------------------

TEST_F(ExitCodesTest, Row3NoDaemon) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"status"},
                                               {"at", "AT"},
                                               {"reload"},
                                               {"tcp", "connect", "h", "7"}}) {
    const auto [code, out] = Uclink(args);
    EXPECT_EQ(code, 3) << args[0] << ": " << out;
    EXPECT_THAT(out, HasSubstr("cannot reach uclinkd"));
  }
}

// A stand-in for uclinkd on `path` that answers one request with `result`: what a broken daemon,
// or another program listening there, might send.
class OneAnswerDaemon {
 public:
  OneAnswerDaemon(const std::string& path, nlohmann::json result) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    ::unlink(path.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    thread_ = std::thread([this, result = std::move(result)] { Answer(result); });
  }
  ~OneAnswerDaemon() {
    thread_.join();
    ::close(fd_);
    ::unlink(path_.c_str());
  }

 private:
  void Answer(const nlohmann::json& result) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::string request;
    char chunk[4096];
    pollfd c{client, POLLIN, 0};
    while (request.find('\n') == std::string::npos && ::poll(&c, 1, 10000) == 1) {
      const ssize_t n = ::read(client, chunk, sizeof chunk);
      if (n <= 0) break;
      request.append(chunk, static_cast<std::size_t>(n));
    }
    const nlohmann::json parsed = nlohmann::json::parse(request.substr(0, request.find('\n')),
                                                        nullptr, /*allow_exceptions=*/false);
    const nlohmann::json id =
        parsed.is_object() && parsed.contains("id") ? parsed["id"] : nlohmann::json(1);
    const std::string line = nlohmann::json{{"id", id}, {"ok", true}, {"result", result}}.dump();
    EXPECT_EQ(::write(client, (line + "\n").data(), line.size() + 1),
              static_cast<ssize_t>(line.size() + 1));
    ::close(client);
  }

  std::string path_;
  int fd_ = -1;
  std::thread thread_;
};

TEST_F(ExitCodesTest, Row3AnAnswerThatIsNotAStatusDocumentIsThree) {
  for (const nlohmann::json& result : {nlohmann::json::array({1, 2}), nlohmann::json("online"),
                                       nlohmann::json{{"schema", 1}, {"state", 7}}}) {
    for (const char* command : {"status", "metrics"}) {
      OneAnswerDaemon impostor(rig_->socket_path(), result);
      const auto [code, out] = Uclink({command});
      EXPECT_EQ(code, 3) << command << " of " << result.dump() << ": " << out;
      EXPECT_THAT(out, HasSubstr("not a status document")) << command << " of " << result.dump();
    }
  }
}

// ---- row 4: permission denied ---------------------------------------------------------------

TEST_F(ExitCodesTest, Row4PermissionDeniedIsFourEverywhereWithTheGroupHint) {
  StartSimAndDaemon({"--fast", "--refuse-cgdata"});
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);  // in-band online
  LetNobodyRunUclink();
  // The socket is mode 0660 root:root: another user cannot even connect.
  auto [code, out] = Uclink({"status"}, kNobody);
  EXPECT_EQ(code, 4) << out;
  EXPECT_THAT(out, HasSubstr("[control] group"));

  // With the socket opened up, SO_PEERCRED refuses every mutating method.
  ASSERT_EQ(::chmod(rig_->socket_path().c_str(), 0666), 0);
  std::tie(code, out) = Uclink({"status"}, kNobody);
  EXPECT_EQ(code, 0) << out;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"connect"},
                                               {"disconnect"},
                                               {"reload"},
                                               {"at", "AT+CSQ"},
                                               {"tcp", "connect", "127.0.0.1", "7"}}) {
    std::tie(code, out) = Uclink(args, kNobody);
    EXPECT_EQ(code, 4) << args[0] << ": " << out;
    EXPECT_THAT(out, HasSubstr("[control] group")) << args[0];
  }
  EXPECT_EQ(rig_->State(), "online-inband") << "nothing changed";
}

// ---- row 5: timeout -------------------------------------------------------------------------

TEST_F(ExitCodesTest, Row5AtTimeoutThroughTheDaemon) {
  StartSimAndDaemon();
  ASSERT_THAT(rig_->SimControl("hang"), HasSubstr("OK"));
  const auto [code, out] = Uclink({"at", "--timeout", "1", "AT+CSQ"});
  EXPECT_EQ(code, 5) << out;
}

// ---- row 6: the only port carries PPP -------------------------------------------------------

TEST_F(ExitCodesTest, Row6AtWhileTheOnlyPortCarriesPpp) {
  StartSimAndDaemon();
  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);
  const auto [code, out] = Uclink({"at", "AT+CSQ"});
  EXPECT_EQ(code, 6) << out;
  EXPECT_THAT(out, HasSubstr("in-data-mode"));
  // A refused line is refused for what it is, whatever the port does.
  EXPECT_EQ(rig_->Call("at", {{"command", "AT D*99#"}})["error"]["code"], "invalid-params");
}

// ---- status and monitor for people and scripts ----------------------------------------------

TEST_F(ExitCodesTest, StatusSinceDoesNotMoveWhileTheStateStays) {
  StartSimAndDaemon();
  std::set<std::string> seen;
  const auto until = Clock::now() + 2500ms;  // across two ticks of the wall clock's second
  while (Clock::now() < until) seen.insert(rig_->Status()["since"].get<std::string>());
  EXPECT_EQ(seen.size(), 1u) << *seen.begin() << " and " << *seen.rbegin();
}

TEST_F(ExitCodesTest, IdleStatusForPeopleIsShortAndShowsNoPlaceholders) {
  StartSimAndDaemon();
  const auto [code, out] = Uclink({"status"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, ::testing::StartsWith("state:        idle since 20"));
  EXPECT_THAT(out, Not(HasSubstr(" - ")));
}

TEST_F(ExitCodesTest, MonitorStartsWithTheStatusAndPrintsSentences) {
  StartSimAndDaemon();
  PipedChild json({"cmd/uclink", "--socket", rig_->socket_path(), "monitor", "--json"});
  PipedChild human({"cmd/uclink", "--socket", rig_->socket_path(), "monitor"});
  const std::optional<std::string> first = json.Line(10s);
  ASSERT_TRUE(first.has_value());
  const nlohmann::json status = nlohmann::json::parse(*first, nullptr, false);
  EXPECT_EQ(status["event"], "status") << *first;
  EXPECT_EQ(status["data"]["state"], "idle") << *first;
  ASSERT_TRUE(human.WaitForText("state idle since ", 10s)) << human.output();

  ASSERT_EQ(Uclink({"connect", "--wait", "--timeout", "30"}).first, 0);
  EXPECT_TRUE(json.WaitForText("\"event\":\"link\"", 10s)) << json.output();
  EXPECT_TRUE(human.WaitForText(" link up: uclink0 address 10.", 10s)) << human.output();
  EXPECT_TRUE(human.WaitForText(" state negotiating-ppp -> online (", 10s)) << human.output();
  const std::string text = human.output();
  EXPECT_THAT(text, HasSubstr(" registration registered-home (stat 1)"));
  EXPECT_THAT(text, HasSubstr(" signal csq "));
  EXPECT_THAT(text, Not(HasSubstr("{"))) << "raw JSON in the human format";
}

}  // namespace
}  // namespace uclink::control::testing
