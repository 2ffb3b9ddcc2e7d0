// The control socket as a specification: framing, ordering, authorisation, subscriptions.
// A real Unix socket in a temporary directory; the io_context runs on this thread only while a
// test waits for an answer (bounded by run_for), so nothing sleeps.
#include "control/daemon/control_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/control/socket_dir.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class ControlServerTest : public testing::SocketDirTest {
 protected:
  ControlServerTest() : SocketDirTest("cs") {}
  void TearDown() override {
    server_.reset();
    for (int fd : fds_) ::close(fd);
    SocketDirTest::TearDown();
  }

  void Start(PeerPolicy policy = {}, ControlLimits limits = {}) {
    server_ = std::make_unique<ControlServer>(
        io_,
        [this](const api::Request& request, ControlServer::Reply reply) {
          handled_.push_back(api::ToString(request.method));
          if (request.method == api::Method::kAt || request.method == api::Method::kService) {
            deferred_ = reply;  // answered later, as an AT command or a service would be
            return;
          }
          api::Response response;
          response.id = request.id;
          response.result = {{"method", api::ToString(request.method)}};
          reply(response);
        },
        policy, limits);
    ASSERT_FALSE(server_->Listen(path_));
  }

  static ControlLimits ShortIdle() {
    ControlLimits limits;
    limits.idle_timeout = 100ms;
    return limits;
  }

  // Runs the server until the client end `fd` sees the server close it (bounded: 5 s of io
  // time); the lines that came before are appended to `lines`.
  bool ClosedByServer(int fd, std::vector<std::string>* lines = nullptr) {
    api::LineFramer framer;
    for (int round = 0; round < 500; ++round) {
      io_.run_for(10ms);
      io_.restart();
      char buffer[4096];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        for (std::string& line : framer.Feed(std::string_view(buffer, n)).lines) {
          if (lines != nullptr) lines->push_back(std::move(line));
        }
      }
      if (n == 0 || (n < 0 && errno != EAGAIN)) return true;
    }
    return false;
  }

  int Connect() {
    const int fd = testing::ConnectUnix(path_);
    fds_.push_back(fd);
    return fd;
  }

  void Send(int fd, const std::string& bytes) {
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // Lets the server handle what arrived (20 ms of io time).
  void Run() {
    io_.run_for(20ms);
    io_.restart();
  }

  // Runs the server until `count` lines arrived on `fd` (bounded: 2 s of io time).
  std::vector<std::string> Lines(int fd, std::size_t count) {
    return testing::RunUntilLines(io_, fd, framer_, count);
  }

  boost::asio::io_context io_;
  std::unique_ptr<ControlServer> server_;
  std::vector<int> fds_;
  std::vector<std::string> handled_;
  ControlServer::Reply deferred_;
  api::LineFramer framer_{1 << 20};
};

TEST_F(ControlServerTest, SocketIsMode0660) {
  Start();
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(ControlServerTest, AnswersCarryTheRequestId) {
  Start();
  int fd = Connect();
  Send(fd, "{\"id\":41,\"method\":\"status\"}\n");
  std::vector<std::string> lines = Lines(fd, 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], R"({"id":41,"ok":true,"result":{"method":"status"}})");
}

TEST_F(ControlServerTest, PipelinedRequestsAreAnsweredInOrderBehindASlowOne) {
  Start();
  int fd = Connect();
  Send(fd,
       "{\"id\":1,\"method\":\"at\",\"params\":{\"command\":\"AT\"}}\n"
       "{\"id\":2,\"method\":\"status\"}\n");
  EXPECT_TRUE(Lines(fd, 1).empty());  // status waits behind the AT command
  EXPECT_THAT(handled_, ::testing::ElementsAre("at"));
  api::Response at;
  at.id = 1;
  deferred_(at);
  std::vector<std::string> lines = Lines(fd, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("\"id\":1"));
  EXPECT_THAT(lines[1], HasSubstr("\"id\":2"));
}

TEST_F(ControlServerTest, GarbageGetsBadRequestAndTheSessionGoesOn) {
  Start();
  int fd = Connect();
  Send(fd, "hello\n{\"id\":2,\"method\":\"status\"}\n");
  std::vector<std::string> lines = Lines(fd, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("bad-request"));
  EXPECT_THAT(lines[1], HasSubstr("\"ok\":true"));
}

TEST_F(ControlServerTest, OverlongRequestIsRefusedWithoutBufferingIt) {
  Start();
  int fd = Connect();
  const std::string huge(api::kMaxLineBytes + 10, 'x');
  for (std::size_t at = 0; at < huge.size(); at += 16384) {
    Send(fd, huge.substr(at, 16384));
    io_.run_for(5ms);
    io_.restart();
  }
  Send(fd, "\n{\"id\":3,\"method\":\"status\"}\n");
  std::vector<std::string> lines = Lines(fd, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("request-too-long"));
  EXPECT_THAT(lines[1], HasSubstr("\"id\":3"));
}

TEST_F(ControlServerTest, SubscribersReceivePublishedEvents) {
  Start();
  int subscriber = Connect();
  int other = Connect();
  Send(subscriber, "{\"id\":1,\"method\":\"subscribe\"}\n");
  ASSERT_EQ(Lines(subscriber, 1).size(), 1u);
  server_->Publish({"state", "2026-11-27T00:00:00Z", {{"to", "online"}}});
  std::vector<std::string> lines = Lines(subscriber, 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(R"("event":"state")"));
  EXPECT_TRUE(Lines(other, 1).empty());
}

TEST_F(ControlServerTest, ClientThatNeverReadsIsDroppedNotBuffered) {
  Start();
  int fd = Connect();
  int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  Send(fd, "{\"id\":1,\"method\":\"subscribe\"}\n");
  io_.run_for(20ms);
  io_.restart();
  const std::string big(8000, 'e');
  for (int i = 0; i < 2000 && server_->session_count() > 0; ++i) {
    server_->Publish({"state", "t", {{"pad", big}}});
    io_.run_for(1ms);
    io_.restart();
  }
  EXPECT_EQ(server_->session_count(), 0u);
}

// The "service" method's stream (docs/control-api.md): events on the request's own connection,
// then its response; follow-up lines go to the running request; its connection's end is told.
TEST_F(ControlServerTest, StreamingRequestSendsItsEventsBeforeItsResponse) {
  Start();
  int fd = Connect();
  int other = Connect();
  Send(other, "{\"id\":1,\"method\":\"subscribe\"}\n");
  ASSERT_EQ(Lines(other, 1).size(), 1u);
  Send(fd, "{\"id\":7,\"method\":\"service\",\"params\":{}}\n");
  Run();
  ASSERT_TRUE(deferred_.stream());
  deferred_.stream()->SendEvent({"service.data", "t", {{"data", "aGk="}}});
  api::Response done;
  done.id = 7;
  deferred_(done);
  deferred_.stream()->SendEvent({"service.data", "t", {{"data", "bGF0ZQ=="}}});  // ignored
  std::vector<std::string> lines = Lines(fd, 3);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr(R"("event":"service.data")"));
  EXPECT_THAT(lines[1], HasSubstr(R"("id":7,"ok":true)"));
  EXPECT_TRUE(Lines(other, 1).empty()) << "service events are not published to subscribers";
}

TEST_F(ControlServerTest, FollowUpLinesReachTheRunningRequestAndOthersWait) {
  Start();
  int fd = Connect();
  Send(fd, "{\"id\":1,\"method\":\"service\"}\n");
  Run();
  std::vector<std::string> follow_ups;
  deferred_.stream()->SetFollowUpHandler([&](const api::Request& r) {
    follow_ups.push_back(std::string(api::ToString(r.method)) + ":" + r.params.dump());
  });
  Send(fd,
       "{\"id\":2,\"method\":\"service.send\",\"params\":{\"data\":\"eA==\"}}\n"
       "{\"id\":3,\"method\":\"status\"}\n"
       "{\"id\":4,\"method\":\"service.close\"}\n");
  EXPECT_TRUE(Lines(fd, 1).empty()) << "no response of their own; status waits";
  EXPECT_THAT(follow_ups, ::testing::ElementsAre(R"(service.send:{"data":"eA=="})"));
  EXPECT_THAT(handled_, ::testing::ElementsAre("service"));
  api::Response done;
  done.id = 1;
  deferred_(done);
  std::vector<std::string> lines = Lines(fd, 3);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr(R"("id":1)"));
  EXPECT_THAT(lines[1], HasSubstr(R"("id":3)"));
  // Queued behind status, the service.close no longer has a running request: the daemon's
  // handler answers it (here the fixture's generic answer).
  EXPECT_THAT(lines[2], HasSubstr(R"("id":4)"));
}

TEST_F(ControlServerTest, ClosingTheConnectionTellsTheRunningRequest) {
  Start();
  int fd = Connect();
  Send(fd, "{\"id\":1,\"method\":\"service\"}\n");
  Run();
  bool closed = false;
  deferred_.stream()->SetClosedHandler([&] { closed = true; });
  ::shutdown(fd, SHUT_RDWR);
  for (int i = 0; i < 100 && !closed; ++i) {
    io_.run_for(5ms);
    io_.restart();
  }
  EXPECT_TRUE(closed);
  EXPECT_TRUE(deferred_.stream()->closed());
}

TEST_F(ControlServerTest, ClientsBeyondTheSessionCapAreToldBusyAndClosed) {
  Start();
  std::vector<int> open;
  for (std::size_t i = 0; i < ControlServer::kMaxSessions; ++i) {
    open.push_back(Connect());
    if (i % 8 == 7) Run();  // accept them: the listen backlog is 16
  }
  Run();
  const int extra = Connect();
  const std::vector<std::string> lines = Lines(extra, 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("\"busy\""));
  EXPECT_EQ(server_->session_count(), ControlServer::kMaxSessions);
  // A session that ends makes room for the next client.
  ::close(open.back());
  fds_.erase(std::find(fds_.begin(), fds_.end(), open.back()));
  Run();
  const int next = Connect();
  Send(next, "{\"id\":7,\"method\":\"status\"}\n");
  const std::vector<std::string> answer = Lines(next, 1);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_THAT(answer[0], HasSubstr("\"id\":7"));
}

TEST_F(ControlServerTest, StopRemovesTheSocketFile) {
  Start();
  server_->Stop();
  EXPECT_FALSE(std::filesystem::exists(path_));
}

// Connection limits (docs/control-api.md): a connection that owes a request line is closed
// after the idle timeout, with one line saying why; partial bytes do not extend it.
TEST_F(ControlServerTest, PartialRequestIsClosedAfterTheIdleTimeout) {
  Start({}, ShortIdle());
  const int fd = Connect();
  Send(fd, "{\"id\":1,\"meth");
  std::vector<std::string> lines;
  ASSERT_TRUE(ClosedByServer(fd, &lines));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(R"("code":"timeout")"));
  EXPECT_THAT(lines[0], HasSubstr("control.idle_timeout_s"));
  EXPECT_EQ(server_->session_count(), 0u);
}

TEST_F(ControlServerTest, TricklingAPartialLineDoesNotKeepTheConnection) {
  Start({}, ShortIdle());
  const int fd = Connect();
  // One byte per 20 ms of io time, never a newline: only a completed line restarts the timer.
  bool closed = false;
  for (int i = 0; i < 250 && !closed; ++i) {
    closed = ::send(fd, "x", 1, MSG_NOSIGNAL) != 1;
    Run();
  }
  EXPECT_TRUE(closed || ClosedByServer(fd));
  EXPECT_EQ(server_->session_count(), 0u);
}

TEST_F(ControlServerTest, ConnectionIdleAfterItsAnswerIsClosedToo) {
  Start({}, ShortIdle());
  const int fd = Connect();
  Send(fd, "{\"id\":1,\"method\":\"status\"}\n");
  std::vector<std::string> lines;
  ASSERT_TRUE(ClosedByServer(fd, &lines));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr(R"("id":1,"ok":true)"));
  EXPECT_THAT(lines[1], HasSubstr(R"("code":"timeout")"));
}

TEST_F(ControlServerTest, SubscriberAndRequestInProgressOutliveTheIdleTimeout) {
  Start({}, ShortIdle());
  const int subscriber = Connect();
  Send(subscriber, "{\"id\":1,\"method\":\"subscribe\"}\n");
  ASSERT_EQ(Lines(subscriber, 1).size(), 1u);
  const int waiting = Connect();  // its `at` is answered later, as a slow module's would be
  Send(waiting, "{\"id\":2,\"method\":\"at\",\"params\":{\"command\":\"AT\"}}\n");
  Run();
  ASSERT_TRUE(deferred_);
  // A partial request connected after both is closed: the timeout has passed for all three.
  const int partial = Connect();
  Send(partial, "{\"id\":3");
  ASSERT_TRUE(ClosedByServer(partial));
  EXPECT_EQ(server_->session_count(), 2u);
  server_->Publish({"state", "2026-11-27T00:00:00Z", {{"to", "online"}}});
  const std::vector<std::string> events = Lines(subscriber, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0], HasSubstr(R"("event":"state")"));
  api::Response at;
  at.id = 2;
  deferred_(at);
  const std::vector<std::string> answer = Lines(waiting, 1);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_THAT(answer[0], HasSubstr(R"("id":2,"ok":true)"));
}

// The socket file (docs/control-api.md): one server per path, a stale file is replaced, and a
// server removes only the file it created.
TEST_F(ControlServerTest, ListenRefusesAPathAnotherServerServesAndLeavesItsSocket) {
  Start();
  ControlServer second(
      io_, [](const api::Request&, ControlServer::Reply) {}, PeerPolicy{});
  std::string why;
  EXPECT_EQ(second.Listen(path_, &why), ListenErrc::kServedByAnother);
  EXPECT_THAT(why, HasSubstr("(pid " + std::to_string(::getpid()) + ")"));
  second.Stop();
  ASSERT_TRUE(std::filesystem::exists(path_));
  const int fd = Connect();
  Send(fd, "{\"id\":5,\"method\":\"status\"}\n");
  const std::vector<std::string> lines = Lines(fd, 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(R"("id":5,"ok":true)"));
}

TEST_F(ControlServerTest, ListenWhileAnotherHoldsTheLockIsRefusedEvenWithoutTheFile) {
  Start();
  ASSERT_EQ(::unlink(path_.c_str()), 0);  // removed by hand: nothing answers at the path now
  ControlServer second(
      io_, [](const api::Request&, ControlServer::Reply) {}, PeerPolicy{});
  EXPECT_EQ(second.Listen(path_), ListenErrc::kLockedByAnother);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(ControlServerTest, ListenReplacesAStaleSocketNobodyListensOn) {
  {  // a socket file left by a daemon that died: bound, then closed without unlink
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path_.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ::close(fd);
  }
  Start();
  const int fd = Connect();
  Send(fd, "{\"id\":6,\"method\":\"status\"}\n");
  EXPECT_EQ(Lines(fd, 1).size(), 1u);
}

TEST_F(ControlServerTest, ListenRefusesAPathThatIsNotASocket) {
  std::ofstream(path_) << "keep me\n";
  ControlServer server(
      io_, [](const api::Request&, ControlServer::Reply) {}, PeerPolicy{});
  EXPECT_EQ(server.Listen(path_), ListenErrc::kNotASocket);
  server.Stop();
  std::ifstream kept(path_);
  std::string text;
  std::getline(kept, text);
  EXPECT_EQ(text, "keep me");
}

TEST_F(ControlServerTest, StopLeavesASocketFileItDidNotCreate) {
  Start();
  // Someone replaced the file (by hand, or a daemon that found ours unanswered): not ours now.
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  const int other = ::socket(AF_UNIX, SOCK_STREAM, 0);
  fds_.push_back(other);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path_.c_str());
  ASSERT_EQ(::bind(other, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  server_->Stop();
  EXPECT_TRUE(std::filesystem::exists(path_));
}

TEST(PeerPolicyTest, RootOnlyByDefault) {
  PeerPolicy policy;
  EXPECT_TRUE(policy.Allows({1, 0, 0}));
  EXPECT_FALSE(policy.Allows({1, 1000, 1000}));
}

TEST(PeerPolicyTest, PrimaryGroupMemberIsAllowed) {
  std::error_code error;
  std::optional<PeerPolicy> policy = PeerPolicy::ForGroup("root", error);
  ASSERT_TRUE(policy.has_value()) << error.message();
  EXPECT_TRUE(policy->Allows({1, 12345, 0}));
  EXPECT_FALSE(policy->Allows({1, 12345, 12345}));
}

TEST(PeerPolicyTest, UnknownGroupIsAConfigurationError) {
  std::error_code error;
  EXPECT_FALSE(PeerPolicy::ForGroup("no-such-group-uclink", error).has_value());
  EXPECT_TRUE(error);
}

}  // namespace
}  // namespace uclink::control
