// The Terminate-Request the daemon writes on a line that may still be in data mode
// (pppif/lcp_terminate.h).
#include "pppif/lcp_terminate.h"

#include <gtest/gtest.h>

#include <vector>

#include "pppif/fcs.h"

namespace uclink::pppif {
namespace {

TEST(LcpTerminateTest, FrameIsValidHdlc) {
  std::vector<std::uint8_t> frame = BuildLcpTerminateRequest(1);
  ASSERT_GE(frame.size(), 12u);
  EXPECT_EQ(frame.front(), 0x7e);
  EXPECT_EQ(frame.back(), 0x7e);
  // Unescape (RFC 1662 §4.2) and check the FCS: the good-FCS residue is 0xF0B8 (§C.2).
  std::vector<std::uint8_t> body;
  for (std::size_t i = 1; i + 1 < frame.size(); ++i) {
    body.push_back(frame[i] == 0x7d ? frame[++i] ^ 0x20 : frame[i]);
  }
  EXPECT_EQ(FcsUpdate(0xffff, body), 0xf0b8);
  EXPECT_EQ(std::vector<std::uint8_t>(body.begin(), body.begin() + 8),
            (std::vector<std::uint8_t>{0xff, 0x03, 0xc0, 0x21, 0x05, 0x01, 0x00, 0x04}));
}

// The bytes the connection manager built by hand before it asked the daemon for this frame:
// every control byte escaped under the default ACCM (RFC 1662 §7.1), FCS least significant
// octet first.
TEST(LcpTerminateTest, BytesAreTheOnesOnTheWire) {
  EXPECT_EQ(BuildLcpTerminateRequest(0x5a),
            (std::vector<std::uint8_t>{0x7e, 0xff, 0x7d, 0x23, 0xc0, 0x21, 0x7d, 0x25, 0x5a, 0x7d,
                                       0x20, 0x7d, 0x24, 0x78, 0x6d, 0x7e}));
}

}  // namespace
}  // namespace uclink::pppif
