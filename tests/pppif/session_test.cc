// The whole Session against scripted peers: the slirp-fullbolt capture (docs/ppp.md, "Reference
// frames"; #N below is its step N) frame by frame, PAP and CHAP, keepalive and every way a link
// dies. Time is an argument; no sleeps.
#include "pppif/session.h"

#include <gtest/gtest.h>

#include <string>

#include "pppif/hdlc.h"
#include "tests/pppif/hex.h"
#include "tests/pppif/session_fixture.h"

namespace uclink::pppif {
namespace {

using testing::FrameLog;
using testing::Hex;
using testing::kT0;
using testing::Text;
using testing::ToHex;
using namespace std::chrono_literals;

// Frames from the peer, encoded the way slirp sends them before/after LCP opens.
Bytes PeerFrame(std::uint16_t protocol, const std::string& info, bool full_accm = true) {
  Bytes out;
  AppendFrame(protocol, Hex(info), TxFraming{.accm = full_accm ? kDefaultAccm : 0}, true, out);
  return out;
}

class SessionTest : public testing::SessionFixture {
 protected:
  static SessionConfig Config() {
    SessionConfig config;
    config.magic = 0x12345678;  // the magic of the capture's client
    config.random_seed = 1;
    config.peer_placeholder = {10, 0, 2, 2};  // #10: what slirp was Nak'd with
    config.username = "gprs-user";
    config.password = "s3cret-pw";
    return config;
  }

  SessionTest() : SessionFixture(Config()) {}
  explicit SessionTest(SessionConfig config) : SessionFixture(std::move(config)) {}

  std::vector<std::string> Fire(Clock::time_point now) {
    session_.OnTimer(now);
    return Take();
  }

  // LCP with slirp's options (#1–#4), optionally with an Auth-Protocol option.
  void OpenLcp(const std::string& extra_peer_option = "") {
    session_.Open(kT0);
    Take();
    std::string opts = "01 04 05 dc 05 06 60 59 f0 49 07 02 08 02" + extra_peer_option;
    const std::size_t len = 4 + Hex(opts).size();
    char header[16];
    std::snprintf(header, sizeof header, "01 01 00 %02zx ", len);
    Feed(PeerFrame(0xC021, header + opts));
    Feed(PeerFrame(0xC021, "02 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02"));
  }

  // The whole slirp exchange up to IPCP Opened (#1–#14).
  void Negotiate() {
    OpenLcp();
    Feed(PeerFrame(0x8021, "03 01 00 10 03 06 0a 00 02 0f 81 06 7f 00 00 01", false));
    Feed(PeerFrame(0x8021, "01 03 00 0a 03 06 0a 00 02 02", false));
    Feed(PeerFrame(0x8021, "02 02 00 16 03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 00 00 00",
                   false));
    ASSERT_EQ(session_.phase(), Phase::kRunning);
  }
};

// A minimal IPv4 header + payload with a correct total length (checksums do not matter here).
Bytes Ipv4Packet(std::size_t size) {
  Bytes p(size, 0xAB);
  p[0] = 0x45;
  p[2] = static_cast<std::uint8_t>(size >> 8);
  p[3] = static_cast<std::uint8_t>(size);
  return p;
}

// ---------------------------------------------------------------- the slirp capture

TEST_F(SessionTest, OpenSendsTheCapturedConfigureRequestByteForByte) {
  // #1w: the exact wire bytes slirp-fullbolt answered, leading flag included.
  session_.Open(kT0);
  Take();
  ASSERT_EQ(wire_.size(), 1U);
  EXPECT_EQ(ToHex(wire_[0]),
            "7e ff 7d 23 c0 21 7d 21 7d 21 7d 20 7d 34 7d 22 7d 26 7d 20 7d 20 7d 20 7d 20 7d 25 "
            "7d 26 7d 32 34 56 78 7d 27 7d 22 7d 28 7d 22 4c ef 7e");
  EXPECT_EQ(timer_, kT0 + 3s);  // RFC 1661 §4.6 restart timer
  EXPECT_EQ(session_.phase(), Phase::kEstablish);
}

TEST_F(SessionTest, SlirpExchangeFollowsTheCaptureFrameByFrame) {
  session_.Open(kT0);
  Take();
  // #2w + #3: slirp's ConfReq (escaped FCS) and its Ack of ours, in one read.
  Bytes burst = Hex(
      "7e ff 7d 23 c0 21 7d 21 7d 21 7d 20 7d 32 7d 21 7d 24 7d 25 dc 7d 25 7d 26 60 59 f0 49 7d "
      "27 7d 22 7d 28 7d 22 7d 20 47 7e");
  const Bytes ack =
      PeerFrame(0xC021, "02 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02");
  burst.insert(burst.end(), ack.begin(), ack.end());
  // #4 our Ack (LCP Opened), then #12 our IPCP request for address and both DNS as 0.0.0.0.
  EXPECT_EQ(Feed(burst),
            (std::vector<std::string>{
                "c021: 02 01 00 12 01 04 05 dc 05 06 60 59 f0 49 07 02 08 02",
                "8021: 01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00"}));
  // RFC 1661 §5: the Ack (code 2) still went with full ACCM and FF 03; the IPCP frame after it
  // uses slirp's ACFC (no FF 03) and its default ACCM (it never asked for one).
  // (No leading flag: the previous frame's closing flag, sent just before, is shared.)
  EXPECT_EQ(ToHex(Bytes(wire_.back().begin(), wire_.back().begin() + 7)), "ff 7d 23 c0 21 7d 22");
  EXPECT_EQ(session_.counters().peer_magic, 0x6059F049U);

  // #5 + #6 wire bytes: IPCP ConfReq <addr 0.0.0.0> <VJ> with raw control bytes, then CCP.
  // #8: VJ Rejected (Reject wins over the Nak the address would get); #7: CCP Protocol-Rejected
  // (the capture's harness used id 3; ours counts LCP ids from 2 after the ConfReq).
  EXPECT_EQ(Feed(Hex("7e ff 03 80 21 01 01 00 10 03 06 00 00 00 00 02 06 00 2d 0f 01 da a2 7e "
                     "7e ff 03 80 fd 01 01 00 04 07 3f 7e")),
            (std::vector<std::string>{"8021: 04 01 00 0a 02 06 00 2d 0f 01",
                                      "c021: 08 02 00 0a 80 fd 01 01 00 04"}));
  // #9 → #10: slirp asks 0.0.0.0 for itself; Acking would make it terminate IPCP (#15).
  EXPECT_EQ(Feed(Hex("7e ff 03 80 21 01 02 00 0a 03 06 00 00 00 00 14 fe 7e")),
            std::vector<std::string>{"8021: 03 02 00 0a 03 06 0a 00 02 02"});
  // #11: it re-requests 10.0.2.2, which we Ack.
  EXPECT_EQ(Feed(Hex("7e ff 03 80 21 01 03 00 0a 03 06 0a 00 02 02 e5 7f 7e")),
            std::vector<std::string>{"8021: 02 03 00 0a 03 06 0a 00 02 02"});
  // #13: slirp Naks <addr 10.0.2.15> <ms-dns1 127.0.0.1>; we ask again with those values.
  EXPECT_EQ(Feed(Hex("7e ff 03 80 21 03 01 00 10 03 06 0a 00 02 0f 81 06 7f 00 00 01 f8 0b 7e")),
            std::vector<std::string>{
                "8021: 01 02 00 16 03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 00 00 00"});
  EXPECT_TRUE(up_.empty());  // Nak'd values are not used until Acked (pppd 2e09ef6)
  // #14: the Ack; DNS2 0.0.0.0 Acked means "no DNS2".
  EXPECT_TRUE(Feed(Hex("7e ff 03 80 21 02 02 00 16 03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 "
                       "00 00 00 b3 e0 7e"))
                  .empty());
  ASSERT_EQ(up_.size(), 1U);
  EXPECT_EQ(up_[0].local, (Ipv4{10, 0, 2, 15}));
  EXPECT_EQ(up_[0].peer, (Ipv4{10, 0, 2, 2}));
  EXPECT_EQ(up_[0].dns1, (Ipv4{127, 0, 0, 1}));
  EXPECT_FALSE(up_[0].dns2.has_value());
  EXPECT_EQ(up_[0].mtu, 1500);
  EXPECT_EQ(session_.phase(), Phase::kRunning);
  // #21: an ICMP echo reply with ACFC+PFC is delivered as the 36-byte IPv4 packet.
  Feed(
      Hex("7e 21 45 00 00 24 83 70 00 00 ff 01 20 58 0a 00 02 02 0a 00 02 0f 00 00 83 a3 42 42 "
          "00 01 50 50 50 54 45 53 54 21 9b 7a 7e"));
  ASSERT_EQ(delivered_.size(), 1U);
  EXPECT_EQ(delivered_[0].size(), 36U);
  EXPECT_EQ(session_.counters().fcs_errors, 0U);
}

TEST_F(SessionTest, SlirpStreamSplitAtEveryOffsetGivesTheSameResult) {
  // The peer's side of the exchange as one byte stream, cut in two at every offset.
  Bytes stream;
  auto add = [&](const Bytes& b) { stream.insert(stream.end(), b.begin(), b.end()); };
  add(PeerFrame(0xC021, "01 01 00 12 01 04 05 dc 05 06 60 59 f0 49 07 02 08 02"));
  add(PeerFrame(0xC021, "02 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02"));
  add(Hex("7e ff 03 80 21 01 01 00 10 03 06 00 00 00 00 02 06 00 2d 0f 01 da a2 7e"));
  add(Hex("7e ff 03 80 21 03 01 00 10 03 06 0a 00 02 0f 81 06 7f 00 00 01 f8 0b 7e"));
  add(Hex("7e ff 03 80 21 01 03 00 0a 03 06 0a 00 02 02 e5 7f 7e"));
  add(
      Hex("7e ff 03 80 21 02 02 00 16 03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 00 00 00 b3 "
          "e0 7e"));
  add(
      Hex("7e 21 45 00 00 24 83 70 00 00 ff 01 20 58 0a 00 02 02 0a 00 02 0f 00 00 83 a3 42 42 "
          "00 01 50 50 50 54 45 53 54 21 9b 7a 7e"));
  std::vector<std::string> reference;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    Session session(Config());
    session.Open(kT0);
    session.OnLineBytes(std::span(stream).first(cut), kT0);
    session.OnLineBytes(std::span(stream).subspan(cut), kT0);
    FrameLog log;
    HdlcDeframer deframer(4096);
    int ups = 0, delivered = 0;
    for (Action& a : session.TakeActions()) {
      if (auto* w = std::get_if<action::WriteLine>(&a)) deframer.Feed(w->bytes, log);
      ups += std::holds_alternative<action::Up>(a);
      delivered += std::holds_alternative<action::DeliverIp>(a);
    }
    if (cut == 0) reference = log.frames;
    EXPECT_EQ(log.frames, reference) << "cut " << cut;
    EXPECT_EQ(ups, 1) << "cut " << cut;
    EXPECT_EQ(delivered, 1) << "cut " << cut;
    EXPECT_EQ(session.phase(), Phase::kRunning) << "cut " << cut;
  }
  EXPECT_EQ(reference.size(), 6U);  // ConfReq, Ack, IPCP Req, IPCP Rej, IPCP Req 2, IPCP Ack
}

TEST_F(SessionTest, AckingPeerAddressZeroIsNeverDone) {
  // RFC 1332 §3.3: the answer to <addr 0.0.0.0> is a Nak with the placeholder (docs/ppp.md,
  // "Pitfalls: A peer asking for 0.0.0.0 is Nak'd").
  OpenLcp();
  EXPECT_EQ(Feed(PeerFrame(0x8021, "01 05 00 0a 03 06 00 00 00 00", false)),
            std::vector<std::string>{"8021: 03 05 00 0a 03 06 0a 00 02 02"});
}

TEST_F(SessionTest, IpcpTerminateRequestFromSlirpEndsTheLink) {
  // #15: what slirp sends when its address is unusable.
  Negotiate();
  EXPECT_EQ(Feed(Hex("7e ff 03 80 21 05 03 00 04 54 70 7e")),
            std::vector<std::string>{"8021: 06 03 00 04"});
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kPeerTerminated);
  EXPECT_EQ(session_.phase(), Phase::kDead);
}

// ---------------------------------------------------------------- IP data path

TEST_F(SessionTest, IpFromTunBeforeIpcpOpenedIsDroppedAndCounted) {
  OpenLcp();
  session_.OnIpPacket(Ipv4Packet(40), kT0);
  EXPECT_TRUE(Take().empty());
  EXPECT_EQ(session_.counters().dropped, 1U);
}

TEST_F(SessionTest, IpFromTunIsFramedWithPfcAndAcfcOnceRunning) {
  Negotiate();
  session_.OnIpPacket(Ipv4Packet(40), kT0 + 1s);
  const std::vector<std::string> frames = Take();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0], "0021: " + ToHex(Ipv4Packet(40)));
  EXPECT_EQ(wire_.back()[0], 0x7E);  // leading flag after a second of idle line
  EXPECT_EQ(wire_.back()[1], 0x21);  // PFC and ACFC as slirp agreed
  EXPECT_EQ(session_.counters().ip_packets_out, 1U);
}

TEST_F(SessionTest, IpLargerThanThePeerMruIsDropped) {
  Negotiate();
  session_.OnIpPacket(Ipv4Packet(1501), kT0);
  EXPECT_TRUE(Take().empty());
  EXPECT_EQ(session_.counters().dropped, 1U);
}

TEST_F(SessionTest, ReceivedIpIsTrimmedToItsTotalLength) {
  // RFC 791 §3.1 total length: HDLC padding never reaches the TUN device.
  Negotiate();
  Bytes padded = Ipv4Packet(28);
  padded.insert(padded.end(), {0, 0, 0, 0});
  Bytes wire;
  AppendFrame(0x0021, padded, TxFraming{.accm = 0}, true, wire);
  Feed(wire);
  ASSERT_EQ(delivered_.size(), 1U);
  EXPECT_EQ(delivered_[0], Ipv4Packet(28));
}

TEST_F(SessionTest, ReceivedIpWithBadTotalLengthIsDropped) {
  Negotiate();
  Bytes packet = Ipv4Packet(28);
  packet[3] = 60;  // claims more than the frame holds
  Bytes wire;
  AppendFrame(0x0021, packet, TxFraming{.accm = 0}, true, wire);
  Feed(wire);
  EXPECT_TRUE(delivered_.empty());
  EXPECT_EQ(session_.counters().dropped, 1U);
}

TEST_F(SessionTest, ReceivedIpBeforeIpcpOpenedIsDropped) {
  // RFC 1661 §3.6: network-layer packets before the NCP is Opened are discarded.
  OpenLcp();
  Bytes wire;
  AppendFrame(0x0021, Ipv4Packet(28), TxFraming{.accm = 0}, true, wire);
  Feed(wire);
  EXPECT_TRUE(delivered_.empty());
}

TEST_F(SessionTest, UnknownProtocolBeforeLcpOpenedIsIgnored) {
  session_.Open(kT0);
  Take();
  EXPECT_TRUE(Feed(PeerFrame(0x8057, "01 01 00 04")).empty());
}

TEST_F(SessionTest, Ipv6cpIsProtocolRejectedOnceLcpIsOpened) {
  OpenLcp();
  EXPECT_EQ(Feed(PeerFrame(0x8057, "01 01 00 04", false)),
            std::vector<std::string>{"c021: 08 02 00 0a 80 57 01 01 00 04"});
}

TEST_F(SessionTest, ProtocolRejectOfIpcpEndsTheLink) {
  OpenLcp();
  Feed(PeerFrame(0xC021, "08 09 00 0a 80 21 01 01 00 04", false));
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kNegotiationFailed);
}

// ---------------------------------------------------------------- keepalive

TEST_F(SessionTest, EchoRequestAfterAnIntervalOfSilence) {
  // #16: Echo-Request carries our magic.
  Negotiate();
  EXPECT_EQ(timer_, kT0 + 30s);
  EXPECT_EQ(Fire(kT0 + 30s), std::vector<std::string>{"c021: 09 02 00 08 12 34 56 78"});
}

TEST_F(SessionTest, EchoReplyMeasuresTheRoundTrip) {
  Negotiate();
  Fire(kT0 + 30s);
  // #17 with our id: slirp answers with its own magic.
  Feed(PeerFrame(0xC021, "0a 02 00 08 60 59 f0 49", false), kT0 + 30s + 70ms);
  ASSERT_TRUE(session_.counters().echo_rtt.has_value());
  EXPECT_EQ(*session_.counters().echo_rtt, 70ms);
}

TEST_F(SessionTest, NoEchoWhileDataFlows) {
  // Adaptive keepalive: any received frame proves the link alive.
  Negotiate();
  Bytes wire;
  AppendFrame(0x0021, Ipv4Packet(28), TxFraming{.accm = 0}, true, wire);
  Feed(wire, kT0 + 20s);
  EXPECT_TRUE(Fire(kT0 + 30s).empty());
  EXPECT_EQ(session_.counters().echo_requests_sent, 0U);
}

TEST_F(SessionTest, FourUnansweredEchoesEndTheLink) {
  Negotiate();
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(Fire(kT0 + i * 30s).size(), 1U) << "echo " << i;
  }
  EXPECT_TRUE(down_.empty());
  Fire(kT0 + 150s);
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kEchoTimeout);
  EXPECT_EQ(session_.phase(), Phase::kDead);
}

TEST_F(SessionTest, AnsweredEchoResetsTheFailureCount) {
  Negotiate();
  Fire(kT0 + 30s);
  Fire(kT0 + 60s);
  Fire(kT0 + 90s);
  Feed(PeerFrame(0xC021, "0a 05 00 08 60 59 f0 49", false), kT0 + 91s);
  for (int i = 4; i <= 8; ++i) Fire(kT0 + i * 30s);
  EXPECT_TRUE(down_.empty());
}

TEST_F(SessionTest, EchoIntervalZeroDisablesKeepalive) {
  SessionConfig config = Config();
  config.echo_interval = 0s;
  Session session(config);
  session.Open(kT0);
  session.TakeActions();
  EXPECT_EQ(session.counters().echo_requests_sent, 0U);
  session.OnTimer(kT0 + 1h);
  EXPECT_EQ(session.counters().echo_requests_sent, 0U);
}

// ---------------------------------------------------------------- link death

TEST_F(SessionTest, NoCarrierTextEndsTheLink) {
  Negotiate();
  Feed(Text("\r\nNO CARRIER\r\n"));
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kNoCarrier);
  EXPECT_FALSE(session_.ip().has_value());
}

TEST_F(SessionTest, LineClosedEndsTheLink) {
  Negotiate();
  session_.OnLineClosed(kT0);
  Take();
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kLineClosed);
}

TEST_F(SessionTest, PeerTerminateRequestIsAckedThenDown) {
  Negotiate();
  EXPECT_EQ(Feed(PeerFrame(0xC021, "05 07 00 04", false)),
            std::vector<std::string>{"c021: 06 07 00 04"});
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kPeerTerminated);
}

TEST_F(SessionTest, LocalCloseSendsTerminateRequestAndEndsOnAck) {
  Negotiate();
  session_.Close(kT0);
  EXPECT_EQ(Take(), std::vector<std::string>{"c021: 05 02 00 04"});
  EXPECT_TRUE(down_.empty());
  EXPECT_EQ(session_.phase(), Phase::kTerminate);
  // #23: slirp's Terminate-Ack, full ACCM.
  Feed(Hex("7e ff 7d 23 c0 21 7d 26 7d 22 7d 20 7d 24 94 7d 2d 7e"));
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kLocalClose);
}

TEST_F(SessionTest, LocalCloseEndsAfterMaxTerminateWithoutAnswer) {
  Negotiate();
  session_.Close(kT0);
  Take();
  EXPECT_EQ(Fire(kT0 + 3s), std::vector<std::string>{"c021: 05 03 00 04"});
  Fire(kT0 + 6s);
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kLocalClose);
}

TEST_F(SessionTest, SilentPeerFailsNegotiationAfterMaxConfigure) {
  session_.Open(kT0);
  Take();
  for (int i = 1; i <= 10; ++i) Fire(kT0 + i * 3s);
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kNegotiationFailed);
  EXPECT_EQ(session_.counters().frames_out, 10U);
}

TEST_F(SessionTest, LoopedLineIsDetectedByMagicNumber) {
  // RFC 1661 §6.4: a modem echoing our bytes back; each round we see our own magic.
  session_.Open(kT0);
  Take();
  for (int round = 0; round < 50 && down_.empty(); ++round) {
    ASSERT_FALSE(wire_.empty());
    const Bytes echoed = wire_.back();
    wire_.clear();
    Feed(echoed, kT0 + round * 1ms);
  }
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kLoopback);
}

// A module rebooted during the call is back in command mode with echo on (ITU-T V.250 §6.2.4:
// E1 is the default): every byte we send comes back. Our own Echo-Request is not the peer's
// answer (RFC 1661 §6.4), so the link must end at the first keepalive, not after ten of them.
TEST_F(SessionTest, OwnEchoComingBackEndsTheLinkAtTheFirstKeepalive) {
  Negotiate();
  wire_.clear();
  Clock::time_point t = kT0 + 30s;
  Fire(t);
  for (int round = 0; round < 20 && down_.empty(); ++round) {
    ASSERT_FALSE(wire_.empty()) << "round " << round;
    std::vector<Bytes> sent = std::exchange(wire_, {});
    t += 5ms;  // the module's echo takes a few milliseconds
    for (const Bytes& bytes : sent) Feed(bytes, t);
    if (timer_ && *timer_ <= t) Fire(t);
  }
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kLoopback) << down_[0].detail;
  EXPECT_LE(t, kT0 + 30s + 100ms);
  EXPECT_GE(session_.counters().looped_frames, 3U);
}

TEST_F(SessionTest, OwnEchoComingBackDoesNotResetTheUnansweredCount) {
  // With keepalive disabled between looped frames (nothing else sent), the count still runs.
  Negotiate();
  wire_.clear();
  Fire(kT0 + 30s);
  ASSERT_EQ(wire_.size(), 1U);
  const Bytes echo = wire_.back();
  Feed(echo, kT0 + 30s + 5ms);  // our own Echo-Request, looped once
  EXPECT_EQ(session_.counters().looped_frames, 1U);
  EXPECT_EQ(session_.counters().echo_rtt, std::nullopt);  // not an answer
}

TEST_F(SessionTest, OwnIpTrafficComingBackDoesNotKeepTheLinkAlive) {
  // Busy applications keep sending; their packets, echoed by the module, are not the network.
  Negotiate();
  wire_.clear();
  Bytes own = Ipv4Packet(40);
  std::copy_n(up_[0].local.begin(), 4, own.begin() + 12);  // source: our own address
  Clock::time_point t = kT0;
  for (int second = 1; second <= 40 && down_.empty(); ++second) {
    t = kT0 + second * 1s;
    session_.OnIpPacket(own, t);
    Take();
    if (timer_ && *timer_ <= t) Fire(t);
    for (int hop = 0; hop < 10 && !wire_.empty() && down_.empty(); ++hop) {
      std::vector<Bytes> sent = std::exchange(wire_, {});
      for (const Bytes& bytes : sent) Feed(bytes, t);
      if (timer_ && *timer_ <= t) Fire(t);
    }
  }
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kLoopback) << down_[0].detail;
  EXPECT_LE(t, kT0 + 1s) << "the first looped packet triggers the check";
  EXPECT_TRUE(delivered_.empty()) << "our own packets never reach the TUN device";
}

TEST_F(SessionTest, GenuineReplyBetweenLoopedFramesKeepsTheLink) {
  // One stray looped frame, then the peer answers: a line that recovers is not looped.
  Negotiate();
  wire_.clear();
  Fire(kT0 + 30s);
  const Bytes echo = wire_.back();
  Feed(echo, kT0 + 30s + 5ms);
  Feed(PeerFrame(0xC021, "0a 02 00 08 60 59 f0 49", false), kT0 + 30s + 10ms);
  Feed(echo, kT0 + 30s + 15ms);
  Feed(PeerFrame(0xC021, "0a 03 00 08 60 59 f0 49", false), kT0 + 30s + 20ms);
  EXPECT_TRUE(down_.empty());
}

TEST_F(SessionTest, NothingHappensAfterDown) {
  Negotiate();
  session_.OnLineClosed(kT0);
  Take();
  session_.OnIpPacket(Ipv4Packet(40), kT0);
  session_.OnTimer(kT0 + 30s);
  EXPECT_TRUE(session_.TakeActions().empty());
}

// ---------------------------------------------------------------- authentication

TEST_F(SessionTest, PapRequestCarriesTheCredentialsAndAckStartsIpcp) {
  // zephyr#66177: a modem asking only <auth pap>.
  OpenLcp(" 03 04 c0 23");
  EXPECT_EQ(session_.phase(), Phase::kAuthenticate);
  // RFC 1334 §2.2.1: Peer-ID-Length, Peer-ID, Passwd-Length, Password.
  const std::vector<std::string> pap = Take();
  ASSERT_FALSE(wire_.empty());
  FrameLog log;
  HdlcDeframer deframer(4096);
  for (const Bytes& w : wire_) deframer.Feed(w, log);
  const std::string expected =
      "c023: 01 01 00 18 09 " + ToHex(Text("gprs-user")) + " 09 " + ToHex(Text("s3cret-pw"));
  EXPECT_NE(std::find(log.frames.begin(), log.frames.end(), expected), log.frames.end());
  EXPECT_EQ(Feed(PeerFrame(0xC023, "02 01 00 05 00", false)),
            std::vector<std::string>{
                "8021: 01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00"});
  EXPECT_EQ(session_.phase(), Phase::kNetwork);
}

TEST_F(SessionTest, PapNakEndsWithAuthFailedAndNoCredentialInTheDetail) {
  OpenLcp(" 03 04 c0 23");
  Feed(PeerFrame(0xC023, "03 01 00 0a 05 " + ToHex(Text("nope!")), false));
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kAuthFailed);
  EXPECT_EQ(down_[0].detail.find("s3cret-pw"), std::string::npos);
  EXPECT_NE(down_[0].detail.find("nope!"), std::string::npos);
}

TEST_F(SessionTest, PapIsRetransmittedThenGivesUp) {
  OpenLcp(" 03 04 c0 23");
  Take();
  for (int i = 1; i < 10; ++i) EXPECT_EQ(Fire(kT0 + i * 3s).size(), 1U) << "retry " << i;
  Fire(kT0 + 30s);
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kAuthFailed);
}

TEST_F(SessionTest, ChapMd5ResponseMatchesRfc1994) {
  // RFC 1994 §4.1: MD5(id 01 ‖ "secret" ‖ 01..10) = bb84a7f2e418de521cf8e784e3597d7e.
  SessionConfig config = Config();
  config.password = "secret";
  Session session(config);
  session.Open(kT0);
  session.OnLineBytes(PeerFrame(0xC021, "01 01 00 09 03 05 c2 23 05"), kT0);
  session.OnLineBytes(
      PeerFrame(0xC021, "02 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02"), kT0);
  EXPECT_EQ(session.phase(), Phase::kAuthenticate);
  session.OnLineBytes(
      PeerFrame(0xC223, "01 01 00 15 10 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10", false),
      kT0);
  FrameLog log;
  HdlcDeframer deframer(4096);
  for (Action& a : session.TakeActions()) {
    if (auto* w = std::get_if<action::WriteLine>(&a)) deframer.Feed(w->bytes, log);
  }
  ASSERT_EQ(log.frames.size(), 3U);  // ConfReq, ConfAck, Response
  EXPECT_EQ(log.frames[2], "c223: 02 01 00 1e 10 bb 84 a7 f2 e4 18 de 52 1c f8 e7 84 e3 59 7d 7e " +
                               ToHex(Text("gprs-user")));
}

TEST_F(SessionTest, ChapSuccessStartsIpcp) {
  // ppp-project/ppp#83: a GPRS network asking <auth chap MD5>, which we Ack.
  OpenLcp(" 03 05 c2 23 05");
  Feed(PeerFrame(0xC223, "01 07 00 09 04 aa bb cc dd", false));
  EXPECT_EQ(Feed(PeerFrame(0xC223, "03 07 00 04", false)),
            std::vector<std::string>{
                "8021: 01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00"});
}

TEST_F(SessionTest, ChapFailureEndsWithAuthFailed) {
  OpenLcp(" 03 05 c2 23 05");
  Feed(PeerFrame(0xC223, "01 07 00 09 04 aa bb cc dd", false));
  Feed(PeerFrame(0xC223, "04 07 00 04", false));
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kAuthFailed);
}

TEST_F(SessionTest, ChapWithoutChallengeTimesOut) {
  OpenLcp(" 03 05 c2 23 05");
  Fire(kT0 + 30s);
  ASSERT_EQ(down_.size(), 1U);
  EXPECT_EQ(down_[0].reason, DownReason::kAuthFailed);
}

TEST_F(SessionTest, IpcpDuringAuthenticationIsDiscarded) {
  // RFC 1661 §3.5: only LCP and authentication packets in the Authenticate phase.
  OpenLcp(" 03 04 c0 23");
  Take();
  EXPECT_TRUE(Feed(PeerFrame(0x8021, "01 01 00 0a 03 06 0a 00 02 02", false)).empty());
}

TEST_F(SessionTest, EveryEnumHasAName) {
  for (DownReason r :
       {DownReason::kEchoTimeout, DownReason::kNoCarrier, DownReason::kLineClosed,
        DownReason::kPeerTerminated, DownReason::kLocalClose, DownReason::kNegotiationFailed,
        DownReason::kAuthFailed, DownReason::kLoopback}) {
    EXPECT_STRNE(ToString(r), "?");
  }
  for (Phase p : {Phase::kDead, Phase::kEstablish, Phase::kAuthenticate, Phase::kNetwork,
                  Phase::kRunning, Phase::kTerminate}) {
    EXPECT_STRNE(ToString(p), "?");
  }
}

}  // namespace
}  // namespace uclink::pppif
