// SerialPort and AtChannel against a real pty pair (openpty), with lock files in the test's
// temporary directory. Bounded: every io_context run has a deadline.
#include "chat/serial_port.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "chat/at_channel.h"
#include "chat/errc.h"
#include "gtest/gtest.h"
#include "tests/chat/pty_responder.h"

namespace uclink::chat {
namespace {

using ::uclink::chat::testing::PtyPair;
using ::uclink::chat::testing::PtyResponder;
using namespace std::chrono_literals;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir ? dir : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SerialPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pty_ = PtyPair::Open();
    ASSERT_GE(pty_.master, 0);
    options_.path = pty_.slave_path;
    options_.lock_dir = TempDir();
    ::unlink(SerialPort::LockPathFor(options_.lock_dir, options_.path).c_str());
  }
  void TearDown() override {
    if (pty_.master >= 0 && !responder_) ::close(pty_.master);
    pty_.CloseSlave();
  }
  PtyResponder& Responder() {
    responder_ = std::make_unique<PtyResponder>(io_, pty_.master);
    responder_->Start();
    return *responder_;
  }

  boost::asio::io_context io_;
  PtyPair pty_;
  SerialOptions options_;
  std::unique_ptr<PtyResponder> responder_;
};

TEST_F(SerialPortTest, LockFileHoldsOurPidLikePppd) {
  std::error_code error;
  auto port = SerialPort::Open(io_, options_, error);
  ASSERT_TRUE(port) << error.message();
  char expected[16];
  std::snprintf(expected, sizeof expected, "%10d\n", static_cast<int>(::getpid()));
  EXPECT_EQ(ReadFile(port->lock_path()), expected);
  const std::string lock = port->lock_path();
  port->Close();
  EXPECT_NE(::access(lock.c_str(), F_OK), 0);
}

TEST_F(SerialPortTest, SecondOpenOfALockedPortFails) {
  std::error_code error;
  auto first = SerialPort::Open(io_, options_, error);
  ASSERT_TRUE(first);
  auto second = SerialPort::Open(io_, options_, error);
  EXPECT_FALSE(second);
  EXPECT_EQ(error, Errc::kPortLocked);
}

// Two links with the same file name to two different modules are two ports: neither is locked
// out by the other (the lock used to be named after the path's last component).
TEST_F(SerialPortTest, SameNameDifferentDevicesDoNotLockEachOtherOut) {
  PtyPair other = PtyPair::Open();
  ASSERT_GE(other.master, 0);
  std::string dir = TempDir() + "/links-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  ASSERT_EQ(::mkdir((dir + "/a").c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((dir + "/b").c_str(), 0700), 0);
  ASSERT_EQ(::symlink(pty_.slave_path.c_str(), (dir + "/a/modem").c_str()), 0);
  ASSERT_EQ(::symlink(other.slave_path.c_str(), (dir + "/b/modem").c_str()), 0);
  SerialOptions a = options_, b = options_;
  a.path = dir + "/a/modem";
  b.path = dir + "/b/modem";
  std::error_code error;
  auto first = SerialPort::Open(io_, a, error);
  ASSERT_TRUE(first) << error.message();
  auto second = SerialPort::Open(io_, b, error);
  EXPECT_TRUE(second) << error.message();
  EXPECT_NE(first->lock_path(), second ? second->lock_path() : "");
  if (second) second->Close();
  first->Close();
  ::close(other.master);
  other.CloseSlave();
}

// Two names of one device (a stable udev-style link and the node it points to) share a lock: a
// second opener through the other name is refused. This is also what keeps a daemon whose
// dangling link now points at someone else's pty off that pty.
TEST_F(SerialPortTest, TwoNamesOfOneDeviceShareTheLock) {
  std::string dir = TempDir() + "/link-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string link = dir + "/modem";
  ASSERT_EQ(::symlink(pty_.slave_path.c_str(), link.c_str()), 0);
  SerialOptions by_link = options_;
  by_link.path = link;
  std::error_code error;
  auto first = SerialPort::Open(io_, by_link, error);
  ASSERT_TRUE(first) << error.message();
  EXPECT_EQ(first->lock_path(), SerialPort::LockPathFor(options_.lock_dir, pty_.slave_path));
  EXPECT_NE(first->lock_path().find("LCK..pts_"), std::string::npos) << first->lock_path();
  auto second = SerialPort::Open(io_, options_, error);
  EXPECT_FALSE(second);
  EXPECT_EQ(error, Errc::kPortLocked);
}

TEST(SerialPortLockTest, DeviceDirectlyInDevKeepsPppdsName) {
  EXPECT_EQ(SerialPort::LockPathFor("/run/lock", "/dev/null"), "/run/lock/LCK..null");
  EXPECT_EQ(SerialPort::LockPathFor("/run/lock", "/nonexistent/ttyUSB7"), "/run/lock/LCK..ttyUSB7");
}

TEST_F(SerialPortTest, StaleLockOfADeadProcessIsReplaced) {
  const std::string lock = SerialPort::LockPathFor(options_.lock_dir, options_.path);
  std::ofstream(lock) << "   9999999\n";
  std::error_code error;
  auto port = SerialPort::Open(io_, options_, error);
  ASSERT_TRUE(port) << error.message();
}

TEST_F(SerialPortTest, UnsupportedBaudIsRejected) {
  options_.baud = 12345;
  std::error_code error;
  EXPECT_FALSE(SerialPort::Open(io_, options_, error));
  EXPECT_EQ(error, std::errc::invalid_argument);
}

TEST_F(SerialPortTest, ChannelRunsACommandOverThePty) {
  PtyResponder& module = Responder();
  module.On("AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
  std::error_code error;
  auto port = SerialPort::Open(io_, options_, error);
  ASSERT_TRUE(port);
  AtChannel channel(io_, std::move(port));
  channel.Start();
  std::optional<AtReply> reply;
  channel.Submit(AtCommand::FromText("AT+CSQ"), [&](const AtReply& r) {
    reply = r;
    io_.stop();
  });
  io_.run_for(5s);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->ok());
  EXPECT_EQ(reply->info, (std::vector<std::string>{"+CSQ: 21,99"}));
}

TEST_F(SerialPortTest, UrcFromThePtyReachesTheHandler) {
  PtyResponder& module = Responder();
  std::error_code error;
  AtChannel channel(io_, SerialPort::Open(io_, options_, error));
  std::optional<Urc> urc;
  channel.SetUrcHandler([&](const Urc& u) {
    urc = u;
    io_.stop();
  });
  channel.Start();
  module.Send("\r\n+CGREG: 1\r\n");
  io_.run_for(5s);
  ASSERT_TRUE(urc);
  EXPECT_EQ(urc->kind, UrcKind::kRegistration);
}

TEST_F(SerialPortTest, HangupIsAnEventAndFailsThePendingCommand) {
  PtyResponder& module = Responder();
  std::error_code error;
  AtChannel channel(io_, SerialPort::Open(io_, options_, error));
  std::optional<std::error_code> closed;
  std::optional<AtReply> reply;
  channel.SetClosedHandler([&](std::error_code e) {
    closed = e;
    io_.stop();
  });
  channel.Start();
  // The module never answers AT+CGATT=1: the master closes instead, as an unplugged adapter.
  module.On("AT+CGATT=1", "");
  channel.Submit(AtCommand::FromText("AT+CGATT=1"), [&](const AtReply& r) { reply = r; });
  boost::asio::steady_timer unplug(io_, 50ms);
  unplug.async_wait([&](const boost::system::error_code&) {
    module.Close();
    pty_.CloseSlave();
  });
  io_.run_for(5s);
  ASSERT_TRUE(closed);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->error, Errc::kClosed);
}

TEST_F(SerialPortTest, ConnectHandsTheDescriptorAndLeftoverToTheDataConsumer) {
  using namespace std::string_literals;
  PtyResponder& module = Responder();
  module.On("AT+CGDATA=\"PPP\",1", "\r\nCONNECT\r\n\x7e\xff\x7d\x23"s);
  std::error_code error;
  AtChannel channel(io_, SerialPort::Open(io_, options_, error));
  int data_fd = -1;
  std::string leftover;
  channel.SetDataModeHandler([&](int fd, std::string bytes, bool) {
    data_fd = fd;
    leftover = std::move(bytes);
    io_.stop();
  });
  std::optional<AtReply> reply;
  channel.Submit(AtCommand::FromText("AT+CGDATA=\"PPP\",1"), [&](const AtReply& r) { reply = r; });
  channel.Start();
  io_.run_for(5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->final, FinalKind::kConnect);
  ASSERT_GE(data_fd, 0);
  // Leftover plus whatever the kernel still holds is exactly what the module sent after CONNECT.
  char rest[16];
  ::fcntl(data_fd, F_SETFL, ::fcntl(data_fd, F_GETFL) | O_NONBLOCK);
  const ssize_t n = ::read(data_fd, rest, sizeof rest);
  if (n > 0) leftover.append(rest, static_cast<std::size_t>(n));
  EXPECT_EQ(leftover, "\x7e\xff\x7d\x23"s);
  ::close(data_fd);
}

TEST_F(SerialPortTest, CommandModeResumesAfterTheDataConsumerReturnsThePort) {
  PtyResponder& module = Responder();
  module.On("AT+CGDATA=\"PPP\",1", "\r\nCONNECT\r\n");
  module.On("AT+CMEE?", "\r\n+CMEE: 1\r\n\r\nOK\r\n");
  module.On("AT+CSQ", "\r\n+CSQ: 17,99\r\n\r\nOK\r\n");
  std::error_code error;
  AtChannel channel(io_, SerialPort::Open(io_, options_, error));
  std::optional<AtReply> csq;
  channel.SetDataModeHandler([&](int fd, std::string, bool) {
    // The PPP side is done at once: hand the port back, with a command already queued.
    channel.Submit(AtCommand::FromText("AT+CSQ"), [&](const AtReply& r) {
      csq = r;
      io_.stop();
    });
    channel.ResumeCommandMode(fd);
  });
  channel.Submit(AtCommand::FromText("AT+CGDATA=\"PPP\",1"), [](const AtReply&) {});
  channel.Start();
  io_.run_for(5s);
  ASSERT_TRUE(csq);
  EXPECT_TRUE(csq->ok());
  EXPECT_EQ(csq->info, (std::vector<std::string>{"+CSQ: 17,99"}));
  EXPECT_EQ(module.received(),
            (std::vector<std::string>{"AT+CGDATA=\"PPP\",1", "AT+CMEE?", "AT+CSQ"}));
}

TEST_F(SerialPortTest, BytesTheDataConsumerReadAfterItsDataAreHandledAsModuleOutput) {
  // pppd's bridge read "NO CARRIER" and a URC behind it before it ended (PppdBackend::
  // TakeAtChannelBytes): the URC must still reach the URC handler.
  PtyResponder& module = Responder();
  module.On("AT+CGDATA=\"PPP\",1", "\r\nCONNECT\r\n");
  module.On("AT+CMEE?", "\r\n+CMEE: 1\r\n\r\nOK\r\n");
  std::error_code error;
  AtChannel channel(io_, SerialPort::Open(io_, options_, error));
  std::vector<std::string> urcs;
  channel.SetUrcHandler([&](const Urc& urc) {
    urcs.push_back(urc.line);
    io_.stop();
  });
  channel.SetDataModeHandler(
      [&](int fd, std::string, bool) { channel.ResumeCommandMode(fd, "\r\n+CGREG: 0\r\n"); });
  channel.Submit(AtCommand::FromText("AT+CGDATA=\"PPP\",1"), [](const AtReply&) {});
  channel.Start();
  io_.run_for(5s);
  EXPECT_EQ(urcs, std::vector<std::string>{"+CGREG: 0"});
}

}  // namespace
}  // namespace uclink::chat
