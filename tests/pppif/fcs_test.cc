// FCS-16 (RFC 1662 App. C.2): catalogue check value, good residue over captured frames, and the
// slice-by-8 path against the byte-at-a-time table step.
#include "pppif/fcs.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>

#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;

TEST(FcsTest, CheckValueOf123456789Is906E) {
  // CRC-16/X-25 catalogue check value (docs/ppp.md, "Reference frames"): proves polynomial,
  // reflection, init and final complement together.
  const std::string_view text = "123456789";
  const std::vector<std::uint8_t> bytes(text.begin(), text.end());
  EXPECT_EQ(FcsOf(bytes), 0x906E);
}

TEST(FcsTest, EmptyPayloadFcsIsZeroBytes) {
  // "7E 00 00 7E" carries a valid FCS for nothing, which is why runts are checked (RFC 1662 §4.3).
  EXPECT_EQ(FcsOf({}), 0x0000);
}

TEST(FcsTest, CapturedFramesLeaveGoodResidue) {
  // Frames exchanged with slirp-fullbolt and from real modules (docs/ppp.md, "Reference frames"),
  // each with its FCS: running the register over frame + FCS must leave 0xF0B8 (RFC 1662
  // App. C.2).
  const char* const frames[] = {
      "ff 03 c0 21 01 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02 4c ef",
      "ff 03 c0 21 01 01 00 12 01 04 05 dc 05 06 60 59 f0 49 07 02 08 02 00 47",
      "ff 03 c0 21 02 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02 a7 86",
      "ff 03 80 21 01 01 00 10 03 06 00 00 00 00 02 06 00 2d 0f 01 da a2",
      "ff 03 80 21 01 02 00 0a 03 06 00 00 00 00 14 fe",
      "ff 03 80 21 01 03 00 0a 03 06 0a 00 02 02 e5 7f",
      "ff 03 80 21 01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00 6e db",
      "ff 03 80 21 03 01 00 10 03 06 0a 00 02 0f 81 06 7f 00 00 01 f8 0b",
      "ff 03 80 21 02 02 00 16 03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 00 00 00 b3 e0",
      "ff 03 80 21 05 03 00 04 54 70",
      "ff 03 c0 21 09 07 00 08 12 34 56 78 53 ce",
      "ff 03 c0 21 0a 07 00 08 60 59 f0 49 a7 06",
      "ff 03 c0 21 07 02 00 08 20 09 00 04 64 3c",
      "FF03C02101010018010406400206000000000506326C455607020802 df 2a",
      "FF03C021010300190206000A00000702080205067377BDA10305C22305 b1 0b",
      "FF03C021030300080304C023 99 7f",
      "ff 03 c0 21 01 02 00 08 03 04 c0 23 23 eb",
      "ff 03 c0 21 09 02 00 08 50 ed 76 89 15 c7",
  };
  for (const char* frame : frames) {
    EXPECT_EQ(FcsUpdate(kFcsInit, Hex(frame)), kFcsGood) << frame;
  }
}

TEST(FcsTest, SliceBy8MatchesByteAtATimeForEveryLengthAndStart) {
  // The 8-byte path must agree with the table step for all lengths and misalignments.
  std::mt19937 rng(7);
  std::vector<std::uint8_t> data(300);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t start = 0; start < 8; ++start) {
    for (std::size_t len = 0; start + len <= data.size(); len += 7) {
      std::uint16_t slow = kFcsInit;
      for (std::size_t i = 0; i < len; ++i) slow = FcsUpdateByte(slow, data[start + i]);
      EXPECT_EQ(FcsUpdate(kFcsInit, std::span(data).subspan(start, len)), slow)
          << "start " << start << " len " << len;
    }
  }
}

}  // namespace
}  // namespace uclink::pppif
