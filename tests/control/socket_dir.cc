#include "tests/control/socket_dir.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace uclink::control::testing {

void SocketDirTest::SetUp() {
  std::string dir = "/tmp/uclink-" + name_ + "-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  dir_ = dir;
  path_ = dir_ + "/s.sock";
}

void SocketDirTest::TearDown() {
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

int ConnectUnix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  return fd;
}

std::vector<std::string> RunUntilLines(boost::asio::io_context& io, int fd, api::LineFramer& framer,
                                       std::size_t count) {
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
