// Helpers of the tests that run a real ControlServer on their own thread (control_server_test,
// service_host_test, tests/control/security): a private directory for the socket, client
// connections, and bounded waits for the lines the server sends. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "control/api/protocol.h"

namespace uclink::control::testing {

/// A fixture with a private directory for the control socket: dir_ is
/// /tmp/uclink-<name>-XXXXXX (short: sun_path holds 108 bytes), path_ its s.sock. The directory
/// and what is in it go after the test.
class SocketDirTest : public ::testing::Test {
 protected:
  explicit SocketDirTest(std::string name) : name_(std::move(name)) {}
  void SetUp() override;
  void TearDown() override;

  std::string dir_, path_;

 private:
  std::string name_;
};

/// A non-blocking client connection to the Unix socket at `path` (expects the connect to work).
int ConnectUnix(const std::string& path);

/// Runs `io` until `count` lines arrived on the non-blocking client end `fd`, read through
/// `framer` (bounded: 2 s of io time); the lines, fewer when the bound passed.
std::vector<std::string> RunUntilLines(boost::asio::io_context& io, int fd, api::LineFramer& framer,
                                       std::size_t count);

}  // namespace uclink::control::testing
