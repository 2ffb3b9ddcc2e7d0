#include "sim/services/ip_sockets.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "sim/services/errors.h"
#include "sim/services/forms.h"
#include "sim/services/limits.h"
#include "sim/services/params.h"

namespace uclink::sim::services {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

// Manual §2.22: "如果创建 TCP 连接连续 3 次都失败了，将返回 CONNECT FAIL".
constexpr int kConnectAttempts = 3;
constexpr std::size_t kMaxHostName = 255;

// "TCP" / "UDP" as written by the manual, which sometimes puts a space inside the quotes.
std::optional<bool> ParseMode(const Param& p) {
  const std::string mode = Upper(Trim(p.text));
  if (mode == "TCP") return true;
  if (mode == "UDP") return false;
  return std::nullopt;
}

}  // namespace

IpSockets::IpSockets(asio::io_context& io, ServiceHost& host) : host_(host), tcp_(io), udp_(io) {}

void IpSockets::Execute(const SimCommand& cmd) {
  if (cmd.name == "+IPCREATE") return Create(cmd);
  if (cmd.name == "+IPSEND") return Send(cmd);
  if (cmd.name == "+IPCLOSE") return Close(cmd);
  host_.PlainError();
}

void IpSockets::Shutdown() {
  stopped_ = true;
  CloseTcp();
  CloseUdp();
}

void IpSockets::Create(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    // Manual §2.22 query: "+IPCREATE: 1,0" = TCP connected, no UDP client.
    host_.Info("+IPCREATE: " + std::to_string(tcp_state_ == TcpState::kConnected ? 1 : 0) + "," +
               std::to_string(udp_.is_open() ? 1 : 0));
    return host_.Ok();
  }
  if (!ExpectSetForm(host_, cmd, "+IPCREATE: mode (TCP/UDP), ip/address, port")) return;
  const auto p = SplitParams(cmd.raw, 3);
  if (!p || p->size() != 3) return ReplyError(host_, Errc::kBadParameter);
  const auto is_tcp = ParseMode((*p)[0]);
  const std::string host_name = Trim((*p)[1].text);
  const auto port = ParseInt((*p)[2].text, 1, 65535);
  if (!is_tcp || host_name.empty() || !port) return ReplyError(host_, Errc::kBadParameter);
  if (host_name.size() > kMaxHostName) return ReplyError(host_, Errc::kTooLong);
  if (!host_.NetworkReady()) return ReplyError(host_, Errc::kNoNetwork);
  if (*is_tcp ? tcp_state_ != TcpState::kClosed : udp_.is_open()) {
    return ReplyError(host_, Errc::kNotAllowed);
  }
  boost::system::error_code ec;
  const std::string target = host_.ResolveTarget(host_name);
  const auto address = asio::ip::make_address(target, ec);
  if (*is_tcp) {
    // OK means "command accepted"; the outcome follows as CONNECT OK / CONNECT FAIL (§2.22.2).
    tcp_state_ = TcpState::kConnecting;
    host_.Ok();
    if (target.empty() || ec) {
      // Refused targets fail like an unreachable server: later, as the outcome URC.
      tcp_state_ = TcpState::kClosed;
      return asio::post(tcp_.get_executor(), [self = shared_from_this()] {
        if (!self->stopped_) self->host_.Urc("CONNECT FAIL");
      });
    }
    return ConnectTcp(tcp::endpoint(address, static_cast<unsigned short>(*port)), 1,
                      tcp_generation_);
  }
  if (target.empty() || ec) return host_.PlainError();
  const udp::endpoint peer(address, static_cast<unsigned short>(*port));
  udp_.open(peer.protocol(), ec);
  if (!ec) udp_.connect(peer, ec);  // a UDP connect only fixes the peer: it does not block
  if (ec) {
    CloseUdp();
    return host_.PlainError();
  }
  host_.Ok();
  ReadUdp(udp_generation_);
}

void IpSockets::ConnectTcp(tcp::endpoint ep, int attempt, unsigned generation) {
  tcp_.async_connect(ep, [self = shared_from_this(), ep, attempt,
                          generation](const boost::system::error_code& ec) {
    if (self->stopped_ || generation != self->tcp_generation_) return;
    if (ec) {
      boost::system::error_code ignored;
      self->tcp_.close(ignored);
      if (attempt < kConnectAttempts) return self->ConnectTcp(ep, attempt + 1, generation);
      self->tcp_state_ = TcpState::kClosed;
      ++self->tcp_generation_;
      return self->host_.Urc("CONNECT FAIL");
    }
    self->tcp_state_ = TcpState::kConnected;
    self->host_.Urc("CONNECT OK");
    self->ReadTcp(generation);
  });
}

void IpSockets::Send(const SimCommand& cmd) {
  if (!ExpectSetForm(host_, cmd, "+IPSEND: mode(TCP/UDP),data")) return;
  // Manual §2.25.1: AT+IPSEND="TCP",3,"123"; the quoted <data> ends at the next '"' (§1.3.3).
  const auto args = ParseIpsend(cmd.raw);
  const auto is_tcp = args ? ParseMode(Param{args->mode, true}) : std::nullopt;
  if (!is_tcp || !args) return ReplyError(host_, Errc::kBadParameter);
  if ((args->length && static_cast<std::size_t>(*args->length) > kMaxSendChunk) ||
      (args->data && args->data->size() > kMaxSendChunk)) {
    return ReplyError(host_, Errc::kTooLong);
  }
  if (args->length && args->data && args->data->size() != static_cast<std::size_t>(*args->length)) {
    return ReplyError(host_, Errc::kBadParameter);
  }
  const bool ready = *is_tcp ? tcp_state_ == TcpState::kConnected : udp_.is_open();
  if (!ready) return ReplyError(host_, Errc::kNotAllowed);
  if (args->data) return SendPayload(*is_tcp, *args->data);
  host_.Prompt(static_cast<int>(*args->length),
               [weak = weak_from_this(), tcp = *is_tcp](std::string data) {
                 if (auto self = weak.lock(); self && !self->stopped_) {
                   self->SendPayload(tcp, std::move(data));
                 }
               });
}

void IpSockets::SendPayload(bool is_tcp, std::string data) {
  if (is_tcp ? tcp_state_ != TcpState::kConnected : !udp_.is_open()) {
    return ReplyError(host_, Errc::kNotAllowed);
  }
  auto payload = std::make_shared<std::string>(std::move(data));
  auto done = [self = shared_from_this(), payload](const boost::system::error_code& ec,
                                                   std::size_t n) {
    if (self->stopped_) return;
    if (ec) return self->host_.PlainError();
    // Manual §2.25.1: "+IPSEND=3" confirms the bytes sent, then OK.
    self->host_.Info("+IPSEND=" + std::to_string(n));
    self->host_.Ok();
  };
  if (is_tcp) return asio::async_write(tcp_, asio::buffer(*payload), std::move(done));
  udp_.async_send(asio::buffer(*payload), std::move(done));
}

void IpSockets::Close(const SimCommand& cmd) {
  if (!ExpectSetForm(host_, cmd, "+IPCLOSE: mode(TCP/UDP)")) return;
  const auto p = SplitParams(cmd.raw, 1);
  const auto is_tcp = p && p->size() == 1 ? ParseMode((*p)[0]) : std::nullopt;
  if (!is_tcp) return ReplyError(host_, Errc::kBadParameter);
  const bool open = *is_tcp ? tcp_state_ != TcpState::kClosed : udp_.is_open();
  if (!open) return ReplyError(host_, Errc::kIpCloseFail);
  if (*is_tcp) {
    CloseTcp();
  } else {
    CloseUdp();
  }
  host_.Ok();
}

void IpSockets::ReadTcp(unsigned generation) {
  tcp_.async_read_some(
      asio::buffer(tcp_buffer_),
      [self = shared_from_this(), generation](const boost::system::error_code& ec, std::size_t n) {
        if (self->stopped_ || generation != self->tcp_generation_) return;
        if (ec) {
          // The peer closed or reset: the client is gone. The manual is silent; the simulator says
          // so with a URC in the +IPRECV style so a client can release its socket.
          self->CloseTcp();
          return self->host_.Urc("+IPCLOSE=\"TCP\"");
        }
        self->ReportReceived("TCP", std::string_view(self->tcp_buffer_.data(), n));
        // Flow control: no further read while the line is behind; TCP then pushes back.
        self->host_.WhenUrcsDrain([self, generation] {
          if (!self->stopped_ && generation == self->tcp_generation_) self->ReadTcp(generation);
        });
      });
}

void IpSockets::ReadUdp(unsigned generation) {
  udp_.async_receive(
      asio::buffer(udp_buffer_),
      [self = shared_from_this(), generation](const boost::system::error_code& ec, std::size_t n) {
        if (self->stopped_ || generation != self->udp_generation_) return;
        if (ec == asio::error::connection_refused) return self->ReadUdp(generation);  // ICMP
        if (ec) return;
        self->ReportReceived("UDP", std::string_view(self->udp_buffer_.data(), n));
        // Datagrams wait in the socket's receive buffer while the line is behind.
        self->host_.WhenUrcsDrain([self, generation] {
          if (!self->stopped_ && generation == self->udp_generation_) self->ReadUdp(generation);
        });
      });
}

void IpSockets::ReportReceived(std::string_view mode, std::string_view data) {
  // Manual §2.25.1: +IPRECV="TCP", 3, 123 — length, then the bytes as they are.
  for (std::size_t off = 0; off < data.size(); off += kMaxReportChunk) {
    const std::string_view piece = data.substr(off, kMaxReportChunk);
    host_.Urc("+IPRECV=\"" + std::string(mode) + "\", " + std::to_string(piece.size()) + ", " +
              std::string(piece));
  }
}

void IpSockets::CloseTcp() {
  boost::system::error_code ignored;
  tcp_.close(ignored);
  tcp_state_ = TcpState::kClosed;
  ++tcp_generation_;
}

void IpSockets::CloseUdp() {
  boost::system::error_code ignored;
  udp_.close(ignored);
  ++udp_generation_;
}

}  // namespace uclink::sim::services
