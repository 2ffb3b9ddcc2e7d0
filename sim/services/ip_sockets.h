// AT+IPCREATE / AT+IPSEND / AT+IPCLOSE (UC8088 manual §2.22–2.25): one TCP and one UDP client on
// real sockets, incoming data reported as +IPRECV URCs.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <memory>
#include <string>

#include "sim/service_host.h"

namespace uclink::sim::services {

/// The module's socket clients. Lives in a shared_ptr: pending handlers keep it alive.
class IpSockets : public std::enable_shared_from_this<IpSockets> {
 public:
  IpSockets(boost::asio::io_context& io, ServiceHost& host);
  /// Runs one +IPCREATE/+IPSEND/+IPCLOSE command.
  void Execute(const SimCommand& cmd);
  /// Closes both sockets; no output follows (module reboot or simulator exit).
  void Shutdown();

 private:
  enum class TcpState { kClosed, kConnecting, kConnected };

  void Create(const SimCommand& cmd);
  void Send(const SimCommand& cmd);
  void Close(const SimCommand& cmd);
  void ConnectTcp(boost::asio::ip::tcp::endpoint ep, int attempt, unsigned generation);
  void SendPayload(bool tcp, std::string data);
  void ReadTcp(unsigned generation);
  void ReadUdp(unsigned generation);
  void ReportReceived(std::string_view mode, std::string_view data);
  void CloseTcp();
  void CloseUdp();

  ServiceHost& host_;
  boost::asio::ip::tcp::socket tcp_;
  boost::asio::ip::udp::socket udp_;
  TcpState tcp_state_ = TcpState::kClosed;
  unsigned tcp_generation_ = 0;  // bumped on every close: stale handlers see a different value
  unsigned udp_generation_ = 0;
  std::array<char, 1024> tcp_buffer_{};
  std::array<char, 65536> udp_buffer_{};
  bool stopped_ = false;
};

}  // namespace uclink::sim::services
