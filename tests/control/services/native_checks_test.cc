// The PPP-mode (native) paths refuse what is refused in both modes before they connect: a header
// holding CR/LF (libcurl would send it as two header lines) and a publish to a wildcard topic.
// A loopback listener stands in for the server; nothing may have connected to it afterwards.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "control/native/curl_client.h"
#include "control/services/facade.h"

namespace uclink::control {
namespace {

// A listening TCP socket on 127.0.0.1 with an ephemeral port; Connected() says whether a client
// completed a connection (the kernel queues it for accept() even if nobody accepts).
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "listener: " << std::strerror(errno);
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }
  bool Connected() const {
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return false;  // EAGAIN: nobody connected
    ::close(client);
    return true;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(NativeChecksTest, HeaderWithALineEndIsRefusedBeforeLibcurlConnects) {
  Listener server;
  inband::HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  request.headers = {"X-A: b\r\nX-Injected: 1"};
  std::string output;
  const inband::ServiceError error = native::HttpFetch(
      request, {.timeout_s = 2}, [&](std::string_view bytes) { output += bytes; });
  EXPECT_EQ(error.code, inband::Errc::kInvalidArgument) << error.message;
  EXPECT_NE(error.message.find("0x0d"), std::string::npos) << error.message;
  EXPECT_FALSE(server.Connected());
  EXPECT_TRUE(output.empty());
}

TEST(NativeChecksTest, PublishToAWildcardTopicIsAUsageErrorBeforeConnecting) {
  Listener broker;
  services::ServiceMode mode;
  mode.native = true;
  inband::MqttSessionOptions options;
  options.config.host = "127.0.0.1";
  options.config.port = broker.port();
  options.config.client_id = "native-checks";
  for (const char* topic : {"a/#", "a/+/b"}) {
    const inband::ServiceError error = services::MqttPublish(mode, options, topic, 0, false, "m");
    EXPECT_EQ(error.code, inband::Errc::kInvalidArgument) << error.message;
    EXPECT_NE(error.message.find("wildcard"), std::string::npos) << error.message;
  }
  EXPECT_FALSE(broker.Connected());
}

TEST(NativeChecksTest, FtpNameWithADecodedLineEndIsRefusedBeforeConnecting) {
  Listener server;
  inband::FtpSession session;
  std::string path;
  ASSERT_FALSE(inband::ParseFtpUrl(
      "ftp://127.0.0.1:" + std::to_string(server.port()) + "/a%0d%0aDELE%20b", &session, &path));
  const inband::ServiceError error = native::FtpRun(session, {inband::FtpVerb::kGet, path, ""},
                                                    {.timeout_s = 2}, [](std::string_view) {});
  EXPECT_EQ(error.code, inband::Errc::kInvalidArgument) << error.message;
  EXPECT_FALSE(server.Connected());
}

}  // namespace
}  // namespace uclink::control
