// Blocking clients for the e2e test and the benchmark; call them on a thread inside the test
// namespace (NetNamespace::Run), so their sockets and child processes live there. Every call is
// bounded by socket timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "pppif/ipv4.h"

namespace uclink::pppif::testing {

/// slirp's alias for the host's 127.0.0.1 (docs/ppp.md, "slirp-fullbolt as the test peer").
inline constexpr Ipv4 kSlirpHost{10, 0, 2, 2};

/// A connected TCP socket (closed on destruction), -1 inside when connecting failed.
class TcpClient {
 public:
  TcpClient(Ipv4 address, std::uint16_t port, std::chrono::milliseconds timeout);
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool SendAll(const std::vector<std::uint8_t>& data);
  /// Reads exactly `size` bytes; shorter on timeout or EOF.
  std::vector<std::uint8_t> ReceiveExactly(std::size_t size);
  /// Reads up to `size` bytes (one recv), returns the count, 0 on EOF, -1 on error/timeout.
  long ReceiveSome(std::uint8_t* buffer, std::size_t size);
  /// shutdown(SHUT_WR): tells the server we are done sending.
  void HalfClose();

 private:
  int fd_ = -1;
};

/// Sends `payload` to address:port over UDP and returns the first datagram that comes back
/// (empty after `timeout`), retrying `attempts` times.
std::vector<std::uint8_t> UdpRoundTrip(Ipv4 address, std::uint16_t port,
                                       const std::vector<std::uint8_t>& payload,
                                       std::chrono::milliseconds timeout, int attempts);

/// Runs `argv` (argv[0] an absolute path) and returns its stdout; `exit_status` gets the exit
/// status (-1 if it did not exit normally). Killed after `timeout`.
std::string RunAndCapture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          int& exit_status);

/// `count` pseudo-random bytes from `seed` (deterministic, so failures reproduce).
std::vector<std::uint8_t> PatternBytes(std::size_t count, std::uint32_t seed);

}  // namespace uclink::pppif::testing
