// ServiceHost as a specification: the "service" method over a real control socket, with the
// in-band clients running on a real chat::AtChannel whose port is a scripted modem (each command
// written gets the manual's reply). No serial port, no sleeps: the io_context runs only while a
// test waits for lines (bounded).
#include "control/daemon/service_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "control/api/service.h"
#include "tests/control/socket_dir.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

// The module's side of the port: every written command whose start matches a rule is answered
// with the rule's reply (the first matching rule; rules can be replaced between steps).
class ScriptedModem : public chat::ByteTransport {
 public:
  explicit ScriptedModem(boost::asio::io_context& io) : io_(io) {}

  void Start(BytesHandler on_bytes, ClosedHandler) override { on_bytes_ = std::move(on_bytes); }
  void Write(std::string bytes, WrittenHandler on_written) override {
    written_ += bytes;
    boost::asio::post(io_, [on_written] { on_written({}); });  // written, then answered
    for (const auto& [prefix, reply] : rules_) {
      if (bytes.starts_with(prefix)) {
        Inject(reply);
        break;
      }
    }
  }
  int ReleaseFd() override { return -1; }
  void Adopt(int) override {}
  void Close() override {}

  // Bytes from the module (replies, URCs), delivered from the io_context.
  void Inject(std::string bytes) {
    boost::asio::post(io_, [this, bytes] {
      if (on_bytes_) {
        on_bytes_(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
      }
    });
  }
  void Answer(std::string prefix, std::string reply) {
    std::erase_if(rules_, [&](const auto& rule) { return rule.first == prefix; });
    rules_.emplace_back(std::move(prefix), std::move(reply));
  }
  const std::string& written() const { return written_; }

 private:
  boost::asio::io_context& io_;
  BytesHandler on_bytes_;
  std::vector<std::pair<std::string, std::string>> rules_;
  std::string written_;
};

class ServiceHostTest : public testing::SocketDirTest {
 protected:
  ServiceHostTest() : SocketDirTest("sh") {}
  void SetUp() override {
    SocketDirTest::SetUp();
    if (HasFatalFailure()) return;
    auto modem = std::make_unique<ScriptedModem>(io_);
    modem_ = modem.get();
    channel_ = std::make_unique<chat::AtChannel>(io_, std::move(modem));
    channel_->SetUrcHandler([this](const chat::Urc& urc) { host_.OnUrc(urc); });
    channel_->Start();
    link_ = {State::kOnlineInband, "", channel_.get()};
    server_ = std::make_unique<ControlServer>(
        io_,
        [this](const api::Request& request, ControlServer::Reply reply) {
          host_.Handle(request, std::move(reply), link_);
        },
        PeerPolicy());
    ASSERT_FALSE(server_->Listen(path_));
    // The module's answers (manual §2.22–§2.25).
    modem_->Answer("AT+IPCREATE=\"TCP\"", "\r\nOK\r\n\r\nCONNECT OK\r\n");
    modem_->Answer("AT+IPSEND=\"TCP\",2,", "\r\n+IPSEND=2\r\n\r\nOK\r\n");
    modem_->Answer("AT+IPCLOSE=\"TCP\"", "\r\nOK\r\n");
  }

  void TearDown() override {
    host_.DropChannel();
    server_.reset();
    for (int fd : fds_) ::close(fd);
    SocketDirTest::TearDown();
  }

  int Connect() {
    const int fd = testing::ConnectUnix(path_);
    fds_.push_back(fd);
    return fd;
  }

  // Writes one request line; while the socket is full the server runs (bounded).
  void Send(int fd, const std::string& method, const json& params, std::uint64_t id = 1) {
    const std::string line = api::EncodeRequest({id, *api::MethodFromString(method), params});
    std::size_t sent = 0;
    for (int round = 0; round < 500 && sent < line.size(); ++round) {
      const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (sent < line.size()) Run(2ms);
    }
    ASSERT_EQ(sent, line.size());
  }

  // Lets the server and the modem handle what is pending.
  void Run(std::chrono::milliseconds time = 20ms) {
    io_.run_for(time);
    io_.restart();
  }

  // Runs until `count` lines arrived on `fd` (bounded: 2 s of io time); parsed.
  std::vector<json> Lines(int fd, std::size_t count) {
    std::vector<json> lines;
    for (const std::string& line : testing::RunUntilLines(io_, fd, framers_[fd], count)) {
      lines.push_back(json::parse(line));
    }
    return lines;
  }

  json Next(int fd) {
    std::vector<json> lines = Lines(fd, 1);
    return lines.empty() ? json() : lines[0];
  }

  json Tcp(bool wait = false) {
    return {{"service", "tcp"}, {"host", "10.0.0.9"}, {"port", 7}, {"wait", wait}};
  }

  // Opens a TCP service on a new connection and reads its service.ready.
  int OpenTcp() {
    const int fd = Connect();
    Send(fd, "service", Tcp());
    EXPECT_EQ(Next(fd).value("event", ""), "service.ready");
    return fd;
  }

  boost::asio::io_context io_;
  ScriptedModem* modem_ = nullptr;
  std::unique_ptr<chat::AtChannel> channel_;
  ServiceHost host_{io_};
  ServiceLink link_;
  std::unique_ptr<ControlServer> server_;
  std::vector<int> fds_;
  std::map<int, api::LineFramer> framers_;
};

TEST_F(ServiceHostTest, OutsideOnlineStatesTheErrorNamesTheState) {
  link_.state = State::kAwaitingRegistration;
  int fd = Connect();
  Send(fd, "service", Tcp());
  json line = Next(fd);
  EXPECT_EQ(line["error"]["code"], "not-online");
  EXPECT_THAT(line["error"]["message"].get<std::string>(), HasSubstr("awaiting-registration"));
  EXPECT_EQ(modem_->written(), "");
}

TEST_F(ServiceHostTest, InPppModeTheClientIsToldToGoNativeOnTheInterface) {
  link_ = {State::kOnline, "uclink0", channel_.get()};
  int fd = Connect();
  Send(fd, "service", Tcp());
  json line = Next(fd);
  EXPECT_EQ(line["error"]["code"], "use-native");
  EXPECT_THAT(line["error"]["message"].get<std::string>(), HasSubstr("uclink0"));
}

TEST_F(ServiceHostTest, ManualLimitIsCheckedBeforeAnythingIsSent) {
  int fd = Connect();
  Send(fd, "service",
       {{"service", "ftp"}, {"verb", "get"}, {"host", "h"}, {"path", std::string(70, 'n')}});
  json line = Next(fd);
  EXPECT_EQ(line["error"]["code"], "invalid-params");
  EXPECT_THAT(line["error"]["message"].get<std::string>(), HasSubstr("64"));
  EXPECT_EQ(modem_->written(), "");
}

TEST_F(ServiceHostTest, TcpBytesTravelBothWaysAndCloseReleasesTheClient) {
  int fd = OpenTcp();
  EXPECT_THAT(modem_->written(), HasSubstr("AT+IPCREATE=\"TCP\",\"10.0.0.9\",7\r"));
  Send(fd, "service.send", {{"data", api::Base64Encode("hi")}}, 2);
  json sent = Next(fd);
  EXPECT_EQ(sent["event"], "service.sent");
  EXPECT_EQ(sent["data"]["bytes"], 2);
  EXPECT_THAT(modem_->written(), HasSubstr("AT+IPSEND=\"TCP\",2,\"hi\"\r"));
  modem_->Inject("\r\n+IPRECV=\"TCP\", 2, yo\r\n");
  json data = Next(fd);
  EXPECT_EQ(data["event"], "service.data");
  EXPECT_EQ(api::Base64Decode(data["data"]["data"].get<std::string>()), "yo");
  Send(fd, "service.close", json::object(), 3);
  json done = Next(fd);
  EXPECT_EQ(done["id"], 1);
  EXPECT_EQ(done["ok"], true);
  EXPECT_THAT(modem_->written(), HasSubstr("AT+IPCLOSE=\"TCP\"\r"));
  Run();
  EXPECT_EQ(host_.jobs(), 0u);
}

TEST_F(ServiceHostTest, SecondTcpUserIsBusy) {
  OpenTcp();
  int second = Connect();
  Send(second, "service", Tcp());
  json line = Next(second);
  EXPECT_EQ(line["error"]["code"], "busy");
  EXPECT_THAT(line["error"]["message"].get<std::string>(), HasSubstr("TCP client is in use"));
}

TEST_F(ServiceHostTest, WaitingTcpUserGetsTheClientWhenTheFirstCloses) {
  int first = OpenTcp();
  int second = Connect();
  Send(second, "service", Tcp(/*wait=*/true));
  EXPECT_EQ(Next(second).value("event", ""), "service.queued");
  Send(first, "service.close", json::object(), 2);
  EXPECT_EQ(Next(first)["ok"], true);
  EXPECT_EQ(Next(second).value("event", ""), "service.ready");
}

TEST_F(ServiceHostTest, ClientGoneMidTransferClosesTheModuleSocketAndTheNextUserGetsIt) {
  int first = OpenTcp();
  ::shutdown(first, SHUT_RDWR);
  Run();
  EXPECT_THAT(modem_->written(), HasSubstr("AT+IPCLOSE=\"TCP\"\r"));
  EXPECT_EQ(host_.jobs(), 0u);
  OpenTcp();
}

TEST_F(ServiceHostTest, ModuleErrorMidTransferAnswersAtFailedAfterReleasingTheClient) {
  int fd = OpenTcp();
  modem_->Answer("AT+IPSEND=\"TCP\",2,", "\r\nERROR\r\n");
  Send(fd, "service.send", {{"data", api::Base64Encode("hi")}}, 2);
  json done = Next(fd);
  EXPECT_EQ(done["error"]["code"], "at-failed");
  EXPECT_THAT(modem_->written(), HasSubstr("AT+IPCLOSE=\"TCP\"\r"));
  EXPECT_EQ(host_.jobs(), 0u);
  OpenTcp();
}

TEST_F(ServiceHostTest, UnconfirmedDataBeyondTheBoundEndsTheService) {
  int fd = OpenTcp();
  modem_->Answer("AT+IPSEND=\"TCP\"", "");  // the module never confirms
  const std::string chunk(api::kMaxChunkBytes, 'a');
  for (std::uint64_t id = 2; id < 2 + api::kMaxUnconfirmedBytes / chunk.size() + 1; ++id) {
    Send(fd, "service.send", {{"data", api::Base64Encode(chunk)}}, id);
  }
  json done = Next(fd);
  EXPECT_EQ(done["error"]["code"], "invalid-params");
  EXPECT_THAT(done["error"]["message"].get<std::string>(), HasSubstr("wait for service.sent"));
}

TEST_F(ServiceHostTest, LeavingInbandModeEndsRunningServices) {
  int fd = OpenTcp();
  host_.OnStateChanged(State::kHangingUp);
  json done = Next(fd);
  EXPECT_EQ(done["error"]["code"], "not-online");
  EXPECT_THAT(done["error"]["message"].get<std::string>(), HasSubstr("hanging-up"));
}

TEST_F(ServiceHostTest, ClosingPortEndsEveryServiceAtOnce) {
  int fd = OpenTcp();
  host_.DropChannel();
  json done = Next(fd);
  EXPECT_EQ(done["error"]["code"], "busy");
  EXPECT_EQ(host_.jobs(), 0u);
}

TEST_F(ServiceHostTest, UploadIsCollectedBeforeTheOperationStarts) {
  modem_->Answer("AT+IPCREATE=\"UDP\"", "\r\nOK\r\n");
  modem_->Answer("AT+IPSEND=\"UDP\",4,", "\r\n+IPSEND=4\r\n\r\nOK\r\n");
  modem_->Answer("AT+IPCLOSE=\"UDP\"", "\r\nOK\r\n");
  int fd = Connect();
  Send(fd, "service",
       {{"service", "udp"}, {"host", "h"}, {"port", 9}, {"input", true}, {"idle_ms", 50}});
  EXPECT_EQ(Next(fd).value("event", ""), "service.ready");
  EXPECT_EQ(modem_->written(), "") << "nothing is sent while the input arrives";
  Send(fd, "service.send", {{"data", api::Base64Encode("ab")}}, 2);
  EXPECT_EQ(Next(fd)["data"]["bytes"], 2);
  Send(fd, "service.send", {{"data", api::Base64Encode("cd")}}, 3);
  EXPECT_EQ(Next(fd)["data"]["bytes"], 2);
  Send(fd, "service.close", json::object(), 4);
  json done = Next(fd);
  EXPECT_EQ(done["ok"], true) << done.dump();
  EXPECT_THAT(modem_->written(), HasSubstr("AT+IPSEND=\"UDP\",4,\"abcd\"\r"));
}

}  // namespace
}  // namespace uclink::control
