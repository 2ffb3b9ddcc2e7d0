// AT+HTTPTLS/HTTPPARA/HTTPDATA/HTTPINIT/HTTPACTION/HTTPREAD (manual §2.44–2.52) against a small
// HTTP/1.1 server the test runs on a loopback ephemeral port.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <thread>

#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services::testing {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

const std::string kBigBody = TestBytes(64 << 10, 3);

// One request per connection; its own thread and io_context, stopped in the destructor.
//   /big      200, 64 KiB of binary bytes
//   /missing  404, "not here"
//   /echo     200, "<method>\n<X-Test header>\n<request body>"
//   /truncated  a body cut short by the server
//   other     200, "hello"
class HttpServer {
 public:
  HttpServer() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~HttpServer() {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
  }

 private:
  void Serve() {
    while (!stop_) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) break;
      Handle(s);
    }
  }
  static std::string Header(const std::string& head, const std::string& name) {
    const auto at = head.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    auto start = at + name.size() + 3;
    while (start < head.size() && head[start] == ' ') ++start;
    return head.substr(start, head.find("\r\n", start) - start);
  }
  void Handle(tcp::socket& s) {
    // Bounded reads: a client that stops talking cannot wedge the server thread.
    const timeval limit{2, 0};
    setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    boost::system::error_code ec;
    std::string all;
    std::array<char, 4096> chunk;
    while (all.find("\r\n\r\n") == std::string::npos) {
      const std::size_t got = s.read_some(asio::buffer(chunk), ec);
      if (ec) return;
      all.append(chunk.data(), got);
      if (all[0] == '\x16') {  // a TLS ClientHello: answer in plain text, as a plain server does
        asio::write(s, asio::buffer(std::string("HTTP/1.1 400 Bad Request\r\n\r\n")), ec);
        return;
      }
    }
    const std::size_t n = all.find("\r\n\r\n") + 4;
    const std::string head = all.substr(0, n);
    std::string body = all.substr(n);
    const std::string length = Header(head, "Content-Length");
    const std::size_t want = length.empty() ? 0 : std::stoul(length);
    if (body.size() < want) {
      std::string more(want - body.size(), '\0');
      asio::read(s, asio::buffer(more), ec);
      body += more;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last_request_ = head + body;
    }
    const std::string method = head.substr(0, head.find(' '));
    const std::string path =
        head.substr(method.size() + 1, head.find(' ', method.size() + 1) - method.size() - 1);
    std::string status = "200 OK";
    std::string out = "hello";
    if (path == "/big") {
      out = kBigBody;
    } else if (path == "/missing") {
      status = "404 Not Found";
      out = "not here";
    } else if (path == "/truncated") {
      // Announces 100 bytes, sends 10, closes: the server dies mid-body.
      const std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
      asio::write(s, asio::buffer(partial), ec);
      return;
    } else if (path == "/echo") {
      out = method + "\n" + Header(head, "X-Test") + "\n" + body;
    }
    std::string reply = "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(out.size()) +
                        "\r\nConnection: close\r\n\r\n";
    if (method != "HEAD") reply += out;
    asio::write(s, asio::buffer(reply), ec);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string last_request_;
};

class HttpServiceTest : public ::testing::Test {
 protected:
  std::string Base() { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  void SetUrl(const std::string& url) {
    ASSERT_EQ(ToString(d_.Run("AT+HTTPPARA=URL," + url)), "OK\n");
  }
  // Reads the whole response with repeated AT+HTTPREAD, checking each piece's framing.
  std::string ReadAll() {
    std::string body;
    for (int i = 0; i < 1000; ++i) {
      const auto events = d_.Run("AT+HTTPREAD");
      EXPECT_GE(events.size(), 2u);
      if (events.size() < 2) break;
      const std::string& head = events[0].text;
      const std::size_t n = std::stoul(head.substr(10));
      EXPECT_EQ(head, "+HTTPREAD:" + std::to_string(n) + ",");
      if (n == 0) {
        EXPECT_EQ(ToString(events), "I:+HTTPREAD:0,\nOK\n");
        break;
      }
      EXPECT_EQ(events.size(), 3u);
      EXPECT_EQ(events[1].text.size(), n);
      body += events[1].text;
    }
    return body;
  }

  HttpServer server_;
  Driver d_;
};

TEST_F(HttpServiceTest, GetOf64KiBIsReadInPiecesByteForByte) {
  SetUrl(Base() + "/big");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:0,65536\nOK\n");
  EXPECT_EQ(ReadAll(), kBigBody);
}

TEST_F(HttpServiceTest, ManualGetFlowWithBackslashUrlAndSeparatePath) {
  // Manual §2.49: at+httppara=path, / then at+httppara=url,http:\\www.baidu.com.
  EXPECT_EQ(ToString(d_.Run("at+httppara=path, /")), "OK\n");
  EXPECT_EQ(
      ToString(d_.Run("at+httppara=url,http:\\\\127.0.0.1:" + std::to_string(server_.port()))),
      "OK\n");
  EXPECT_EQ(ToString(d_.Run("at+httpaction=0")), "I:+HTTPACTION:0,5\nOK\n");
  EXPECT_EQ(ReadAll(), "hello");
  EXPECT_EQ(server_.last_request().rfind("GET / HTTP/1.1\r\n", 0), 0u);
}

TEST_F(HttpServiceTest, PostCarriesUserHeaderAndBodyAsManualOnenetFlow) {
  // Manual §2.51: user header, body, httpinit, httpaction=3.
  SetUrl(Base() + "/echo");
  EXPECT_EQ(ToString(d_.Run("at+httppara=user,X-Test:abc")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("at+httppara=body,{\"datastreams\":[{\"id\":\"humi\"}]}")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("at+httpinit")), "OK\n");
  const std::string expected = "POST\nabc\n{\"datastreams\":[{\"id\":\"humi\"}]}";
  EXPECT_EQ(ToString(d_.Run("at+httpaction=3")),
            "I:+HTTPACTION:0," + std::to_string(expected.size()) + "\nOK\n");
  EXPECT_EQ(ReadAll(), expected);
}

TEST_F(HttpServiceTest, ManualSpellingHtttparaIsAccepted) {
  EXPECT_TRUE(d_.services->Handles(ParseLine("AT+HTTTPARA=URL,x")));
  EXPECT_EQ(ToString(d_.Run("AT+HTTTPARA=URL," + Base() + "/")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:0,5\nOK\n");
}

TEST_F(HttpServiceTest, PutSendsHttpdataChunksAsBody) {
  SetUrl(Base() + "/echo");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPDATA=5,hello")), "OK\n");
  // As in the manual's "AT+FTPPUT=5, 12345", the space after the comma only separates.
  EXPECT_EQ(ToString(d_.Run("AT+HTTPDATA=5, world")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=2")), "I:+HTTPACTION:0,15\nOK\n");
  EXPECT_EQ(ReadAll(), "PUT\n\nhelloworld");
}

TEST_F(HttpServiceTest, BinaryBodyThroughPromptArrivesIntact) {
  SetUrl(Base() + "/echo");
  const std::string bytes = TestBytes(300, 9);
  d_.host.prompt_payload = bytes;
  EXPECT_EQ(ToString(d_.Run("AT+HTTPDATA=300")), "P:300\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=3")), "I:+HTTPACTION:0,306\nOK\n");
  EXPECT_EQ(ReadAll(), "POST\n\n" + bytes);
}

TEST_F(HttpServiceTest, BodyIsConsumedByTheAction) {
  SetUrl(Base() + "/echo");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPDATA=1,x")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=3")), "I:+HTTPACTION:0,7\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=3")), "I:+HTTPACTION:0,6\nOK\n");
}

TEST_F(HttpServiceTest, HeadReturnsTheHeaderBlock) {
  SetUrl(Base() + "/big");
  const auto events = d_.Run("AT+HTTPACTION=1");
  ASSERT_EQ(events.size(), 2u) << ToString(events);
  const std::string head = ReadAll();
  EXPECT_EQ(events[0].text, "+HTTPACTION:0," + std::to_string(head.size()));
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(head.find("Content-Length: 65536\r\n"), std::string::npos);
}

TEST_F(HttpServiceTest, ErrorStatusIsAResponseAndTheReadFormShowsIt) {
  SetUrl(Base() + "/missing");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:0,8\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION?")), "I:+HTTPACTION: 0,404,8\nOK\n");
  EXPECT_EQ(ReadAll(), "not here");
}

TEST_F(HttpServiceTest, ReadCapCutsSmallerPieces) {
  SetUrl(Base() + "/");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:0,5\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPREAD=2")), "I:+HTTPREAD:2,\nR:he\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPREAD")), "I:+HTTPREAD:3,\nR:llo\nOK\n");
}

TEST_F(HttpServiceTest, MappedHostKeepsItsNameInTheHostHeader) {
  d_.host.host_map["api.example"] = "127.0.0.1";
  SetUrl("http://api.example:" + std::to_string(server_.port()) + "/");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:0,5\nOK\n");
  EXPECT_NE(server_.last_request().find("Host: api.example:"), std::string::npos);
}

TEST_F(HttpServiceTest, ServerClosingMidBodyIsTable33NetworkError) {
  SetUrl(Base() + "/truncated");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:202,0\nERROR\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPREAD")), "E:CME 3\n");
}

TEST_F(HttpServiceTest, ReportModePushesTheBodyAsUrcs) {
  SetUrl(Base() + "/big");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPPARA=MODE,1")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")).rfind("I:+HTTPACTION:0,65536\nOK\n", 0), 0u);
  std::string body;
  for (const auto& urc : d_.Urcs("+HTTPREAD:")) {
    const std::size_t comma = urc.find(',');
    EXPECT_EQ(urc.size() - comma - 1, std::stoul(urc.substr(10, comma - 10)));
    body += urc.substr(comma + 1);
  }
  EXPECT_EQ(d_.Urcs("+HTTPREAD:").back(), "+HTTPREAD:0,");
  EXPECT_EQ(body.size(), kBigBody.size());
  EXPECT_TRUE(body == kBigBody);
}

TEST_F(HttpServiceTest, RefusedConnectionIsTable33ConnectionError) {
  SetUrl("http://127.0.0.1:" + std::to_string(FreePort()) + "/");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:203,0\nERROR\n");
}

TEST_F(HttpServiceTest, UnmappedHostIsNeverContacted) {
  SetUrl("http://example.com/");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:203,0\nERROR\n");
}

TEST_F(HttpServiceTest, TlsAgainstPlainServerIsTable33TlsError) {
  EXPECT_EQ(ToString(d_.Run("AT+HTTPTLS=1")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPTLS?")), "I:+HTTPTLS: 1\nOK\n");
  SetUrl("https://127.0.0.1:" + std::to_string(server_.port()) + "/");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "I:+HTTPACTION:206,0\nERROR\n");
}

TEST_F(HttpServiceTest, HttpsGetAgainstOpensslServerSucceeds) {
  LoopbackServer server("uclink-https");
  const TestCert cert = MakeTestCert(server.dir);
  ASSERT_FALSE(cert.cert_path.empty());
  const std::string port = std::to_string(server.port);
  // "openssl s_server -www" answers GET with an HTML status page naming itself.
  server.Start({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                cert.cert_path, "-key", cert.key_path, "-www", "-quiet"});
  ASSERT_TRUE(server.listening);
  EXPECT_EQ(ToString(d_.Run("AT+HTTPTLS=1")), "OK\n");
  // No scheme: HTTPTLS=1 makes it https.
  SetUrl("127.0.0.1:" + port + "/");
  const auto events = d_.Run("AT+HTTPACTION=0");
  ASSERT_EQ(events.size(), 2u) << ToString(events);
  EXPECT_EQ(events[0].text.rfind("+HTTPACTION:0,", 0), 0u);
  EXPECT_NE(ReadAll().find("s_server"), std::string::npos);
}

TEST_F(HttpServiceTest, UrlOver1024BytesIsTooLong) {
  EXPECT_EQ(ToString(d_.Run("AT+HTTPPARA=URL,http://127.0.0.1/" + std::string(1010, 'a'))),
            "E:CME 24\n");
}

TEST_F(HttpServiceTest, UserDataOver512BytesIsTooLong) {
  EXPECT_EQ(ToString(d_.Run("AT+HTTPPARA=USER,X:" + std::string(511, 'a'))), "E:CME 24\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPDATA=513")), "E:CME 24\n");
}

TEST_F(HttpServiceTest, ReadBeforeAnyActionIsNotAllowed) {
  EXPECT_EQ(ToString(d_.Run("AT+HTTPREAD")), "E:CME 3\n");
}

TEST_F(HttpServiceTest, ActionWithoutUrlIsParameterError) {
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "E:EXT 0\n");
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=4")), "E:EXT 0\n");
}

TEST_F(HttpServiceTest, NetworkNotReadyIsNoNetworkService) {
  SetUrl(Base() + "/");
  d_.host.network_ready = false;
  EXPECT_EQ(ToString(d_.Run("AT+HTTPACTION=0")), "E:CME 30\n");
}

TEST_F(HttpServiceTest, ResetMidRequestProducesNoOutput) {
  SetUrl(Base() + "/big");
  const std::size_t before = d_.host.events.size();
  d_.services->Execute(ParseLine("AT+HTTPACTION=0"));
  d_.services->Reset();
  d_.RunUntil([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_EQ(d_.host.events.size(), before);
}

}  // namespace
}  // namespace uclink::sim::services::testing
