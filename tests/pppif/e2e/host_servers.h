// Servers on the host's 127.0.0.1 (ephemeral ports) that the e2e test and the throughput
// benchmark reach through slirp as 10.0.2.2 (docs/ppp.md, "slirp-fullbolt as the test peer"). Each
// runs on its own thread, in the namespace of the thread that started it; Stop()/destruction wakes
// and joins it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

namespace uclink::pppif::testing {

/// What a server does with each client, one client at a time.
enum class ServerRole {
  kTcpEcho,    ///< sends back every byte until the client half-closes
  kTcpSink,    ///< reads until EOF, then answers the byte count as 8 bytes big-endian
  kTcpSource,  ///< reads an 8-byte big-endian count N, sends N bytes, closes
  kUdpEcho,    ///< returns every datagram to its sender
  kHttp,       ///< answers any request with "200 OK" and HttpBody()
};
const char* ToString(ServerRole role);

/// The body the kHttp server sends.
const std::string& HttpBody();

/// One listening socket on 127.0.0.1:0 and the thread serving it.
class HostServer {
 public:
  static std::unique_ptr<HostServer> Start(ServerRole role, std::error_code& ec);
  ~HostServer();
  HostServer(const HostServer&) = delete;
  HostServer& operator=(const HostServer&) = delete;

  /// The port the kernel chose (host byte order).
  std::uint16_t port() const { return port_; }
  /// Clients served so far (UDP: datagrams answered).
  int served() const { return served_.load(); }

 private:
  HostServer(ServerRole role, int socket, int wake, std::uint16_t port);
  void Serve();
  void ServeTcp(int client);
  void ServeUdp();
  // Waits until `fd` is readable; false once Stop is requested or after 10 s of silence.
  bool WaitReadable(int fd) const;

  ServerRole role_;
  int socket_;
  int wake_;  // eventfd: written by the destructor to end the thread
  std::uint16_t port_;
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace uclink::pppif::testing
