#include "tests/pppif/e2e/clients.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

extern char** environ;

namespace uclink::pppif::testing {
namespace {

sockaddr_in SocketAddress(Ipv4 address, std::uint16_t port) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(port);
  std::memcpy(&result.sin_addr, address.data(), address.size());
  return result;
}

void SetTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

TcpClient::TcpClient(Ipv4 address, std::uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  // Linux bounds a blocking connect() by SO_SNDTIMEO.
  SetTimeouts(fd_, timeout);
  const sockaddr_in to = SocketAddress(address, port);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TcpClient::~TcpClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool TcpClient::SendAll(const std::vector<std::uint8_t>& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::vector<std::uint8_t> TcpClient::ReceiveExactly(std::size_t size) {
  std::vector<std::uint8_t> data(size);
  std::size_t done = 0;
  while (done < size) {
    const long n = ReceiveSome(data.data() + done, size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  data.resize(done);
  return data;
}

long TcpClient::ReceiveSome(std::uint8_t* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n < 0 && errno == EINTR) continue;
    return static_cast<long>(n);
  }
}

void TcpClient::HalfClose() { ::shutdown(fd_, SHUT_WR); }

std::vector<std::uint8_t> UdpRoundTrip(Ipv4 address, std::uint16_t port,
                                       const std::vector<std::uint8_t>& payload,
                                       std::chrono::milliseconds timeout, int attempts) {
  std::vector<std::uint8_t> reply;
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  SetTimeouts(fd, timeout);
  const sockaddr_in to = SocketAddress(address, port);
  for (int i = 0; i < attempts && reply.empty(); ++i) {
    ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to),
             sizeof to);
    std::vector<std::uint8_t> buffer(65536);
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n > 0) reply.assign(buffer.begin(), buffer.begin() + n);
  }
  ::close(fd);
  return reply;
}

std::string RunAndCapture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          int& exit_status) {
  exit_status = -1;
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return "";
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (std::string& arg : args) raw.push_back(arg.data());
  raw.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  std::string output;
  if (spawned == 0) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd ready{out[0], POLLIN, 0};
      if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
        ::kill(pid, SIGKILL);
        break;
      }
      const ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      output.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) exit_status = WEXITSTATUS(status);
  }
  ::close(out[0]);
  return output;
}

std::vector<std::uint8_t> PatternBytes(std::size_t count, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::uint8_t> data(count);
  for (std::uint8_t& byte : data) byte = static_cast<std::uint8_t>(random());
  return data;
}

}  // namespace uclink::pppif::testing
