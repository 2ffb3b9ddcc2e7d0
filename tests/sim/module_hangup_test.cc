// The simulated module ends a data call when the PPP session is terminated (RFC 1661 §5.5), as a
// real UC8088 does: golden LCP frames through the pure Module, no peer process.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sim/hdlc_watch.h"
#include "tests/sim/module_harness.h"

namespace uclink::sim::testing {
namespace {

using std::chrono::milliseconds;
using Kind = ModuleAction::Kind;
using Lines = std::vector<std::string>;

// Golden frames, hand-encoded with the default ACCM (RFC 1662 §7.1: every byte below 0x20 is
// sent as 0x7D, byte ^ 0x20) and FCS-16 (RFC 1662 §C.2, least significant byte first).
// ff 03 c0 21 | 05 01 00 04: the host's LCP Terminate-Request, identifier 1, no data.
const std::string kHostTerminateRequest(
    "\x7e\xff\x7d\x23\xc0\x21\x7d\x25\x7d\x21\x7d\x20\x7d\x24\x3d\xc7\x7e", 17);
// ff 03 c0 21 | 06 01 00 04: the network's Terminate-Ack of it.
const std::string kNetworkTerminateAck(
    "\x7e\xff\x7d\x23\xc0\x21\x7d\x26\x7d\x21\x7d\x20\x7d\x24\xf0\xe2\x7e", 17);
// ff 03 c0 21 | 05 07 00 04: the network's own Terminate-Request, identifier 7. Its FCS byte
// 0x11 is itself escaped (7d 31).
const std::string kNetworkTerminateRequest(
    "\x7e\xff\x7d\x23\xc0\x21\x7d\x25\x7d\x27\x7d\x20\x7d\x24\xe4\x7d\x31\x7e", 18);
// ff 03 c0 21 | 06 07 00 04: the host's Terminate-Ack of it.
const std::string kHostTerminateAck(
    "\x7e\xff\x7d\x23\xc0\x21\x7d\x26\x7d\x27\x7d\x20\x7d\x24\x29\x34\x7e", 17);
// ff 03 80 21 | 05 01 00 04: an IPCP Terminate-Request: closes IPCP only, the call stays.
const std::string kHostIpcpTerminateRequest(
    "\x7e\xff\x7d\x23\x80\x21\x7d\x25\x7d\x21\x7d\x20\x7d\x24\xec\xc5\x7e", 17);
// ff 03 c0 21 | 09 01 00 08 00 00 00 00: LCP Echo-Request: keeps the link, ends nothing.
const std::string kHostEchoRequest(
    "\x7e\xff\x7d\x23\xc0\x21\x7d\x29\x7d\x21\x7d\x20\x7d\x28\x7d\x20\x7d\x20\x7d\x20\x7d\x20"
    "\x6e\xf1\x7e",
    25);

std::vector<Kind> Kinds(const std::vector<ModuleAction>& actions) {
  std::vector<Kind> kinds;
  for (const ModuleAction& action : actions) kinds.push_back(action.kind);
  return kinds;
}

class ModuleHangupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.Command("AT+CFUN=1");
    ASSERT_EQ(h_.Lines("AT+CGDATA=\"PPP\",1"), Lines{"CONNECT"});
    ASSERT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kStartPeer});
  }
  void FromNetwork(const std::string& bytes) {
    h_.module().OnPeer(bytes, h_.now());
    h_.Advance(milliseconds(0));
  }
  ModuleHarness h_;
};

TEST_F(ModuleHangupTest, HostTerminateAckedByTheNetworkEndsTheCallAfterTheGrace) {
  h_.Send(kHostTerminateRequest);
  EXPECT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kWritePeer});
  FromNetwork(kNetworkTerminateAck);
  EXPECT_EQ(h_.TakeSerial(), kNetworkTerminateAck);  // the Ack still reaches the host
  h_.Advance(Module::kTerminateGrace - milliseconds(1));
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
  h_.Advance(milliseconds(1));
  EXPECT_EQ(h_.TakeSerial(), "\r\nNO CARRIER\r\n");
  EXPECT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kStopPeer});
  EXPECT_EQ(h_.module().mode(), LineMode::kCommand);
}

TEST_F(ModuleHangupTest, AfterTheHangupAtAnswersOkAndTheContextIsInactive) {
  h_.Send(kHostTerminateRequest);
  FromNetwork(kNetworkTerminateAck);
  h_.Advance(Module::kTerminateGrace);
  h_.TakeSerial();
  EXPECT_EQ(h_.Lines("AT"), Lines{"OK"});
  EXPECT_EQ(h_.Lines("AT+CGACT?"), (Lines{"+CGACT: 1,0", "OK"}));
}

TEST_F(ModuleHangupTest, UnansweredHostTerminateEndsTheCallAfterTheTimeout) {
  h_.Send(kHostTerminateRequest);
  h_.Advance(Module::kTerminateTimeout - milliseconds(1));
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
  h_.Advance(milliseconds(1));
  EXPECT_EQ(h_.TakeSerial(), "\r\nNO CARRIER\r\n");
  EXPECT_EQ(h_.module().mode(), LineMode::kCommand);
}

TEST_F(ModuleHangupTest, NetworkTerminateAckedByTheHostEndsTheCall) {
  FromNetwork(kNetworkTerminateRequest);
  h_.TakeSerial();
  h_.Send(kHostTerminateAck);
  h_.Advance(Module::kTerminateGrace);
  EXPECT_EQ(h_.TakeSerial(), "\r\nNO CARRIER\r\n");
  EXPECT_EQ(h_.module().mode(), LineMode::kCommand);
}

TEST_F(ModuleHangupTest, FramesSplitAtEveryByteAreStillSeen) {
  for (char c : kHostTerminateRequest) h_.Send(std::string(1, c));
  for (char c : kNetworkTerminateAck) FromNetwork(std::string(1, c));
  h_.Advance(Module::kTerminateGrace);
  EXPECT_EQ(h_.module().mode(), LineMode::kCommand);
}

TEST_F(ModuleHangupTest, AnAckWithoutARequestEndsNothing) {
  FromNetwork(kNetworkTerminateAck);
  h_.Advance(Module::kTerminateTimeout * 2);
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
}

TEST_F(ModuleHangupTest, IpcpTerminateAndLcpEchoKeepTheCall) {
  h_.Send(kHostIpcpTerminateRequest);
  h_.Send(kHostEchoRequest);
  h_.Advance(Module::kTerminateTimeout * 2);
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
  EXPECT_EQ(h_.TakeSerial(), "");
}

TEST_F(ModuleHangupTest, ACorruptedFcsIsIgnored) {
  std::string corrupted = kHostTerminateRequest;
  corrupted[corrupted.size() - 2] ^= 0x01;  // the FCS's second byte
  h_.Send(corrupted);
  h_.Advance(Module::kTerminateTimeout * 2);
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
}

TEST_F(ModuleHangupTest, ThePeerExitingInTheGraceGivesOneNoCarrier) {
  h_.Send(kHostTerminateRequest);
  FromNetwork(kNetworkTerminateAck);
  h_.TakeSerial();
  h_.module().OnPeerExit(h_.now());
  h_.Advance(Module::kTerminateTimeout);
  EXPECT_EQ(h_.TakeSerial(), "\r\nNO CARRIER\r\n");
}

TEST_F(ModuleHangupTest, ANewCallStartsWithAFreshWatch) {
  h_.Send(kHostTerminateRequest);  // unanswered, then the peer exits first
  h_.module().OnPeerExit(h_.now());
  h_.Advance(milliseconds(0));
  h_.TakeSerial();
  ASSERT_EQ(h_.Lines("AT+CGDATA=\"PPP\",1"), Lines{"CONNECT"});
  h_.Advance(Module::kTerminateTimeout * 2);  // the old request's timeout must not end it
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
}

// ---- the deframer on its own ----------------------------------------------------------------

std::vector<std::string> Deframe(const std::string& bytes) {
  HdlcDeframer deframer;
  std::vector<std::string> frames;
  deframer.Feed(bytes, [&frames](std::string_view frame) { frames.emplace_back(frame); });
  return frames;
}

TEST(HdlcDeframerTest, UnescapesAndStripsTheFcs) {
  EXPECT_EQ(Deframe(kHostTerminateRequest),
            std::vector<std::string>{std::string("\xff\x03\xc0\x21\x05\x01\x00\x04", 8)});
}

TEST(HdlcDeframerTest, SharedFlagsAndGarbageBetweenFrames) {
  // One flag may end a frame and start the next (RFC 1662 §3.1); noise with a bad FCS is dropped.
  std::string stream = "junk" + kHostTerminateRequest + kNetworkTerminateAck.substr(1);
  EXPECT_EQ(Deframe(stream).size(), 2u);
}

TEST(HdlcDeframerTest, OverlongFramesAreDropped) {
  EXPECT_TRUE(Deframe("\x7e" + std::string(HdlcDeframer::kMaxFrame + 10, 'a') + "\x7e").empty());
}

TEST(HdlcDeframerTest, LcpCodeReadsTheCodeWithOrWithoutTheHeader) {
  EXPECT_EQ(LcpCode(std::string("\xff\x03\xc0\x21\x05\x01\x00\x04", 8)), 5);
  EXPECT_EQ(LcpCode(std::string("\xc0\x21\x06\x01\x00\x04", 6)), 6);
  EXPECT_EQ(LcpCode(std::string("\xff\x03\x80\x21\x05\x01\x00\x04", 8)), std::nullopt);
  EXPECT_EQ(LcpCode(std::string("\xff\x03\xc0\x21\x05", 5)), std::nullopt);
}

TEST(HdlcDeframerTest, Fcs16MatchesTheRfcCheckValue) {
  // RFC 1662 §C.2: running the FCS over data plus its complemented FCS gives 0xF0B8.
  const std::string frame("\xff\x03\xc0\x21\x05\x01\x00\x04\x3d\xc7", 10);
  EXPECT_EQ(Fcs16(frame), 0xF0B8);
}

}  // namespace
}  // namespace uclink::sim::testing
