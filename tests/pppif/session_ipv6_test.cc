// The Session with network.pdp_type "IPV6" (RFC 5072): IPV6CP beside IPCP, IPv6 carried both
// ways once it is Opened and dropped (counted) before, RDNSS read from Router Advertisements,
// and a peer without IPv6 that leaves the IPv4 link running. With "IP", IPV6CP and IPv6 frames
// are Protocol-Rejected (session_test.cc). Time is an argument; no sleeps.
#include <gtest/gtest.h>

#include <string>

#include "pppif/hdlc.h"
#include "pppif/session.h"
#include "tests/pppif/hex.h"
#include "tests/pppif/session_fixture.h"

namespace uclink::pppif {
namespace {

using testing::Hex;
using testing::kT0;
using testing::ToHex;
using namespace std::chrono_literals;

constexpr std::array<std::uint8_t, 8> kOurId{0, 0, 0, 0, 0, 0, 0, 0x11};
constexpr std::array<std::uint8_t, 8> kPeerId{0, 0, 0, 0, 0, 0, 0, 0x22};

// LCP frames are sent with every control character escaped, as before LCP is Opened (RFC 1662
// §7.1); everything else with the negotiated ACCM 0.
Bytes PeerFrame(std::uint16_t protocol, const Bytes& info) {
  Bytes out;
  AppendFrame(protocol, info, TxFraming{.accm = protocol == 0xC021 ? kDefaultAccm : 0}, true, out);
  return out;
}

// An IPv6 packet of `payload` octets (next header 59: none), plus `padding` octets after it.
Bytes Ipv6Packet(std::size_t payload, std::size_t padding = 0) {
  Bytes p(40 + payload + padding, 0xAB);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  p[4] = static_cast<std::uint8_t>(payload >> 8);
  p[5] = static_cast<std::uint8_t>(payload);
  p[6] = 59;
  p[7] = 64;
  return p;
}

// radvd's RA from fe80::22 with RDNSS 2001:db8::53 (tests/pppif/ra_test.cc has the layout).
Bytes RouterAdvert(std::uint32_t rdnss_lifetime) {
  Bytes p =
      Hex("60 00 00 00  00 28 3a ff"
          " fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 22"
          " ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01"
          " 86 00 00 00  40 00 07 08  00 00 00 00  00 00 00 00"
          " 19 03 00 00  00 00 00 00"
          " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 53");
  for (int i = 0; i < 4; ++i)
    p[40 + 16 + 4 + i] = static_cast<std::uint8_t>(rdnss_lifetime >> (24 - 8 * i));
  return p;
}

Bytes IdRequest(std::uint8_t code, std::uint8_t id, const std::array<std::uint8_t, 8>& value) {
  Bytes p{code, id, 0, 14, 1, 10};
  p.insert(p.end(), value.begin(), value.end());
  return p;
}

class SessionIpv6Test : public testing::SessionFixture {
 protected:
  static SessionConfig Config(bool ipv6) {
    SessionConfig config;
    config.magic = 0x12345678;
    config.random_seed = 1;
    config.ipv6 = ipv6;
    config.interface_id = kOurId;
    return config;
  }

  explicit SessionIpv6Test(bool ipv6 = true) : SessionFixture(Config(ipv6)) {}

  // LCP with slirp's options, no authentication; returns the frames of the Network phase.
  std::vector<std::string> OpenLcp() {
    session_.Open(kT0);
    Take();
    Feed(PeerFrame(0xC021, Hex("01 01 00 12 01 04 05 dc 05 06 60 59 f0 49 07 02 08 02")));
    return Feed(PeerFrame(0xC021, Hex("02 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 "
                                      "08 02")));
  }

  void OpenIpcp() {
    Feed(PeerFrame(0x8021, Hex("03 01 00 10 03 06 0a 00 02 0f 81 06 7f 00 00 01")));
    Feed(PeerFrame(0x8021, Hex("01 03 00 0a 03 06 0a 00 02 02")));
    Feed(PeerFrame(0x8021, Hex("02 02 00 16 03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 00 "
                               "00 00")));
  }

  // The peer asks for kPeerId and Acks our request (id 1 of our IPV6CP).
  void OpenIpv6cp() {
    Feed(PeerFrame(0x8057, IdRequest(1, 7, kPeerId)));
    Feed(PeerFrame(0x8057, IdRequest(2, 1, kOurId)));
  }
};

class SessionPdpTypeIpTest : public SessionIpv6Test {
 protected:
  SessionPdpTypeIpTest() : SessionIpv6Test(false) {}
};

TEST_F(SessionPdpTypeIpTest, Ipv6FramesAreProtocolRejectedAsToday) {
  OpenLcp();
  const Bytes packet = Ipv6Packet(4);
  std::vector<std::string> frames = Feed(PeerFrame(0x0057, packet));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].substr(0, 23), "c021: 08 02 00 32 00 57");
  EXPECT_TRUE(delivered_.empty());
  session_.OnIpPacket(packet, kT0);
  EXPECT_EQ(session_.counters().ipv6_dropped, 1u);
}

TEST_F(SessionIpv6Test, NetworkPhaseStartsIpcpAndIpv6cpWithOurIdentifier) {
  const std::vector<std::string> frames = OpenLcp();
  EXPECT_NE(
      std::find(frames.begin(), frames.end(), "8057: 01 01 00 0e 01 0a 00 00 00 00 00 00 00 11"),
      frames.end());
  EXPECT_NE(std::find_if(frames.begin(), frames.end(),
                         [](const std::string& f) { return f.starts_with("8021: 01"); }),
            frames.end());
}

TEST_F(SessionIpv6Test, OpenedIpv6cpReportsBothIdentifiers) {
  OpenLcp();
  OpenIpcp();
  OpenIpv6cp();
  ASSERT_EQ(ipv6_.size(), 1u);
  ASSERT_TRUE(ipv6_[0]);
  EXPECT_EQ(ipv6_[0]->local_id, kOurId);
  EXPECT_EQ(ipv6_[0]->peer_id, kPeerId);
  EXPECT_EQ(session_.ipv6(), ipv6_[0]);
}

TEST_F(SessionIpv6Test, Ipv6BeforeIpv6cpIsOpenedIsDroppedAndCounted) {
  OpenLcp();
  OpenIpcp();
  Feed(PeerFrame(0x0057, Ipv6Packet(8)));
  session_.OnIpPacket(Ipv6Packet(8), kT0);
  EXPECT_TRUE(Take().empty());
  EXPECT_TRUE(delivered_.empty());
  EXPECT_EQ(session_.counters().ipv6_dropped, 2u);
}

TEST_F(SessionIpv6Test, Ipv6IsCarriedBothWaysOnceOpenedAndTrimmedToItsLength) {
  OpenLcp();
  OpenIpcp();
  OpenIpv6cp();
  Feed(PeerFrame(0x0057, Ipv6Packet(8, /*padding=*/3)));
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(delivered_[0], Ipv6Packet(8));
  session_.OnIpPacket(Ipv6Packet(4), kT0);
  const std::vector<std::string> frames = Take();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], "0057: " + ToHex(Ipv6Packet(4)));
}

TEST_F(SessionIpv6Test, TruncatedIpv6IsDropped) {
  OpenLcp();
  OpenIpcp();
  OpenIpv6cp();
  Bytes packet = Ipv6Packet(100);
  packet.resize(60);
  Feed(PeerFrame(0x0057, packet));
  EXPECT_TRUE(delivered_.empty());
  EXPECT_EQ(session_.counters().dropped, 1u);
}

TEST_F(SessionIpv6Test, RouterAdvertisementRdnssBecomesTheDnsServers) {
  OpenLcp();
  OpenIpcp();
  OpenIpv6cp();
  Feed(PeerFrame(0x0057, RouterAdvert(3600)));
  EXPECT_EQ(delivered_.size(), 1u);  // the kernel gets the RA too: SLAAC is its job
  ASSERT_EQ(ipv6_.size(), 2u);
  ASSERT_EQ(ipv6_[1]->dns.size(), 1u);
  EXPECT_EQ(ipv6_[1]->dns[0][15], 0x53);
  // The same RA again changes nothing; lifetime 0 withdraws the server (RFC 8106 §5.1).
  Feed(PeerFrame(0x0057, RouterAdvert(3600)));
  EXPECT_EQ(ipv6_.size(), 2u);
  Feed(PeerFrame(0x0057, RouterAdvert(0)));
  ASSERT_EQ(ipv6_.size(), 3u);
  EXPECT_TRUE(ipv6_[2]->dns.empty());
}

TEST_F(SessionIpv6Test, PeerThatNeverAnswersIpv6cpLeavesIpv4Running) {
  // slirp drops IPV6CP silently (docs/ppp.md, "Pitfalls"): Max-Configure ends IPV6CP only.
  OpenLcp();
  OpenIpcp();
  Clock::time_point now = kT0;
  for (int i = 0; i < 20; ++i) {
    now += 3s;
    // The peer answers LCP echoes, so only IPV6CP goes unanswered.
    session_.OnTimer(now);
    for (const std::string& frame : Take()) {
      if (frame.starts_with("c021: 09")) {
        Bytes reply = Hex(frame.substr(6));
        reply[0] = 10;
        reply[4] = 0x60;  // the peer's magic
        Feed(PeerFrame(0xC021, reply), now);
      }
    }
  }
  EXPECT_TRUE(down_.empty());
  EXPECT_EQ(session_.phase(), Phase::kRunning);
  EXPECT_FALSE(session_.ipv6());
}

TEST_F(SessionIpv6Test, ProtocolRejectOfIpv6cpLeavesIpv4Running) {
  OpenLcp();
  OpenIpcp();
  Feed(PeerFrame(0xC021, Hex("08 09 00 12 80 57 01 01 00 0e 01 0a 00 00 00 00 00 00 00 11")));
  EXPECT_TRUE(down_.empty());
  EXPECT_EQ(session_.phase(), Phase::kRunning);
  // No IPV6CP retransmission follows: it is Stopped.
  session_.OnTimer(kT0 + 3s);
  for (const std::string& frame : Take()) EXPECT_FALSE(frame.starts_with("8057")) << frame;
}

TEST_F(SessionIpv6Test, PeerIpv6cpTerminateLeavesIpv4Running) {
  OpenLcp();
  OpenIpcp();
  OpenIpv6cp();
  const std::vector<std::string> frames = Feed(PeerFrame(0x8057, Hex("05 09 00 04")));
  EXPECT_NE(std::find(frames.begin(), frames.end(), "8057: 06 09 00 04"), frames.end());
  EXPECT_TRUE(down_.empty());
  ASSERT_EQ(ipv6_.size(), 2u);
  EXPECT_FALSE(ipv6_[1]);
}

}  // namespace
}  // namespace uclink::pppif
