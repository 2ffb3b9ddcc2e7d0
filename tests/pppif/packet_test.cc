// Control packets and option lists (RFC 1661 §5, §6): malformed lengths never read past the input.
#include "pppif/packet.h"

#include <gtest/gtest.h>

#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;

TEST(PacketTest, ParsesHeaderAndData) {
  const auto bytes = Hex("09 07 00 08 12 34 56 78");
  const std::optional<ControlPacket> p = ParseControlPacket(bytes);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->code, 9);
  EXPECT_EQ(p->id, 7);
  EXPECT_EQ(p->data.size(), 4U);
}

TEST(PacketTest, LengthBelowHeaderIsInvalid) {
  EXPECT_FALSE(ParseControlPacket(Hex("09 07 00 03 00")).has_value());
}

TEST(PacketTest, LengthBeyondInputIsInvalid) {
  EXPECT_FALSE(ParseControlPacket(Hex("09 07 00 09 12 34 56 78")).has_value());
}

TEST(PacketTest, ShortInputIsInvalid) {
  EXPECT_FALSE(ParseControlPacket(Hex("09 07 00")).has_value());
}

TEST(PacketTest, PaddingAfterLengthIsNotData) {
  const auto bytes = Hex("06 01 00 04 00 00");
  ASSERT_TRUE(ParseControlPacket(bytes).has_value());
  EXPECT_TRUE(ParseControlPacket(bytes)->data.empty());
}

TEST(PacketTest, BuildsTheCapturedTerminateRequest) {
  // docs/ppp.md, "Reference frames", capture step 22: our LCP Terminate-Request.
  EXPECT_EQ(BuildControlPacket(5, 2, {}), Hex("05 02 00 04"));
}

TEST(OptionsTest, ParsesTheCapturedLcpOptions) {
  const auto bytes = Hex("01 04 05 dc 05 06 60 59 f0 49 07 02 08 02");
  const auto options = ParseOptions(bytes);
  ASSERT_TRUE(options.has_value());
  ASSERT_EQ(options->size(), 4U);
  EXPECT_EQ((*options)[0].type, 1);
  EXPECT_EQ(ReadU16((*options)[0].value), 1500);
  EXPECT_EQ(ReadU32((*options)[1].value), 0x6059F049U);
  EXPECT_TRUE((*options)[2].value.empty());
}

TEST(OptionsTest, LengthBelowTwoIsInvalid) {
  // pppd lcp_reqci: a length < 2 would loop forever or underflow.
  EXPECT_FALSE(ParseOptions(Hex("07 01")).has_value());
  EXPECT_FALSE(ParseOptions(Hex("07 00")).has_value());
}

TEST(OptionsTest, LengthPastTheEndIsInvalid) {
  EXPECT_FALSE(ParseOptions(Hex("05 06 60 59 f0")).has_value());
}

TEST(OptionsTest, LoneTypeByteIsInvalid) {
  EXPECT_FALSE(ParseOptions(Hex("07 02 08")).has_value());
}

TEST(OptionsTest, EmptyListIsValid) {
  ASSERT_TRUE(ParseOptions({}).has_value());
  EXPECT_TRUE(ParseOptions({})->empty());
}

TEST(OptionsTest, BuildersProduceTlv) {
  std::vector<std::uint8_t> out;
  AppendOptionU16(out, 1, 1500);
  AppendOptionU32(out, 2, 0);
  AppendOption(out, 7, {});
  EXPECT_EQ(out, Hex("01 04 05 dc 02 06 00 00 00 00 07 02"));
}

}  // namespace
}  // namespace uclink::pppif
