// AT+IPCREATE / IPSEND / IPCLOSE against real TCP and UDP echo servers on loopback (manual
// §2.22–2.25).
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services::testing {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using Kind = HostEvent::Kind;

// Echo servers on the services' own io_context: everything stays on one thread.
class TcpEcho {
 public:
  explicit TcpEcho(asio::io_context& io) : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    Accept();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  /// Closes every accepted connection (the peer sees the server go away).
  void CloseAll() {
    for (auto& s : sessions_) s->close();
  }

 private:
  void Accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) return;
      sessions_.push_back(std::make_shared<tcp::socket>(std::move(s)));
      Echo(sessions_.back(), std::make_shared<std::array<char, 4096>>());
      Accept();
    });
  }
  void Echo(std::shared_ptr<tcp::socket> s, std::shared_ptr<std::array<char, 4096>> buf) {
    s->async_read_some(
        asio::buffer(*buf), [s, buf, this](const boost::system::error_code& ec, std::size_t n) {
          if (ec) return;
          asio::async_write(*s, asio::buffer(buf->data(), n),
                            [s, buf, this](const boost::system::error_code& e, std::size_t) {
                              if (!e) Echo(s, buf);
                            });
        });
  }
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<tcp::socket>> sessions_;
};

class UdpEcho {
 public:
  explicit UdpEcho(asio::io_context& io) : socket_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    Receive();
  }
  unsigned short port() const { return socket_.local_endpoint().port(); }

 private:
  void Receive() {
    socket_.async_receive_from(asio::buffer(buf_), peer_,
                               [this](const boost::system::error_code& ec, std::size_t n) {
                                 if (ec) return;
                                 boost::system::error_code ignored;
                                 socket_.send_to(asio::buffer(buf_.data(), n), peer_, 0, ignored);
                                 Receive();
                               });
  }
  udp::socket socket_;
  udp::endpoint peer_;
  std::array<char, 65536> buf_{};
};

class IpSocketsTest : public ::testing::Test {
 protected:
  std::string Port(unsigned short p) { return std::to_string(p); }
  void ConnectTcp() {
    ASSERT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + Port(tcp_.port()))), "OK\n");
    ASSERT_EQ(d_.WaitUrcs("CONNECT", 1), std::vector<std::string>{"CONNECT OK"});
  }
  Driver d_;
  TcpEcho tcp_{d_.io};
  UdpEcho udp_{d_.io};
};

TEST_F(IpSocketsTest, TcpSendIsConfirmedAndEchoArrivesAsIprecvInManualFormat) {
  ConnectTcp();
  // Manual §2.25.1: AT+IPSEND="TCP", 3, "123" → +IPSEND=3, OK, then +IPRECV="TCP", 3, 123.
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\", 3, \"123\"")), "I:+IPSEND=3\nOK\n");
  EXPECT_EQ(d_.WaitUrcs("+IPRECV", 1), std::vector<std::string>{"+IPRECV=\"TCP\", 3, 123"});
}

TEST_F(IpSocketsTest, UdpSendEchoesBackAsUdpIprecv) {
  // Manual §2.25.2: UDP create answers OK only (no CONNECT OK).
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"UDP\",\"127.0.0.1\"," + Port(udp_.port()))), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"UDP\",3,\"123\"")), "I:+IPSEND=3\nOK\n");
  EXPECT_EQ(d_.WaitUrcs("+IPRECV", 1), std::vector<std::string>{"+IPRECV=\"UDP\", 3, 123"});
}

TEST_F(IpSocketsTest, QuotedDataWithoutLengthIsSentWithCommasAndAQuoteInsideIsRefused) {
  ConnectTcp();
  // Manual §1.3.3: the quoted <data> ends at the next '"' (no escape): "a,"b" is junk.
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",\"a,\"b\"")), "E:EXT 0\n");
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",3,\"a\\\"b\"")), "E:EXT 0\n");
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",\"a,b\\\"")), "I:+IPSEND=4\nOK\n");
  EXPECT_EQ(d_.WaitUrcs("+IPRECV", 1), std::vector<std::string>{"+IPRECV=\"TCP\", 4, a,b\\"});
}

TEST_F(IpSocketsTest, LengthOnlySendCollectsBinaryPayloadAfterPrompt) {
  ConnectTcp();
  d_.host.prompt_payload = std::string("\r\n\0\"", 4);
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",4")), "P:4\nI:+IPSEND=4\nOK\n");
  EXPECT_EQ(d_.WaitUrcs("+IPRECV", 1),
            std::vector<std::string>{"+IPRECV=\"TCP\", 4, " + std::string("\r\n\0\"", 4)});
}

TEST_F(IpSocketsTest, QueryReportsTcpAndUdpClientStates) {
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE?")), "I:+IPCREATE: 0,0\nOK\n");
  ConnectTcp();
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE?")), "I:+IPCREATE: 1,0\nOK\n");
}

TEST_F(IpSocketsTest, TestFormPrintsUsage) {
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=?")),
            "I:+IPCREATE: mode (TCP/UDP), ip/address, port\nOK\n");
}

TEST_F(IpSocketsTest, SecondTcpClientIsNotAllowed) {
  ConnectTcp();
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + Port(tcp_.port()))),
            "E:CME 3\n");
}

TEST_F(IpSocketsTest, RefusedConnectionEndsWithConnectFail) {
  const unsigned short closed = FreePort();
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + Port(closed))), "OK\n");
  EXPECT_EQ(d_.WaitUrcs("CONNECT", 1), std::vector<std::string>{"CONNECT FAIL"});
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE?")), "I:+IPCREATE: 0,0\nOK\n");
}

TEST_F(IpSocketsTest, HostNotMappedByTheTestIsNeverContacted) {
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"example.com\",80")), "OK\n");
  EXPECT_EQ(d_.WaitUrcs("CONNECT", 1), std::vector<std::string>{"CONNECT FAIL"});
}

TEST_F(IpSocketsTest, MappedHostNameReachesTheMappedAddress) {
  d_.host.host_map["server.example"] = "127.0.0.1";
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"server.example\"," + Port(tcp_.port()))),
            "OK\n");
  EXPECT_EQ(d_.WaitUrcs("CONNECT", 1), std::vector<std::string>{"CONNECT OK"});
}

TEST_F(IpSocketsTest, ServerClosingReportsIpcloseAndFreesTheClient) {
  ConnectTcp();
  tcp_.CloseAll();
  EXPECT_EQ(d_.WaitUrcs("+IPCLOSE", 1), std::vector<std::string>{"+IPCLOSE=\"TCP\""});
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE?")), "I:+IPCREATE: 0,0\nOK\n");
}

TEST_F(IpSocketsTest, ClosingAbsentSocketIsIpCloseFail) {
  EXPECT_EQ(ToString(d_.Run("AT+IPCLOSE=\"TCP\"")), "E:CME 514\n");
}

TEST_F(IpSocketsTest, CloseThenCreateAgainWorks) {
  ConnectTcp();
  EXPECT_EQ(ToString(d_.Run("AT+IPCLOSE=\"TCP\"")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + Port(tcp_.port()))), "OK\n");
  EXPECT_EQ(d_.WaitUrcs("CONNECT", 2), (std::vector<std::string>{"CONNECT OK", "CONNECT OK"}));
}

TEST_F(IpSocketsTest, SendWithoutSocketIsNotAllowed) {
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",3,\"123\"")), "E:CME 3\n");
}

TEST_F(IpSocketsTest, LengthThatDisagreesWithDataIsParameterError) {
  ConnectTcp();
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",4,\"123\"")), "E:EXT 0\n");
}

TEST_F(IpSocketsTest, SendOverOneKiBIsTooLong) {
  ConnectTcp();
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",\"" + std::string(1025, 'x') + "\"")), "E:CME 24\n");
}

TEST_F(IpSocketsTest, UnknownModeIsParameterError) {
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"SCTP\",\"127.0.0.1\",7")), "E:EXT 0\n");
}

TEST_F(IpSocketsTest, NetworkNotReadyIsNoNetworkService) {
  d_.host.network_ready = false;
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + Port(tcp_.port()))),
            "E:CME 30\n");
}

TEST_F(IpSocketsTest, ResetDropsEveryClient) {
  ConnectTcp();
  d_.services->Reset();
  EXPECT_EQ(ToString(d_.Run("AT+IPCREATE?")), "I:+IPCREATE: 0,0\nOK\n");
}

TEST_F(IpSocketsTest, BinaryKiBEchoReassemblesByteForByte) {
  ConnectTcp();
  const std::string payload = TestBytes(1024, 7);
  d_.host.prompt_payload = payload;
  EXPECT_EQ(ToString(d_.Run("AT+IPSEND=\"TCP\",1024")), "P:1024\nI:+IPSEND=1024\nOK\n");
  std::string received;
  d_.RunUntil([&] {
    received.clear();
    for (const auto& urc : d_.Urcs("+IPRECV=\"TCP\", ")) {
      const std::size_t comma = urc.find(", ", 15);
      const std::size_t n = std::stoul(urc.substr(15, comma - 15));
      EXPECT_EQ(urc.size(), comma + 2 + n);  // the announced length is exact
      received += urc.substr(comma + 2);
    }
    return received.size() >= payload.size();
  });
  EXPECT_EQ(received, payload);
}

}  // namespace
}  // namespace uclink::sim::services::testing
