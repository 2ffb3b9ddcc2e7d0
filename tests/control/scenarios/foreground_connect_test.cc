// `uclink connect --port P` without uclinkd (docs/control-api.md): the manager runs inside the CLI
// with a private control socket, shows progress, stays online until SIGINT, then hangs up cleanly
// and releases the port. Against uclink-sim on a pty, in a private network namespace (root: TUN).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr char kLog[] = "foreground.log";
constexpr char kConnected[] = "connected; Ctrl-C hangs up (status: uclink --socket ";
constexpr char kConnectedHint[] = " status)\n";  // the end of that line

class ForegroundConnectTest : public PrivateNamespacesTest {
 protected:
  void SetUp() override { rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig()); }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      rig_->WaitExited(pid_, 5s);
    }
    if (HasFailure()) ADD_FAILURE() << "uclink output:\n" << rig_->Log(kLog);
  }

  void StartForeground(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {
        "cmd/uclink",        "connect", "--port", rig_->modem_path(), "--config",
        rig_->config_path(), "--apn",   "cmnet",  "--backend",        "userspace"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = rig_->SpawnLogged(argv, kLog);
  }

  // The socket path from the "connected" line, once it was printed (bounded).
  std::string WaitForConnectedLine(std::chrono::milliseconds bound) {
    // The line ends with the hint after the path: once the hint is there, the path is whole.
    if (!rig_->WaitForLog(kLog, kConnectedHint, bound)) return "";
    const std::string log = rig_->Log(kLog);
    const auto from = log.find(kConnected) + sizeof kConnected - 1;
    const auto end = log.find(' ', from);
    return end == std::string::npos ? "" : log.substr(from, end - from);
  }

  // Exit code of the foreground uclink (bounded).
  int WaitForExit(std::chrono::milliseconds bound) {
    const int code = rig_->WaitExited(pid_, bound);
    pid_ = -1;
    return code;
  }

  std::unique_ptr<UclinkRig> rig_;
  pid_t pid_ = -1;
};

TEST_F(ForegroundConnectTest, ShowsProgressGoesOnlineAndHangsUpCleanlyOnSigint) {
  ASSERT_TRUE(rig_->StartSim({"--fast"}));
  StartForeground({});
  const std::string socket = WaitForConnectedLine(30s);
  ASSERT_FALSE(socket.empty());
  const std::string progress = rig_->Log(kLog);
  EXPECT_THAT(progress, HasSubstr("] registering"));
  EXPECT_THAT(progress, HasSubstr("] dialing"));
  EXPECT_THAT(progress, HasSubstr("] online: uclink0 address 10."));

  // Other programs query the one-off connection through the socket it printed.
  const pid_t query =
      rig_->SpawnLogged({"cmd/uclink", "--socket", socket, "status", "--json"}, "status.json");
  ASSERT_EQ(rig_->WaitExited(query, 10s), 0) << rig_->Log("status.json");
  const std::string out = rig_->Log("status.json");
  nlohmann::json status = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(status.is_object()) << out;
  EXPECT_EQ(status["state"], "online");
  EXPECT_EQ(status["mode"], "ppp");
  EXPECT_EQ(status["interface"]["name"], "uclink0");

  ::kill(pid_, SIGINT);
  EXPECT_EQ(WaitForExit(25s), 0);
  EXPECT_THAT(rig_->Log(kLog), HasSubstr("hung up after"));
  EXPECT_FALSE(std::filesystem::exists(socket)) << "the private socket directory stays behind";
  EXPECT_FALSE(rig_->Sample().tun_present) << "the TUN device outlived the connection";
  EXPECT_TRUE(rig_->ModuleAnswersAt()) << "the module was left in data mode";
}

TEST_F(ForegroundConnectTest, TimeoutBeforeOnlineExitsFiveAndReleasesThePort) {
  // The network never registers: searching forever (stat 2).
  ASSERT_TRUE(rig_->StartSim({"--fast", "--registration", "2:0"}));
  StartForeground({"--timeout", "2"});
  EXPECT_EQ(WaitForExit(30s), 5);
  EXPECT_THAT(rig_->Log(kLog), HasSubstr("not online after"));
  EXPECT_TRUE(rig_->ModuleAnswersAt()) << "the port was not released";
}

// docs/control-api.md: Ctrl-C hangs up cleanly and exits 0 also before the link is up; the
// manager's control socket closing then is the hang-up asked for, not a lost daemon (3).
TEST_F(ForegroundConnectTest, InterruptedBeforeOnlineExitsZeroAfterACleanHangUp) {
  // The network never registers: searching forever (stat 2).
  ASSERT_TRUE(rig_->StartSim({"--fast", "--registration", "2:0"}));
  StartForeground({});
  ASSERT_TRUE(rig_->WaitForLog(kLog, "] registering", 20s)) << rig_->Log(kLog);
  ::kill(pid_, SIGINT);
  EXPECT_EQ(WaitForExit(25s), 0);
  const std::string log = rig_->Log(kLog);
  EXPECT_THAT(log, HasSubstr("interrupted before online"));
  EXPECT_THAT(log, HasSubstr("hung up after"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("connection to uclinkd lost")));
  EXPECT_TRUE(rig_->ModuleAnswersAt()) << "the port was not released";
}

TEST_F(ForegroundConnectTest, InvalidFlagExitsTwoNamingIt) {
  ASSERT_TRUE(rig_->StartSim({"--fast"}));
  StartForeground({"--cid", "7"});
  EXPECT_EQ(WaitForExit(10s), 2);
  EXPECT_THAT(rig_->Log(kLog), HasSubstr("--cid"));
}

}  // namespace
}  // namespace uclink::control::testing
