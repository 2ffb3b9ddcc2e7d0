// The real uclink-sim binary on a real pty: AT over the pty, the control socket, the transcript,
// the loopback TCP port, and data mode bridged to slirp-fullbolt (docs/ppp.md, "slirp-fullbolt as
// the test peer").
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/sim/sim_process.h"

namespace uclink::sim::testing {
namespace {

using std::chrono::seconds;

// ---- a minimal HDLC codec for the test's own frames (RFC 1662), independent of pppif/ -------

std::uint16_t Fcs16(const std::string& bytes) {  // RFC 1662 §C.2, bitwise
  std::uint16_t fcs = 0xFFFF;
  for (unsigned char b : bytes) {
    fcs ^= b;
    for (int i = 0; i < 8; ++i) fcs = (fcs & 1) ? (fcs >> 1) ^ 0x8408 : fcs >> 1;
  }
  return fcs;
}

// Frames with the full ACCM (every control character escaped): what slirp expects before LCP
// negotiates the map (docs/ppp.md, "slirp-fullbolt as the test peer", on the wire 1).
std::string Encode(const std::string& frame) {
  std::string body = frame;
  std::uint16_t fcs = static_cast<std::uint16_t>(~Fcs16(frame));
  body.push_back(static_cast<char>(fcs & 0xFF));
  body.push_back(static_cast<char>(fcs >> 8));
  std::string wire = "\x7e";
  for (unsigned char b : body) {
    if (b < 0x20 || b == 0x7E || b == 0x7D) {
      wire.push_back('\x7d');
      wire.push_back(static_cast<char>(b ^ 0x20));
    } else {
      wire.push_back(static_cast<char>(b));
    }
  }
  return wire + "\x7e";
}

// Splits wire bytes into unescaped frames with a good FCS, FCS removed.
std::vector<std::string> Decode(const std::string& wire) {
  std::vector<std::string> frames;
  std::string current;
  bool escaped = false;
  for (unsigned char b : wire) {
    if (b == 0x7E) {
      if (current.size() >= 4 && Fcs16(current) == 0xF0B8) {
        frames.push_back(current.substr(0, current.size() - 2));
      }
      current.clear();
      escaped = false;
    } else if (b == 0x7D) {
      escaped = true;
    } else {
      current.push_back(static_cast<char>(escaped ? b ^ 0x20 : b));
      escaped = false;
    }
  }
  return frames;
}

// Protocol number of a frame, with or without the ff 03 header (slirp uses ACFC after LCP).
int Protocol(const std::string& frame) {
  std::size_t at = frame.compare(0, 2, "\xff\x03") == 0 ? 2 : 0;
  if (frame.size() < at + 2) return -1;
  return (static_cast<unsigned char>(frame[at]) << 8) | static_cast<unsigned char>(frame[at + 1]);
}

std::string Hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 3) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// Capture step 1w (docs/ppp.md, "Reference frames"): LCP Configure-Request id 1 <asyncmap 0>
// <magic 0x12345678> <pcomp> <accomp> from the client, escaped with the full ACCM, FCS 0x4cef in
// wire order.
const std::string kLcpConfigureRequestWire =
    Hex("7e ff 7d 23 c0 21 7d 21 7d 21 7d 20 7d 34 7d 22 7d 26 7d 20 7d 20 7d 20 7d 20 7d 25 7d 26 "
        "7d 32 34 56 78 7d 27 7d 22 7d 28 7d 22 4c ef 7e ");

// A fresh directory under /tmp (tests may share /tmp and a PID namespace), removed afterwards.
class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/uclink-sim-test-XXXXXX";
    if (::mkdtemp(templ) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class SimulatorPtyTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args) {
    sim_ = std::make_unique<SimProcess>(std::move(args));
    ASSERT_TRUE(sim_->started()) << "uclink-sim did not print a usable PTY line";
  }
  std::string Command(const std::string& line, const std::string& until = "OK\r\n") {
    sim_->Write(line + "\r");
    return sim_->ReadUntil(until, seconds(10));
  }
  // Dials and runs the LCP Configure exchange with slirp until both sides are Opened (slirp
  // starts IPCP). Returns false with a reason on failure.
  ::testing::AssertionResult OpenLcp() {
    Command("AT+CFUN=1");
    if (Command("AT+CGDATA=\"PPP\",1", "CONNECT\r\n").find("CONNECT") == std::string::npos) {
      return ::testing::AssertionFailure() << "no CONNECT";
    }
    sim_->Write(kLcpConfigureRequestWire);
    // slirp answers with its own Configure-Request and a Configure-Ack of ours.
    std::string slirp_request;
    bool acked = false;
    sim_->ReadWhile(
        [&](const std::string& wire) {
          for (const std::string& frame : Decode(wire)) {
            if (Protocol(frame) != 0xC021 || frame.size() < 5) continue;
            if (frame[4] == 0x01) slirp_request = frame;
            if (frame[4] == 0x02 && frame[5] == 0x01) acked = true;
          }
          return acked && !slirp_request.empty();
        },
        seconds(10));
    if (!acked) return ::testing::AssertionFailure() << "no LCP Configure-Ack from slirp";
    if (slirp_request.empty()) {
      return ::testing::AssertionFailure() << "no LCP Configure-Request from slirp";
    }
    // Ack slirp's request verbatim (code 1 → 2): both sides Opened, so slirp starts IPCP
    // (docs/ppp.md, "slirp-fullbolt as the test peer", on the wire 3).
    std::string ack = slirp_request;
    ack[4] = 0x02;
    sim_->Write(Encode(ack));
    bool ipcp = false;
    sim_->ReadWhile(
        [&](const std::string& wire) {
          for (const std::string& frame : Decode(wire)) ipcp = ipcp || Protocol(frame) == 0x8021;
          return ipcp;
        },
        seconds(10));
    if (!ipcp) return ::testing::AssertionFailure() << "LCP did not open: no IPCP from slirp";
    return ::testing::AssertionSuccess();
  }
  std::unique_ptr<SimProcess> sim_;
};

TEST_F(SimulatorPtyTest, AnswersAtOnThePtyWithEcho) {
  Start({"--fast"});
  EXPECT_EQ(Command("AT"), "AT\r\r\nOK\r\n");
  EXPECT_EQ(Command("AT+CGMI"), "AT+CGMI\r\r\nucchip\r\n\r\nOK\r\n");
}

TEST_F(SimulatorPtyTest, LinkPointsAtThePty) {
  TempDir dir;
  std::string link = dir.path() + "/modem";
  Start({"--fast", "--link", link});
  EXPECT_EQ(std::filesystem::read_symlink(link).string(), sim_->pty_path());
  sim_.reset();
  EXPECT_FALSE(std::filesystem::is_symlink(link));
}

TEST_F(SimulatorPtyTest, ControlSocketRebootPrintsTheBanner) {
  Start({"--fast"});
  Command("AT+CFUN=1");
  EXPECT_EQ(sim_->Control("reboot"), "OK");
  EXPECT_NE(sim_->ReadUntil("READY\r\n", seconds(10)).find("\r\nREADY\r\n"), std::string::npos);
  EXPECT_NE(Command("AT+CFUN?").find("+CFUN: 0"), std::string::npos);
}

TEST_F(SimulatorPtyTest, TranscriptRecordsBothDirections) {
  Start({"--fast"});
  Command("AT");
  std::ifstream log(sim_->dir() + "/log");
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find(" < AT\\r\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(" > \\r\\nOK\\r\\n\n"), std::string::npos) << text.str();
}

TEST_F(SimulatorPtyTest, TcpPortServesTheSameModule) {
  Start({"--fast", "--tcp", "127.0.0.1:0"});
  std::string line = sim_->ReadStdoutLine(seconds(10));
  ASSERT_EQ(line.rfind("TCP 127.0.0.1:", 0), 0u) << line;
  int port = std::stoi(line.substr(std::string("TCP 127.0.0.1:").size()));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::write(fd, "AT+CGMM\r", 8), 8);
  std::string answer;
  for (int i = 0; i < 100 && answer.find("OK\r\n") == std::string::npos; ++i) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[256];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_EQ(answer, "AT+CGMM\r\r\n8088\r\n\r\nOK\r\n");
}

TEST_F(SimulatorPtyTest, ScenarioFileAndFlagsShapeTheModule) {
  TempDir dir;
  std::string path = dir.path() + "/scenario.toml";
  std::ofstream(path) << "[module]\nmanufacturer = \"acme\"\n[network]\ncsq = 4\n";
  Start({"--fast", "--scenario", path, "--csq", "17"});
  EXPECT_EQ(Command("AT+CGMI"), "AT+CGMI\r\r\nacme\r\n\r\nOK\r\n");
  Command("AT+CFUN=1");
  EXPECT_NE(Command("AT+CSQ").find("+CSQ: 17,99"), std::string::npos);
}

TEST_F(SimulatorPtyTest, DataModeReachesSlirpAndLcpOpens) {
  Start({"--fast"});
  ASSERT_TRUE(OpenLcp());
  EXPECT_EQ(sim_->Control("drop"), "OK");
  EXPECT_NE(sim_->ReadUntil("NO CARRIER\r\n", seconds(10)).find("\r\nNO CARRIER\r\n"),
            std::string::npos);
  EXPECT_NE(Command("AT").find("OK"), std::string::npos);
}

// RFC 1661 §5.5: the host terminates the PPP session; slirp acknowledges and keeps running, but
// a real module ends the call: NO CARRIER, then the module answers AT again.
TEST_F(SimulatorPtyTest, HostLcpTerminateEndsTheCallWithNoCarrier) {
  Start({"--fast"});
  ASSERT_TRUE(OpenLcp());
  sim_->Write(Encode(std::string("\xff\x03\xc0\x21\x05\x02\x00\x04", 8)));  // Terminate-Request
  bool terminate_ack = false;
  std::string wire = sim_->ReadWhile(
      [&](const std::string& bytes) {
        for (const std::string& frame : Decode(bytes)) {
          std::size_t at = frame.compare(0, 2, "\xff\x03") == 0 ? 2 : 0;
          if (Protocol(frame) == 0xC021 && frame.size() > at + 2 && frame[at + 2] == 0x06) {
            terminate_ack = true;
          }
        }
        return terminate_ack && bytes.find("\r\nNO CARRIER\r\n") != std::string::npos;
      },
      seconds(10));
  EXPECT_TRUE(terminate_ack) << "no LCP Terminate-Ack from slirp";
  EXPECT_NE(wire.find("\r\nNO CARRIER\r\n"), std::string::npos);
  EXPECT_NE(Command("AT").find("OK"), std::string::npos);
  EXPECT_EQ(sim_->Control("status").rfind("OK mode=kCommand", 0), 0u);
}

TEST_F(SimulatorPtyTest, PeerExitPrintsNoCarrier) {
  Start({"--fast", "--ppp-peer", "sleep 0.3"});
  Command("AT+CFUN=1");
  ASSERT_NE(Command("ATD*99#", "CONNECT\r\n").find("CONNECT"), std::string::npos);
  EXPECT_NE(sim_->ReadUntil("NO CARRIER\r\n", seconds(10)).find("\r\nNO CARRIER\r\n"),
            std::string::npos);
  EXPECT_EQ(sim_->Control("status").rfind("OK mode=kCommand", 0), 0u);
}

TEST_F(SimulatorPtyTest, AMissingPeerBinaryEndsTheCallAtOnce) {
  Start({"--fast", "--ppp-peer", "/nonexistent/peer"});
  Command("AT+CFUN=1");
  EXPECT_NE(Command("AT+CGDATA=\"PPP\",1", "NO CARRIER\r\n").find("NO CARRIER"), std::string::npos);
}

}  // namespace
}  // namespace uclink::sim::testing
