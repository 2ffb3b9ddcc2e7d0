// The data-path probe's Asio shell on loopback (control/daemon/health_probe.h): a TCP connect
// that succeeds or is refused, a DNS query answered or not, and the DNS wire format. Bound to
// "lo" with SO_BINDTODEVICE as the daemon binds to the PPP interface (needs CAP_NET_RAW: root).
#include "control/daemon/health_probe.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <optional>
#include <string>

namespace uclink::control {
namespace {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;
using namespace std::chrono_literals;

ProbeTarget Target(const std::string& text) {
  std::string error;
  std::optional<ProbeTarget> target = ParseProbeTarget(text, &error);
  EXPECT_TRUE(target) << error;
  return target.value_or(ProbeTarget{});
}

struct Outcome {
  bool done = false;
  bool ok = false;
  std::string detail;
  int calls = 0;
};

class HealthProbeTest : public ::testing::Test {
 protected:
  // Runs one probe to completion (the io_context stops when nothing is left to do).
  Outcome RunProbe(const std::string& target, std::chrono::milliseconds timeout = 2000ms) {
    HealthProbe probe(io_);
    Outcome outcome;
    probe.Run(Target(target), timeout, "lo", [&](bool ok, std::string detail) {
      outcome.done = true;
      outcome.ok = ok;
      outcome.detail = std::move(detail);
      ++outcome.calls;
    });
    io_.run_for(10s);
    return outcome;
  }

  boost::asio::io_context io_;
};

TEST_F(HealthProbeTest, TcpConnectToAListenerSucceeds) {
  tcp::acceptor listener(io_, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  const Outcome outcome =
      RunProbe("tcp:127.0.0.1:" + std::to_string(listener.local_endpoint().port()));
  EXPECT_TRUE(outcome.ok) << outcome.detail;
  EXPECT_EQ(outcome.calls, 1);
}

TEST_F(HealthProbeTest, TcpConnectRefusedFailsWithTheReason) {
  std::uint16_t port = 0;
  {
    tcp::acceptor closed(io_, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    port = closed.local_endpoint().port();
  }
  const Outcome outcome = RunProbe("tcp:127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(outcome.done);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.detail.find("connect: "), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("tcp:127.0.0.1:"), std::string::npos) << outcome.detail;
}

TEST_F(HealthProbeTest, DnsAnswerWithOurIdSucceeds) {
  udp::socket server(io_, udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  std::array<std::uint8_t, 512> query{};
  udp::endpoint client;
  server.async_receive_from(boost::asio::buffer(query), client,
                            [&](boost::system::error_code ec, std::size_t size) {
                              ASSERT_FALSE(ec);
                              // NXDOMAIN (RCODE 3) still proves the server was reached.
                              std::vector<std::uint8_t> answer(query.begin(), query.begin() + size);
                              answer[2] |= 0x80;
                              answer[3] = 0x83;
                              server.send_to(boost::asio::buffer(answer), client);
                            });
  // The probe's own DNS port: only 53 is configurable, so point it at the test server's port.
  ProbeTarget target = Target("dns:127.0.0.1:uclink.test");
  target.port = server.local_endpoint().port();
  HealthProbe probe(io_);
  Outcome outcome;
  probe.Run(target, 2000ms, "lo", [&](bool ok, std::string detail) {
    outcome.ok = ok;
    outcome.detail = std::move(detail);
    ++outcome.calls;
  });
  io_.run_for(10s);
  EXPECT_TRUE(outcome.ok) << outcome.detail;
  EXPECT_EQ(outcome.calls, 1);
}

TEST_F(HealthProbeTest, SilentDnsServerTimesOut) {
  udp::socket server(io_, udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  ProbeTarget target = Target("dns:127.0.0.1");
  target.port = server.local_endpoint().port();
  HealthProbe probe(io_);
  Outcome outcome;
  const auto start = std::chrono::steady_clock::now();
  probe.Run(target, 200ms, "lo", [&](bool ok, std::string detail) {
    outcome.ok = ok;
    outcome.detail = std::move(detail);
    ++outcome.calls;
  });
  io_.run_for(10s);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.calls, 1);
  EXPECT_NE(outcome.detail.find("no answer in 200 ms"), std::string::npos) << outcome.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(HealthProbeTest, UnknownInterfaceFailsWithoutBlocking) {
  HealthProbe probe(io_);
  Outcome outcome;
  probe.Run(Target("tcp:127.0.0.1:9"), 2000ms, "uclink-none0", [&](bool ok, std::string detail) {
    outcome.ok = ok;
    outcome.detail = std::move(detail);
    ++outcome.calls;
  });
  EXPECT_EQ(outcome.calls, 0);  // never from inside Run()
  io_.run_for(10s);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.detail.find("socket: "), std::string::npos) << outcome.detail;
}

TEST_F(HealthProbeTest, DestroyedProbeNeverCallsBack) {
  int calls = 0;
  {
    HealthProbe probe(io_);
    probe.Run(Target("tcp:127.0.0.1:9"), 100ms, "lo", [&](bool, std::string) { ++calls; });
  }
  io_.run_for(1s);
  EXPECT_EQ(calls, 0);
}

TEST_F(HealthProbeTest, SecondRunAbandonsTheFirstWithoutItsCallback) {
  tcp::acceptor listener(io_, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  const ProbeTarget target =
      Target("tcp:127.0.0.1:" + std::to_string(listener.local_endpoint().port()));
  HealthProbe probe(io_);
  int first = 0, second = 0;
  probe.Run(target, 2000ms, "lo", [&](bool, std::string) { ++first; });
  probe.Run(target, 2000ms, "lo", [&](bool ok, std::string) { second += ok ? 1 : 100; });
  io_.run_for(10s);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

// RFC 1035 §4.1: header, then QNAME as labels, QTYPE A (1), QCLASS IN (1).
TEST(DnsWireTest, QueryForAName) {
  const std::vector<std::uint8_t> expected = {
      0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // header, RD
      3,    'w',  'w',  'w',  7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',
      3,    'c',  'o',  'm',  0,    0x00, 0x01, 0x00, 0x01};
  EXPECT_EQ(BuildDnsQuery(0x1234, "www.example.com"), expected);
}

TEST(DnsWireTest, ResponseMustCarryOurIdAndTheQrBit) {
  std::vector<std::uint8_t> reply = BuildDnsQuery(0xBEEF, "example.com");
  EXPECT_FALSE(IsDnsResponseTo(0xBEEF, reply.data(), reply.size()));  // a query, not an answer
  reply[2] |= 0x80;
  EXPECT_TRUE(IsDnsResponseTo(0xBEEF, reply.data(), reply.size()));
  EXPECT_FALSE(IsDnsResponseTo(0xBEF0, reply.data(), reply.size()));
  EXPECT_FALSE(IsDnsResponseTo(0xBEEF, reply.data(), 11));  // shorter than a header
}

}  // namespace
}  // namespace uclink::control
