// Figures for docs/simulator-services.md: what the services cost apart from the serial line.
//   BM_IpsendEchoRoundTrip: AT+IPSEND of N bytes to a loopback TCP echo server until the last
//     +IPRECV byte is back (the service's share of an in-band round trip).
//   BM_SplitParamsMqttPub: parameter splitting of a 1 KiB AT+MQTTPUB line.
//   BM_FtpReplyParser: FTP control replies parsed per byte.
#include <benchmark/benchmark.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "sim/services/ftp_reply.h"
#include "sim/services/params.h"
#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

// A TCP echo server on the driver's io_context.
class Echo {
 public:
  explicit Echo(asio::io_context& io) : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) return;
      socket_ = std::make_unique<tcp::socket>(std::move(s));
      Read();
    });
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void Read() {
    socket_->async_read_some(
        asio::buffer(buf_), [this](const boost::system::error_code& ec, std::size_t n) {
          if (ec) return;
          asio::async_write(*socket_, asio::buffer(buf_.data(), n),
                            [this](const boost::system::error_code& e, std::size_t) {
                              if (!e) Read();
                            });
        });
  }
  tcp::acceptor acceptor_;
  std::unique_ptr<tcp::socket> socket_;
  std::array<char, 4096> buf_{};
};

void BM_IpsendEchoRoundTrip(benchmark::State& state) {
  testing::Driver d;
  Echo echo(d.io);
  d.Run("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + std::to_string(echo.port()));
  d.WaitUrcs("CONNECT", 1);
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  d.host.prompt_payload = testing::TestBytes(n, 1);
  for (auto _ : state) {
    d.host.events.clear();
    d.Run("AT+IPSEND=\"TCP\"," + std::to_string(n));
    std::size_t received = 0;
    d.RunUntil([&] {
      received = 0;
      for (const auto& urc : d.Urcs("+IPRECV=")) received += urc.size() - urc.find(", ", 15) - 2;
      return received >= n;
    });
    if (received != n) state.SkipWithError("echo incomplete");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_IpsendEchoRoundTrip)->Arg(16)->Arg(1024);

void BM_SplitParamsMqttPub(benchmark::State& state) {
  const std::string line = "AT+MQTTPUB=\"a/b/c\",1,0,\"" + std::string(1024, 'x') + "\"";
  for (auto _ : state) benchmark::DoNotOptimize(SplitParams(line, 4));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_SplitParamsMqttPub);

void BM_FtpReplyParser(benchmark::State& state) {
  const std::string replies =
      "220 (vsFTPd 3.0.3)\r\n230 Login successful.\r\n250 Directory successfully changed.\r\n"
      "227 Entering Passive Mode (127,0,0,1,195,80).\r\n150 Opening BINARY mode.\r\n"
      "226 Transfer complete.\r\n211-Features:\r\n EPRT\r\n MDTM\r\n211 End\r\n";
  for (auto _ : state) {
    FtpReplyParser parser;
    benchmark::DoNotOptimize(parser.Feed(replies));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * replies.size()));
}
BENCHMARK(BM_FtpReplyParser);

}  // namespace
}  // namespace uclink::sim::services
