// Who may hold the control socket's connections (docs/control-api.md, "Connection limits";
// docs/SECURITY.md, finding 18): forked children act as other users (setresgid/setresuid, so
// SO_PEERCRED reports them) against a real ControlServer running on this thread, and fill
// slots with partial requests; root and the control group keep a way in. Then uclink's client
// against a daemon that refuses it: the `busy` line is the answer, never "Broken pipe". Root.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "control/cli/client.h"
#include "control/daemon/control_server.h"
#include "tests/control/security/raw_client.h"
#include "tests/control/socket_dir.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;

// No passwd entries: only the gid of the credentials decides membership.
constexpr uid_t kMember = 54321;
constexpr uid_t kOtherMember = 54322;
constexpr uid_t kStranger = 54323;
constexpr gid_t kStrangerGroup = 54323;

// What a child saw: connections still held, refused ones, and its last request's answer.
struct ChildReport {
  int held = -1;
  int busy = -1;
  std::string marker;        // "ok", or the error code of the marker's answer
  std::string busy_message;  // the message of the first refusal
};

// A child process acting as another user; it holds its connections until Release().
class Child {
 public:
  pid_t pid = -1;
  int report_fd = -1;   // child → test: one report line
  int release_fd = -1;  // test → child: any byte (or EOF) lets it exit
  std::string buffer;
};

class ConnectionLimitsTest : public testing::SocketDirTest {
 protected:
  ConnectionLimitsTest() : SocketDirTest("limits") {}
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root to act as other users";
    SocketDirTest::SetUp();
    if (HasFatalFailure()) return;
    ::chmod(dir_.c_str(), 0711);  // others may reach the socket; its own mode decides who connects
    std::error_code error;
    std::optional<PeerPolicy> policy = PeerPolicy::ForGroup("nogroup", error);
    ASSERT_TRUE(policy) << "Debian's nogroup is missing: " << error.message();
    group_ = *policy->gid();
    policy_ = *policy;
  }
  void TearDown() override {
    for (Child& child : children_) Finish(child);
    server_.reset();
    SocketDirTest::TearDown();
  }

  void Start(std::size_t max_per_uid) {
    ControlLimits limits;
    limits.idle_timeout = 600s;  // never reached here: these tests are about slots, not time
    limits.max_per_uid = max_per_uid;
    server_ = std::make_unique<ControlServer>(
        io_,
        [](const api::Request& request, ControlServer::Reply reply) {
          api::Response response;
          response.id = request.id;
          reply(response);
        },
        policy_, limits);
    ASSERT_FALSE(server_->Listen(path_));
    ASSERT_EQ(::chmod(path_.c_str(), 0666), 0);  // strangers may connect: the limits decide
  }

  // Forks a child that becomes uid/gid, opens `partial` connections each holding the start of a
  // request, then a marker connection asking `status`. The accept queue is first in, first
  // out, so once the marker is answered every earlier connection has been accepted or
  // refused, and a refused one has its `busy` line already: no waiting on time.
  Child& Spawn(uid_t uid, gid_t gid, int partial) {
    int report[2], release[2];
    EXPECT_EQ(::pipe2(report, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(release, O_CLOEXEC), 0);
    const std::string path = path_;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(report[0]);
      ::close(release[1]);
      for (const Child& other : children_) {  // their pipes belong to them and to the test
        ::close(other.report_fd);
        ::close(other.release_fd);
      }
      _exit(RunChild(path, uid, gid, partial, report[1], release[0]));
    }
    ::close(report[1]);
    ::close(release[0]);
    children_.push_back({pid, report[0], release[1], ""});
    return children_.back();
  }

  static int RunChild(const std::string& path, uid_t uid, gid_t gid, int partial, int out,
                      int release) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
        ::setresuid(uid, uid, uid) != 0 || ::geteuid() != uid) {
      return 2;
    }
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < partial; ++i) {
      held.push_back(std::make_unique<RawClient>(path));
      if (held.back()->open()) held.back()->Send("{\"id\":1,\"meth");
    }
    RawClient marker(path);
    marker.Send("{\"id\":9,\"method\":\"status\"}\n");
    const nlohmann::json answer =
        nlohmann::json::parse(marker.ReadLine(5s).value_or(""), nullptr, false);
    ChildReport report;
    report.held = report.busy = 0;
    report.marker = !answer.is_object()         ? "no answer"
                    : answer.value("ok", false) ? "ok"
                                                : answer["error"].value("code", "?");
    if (answer.is_object() && answer.contains("error")) {
      report.busy_message = answer["error"].value("message", "");
    }
    for (auto& client : held) {
      // A refused connection has its one line and the end of the stream already; an accepted
      // one has nothing to read (ReadLine returns at once either way: the bound is 0).
      const std::optional<std::string> line = client->ReadLine(0ms);
      if (!line) {
        ++report.held;
        continue;
      }
      ++report.busy;
      const nlohmann::json refusal = nlohmann::json::parse(*line, nullptr, false);
      if (report.busy_message.empty() && refusal.is_object() && refusal.contains("error")) {
        report.busy_message = refusal["error"].value("message", "");
      }
    }
    std::ostringstream text;
    text << report.held << " " << report.busy << " " << report.marker << " " << report.busy_message
         << "\n";
    const std::string line = text.str();
    if (::write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 3;
    char byte;
    [[maybe_unused]] ssize_t n = ::read(release, &byte, 1);  // hold until released
    return 0;
  }

  // Runs the server until the child's report arrives (bounded: 10 s of io time).
  ChildReport Report(Child& child) {
    for (int round = 0; round < 1000 && child.buffer.find('\n') == std::string::npos; ++round) {
      io_.run_for(10ms);
      io_.restart();
      pollfd p{child.report_fd, POLLIN, 0};
      if (::poll(&p, 1, 0) != 1) continue;
      char chunk[512];
      const ssize_t n = ::read(child.report_fd, chunk, sizeof chunk);
      if (n <= 0) break;
      child.buffer.append(chunk, static_cast<std::size_t>(n));
    }
    ChildReport report;
    std::istringstream in(child.buffer);
    in >> report.held >> report.busy >> report.marker;
    std::getline(in >> std::ws, report.busy_message);
    return report;
  }

  // Lets the child close its connections and exit; runs the server meanwhile (bounded).
  void Finish(Child& child) {
    if (child.pid <= 0) return;
    [[maybe_unused]] ssize_t n = ::write(child.release_fd, "x", 1);
    ::close(child.release_fd);
    int status = 0;
    for (int round = 0; round < 500 && ::waitpid(child.pid, &status, WNOHANG) == 0; ++round) {
      io_.run_for(10ms);
      io_.restart();
    }
    if (::waitpid(child.pid, &status, WNOHANG) == 0) {
      ::kill(child.pid, SIGKILL);
      ::waitpid(child.pid, &status, 0);
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child could not drop root";
    ::close(child.report_fd);
    child.pid = -1;
  }

  // Runs the server until it holds `count` sessions (bounded: 5 s of io time): a client's end of
  // the stream reaches it as a read completion.
  bool WaitForSessions(std::size_t count) {
    for (int round = 0; round < 500 && server_->session_count() != count; ++round) {
      io_.run_for(10ms);
      io_.restart();
    }
    return server_->session_count() == count;
  }

  // `status` from this process (root), the server running meanwhile: "ok" or the error code.
  std::string RootStatus() {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path_.c_str());
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = "{\"id\":4,\"method\":\"status\"}\n";
    EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    std::string text;
    for (int round = 0; round < 500 && text.find('\n') == std::string::npos; ++round) {
      io_.run_for(10ms);
      io_.restart();
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) text.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const nlohmann::json answer =
        nlohmann::json::parse(text.substr(0, text.find('\n')), nullptr, false);
    if (!answer.is_object()) return "no answer";
    return answer.value("ok", false) ? "ok" : answer["error"].value("code", "?");
  }

  boost::asio::io_context io_;
  gid_t group_ = 0;
  PeerPolicy policy_;
  std::unique_ptr<ControlServer> server_;
  std::deque<Child> children_;  // Spawn() hands out references: a deque keeps them valid
};

TEST_F(ConnectionLimitsTest, RootGetsStatusWhileAGroupMemberHoldsEveryOtherSlot) {
  Start(/*max_per_uid=*/64);  // one user may take everything the reserve leaves
  ChildReport member = Report(Spawn(kMember, group_, 70));
  const std::size_t group_ceiling = ControlServer::kMaxSessions - ControlServer::kReservedForRoot;
  EXPECT_EQ(member.held, static_cast<int>(group_ceiling));
  EXPECT_EQ(member.busy, static_cast<int>(70 - group_ceiling));
  EXPECT_EQ(member.marker, "busy");
  EXPECT_NE(member.busy_message.find("reserved for root"), std::string::npos)
      << member.busy_message;
  EXPECT_EQ(server_->session_count(), group_ceiling);
  // Someone outside the group may not take the reserve either.
  ChildReport stranger = Report(Spawn(kStranger, kStrangerGroup, 0));
  EXPECT_EQ(stranger.marker, "busy");
  EXPECT_NE(stranger.busy_message.find("root and the control group"), std::string::npos)
      << stranger.busy_message;
  EXPECT_EQ(RootStatus(), "ok");
  EXPECT_EQ(RootStatus(), "ok");
}

TEST_F(ConnectionLimitsTest, StrangersStopShortOfTheSlotsReservedForRootAndTheGroup) {
  Start(/*max_per_uid=*/64);
  ChildReport stranger = Report(Spawn(kStranger, kStrangerGroup, 60));
  const std::size_t others_ceiling =
      ControlServer::kMaxSessions - ControlServer::kReservedForPrivileged;
  EXPECT_EQ(stranger.held, static_cast<int>(others_ceiling));
  EXPECT_EQ(stranger.marker, "busy");
  // A group member still gets in, and so does root.
  ChildReport member = Report(Spawn(kMember, group_, 0));
  EXPECT_EQ(member.marker, "ok");
  EXPECT_EQ(RootStatus(), "ok");
}

TEST_F(ConnectionLimitsTest, PerUidLimitRefusesOnlyTheUserWhoReachedIt) {
  Start(/*max_per_uid=*/4);
  ChildReport first = Report(Spawn(kMember, group_, 6));
  EXPECT_EQ(first.held, 4);
  EXPECT_EQ(first.busy, 2);
  EXPECT_EQ(first.marker, "busy");
  EXPECT_NE(first.busy_message.find("uid 54321"), std::string::npos) << first.busy_message;
  EXPECT_NE(first.busy_message.find("control.max_connections_per_uid"), std::string::npos)
      << first.busy_message;
  // Another user of the same group, and root, are not affected.
  ChildReport second = Report(Spawn(kOtherMember, group_, 3));
  EXPECT_EQ(second.held, 3);
  EXPECT_EQ(second.marker, "ok");
  EXPECT_EQ(RootStatus(), "ok");
  // When the first user's connections end, that user is served again.
  Finish(children_[0]);
  ASSERT_TRUE(WaitForSessions(4));  // the second user's three and its marker
  ChildReport again = Report(Spawn(kMember, group_, 0));
  EXPECT_EQ(again.marker, "ok");
}

// uclink's client (control/cli/client.h) against a daemon that refuses it with its one `busy`
// line and closes: a fake daemon here, so both orders of "refused" and "request written" are
// exercised deterministically.
class RefusedClientTest : public testing::SocketDirTest {
 protected:
  RefusedClientTest() : SocketDirTest("refused") {}
  void SetUp() override {
    SocketDirTest::SetUp();
    if (HasFatalFailure()) return;
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path_.c_str());
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener_, 4), 0);
  }
  void TearDown() override {
    ::close(listener_);
    SocketDirTest::TearDown();
  }

  // What ControlServer does with a client beyond its limits: one line, then close.
  void AcceptAndRefuse() {
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(fd, 0);
    const std::string line = api::EncodeResponse(
        api::ErrorResponse(0, api::Errc::kBusy, "uclinkd has 64 clients; try again later"));
    ASSERT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    ::close(fd);
  }

  int listener_ = -1;
};

TEST_F(RefusedClientTest, CallAfterTheRefusalReturnsTheBusyAnswerNotBrokenPipe) {
  std::error_code error;
  std::optional<cli::ControlClient> client = cli::ControlClient::Connect(path_, error);
  ASSERT_TRUE(client) << error.message();
  AcceptAndRefuse();  // closed before the request is written: the write fails with EPIPE
  std::optional<api::Response> response = client->Call(api::Method::kStatus, nullptr, 5s, error);
  ASSERT_TRUE(response) << error.message();
  ASSERT_TRUE(response->error);
  EXPECT_EQ(response->error->code, api::Errc::kBusy);
  EXPECT_EQ(response->error->message, "uclinkd has 64 clients; try again later");
  EXPECT_EQ(response->id, 1u);
}

TEST_F(RefusedClientTest, RequestWrittenBeforeTheRefusalIsAnsweredByIt) {
  std::error_code error;
  std::optional<cli::ControlClient> client = cli::ControlClient::Connect(path_, error);
  ASSERT_TRUE(client) << error.message();
  std::optional<std::uint64_t> id = client->Send(api::Method::kStatus, nullptr, error);
  ASSERT_TRUE(id) << error.message();
  AcceptAndRefuse();  // closed with our request unread: ECONNRESET after the line (unix(7))
  std::optional<api::ServerLine> line = client->ReadLine(5s, error);
  ASSERT_TRUE(line) << error.message();
  ASSERT_TRUE(line->response);
  EXPECT_EQ(line->response->id, *id) << "callers match the answer by their request's id";
  ASSERT_TRUE(line->response->error);
  EXPECT_EQ(line->response->error->code, api::Errc::kBusy);
}

TEST_F(RefusedClientTest, StreamingSendAfterTheRefusalStillYieldsTheBusyAnswer) {
  std::error_code error;
  std::optional<cli::ControlClient> client = cli::ControlClient::Connect(path_, error);
  ASSERT_TRUE(client) << error.message();
  AcceptAndRefuse();
  std::optional<std::uint64_t> id = client->Send(api::Method::kService, nullptr, error);
  ASSERT_TRUE(id) << error.message();
  ASSERT_TRUE(client->has_buffered_lines());
  std::optional<api::ServerLine> line = client->ReadLine(0ms, error);
  ASSERT_TRUE(line && line->response) << error.message();
  EXPECT_EQ(line->response->id, *id);
  EXPECT_EQ(line->response->error->code, api::Errc::kBusy);
}

}  // namespace
}  // namespace uclink::control
