// SO_PEERCRED with real peers of other users (docs/SECURITY.md, "Who may mutate"): a forked
// child drops to another uid/gid (setresgid/setresuid, so the kernel reports those credentials),
// connects to a real ControlServer and sends one request. tests/control/control_server_test.cc
// covers PeerPolicy with hand-made credentials; these tests cover what the kernel reports and
// the socket's mode as seen by a non-root process. Needs root (to change uid).
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/daemon/control_server.h"
#include "tests/control/security/raw_client.h"
#include "tests/control/socket_dir.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;

// No passwd entry: its supplementary groups cannot be looked up, so only the gid counts.
constexpr uid_t kStranger = 54321;
constexpr gid_t kStrangerGroup = 54321;

class PeerCredentialsTest : public testing::SocketDirTest {
 protected:
  PeerCredentialsTest() : SocketDirTest("peer") {}
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root to act as another user";
    SocketDirTest::SetUp();
    if (HasFatalFailure()) return;
    ::chmod(dir_.c_str(), 0711);  // others may reach the socket; its own mode decides who connects
  }
  void TearDown() override {
    server_.reset();
    SocketDirTest::TearDown();
  }

  void Start(PeerPolicy policy) {
    server_ = std::make_unique<ControlServer>(
        io_,
        [this](const api::Request& request, ControlServer::Reply reply) {
          handled_.push_back(api::ToString(request.method));
          api::Response response;
          response.id = request.id;
          reply(response);
        },
        policy);
    ASSERT_FALSE(server_->Listen(path_));
  }

  // Sends `method` as uid/gid (no supplementary groups) from a forked child and returns the
  // answer's error code ("" for success), "connect: <errno>" or "no answer".
  std::string RequestAs(uid_t uid, gid_t gid, const std::string& method) {
    int pipe_fds[2];
    EXPECT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(pipe_fds[0]);
      _exit(RunChild(uid, gid, method, pipe_fds[1]));
    }
    ::close(pipe_fds[1]);
    std::string answer;
    // The server runs on this thread while the child waits for its answer (bounded: 5 s).
    for (int round = 0; round < 500; ++round) {
      io_.run_for(10ms);
      io_.restart();
      pollfd p{pipe_fds[0], POLLIN, 0};
      if (::poll(&p, 1, 0) != 1) continue;
      char chunk[512];
      const ssize_t n = ::read(pipe_fds[0], chunk, sizeof chunk);
      if (n <= 0) break;
      answer.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child could not drop root";
    return answer;
  }

  static int RunChild(uid_t uid, gid_t gid, const std::string& method, int out) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
        ::setresuid(uid, uid, uid) != 0 || ::geteuid() != uid) {
      return 2;
    }
    RawClient client(PathForChild());
    std::string answer;
    if (!client.open()) {
      answer = "connect: " + std::to_string(client.connect_errno());
    } else {
      client.Send(R"({"id":7,"method":")" + method + "\"}\n");
      const std::optional<std::string> line = client.ReadLine(4s);
      const nlohmann::json reply = nlohmann::json::parse(line.value_or(""), nullptr, false);
      if (!reply.is_object()) {
        answer = "no answer";
      } else if (reply.value("ok", false)) {
        answer = "";
      } else {
        answer = reply["error"].value("code", "?");
      }
    }
    const ssize_t n = ::write(out, answer.data(), answer.size());
    return n == static_cast<ssize_t>(answer.size()) ? 0 : 3;
  }

  // The child copies the fixture's path before dropping privileges (static: no `this` needed).
  static std::string& PathForChild() {
    static std::string path;
    return path;
  }

  boost::asio::io_context io_;
  std::unique_ptr<ControlServer> server_;
  std::vector<std::string> handled_;
};

TEST_F(PeerCredentialsTest, OthersCannotEvenConnectToTheDefaultRootOnlySocket) {
  Start(PeerPolicy{});  // 0660 root:root
  PathForChild() = path_;
  EXPECT_EQ(RequestAs(65534, 65534, "status"), "connect: " + std::to_string(EACCES));
  EXPECT_TRUE(handled_.empty());
}

TEST_F(PeerCredentialsTest, NonRootPeerMayReadStatusButEveryMutationIsRefused) {
  Start(PeerPolicy{});
  ASSERT_EQ(::chmod(path_.c_str(), 0666), 0);  // as if the administrator opened the socket up
  PathForChild() = path_;
  EXPECT_EQ(RequestAs(kStranger, kStrangerGroup, "status"), "");
  EXPECT_EQ(RequestAs(kStranger, kStrangerGroup, "subscribe"), "");
  for (const char* method : {"connect", "disconnect", "at", "reload"}) {
    EXPECT_EQ(RequestAs(kStranger, kStrangerGroup, method), "permission-denied") << method;
  }
  // The refused requests never reached the daemon's handler.
  EXPECT_EQ(handled_, (std::vector<std::string>{"status", "subscribe"}));
}

TEST_F(PeerCredentialsTest, ControlGroupMemberConnectsThroughMode0660AndMayMutate) {
  std::error_code error;
  std::optional<PeerPolicy> policy = PeerPolicy::ForGroup("nogroup", error);
  ASSERT_TRUE(policy) << "Debian's nogroup is missing: " << error.message();
  Start(*policy);
  PathForChild() = path_;
  struct stat info {};
  ASSERT_EQ(::stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_gid, *policy->gid());
  EXPECT_EQ(RequestAs(kStranger, *policy->gid(), "connect"), "");
  EXPECT_EQ(handled_, (std::vector<std::string>{"connect"}));
}

TEST_F(PeerCredentialsTest, PeerOutsideTheControlGroupIsRefused) {
  std::error_code error;
  std::optional<PeerPolicy> policy = PeerPolicy::ForGroup("nogroup", error);
  ASSERT_TRUE(policy) << error.message();
  Start(*policy);
  ASSERT_EQ(::chmod(path_.c_str(), 0666), 0);
  PathForChild() = path_;
  EXPECT_EQ(RequestAs(kStranger, kStrangerGroup, "connect"), "permission-denied");
  EXPECT_EQ(RequestAs(kStranger, kStrangerGroup, "status"), "");
  EXPECT_EQ(handled_, (std::vector<std::string>{"status"}));
}

TEST_F(PeerCredentialsTest, RootPeerMayMutate) {
  Start(PeerPolicy{});
  PathForChild() = path_;
  EXPECT_EQ(RequestAs(0, 0, "disconnect"), "");
  EXPECT_EQ(handled_, (std::vector<std::string>{"disconnect"}));
}

}  // namespace
}  // namespace uclink::control
