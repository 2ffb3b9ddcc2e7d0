#include "tests/pppif/e2e/host_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <vector>

namespace uclink::pppif::testing {
namespace {

constexpr int kIdleLimitMs = 10000;

bool SendAll(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

const char* ToString(ServerRole role) {
  switch (role) {
    case ServerRole::kTcpEcho:
      return "tcp-echo";
    case ServerRole::kTcpSink:
      return "tcp-sink";
    case ServerRole::kTcpSource:
      return "tcp-source";
    case ServerRole::kUdpEcho:
      return "udp-echo";
    case ServerRole::kHttp:
      return "http";
  }
  return "unknown";
}

const std::string& HttpBody() {
  static const std::string kBody = "uclink ppp e2e: hello through slirp\n";
  return kBody;
}

std::unique_ptr<HostServer> HostServer::Start(ServerRole role, std::error_code& ec) {
  const bool udp = role == ServerRole::kUdpEcho;
  const int fd = ::socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ec = {errno, std::system_category()};
    return nullptr;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const int wake = ::eventfd(0, EFD_CLOEXEC);
  if (wake < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      (!udp && ::listen(fd, 16) != 0) ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ec = {errno, std::system_category()};
    ::close(fd);
    if (wake >= 0) ::close(wake);
    return nullptr;
  }
  std::unique_ptr<HostServer> server(new HostServer(role, fd, wake, ntohs(address.sin_port)));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

HostServer::HostServer(ServerRole role, int socket, int wake, std::uint16_t port)
    : role_(role), socket_(socket), wake_(wake), port_(port) {}

HostServer::~HostServer() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(socket_);
  ::close(wake_);
}

bool HostServer::WaitReadable(int fd) const {
  std::array<pollfd, 2> fds{{{fd, POLLIN, 0}, {wake_, POLLIN, 0}}};
  for (;;) {
    const int ready = ::poll(fds.data(), fds.size(), kIdleLimitMs);
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0 && fds[1].revents == 0;
  }
}

void HostServer::Serve() {
  if (role_ == ServerRole::kUdpEcho) {
    ServeUdp();
    return;
  }
  // Between clients the listener may stay idle for as long as the test likes.
  for (;;) {
    std::array<pollfd, 2> fds{{{socket_, POLLIN, 0}, {wake_, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int client = ::accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ServeTcp(client);
    ::close(client);
    ++served_;
  }
}

void HostServer::ServeTcp(int client) {
  std::vector<std::uint8_t> buffer(64 * 1024);
  std::uint64_t total = 0;
  if (role_ == ServerRole::kTcpSource) {
    std::array<std::uint8_t, 8> count{};
    std::size_t got = 0;
    while (got < count.size() && WaitReadable(client)) {
      const ssize_t n = ::recv(client, count.data() + got, count.size() - got, 0);
      if (n <= 0) return;
      got += static_cast<std::size_t>(n);
    }
    for (std::uint8_t byte : count) total = (total << 8) | byte;
    for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<std::uint8_t>(i * 7);
    while (total > 0) {
      const std::size_t chunk = std::min<std::uint64_t>(total, buffer.size());
      if (!SendAll(client, buffer.data(), chunk)) return;
      total -= chunk;
    }
    return;
  }
  std::string request;
  while (WaitReadable(client)) {
    const ssize_t n = ::recv(client, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    total += static_cast<std::uint64_t>(n);
    if (role_ == ServerRole::kTcpEcho && !SendAll(client, buffer.data(), n)) return;
    if (role_ == ServerRole::kHttp) {
      request.append(reinterpret_cast<const char*>(buffer.data()), n);
      if (request.find("\r\n\r\n") == std::string::npos) continue;
      const std::string reply = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                                std::to_string(HttpBody().size()) +
                                "\r\nConnection: close\r\n\r\n" + HttpBody();
      SendAll(client, reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size());
      return;
    }
  }
  if (role_ == ServerRole::kTcpSink) {
    std::array<std::uint8_t, 8> count{};
    for (int i = 7; i >= 0; --i, total >>= 8) count[i] = static_cast<std::uint8_t>(total);
    SendAll(client, count.data(), count.size());
  }
}

void HostServer::ServeUdp() {
  std::vector<std::uint8_t> buffer(65536);
  for (;;) {
    std::array<pollfd, 2> fds{{{socket_, POLLIN, 0}, {wake_, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const ssize_t n = ::recvfrom(socket_, buffer.data(), buffer.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &length);
    if (n < 0) continue;
    ::sendto(socket_, buffer.data(), n, 0, reinterpret_cast<sockaddr*>(&from), length);
    ++served_;
  }
}

}  // namespace uclink::pppif::testing
