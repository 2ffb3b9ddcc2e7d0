#include "control/daemon/health_probe.h"

#include <sys/socket.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <random>
#include <utility>

namespace uclink::control {
namespace {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;

boost::asio::ip::address_v4 ToAddress(const std::array<std::uint8_t, 4>& bytes) {
  return boost::asio::ip::address_v4(bytes);
}

// SO_BINDTODEVICE: traffic leaves through `ifname` whatever the routing table says (the default
// route may point elsewhere, e.g. route_metric behind a LAN). Needs CAP_NET_RAW.
boost::system::error_code BindToDevice(int fd, const std::string& ifname) {
  if (ifname.empty()) return {};
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                   static_cast<socklen_t>(ifname.size())) != 0) {
    return {errno, boost::system::system_category()};
  }
  return {};
}

}  // namespace

std::vector<std::uint8_t> BuildDnsQuery(std::uint16_t id, std::string_view name) {
  // Header (RFC 1035 §4.1.1): ID, flags RD=1, QDCOUNT=1, AN/NS/ARCOUNT=0.
  std::vector<std::uint8_t> query = {static_cast<std::uint8_t>(id >> 8),
                                     static_cast<std::uint8_t>(id & 0xFF),
                                     0x01,
                                     0x00,
                                     0x00,
                                     0x01,
                                     0x00,
                                     0x00,
                                     0x00,
                                     0x00,
                                     0x00,
                                     0x00};
  // QNAME as length-prefixed labels (§4.1.2); the name was validated with the configuration.
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    query.push_back(static_cast<std::uint8_t>(label.size()));
    query.insert(query.end(), label.begin(), label.end());
    name.remove_prefix(dot == std::string_view::npos ? name.size() : dot + 1);
  }
  query.push_back(0);
  for (std::uint8_t byte : {0x00, 0x01, 0x00, 0x01}) query.push_back(byte);  // QTYPE A, QCLASS IN
  return query;
}

bool IsDnsResponseTo(std::uint16_t id, const std::uint8_t* reply, std::size_t size) {
  if (size < 12) return false;
  const std::uint16_t got = static_cast<std::uint16_t>(reply[0] << 8 | reply[1]);
  return got == id && (reply[2] & 0x80) != 0;
}

// One probe: the socket, its timer and the callback. Shared by the handlers so that a
// cancelled attempt's late completions find it alive but finished.
struct HealthProbe::Attempt {
  Attempt(boost::asio::io_context& io, Done done_fn)
      : timer(io), tcp_socket(io), udp_socket(io), done(std::move(done_fn)) {}

  void Finish(bool ok, std::string detail) {
    if (!done) return;
    Done callback = std::exchange(done, nullptr);
    Close();
    callback(ok, std::move(detail));
  }
  // Waits for the answer to our query; anything else (a late answer to an earlier probe) is
  // skipped. The timer bounds the whole wait.
  static void ReceiveDns(const std::shared_ptr<Attempt>& self, const std::string& what) {
    self->udp_socket.async_receive(boost::asio::buffer(self->reply),
                                   [self, what](boost::system::error_code ec, std::size_t size) {
                                     if (ec == boost::asio::error::operation_aborted || !self->done)
                                       return;
                                     if (ec)
                                       return self->Finish(false,
                                                           what + ": receive: " + ec.message());
                                     if (IsDnsResponseTo(self->dns_id, self->reply.data(), size)) {
                                       return self->Finish(true, "");
                                     }
                                     ReceiveDns(self, what);
                                   });
  }
  void Close() {
    boost::system::error_code ignored;
    timer.cancel();
    tcp_socket.close(ignored);
    udp_socket.close(ignored);
  }

  boost::asio::steady_timer timer;
  tcp::socket tcp_socket;
  udp::socket udp_socket;
  std::vector<std::uint8_t> query;
  std::array<std::uint8_t, 512> reply{};  // RFC 1035 §4.2.1: UDP answers fit in 512 bytes
  udp::endpoint from;
  std::uint16_t dns_id = 0;
  Done done;
};

HealthProbe::HealthProbe(boost::asio::io_context& io)
    : io_(io), next_dns_id_(static_cast<std::uint16_t>(std::random_device{}())) {}

// Setup errors are reported from the io_context too: `done` never runs inside Run().
void HealthProbe::FailSoon(const std::shared_ptr<Attempt>& attempt, std::string detail) {
  boost::asio::post(io_, [attempt, detail = std::move(detail)] { attempt->Finish(false, detail); });
}

HealthProbe::~HealthProbe() {
  if (attempt_) {
    attempt_->done = nullptr;
    attempt_->Close();
  }
}

void HealthProbe::Run(const ProbeTarget& target, std::chrono::milliseconds timeout,
                      const std::string& ifname, Done done) {
  if (attempt_) {
    attempt_->done = nullptr;
    attempt_->Close();
  }
  auto attempt = std::make_shared<Attempt>(io_, std::move(done));
  attempt_ = attempt;
  const std::string what = target.ToString();
  attempt->timer.expires_after(timeout);
  attempt->timer.async_wait([attempt, what, timeout](boost::system::error_code ec) {
    if (ec) return;  // finished first, or abandoned
    attempt->Finish(false, what + ": no answer in " + std::to_string(timeout.count()) + " ms");
  });
  boost::system::error_code error;
  if (target.kind == ProbeKind::kTcp) {
    const tcp::endpoint to(ToAddress(target.address), target.port);
    attempt->tcp_socket.open(tcp::v4(), error);
    if (!error) error = BindToDevice(attempt->tcp_socket.native_handle(), ifname);
    if (error) return FailSoon(attempt, what + ": socket: " + error.message());
    attempt->tcp_socket.async_connect(to, [attempt, what](boost::system::error_code ec) {
      if (ec == boost::asio::error::operation_aborted) return;
      attempt->Finish(!ec, ec ? what + ": connect: " + ec.message() : "");
    });
    return;
  }
  const udp::endpoint to(ToAddress(target.address), target.port);
  attempt->dns_id = next_dns_id_++;
  attempt->query = BuildDnsQuery(attempt->dns_id, target.name);
  attempt->udp_socket.open(udp::v4(), error);
  if (!error) error = BindToDevice(attempt->udp_socket.native_handle(), ifname);
  // connect() makes the kernel drop datagrams from any other source.
  if (!error) attempt->udp_socket.connect(to, error);
  if (error) return FailSoon(attempt, what + ": socket: " + error.message());
  attempt->udp_socket.async_send(boost::asio::buffer(attempt->query),
                                 [attempt, what](boost::system::error_code ec, std::size_t) {
                                   if (ec == boost::asio::error::operation_aborted) return;
                                   if (ec) attempt->Finish(false, what + ": send: " + ec.message());
                                 });
  Attempt::ReceiveDns(attempt, what);
}

}  // namespace uclink::control
