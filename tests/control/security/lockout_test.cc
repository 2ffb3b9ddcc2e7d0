// The control socket cannot be locked up (docs/SECURITY.md, finding 18; docs/control-api.md,
// "Connection limits"): connections that hold a partial request are closed after
// control.idle_timeout_s, the last slots are kept for root and the control group, and a client
// that is refused after all gets the daemon's `busy` answer from `uclink`, not "Broken pipe".
// The real uclinkd on uclink-sim --fast; root: the rig enters a network namespace of its own
// and a forked child acts as nobody:nogroup.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"
#include "tests/control/security/raw_client.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr uid_t kNobody = 65534;
constexpr std::size_t kMaxSessions = 64;     // ControlServer::kMaxSessions
constexpr std::size_t kReservedForRoot = 4;  // ControlServer::kReservedForRoot

std::string ErrorCode(const std::optional<std::string>& line) {
  const json reply = json::parse(line.value_or(""), nullptr, false);
  if (!reply.is_object()) return "no answer";
  if (reply.value("ok", false)) return "ok";
  return reply.contains("error") ? reply["error"].value("code", "?") : "?";
}

int MillisecondsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

class LockoutTest : public PrivateNamespacesTest {
 protected:
  void Start(const std::string& control_toml) {
    rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig() + control_toml);
    ASSERT_TRUE(rig_->StartSim({"--fast"})) << rig_->SimLog();
    ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
    ASSERT_TRUE(rig_->WaitForState("idle", 10s)) << rig_->DaemonLog();
    baseline_fds_ = rig_->SettledSample().fds;
  }

  std::unique_ptr<UclinkRig> rig_;
  int baseline_fds_ = -1;
};

// The child's side of the first test: as nobody:nogroup, `partial` connections holding the
// start of a request, then a marker asking `status` (the daemon accepts in order, so once the
// marker is answered every earlier connection was accepted or refused: its `busy` line is
// there). Reports "held busy marker", then waits (bounded) for the daemon to close every held
// connection and reports "closed timeout-lines".
int HoldPartialRequests(const std::string& socket, int partial, int out) {
  if (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
      ::setresuid(kNobody, kNobody, kNobody) != 0) {
    return 2;
  }
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < partial; ++i) {
    clients.push_back(std::make_unique<RawClient>(socket));
    clients.back()->Send(R"({"id":1,"meth)");
  }
  RawClient marker(socket);
  marker.Send("{\"id\":9,\"method\":\"status\"}\n");
  const std::string marker_code = ErrorCode(marker.ReadLine(10s));
  std::vector<RawClient*> held;
  int busy = 0;
  for (auto& client : clients) {
    if (!client->open()) continue;
    if (ErrorCode(client->ReadLine(0ms)) == "busy") {
      ++busy;
    } else {
      held.push_back(client.get());
    }
  }
  std::ostringstream first;
  first << held.size() << " " << busy << " " << marker_code << "\n";
  if (::write(out, first.str().data(), first.str().size()) < 0) return 3;
  // Bounded as a whole: on a daemon without the timeout this ends, it does not hang.
  const auto deadline = Clock::now() + 60s;
  int closed = 0, timeout_lines = 0;
  for (RawClient* client : held) {
    if (ErrorCode(client->ReadLine(std::chrono::milliseconds(MillisecondsLeft(deadline)))) ==
        "timeout") {
      ++timeout_lines;
    }
    if (client->ClosedByPeer(std::chrono::milliseconds(MillisecondsLeft(deadline)))) ++closed;
  }
  std::ostringstream second;
  second << closed << " " << timeout_lines << "\n";
  if (::write(out, second.str().data(), second.str().size()) < 0) return 3;
  return 0;
}

// One line from the child (bounded).
std::string ReadReport(int fd, std::string& buffer, std::chrono::milliseconds bound) {
  const auto deadline = Clock::now() + bound;
  while (buffer.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, MillisecondsLeft(deadline)) != 1) return "";
    char chunk[256];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return "";
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  const std::string line = buffer.substr(0, buffer.find('\n'));
  buffer.erase(0, line.size() + 1);
  return line;
}

TEST_F(LockoutTest, PartialRequestsHoldingEverySlotNeitherLockOutRootNorStay) {
  Start("[control]\ngroup = \"nogroup\"\nidle_timeout_s = 5\nmax_connections_per_uid = 64\n");
  // nobody reaches the socket through the rig's private directory (the socket is 0660).
  ::chmod(std::filesystem::path(rig_->socket_path()).parent_path().c_str(), 0711);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const int partial = 70;
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    _exit(HoldPartialRequests(rig_->socket_path(), partial, pipe_fds[1]));
  }
  ::close(pipe_fds[1]);
  std::string buffer;
  std::istringstream first(ReadReport(pipe_fds[0], buffer, 30s));
  int held = -1, busy = -1;
  std::string marker;
  first >> held >> busy >> marker;
  // nogroup is control.group: its members stop where the slots kept for root begin.
  EXPECT_EQ(held, static_cast<int>(kMaxSessions - kReservedForRoot));
  EXPECT_EQ(busy, partial - held);
  EXPECT_EQ(marker, "busy");
  // Root is served while they hold their slots.
  auto [code, out] = rig_->Uclink({"status"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("state:"), std::string::npos) << out;
  // And the daemon closes every one of them, each with its reason.
  std::istringstream second(ReadReport(pipe_fds[0], buffer, 90s));
  int closed = -1, timeout_lines = -1;
  second >> closed >> timeout_lines;
  EXPECT_EQ(closed, held);
  EXPECT_EQ(timeout_lines, held);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_TRUE(rig_->DaemonAlive()) << rig_->DaemonLog();
  EXPECT_EQ(rig_->SettledSample().fds, baseline_fds_);
}

TEST_F(LockoutTest, UclinkRefusedByAFullDaemonPrintsItsBusyAnswer) {
  Start("[control]\nidle_timeout_s = 600\n");
  // Root itself holds every slot: the one case in which root is refused.
  std::vector<std::unique_ptr<RawClient>> hogs;
  for (std::size_t i = 0; i < kMaxSessions; ++i) {
    hogs.push_back(std::make_unique<RawClient>(rig_->socket_path()));
    ASSERT_TRUE(hogs.back()->open()) << i;
    hogs.back()->Send(R"({"id":1,"meth)");
  }
  RawClient marker(rig_->socket_path());
  marker.Send("{\"id\":9,\"method\":\"status\"}\n");
  ASSERT_EQ(ErrorCode(marker.ReadLine(10s)), "busy");
  auto [code, out] = rig_->Uclink({"status"});
  EXPECT_EQ(code, 4) << out;  // docs/control-api.md, "`uclink` exit codes": refused (busy)
  EXPECT_NE(out.find("busy"), std::string::npos) << out;
  EXPECT_NE(out.find("try again later"), std::string::npos) << out;
  EXPECT_EQ(out.find("Broken pipe"), std::string::npos) << out;
  hogs.clear();
  EXPECT_EQ(rig_->SettledSample().fds, baseline_fds_);
  auto [again, status] = rig_->Uclink({"status"});
  EXPECT_EQ(again, 0) << status;
}

}  // namespace
}  // namespace uclink::control::testing
