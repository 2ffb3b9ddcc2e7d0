// Router Advertisement reading (RFC 4861 §4.2, §4.6.2; RFC 8106 §5.1): what the engine takes
// from an RA for DNS, and the RAs it must not believe.
#include "pppif/ra.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;
using Bytes = std::vector<std::uint8_t>;

// radvd's RA for "prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
// RDNSS 2001:db8::53 { AdvRDNSSLifetime 3600; };" with AdvDefaultLifetime 1800.
const std::string kIpv6Header =
    "60 00 00 00  00 48 3a ff"                           // payload 72, ICMPv6, hop limit 255
    " fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01"   // fe80::1
    " ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01";  // ff02::1
const std::string kRaHeader =
    " 86 00 00 00  40 00 07 08  00 00 00 00  00 00 00 00";  // type 134, lifetime 1800
const std::string kPrefix =
    " 03 04 40 c0  00 27 8d 00  00 09 3a 80  00 00 00 00"  // /64, L+A, 30 d / 7 d
    " 20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 00";
const std::string kRdnss =
    " 19 03 00 00  00 00 0e 10"  // RDNSS, one address, 3600 s
    " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 53";

Bytes Ra() { return Hex(kIpv6Header + kRaHeader + kPrefix + kRdnss); }

TEST(RouterAdvertTest, ReadsPrefixAndRdnssOfRadvdsAdvertisement) {
  const std::optional<RouterAdvert> ra = ParseRouterAdvert(Ra());
  ASSERT_TRUE(ra);
  EXPECT_EQ(FormatIpv6(ra->source), "fe80::1");
  EXPECT_EQ(ra->router_lifetime, 1800);
  ASSERT_EQ(ra->prefixes.size(), 1u);
  EXPECT_EQ(FormatIpv6(ra->prefixes[0].prefix), "2001:db8:1::");
  EXPECT_EQ(ra->prefixes[0].length, 64);
  EXPECT_TRUE(ra->prefixes[0].on_link);
  EXPECT_TRUE(ra->prefixes[0].autonomous);
  EXPECT_EQ(ra->prefixes[0].valid_lifetime, 2592000u);
  EXPECT_EQ(ra->prefixes[0].preferred_lifetime, 604800u);
  ASSERT_EQ(ra->dns.size(), 1u);
  EXPECT_EQ(FormatIpv6(ra->dns[0].address), "2001:db8::53");
  EXPECT_EQ(ra->dns[0].lifetime, 3600u);
}

TEST(RouterAdvertTest, RdnssWithTwoAddressesGivesBoth) {
  Bytes packet = Hex(kIpv6Header + kRaHeader +
                     " 19 05 00 00  00 00 0e 10"
                     " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 53"
                     " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 54");
  packet[5] = 16 + 40;
  const std::optional<RouterAdvert> ra = ParseRouterAdvert(packet);
  ASSERT_TRUE(ra);
  ASSERT_EQ(ra->dns.size(), 2u);
  EXPECT_EQ(FormatIpv6(ra->dns[1].address), "2001:db8::54");
}

TEST(RouterAdvertTest, ForwardedAdvertisementIsNotBelieved) {
  // RFC 4861 §6.1.2: hop limit must be 255, so the RA cannot have crossed a router.
  Bytes packet = Ra();
  packet[7] = 254;
  EXPECT_FALSE(ParseRouterAdvert(packet));
}

TEST(RouterAdvertTest, GlobalSourceIsNotBelieved) {
  Bytes packet = Ra();
  packet[8] = 0x20;
  packet[9] = 0x01;
  EXPECT_FALSE(ParseRouterAdvert(packet));
}

TEST(RouterAdvertTest, ZeroLengthOptionInvalidatesTheAdvertisement) {
  // RFC 4861 §4.6: a length of 0 must make the receiver discard the packet (else it loops).
  Bytes packet = Hex(kIpv6Header + kRaHeader + " 19 00 00 00 00 00 00 00");
  packet[5] = 24;
  EXPECT_FALSE(ParseRouterAdvert(packet));
}

TEST(RouterAdvertTest, OptionRunningPastThePacketInvalidatesIt) {
  Bytes packet = Ra();
  packet[40 + 16 + 32 + 1] = 4;  // RDNSS claims 32 octets, 24 follow
  EXPECT_FALSE(ParseRouterAdvert(packet));
}

TEST(RouterAdvertTest, PayloadLengthBeyondThePacketIsRefused) {
  Bytes packet = Ra();
  packet.resize(packet.size() - 8);
  EXPECT_FALSE(ParseRouterAdvert(packet));
}

TEST(RouterAdvertTest, ShortRdnssIsSkippedButThePrefixIsKept) {
  // RFC 8106 §5.1: length 3 at least; radvd never sends 2, a broken router might.
  Bytes packet = Hex(kIpv6Header + kRaHeader + kPrefix + " 19 02 00 00 00 00 0e 10" +
                     " 00 00 00 00 00 00 00 00");
  packet[5] = 16 + 32 + 16;
  const std::optional<RouterAdvert> ra = ParseRouterAdvert(packet);
  ASSERT_TRUE(ra);
  EXPECT_EQ(ra->prefixes.size(), 1u);
  EXPECT_TRUE(ra->dns.empty());
}

TEST(RouterAdvertTest, OtherIcmpv6AndOtherProtocolsAreNotAdvertisements) {
  Bytes solicitation = Ra();
  solicitation[40] = 133;  // Router Solicitation
  EXPECT_FALSE(ParseRouterAdvert(solicitation));
  Bytes udp = Ra();
  udp[6] = 17;
  EXPECT_FALSE(ParseRouterAdvert(udp));
  Bytes ipv4 = Ra();
  ipv4[0] = 0x45;
  EXPECT_FALSE(ParseRouterAdvert(ipv4));
  EXPECT_FALSE(ParseRouterAdvert({}));
}

}  // namespace
}  // namespace uclink::pppif
