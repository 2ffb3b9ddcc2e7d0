// FTP failure paths that vsftpd will not produce on demand: a scripted FTP server on a loopback
// ephemeral port aborts transfers, drops the control connection, or names a foreign address in
// its PASV reply (RFC 959 §4.1.2 lets it; the module must not follow).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <thread>

#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services::testing {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

// One control connection, driven by a test-supplied script on its own thread. Reads time out
// after 2 s so a script can never hang the test.
class ScriptedFtpServer {
 public:
  struct Session {
    Session(tcp::socket& c, tcp::acceptor& a) : control(c), data_acceptor(a) {}
    tcp::socket& control;
    tcp::acceptor& data_acceptor;
    std::string Line() {
      boost::system::error_code ec;
      const std::size_t n = asio::read_until(control, in, "\r\n", ec);
      if (ec) return "";
      std::string line(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + n - 2);
      in.consume(n);
      return line;
    }
    void Send(const std::string& line) {
      boost::system::error_code ec;
      asio::write(control, asio::buffer(line + "\r\n"), ec);
    }
    asio::streambuf in;
  };

  explicit ScriptedFtpServer(std::function<void(Session&)> script)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        data_acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this, script] {
      tcp::socket control(io_);
      boost::system::error_code ec;
      acceptor_.accept(control, ec);
      if (ec) return;
      const timeval limit{2, 0};
      setsockopt(control.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      Session session(control, data_acceptor_);
      script(session);
    });
  }
  ~ScriptedFtpServer() { thread_.join(); }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  unsigned short data_port() const { return data_acceptor_.local_endpoint().port(); }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  tcp::acceptor data_acceptor_;
  std::thread thread_;
};

std::string PasvReply(const std::string& host_commas, unsigned short port) {
  return "227 Entering Passive Mode (" + host_commas + "," + std::to_string(port >> 8) + "," +
         std::to_string(port & 0xff) + ").";
}

// Answers TYPE and PASV (naming `pasv_host`), accepts the data connection, answers RETR with 150.
tcp::socket OpenRetr(ScriptedFtpServer::Session& s, unsigned short data_port,
                     const std::string& pasv_host) {
  s.Send("220 scripted");
  if (s.Line().rfind("TYPE", 0) == 0) s.Send("200 Switching to Binary mode.");
  if (s.Line() == "PASV") s.Send(PasvReply(pasv_host, data_port));
  tcp::socket data(s.control.get_executor());
  boost::system::error_code ec;
  s.data_acceptor.accept(data, ec);
  if (s.Line().rfind("RETR", 0) == 0) s.Send("150 Opening BINARY mode data connection.");
  return data;
}

class FtpFaultTest : public ::testing::Test {
 protected:
  std::string Serv(unsigned short port) {
    return ToString(d_.Run("AT+FTPSERV=127.0.0.1," + std::to_string(port)));
  }
  Driver d_;
};

TEST_F(FtpFaultTest, ServerAbortingTheTransferEndsGetWithItsCode) {
  const std::string bytes = TestBytes(100, 4);
  std::unique_ptr<ScriptedFtpServer> server;
  server = std::make_unique<ScriptedFtpServer>([&](ScriptedFtpServer::Session& s) {
    tcp::socket data = OpenRetr(s, server->data_port(), "127,0,0,1");
    boost::system::error_code ec;
    asio::write(data, asio::buffer(bytes), ec);
    data.close();
    s.Send("426 Connection closed; transfer aborted.");
    s.Line();  // wait for the client to go away
  });
  EXPECT_EQ(Serv(server->port()), "I:+FTPSERV:0\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPGET=1,file")), "OK\n");
  const auto urcs = d_.WaitUrcs("+FTPGET:", 2);
  ASSERT_EQ(urcs.size(), 2u);
  EXPECT_TRUE(urcs[0] == "+FTPGET:100," + bytes);
  EXPECT_EQ(urcs[1], "+FTPGET:-1,426");
  EXPECT_EQ(ToString(d_.Run("AT+FTPQUIT")), "OK\n");
}

TEST_F(FtpFaultTest, ControlConnectionLostMidTransferEndsGetWith421) {
  std::unique_ptr<ScriptedFtpServer> server;
  server = std::make_unique<ScriptedFtpServer>([&](ScriptedFtpServer::Session& s) {
    tcp::socket data = OpenRetr(s, server->data_port(), "127,0,0,1");
    s.control.close();  // the server process dies; the data connection stays open
    s.Line();
  });
  EXPECT_EQ(Serv(server->port()), "I:+FTPSERV:0\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPGET=1,file")), "OK\n");
  EXPECT_EQ(d_.WaitUrcs("+FTPGET:", 1), std::vector<std::string>{"+FTPGET:-1,421"});
  // The session is gone: the next command reports the state error.
  EXPECT_EQ(ToString(d_.Run("AT+FTPSIZE=file")), "I:+FTPSIZE:7\nERROR\n");
}

TEST_F(FtpFaultTest, PasvAddressIsIgnoredInFavourOfTheControlPeer) {
  std::unique_ptr<ScriptedFtpServer> server;
  server = std::make_unique<ScriptedFtpServer>([&](ScriptedFtpServer::Session& s) {
    // Names 10.9.8.7: the data connection must still come to 127.0.0.1.
    tcp::socket data = OpenRetr(s, server->data_port(), "10,9,8,7");
    boost::system::error_code ec;
    asio::write(data, asio::buffer(std::string("abc")), ec);
    data.close();
    s.Send("226 Transfer complete.");
    s.Line();
  });
  EXPECT_EQ(Serv(server->port()), "I:+FTPSERV:0\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPGET=1,file")), "OK\n");
  EXPECT_EQ(d_.WaitUrcs("+FTPGET:", 2), (std::vector<std::string>{"+FTPGET:3,abc", "+FTPGET:0,"}));
  EXPECT_EQ(ToString(d_.Run("AT+FTPQUIT")), "OK\n");
}

TEST_F(FtpFaultTest, GreetingOtherThan220IsFtpservRefused) {
  ScriptedFtpServer server([](ScriptedFtpServer::Session& s) {
    s.Send("421 Too many users.");
    s.Line();
  });
  EXPECT_EQ(Serv(server.port()), "I:+FTPSERV:5\nERROR\n");
}

TEST_F(FtpFaultTest, GarbageOnTheControlConnectionDropsTheSession) {
  ScriptedFtpServer server([](ScriptedFtpServer::Session& s) {
    s.Send("220 hello");
    s.Line();  // MKD
    s.Send("this is not an FTP reply");
    s.Line();
  });
  EXPECT_EQ(Serv(server.port()), "I:+FTPSERV:0\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPMKD=d")), "I:+FTPMKD:421\nERROR\n");
}

}  // namespace
}  // namespace uclink::sim::services::testing
