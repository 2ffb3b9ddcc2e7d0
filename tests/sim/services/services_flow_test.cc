// Flow control end to end: the real sim::Module and the real in-band services on one
// io_context, a loopback TCP peer that floods 1 MiB while a command is in flight. The services
// stop reading while the URC backlog is above its bound, and every byte arrives, in order, in
// +IPRECV URCs (manual §2.25.1 format) once the command is over.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sim/module.h"
#include "sim/service_router.h"
#include "sim/services/services.h"
#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;

constexpr std::size_t kFloodBytes = 1 << 20;

// Accepts one client and, when told, writes `bytes` to it as fast as TCP allows.
class FloodServer {
 public:
  explicit FloodServer(asio::io_context& io)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (!ec) socket_ = std::make_unique<tcp::socket>(std::move(s));
    });
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  bool connected() const { return socket_ != nullptr; }
  void Flood(std::string bytes) {
    payload_ = std::move(bytes);
    asio::async_write(*socket_, asio::buffer(payload_),
                      [this](const boost::system::error_code& ec, std::size_t) { done_ = !ec; });
  }
  bool done() const { return done_; }

 private:
  tcp::acceptor acceptor_;
  std::unique_ptr<tcp::socket> socket_;
  std::string payload_;
  bool done_ = false;
};

// Reads the serial output as the DTE would: "\r\n<line>\r\n" units, the "\r\n> " prompt, and
// +IPRECV URCs whose payload is taken by its announced length (it may hold any byte).
class SerialReader {
 public:
  void Feed(const std::string& bytes) {
    buffer_ += bytes;
    Parse();
  }
  std::vector<std::string> lines;
  std::string received;  ///< concatenated +IPRECV payloads
  bool malformed = false;

 private:
  void Parse() {
    static const std::string kIprecv = "+IPRECV=\"TCP\", ";
    while (!malformed) {
      if (buffer_.size() < 4) return;
      if (buffer_.compare(0, 2, "\r\n") != 0) {
        malformed = true;
        return;
      }
      if (buffer_.compare(2, 2, "> ") == 0) {
        lines.push_back(">");
        buffer_.erase(0, 4);
        continue;
      }
      if (buffer_.compare(2, kIprecv.size(), kIprecv) == 0) {
        const std::size_t digits = 2 + kIprecv.size();
        const std::size_t comma = buffer_.find(", ", digits);
        if (comma == std::string::npos) return;
        const std::size_t length = std::stoul(buffer_.substr(digits, comma - digits));
        const std::size_t end = comma + 2 + length;
        if (buffer_.size() < end + 2) return;
        received += buffer_.substr(comma + 2, length);
        malformed = buffer_.compare(end, 2, "\r\n") != 0;
        buffer_.erase(0, end + 2);
        continue;
      }
      const std::size_t end = buffer_.find("\r\n", 2);
      if (end == std::string::npos) return;
      lines.push_back(buffer_.substr(2, end - 2));
      buffer_.erase(0, end + 2);
    }
  }
  std::string buffer_;
};

class ServicesFlowTest : public ::testing::Test {
 protected:
  ServicesFlowTest()
      : module_(FastScenario(), Module::Clock::now()), services_(io_, module_), router_(services_) {
    module_.SetServices(&router_);
  }
  ~ServicesFlowTest() override { services_.Reset(); }
  static Scenario FastScenario() {
    Scenario scenario;
    scenario.fast = true;
    scenario.echo = false;
    return scenario;
  }
  void Send(const std::string& bytes) {
    module_.OnSerial(bytes, Module::Clock::now());
    Collect();
  }
  void Collect() {
    for (ModuleAction& action : module_.TakeActions()) {
      if (action.kind == ModuleAction::Kind::kWriteSerial) reader_.Feed(action.bytes);
    }
  }
  // Runs the io_context (bounded) until `done()`.
  bool RunUntil(const std::function<bool()>& done, milliseconds bound = milliseconds(30000)) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      if (io_.stopped()) io_.restart();  // it stops whenever no read is pending (paused)
      io_.run_for(milliseconds(5));
      module_.OnTimer(Module::Clock::now());
      Collect();
    }
    return done();
  }
  bool SawLine(const std::string& line) {
    for (const std::string& l : reader_.lines) {
      if (l == line) return true;
    }
    return false;
  }
  std::size_t Count(const std::string& line) {
    std::size_t n = 0;
    for (const std::string& l : reader_.lines) n += l == line;
    return n;
  }

  asio::io_context io_;
  Module module_;
  Services services_;
  ServiceRouterFor<Services> router_;
  SerialReader reader_;
  FloodServer server_{io_};
};

TEST_F(ServicesFlowTest, AFloodDuringACommandArrivesWholeAndInOrder) {
  for (const char* line : {"AT+CFUN=1\r", "AT+CGATT=1\r", "AT+CGACT=1,1\r"}) Send(line);
  ASSERT_TRUE(RunUntil([&] { return Count("OK") == 3; }, milliseconds(5000)));
  Send("AT+IPCREATE=\"TCP\",\"127.0.0.1\"," + std::to_string(server_.port()) + "\r");
  ASSERT_TRUE(RunUntil([&] { return SawLine("CONNECT OK") && server_.connected(); }));

  // The command in flight: AT+IPSEND waits for its 5 payload bytes (manual §2.25.1 prompt).
  Send("AT+IPSEND=\"TCP\",5\r");
  ASSERT_TRUE(RunUntil([&] { return SawLine(">"); }));
  const std::string flood = TestBytes(kFloodBytes, 7);
  server_.Flood(flood);
  ASSERT_TRUE(RunUntil([&] { return module_.UrcBacklogFull(); }));
  RunUntil([] { return false; }, milliseconds(300));  // more flood arrives, the source stays off
  EXPECT_TRUE(reader_.received.empty());
  // At most one read (4096 bytes, 1024 per URC) beyond the bound.
  EXPECT_LE(module_.urcs_pending(), Module::kUrcHighWater + 4);

  Send("hello");
  ASSERT_TRUE(RunUntil([&] { return reader_.received.size() >= flood.size(); }))
      << "received " << reader_.received.size() << " malformed " << reader_.malformed << " pending "
      << module_.urcs_pending();
  EXPECT_FALSE(reader_.malformed);
  EXPECT_TRUE(SawLine("+IPSEND=5"));
  ASSERT_EQ(reader_.received.size(), flood.size());
  EXPECT_TRUE(reader_.received == flood) << "the flood arrived altered or out of order";
  EXPECT_EQ(module_.urcs_lost(), 0u);
}

}  // namespace
}  // namespace uclink::sim::services::testing
