// Helpers of the tests that run a real ControlServer on their own thread (control_server_test,
// service_host_test, tests/control/security): a private directory for the socket, client
// connections, and bounded waits for the lines the server sends. Test-only.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "control/api/protocol.h"

namespace uclink::control::testing {

/// A fixture with a private directory for the control socket: dir_ is
/// /tmp/uclink-<name>-XXXXXX (short: sun_path holds 108 bytes), path_ its s.sock. The directory
/// and what is in it go after the test.
class SocketDirTest : public ::testing::Test {
 protected:
  explicit SocketDirTest(std::string name) : name_(std::move(name)) {}
  void SetUp() override {
    std::string dir = "/tmp/uclink-" + name_ + "-XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    path_ = dir_ + "/s.sock";
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string dir_, path_;

 private:
  std::string name_;
};

/// A non-blocking client connection to the Unix socket at `path` (expects the connect to work).
inline int ConnectUnix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  return fd;
}

/// Runs `io` until `count` lines arrived on the non-blocking client end `fd`, read through
/// `framer` (bounded: 2 s of io time); the lines, fewer when the bound passed.
inline std::vector<std::string> RunUntilLines(boost::asio::io_context& io, int fd,
                                              api::LineFramer& framer, std::size_t count) {
  std::vector<std::string> lines;
  for (int round = 0; round < 200 && lines.size() < count; ++round) {
    io.run_for(std::chrono::milliseconds(10));
    io.restart();
    char buffer[65536];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
      for (std::string& line : framer.Feed(std::string_view(buffer, n)).lines) {
        lines.push_back(std::move(line));
      }
    }
  }
  return lines;
}

}  // namespace uclink::control::testing
