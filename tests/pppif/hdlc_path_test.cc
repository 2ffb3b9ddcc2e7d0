// The two escaping/unescaping paths of pppif/hdlc (HdlcPath::kPortable, eight bytes per step,
// and HdlcPath::kSsse3, sixteen) against a byte-at-a-time RFC 1662 reference written here, with
// every attention byte at every offset of a block, frames ending at every offset, and every
// split of the input. On a CPU without SSSE3 both parameters run the portable path.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "pppif/fcs.h"
#include "pppif/hdlc.h"
#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::ToHex;
using Bytes = std::vector<std::uint8_t>;

// RFC 1662 §4.2 byte by byte: the reference both paths must reproduce exactly.
Bytes ReferenceWire(std::uint16_t protocol, const Bytes& info, std::uint32_t accm) {
  Bytes frame = {0xFF, 0x03, static_cast<std::uint8_t>(protocol >> 8),
                 static_cast<std::uint8_t>(protocol)};
  frame.insert(frame.end(), info.begin(), info.end());
  const std::uint16_t fcs = FcsOf(frame);
  frame.push_back(static_cast<std::uint8_t>(fcs));
  frame.push_back(static_cast<std::uint8_t>(fcs >> 8));
  Bytes wire = {kFlag};
  for (std::uint8_t b : frame) {
    if (b == kFlag || b == kEscape || (b < 0x20 && ((accm >> b) & 1U) != 0)) {
      wire.push_back(kEscape);
      b ^= 0x20;
    }
    wire.push_back(b);
  }
  wire.push_back(kFlag);
  return wire;
}

struct RecordingSink : HdlcSink {
  void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) override {
    events.push_back(std::to_string(protocol) + ": " + ToHex(Bytes(info.begin(), info.end())));
  }
  void OnFrameError(FrameError error) override { events.push_back(ToString(error)); }
  void OnNoCarrier() override { events.push_back("NO CARRIER"); }
  std::vector<std::string> events;
};

std::string IpEvent(const Bytes& info) { return "33: " + ToHex(info); }  // protocol 0x0021

// Bytes biased towards the values either path treats specially.
Bytes BiasedBytes(std::mt19937& rng, std::size_t size) {
  static constexpr std::uint8_t kSpecials[] = {0x7E, 0x7D, 0x11, 0x00, 0x5E, 0x20, 0x1F, 0x5D};
  Bytes bytes(size);
  for (auto& b : bytes) {
    b = rng() % 3 == 0 ? kSpecials[rng() % 8] : static_cast<std::uint8_t>(rng());
  }
  return bytes;
}

constexpr std::uint32_t kAccms[] = {0, kDefaultAccm, 0x000A0000, 0x80000001};

class HdlcPathTest : public ::testing::TestWithParam<HdlcPath> {
 protected:
  Bytes Encode(const Bytes& info, std::uint32_t accm) {
    Bytes wire(MaxEncodedSize(info.size()));
    HdlcEncoder encoder(GetParam());
    wire.resize(encoder.Encode(0x0021, info, TxFraming{.accm = accm}, true, wire.data()));
    return wire;
  }

  // Feeds `wire` in the pieces [0, cut) and [cut, end).
  std::vector<std::string> Decode(const Bytes& wire, std::uint32_t accm, std::size_t cut,
                                  std::size_t max_frame = 1600) {
    HdlcDeframer deframer(max_frame, GetParam());
    deframer.SetReceiveAccm(accm);
    RecordingSink sink;
    deframer.Feed(std::span(wire).first(cut), sink);
    deframer.Feed(std::span(wire).subspan(cut), sink);
    return sink.events;
  }
};

TEST_P(HdlcPathTest, EscapeAtEveryBlockOffsetEncodesLikeTheReference) {
  for (std::uint32_t accm : kAccms) {
    for (std::uint8_t special : {0x7E, 0x7D, 0x00, 0x11, 0x13, 0x1F, 0x20, 0x5E}) {
      for (std::size_t pos = 0; pos < 48; ++pos) {
        Bytes info(48, 0x41);
        info[pos] = special;
        ASSERT_EQ(ToHex(Encode(info, accm)), ToHex(ReferenceWire(0x0021, info, accm)))
            << "accm " << accm << " byte " << int{special} << " at " << pos;
      }
    }
  }
}

TEST_P(HdlcPathTest, EveryLengthAroundTheBlockSizesEncodesLikeTheReference) {
  std::mt19937 rng(16);
  for (std::uint32_t accm : kAccms) {
    for (std::size_t size = 0; size <= 70; ++size) {
      const Bytes info = BiasedBytes(rng, size);
      const Bytes wire = Encode(info, accm);
      ASSERT_EQ(ToHex(wire), ToHex(ReferenceWire(0x0021, info, accm)))
          << "accm " << accm << " size " << size;
      ASSERT_LE(wire.size(), MaxEncodedSize(size));
    }
  }
}

TEST_P(HdlcPathTest, AllBytesEscapedFillTheWorstCaseBufferExactly) {
  // Every byte needs escaping: the wire is exactly MaxEncodedSize (minus the header bytes that
  // are never escaped), so a store past the bound would show up under ASan.
  const Bytes info(257, 0x7E);
  const Bytes wire = Encode(info, kDefaultAccm);
  EXPECT_EQ(ToHex(wire), ToHex(ReferenceWire(0x0021, info, kDefaultAccm)));
}

TEST_P(HdlcPathTest, EscapedByteAtEveryBlockOffsetDecodesAtEverySplit) {
  for (std::uint8_t special : {0x7E, 0x7D, 0x00, 0x11, 0x5E}) {
    for (std::size_t pos = 0; pos < 40; ++pos) {
      Bytes info(40, 0x41);
      info[pos] = special;
      const Bytes wire = ReferenceWire(0x0021, info, kDefaultAccm);
      for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        ASSERT_EQ(Decode(wire, kDefaultAccm, cut), std::vector<std::string>{IpEvent(info)})
            << "byte " << int{special} << " at " << pos << " cut " << cut;
      }
    }
  }
}

TEST_P(HdlcPathTest, FlagAtEveryBlockOffsetEndsItsFrame) {
  // Frames of 0..48 info bytes back to back put each closing flag at every offset of a block.
  std::mt19937 rng(7);
  for (std::uint32_t accm : kAccms) {
    Bytes wire;
    std::vector<std::string> expected;
    for (std::size_t size = 0; size <= 48; ++size) {
      const Bytes info = BiasedBytes(rng, size);
      const Bytes frame = ReferenceWire(0x0021, info, accm);
      wire.insert(wire.end(), frame.begin() + (size == 0 ? 0 : 1), frame.end());
      expected.push_back(IpEvent(info));
    }
    for (std::size_t cut = 0; cut <= wire.size(); cut += 3) {
      ASSERT_EQ(Decode(wire, accm, cut), expected) << "accm " << accm << " cut " << cut;
    }
  }
}

TEST_P(HdlcPathTest, InsertedControlCharacterAtEveryOffsetIsDropped) {
  // RFC 1662 §4.2: a raw flagged control character anywhere, also right after a 7D, vanishes and
  // leaves the escape pending; the block holding it takes the byte loop.
  Bytes info(40, 0x41);
  info[3] = 0x7E;
  info[15] = 0x7D;
  info[16] = 0x03;
  const Bytes wire = ReferenceWire(0x0021, info, kDefaultAccm);
  for (std::size_t pos = 1; pos + 1 < wire.size(); ++pos) {
    Bytes noisy = wire;
    noisy.insert(noisy.begin() + static_cast<std::ptrdiff_t>(pos), 0x13);
    ASSERT_EQ(Decode(noisy, kDefaultAccm, noisy.size()), std::vector<std::string>{IpEvent(info)})
        << "at " << pos;
  }
}

TEST_P(HdlcPathTest, DoubledEscapeAtEveryBlockOffsetKeepsEscaping) {
  // "7D 7D 5E" is 7E, as in the byte path: the second 7D restarts the escape.
  for (std::size_t pos = 0; pos < 36; ++pos) {
    Bytes info(36, 0x41);
    info[pos] = 0x7E;
    Bytes wire = ReferenceWire(0x0021, info, kDefaultAccm);
    const Bytes pair = {0x7D, 0x5E};
    const auto at = std::search(wire.begin() + 1, wire.end(), pair.begin(), pair.end());
    ASSERT_NE(at, wire.end());
    wire.insert(at, 0x7D);
    for (std::size_t cut = 0; cut <= wire.size(); cut += 5) {
      ASSERT_EQ(Decode(wire, kDefaultAccm, cut), std::vector<std::string>{IpEvent(info)})
          << "at " << pos << " cut " << cut;
    }
  }
}

TEST_P(HdlcPathTest, AbortAtEveryBlockOffsetIsReported) {
  // RFC 1662 §4.3: 7D 7E aborts however far into a block the 7D falls.
  const Bytes next = ReferenceWire(0x0021, Bytes{0x45}, kDefaultAccm);
  for (std::size_t pos = 0; pos < 40; ++pos) {
    Bytes wire = {0x7E, 0xFF, 0x7D, 0x23, 0x00, 0x21};
    wire.insert(wire.end(), pos, 0x41);
    wire.insert(wire.end(), {0x7D, 0x7E});
    wire.insert(wire.end(), next.begin() + 1, next.end());
    ASSERT_EQ(Decode(wire, kDefaultAccm, wire.size()),
              (std::vector<std::string>{"aborted frame", IpEvent(Bytes{0x45})}))
        << "at " << pos;
  }
}

TEST_P(HdlcPathTest, FramesAroundTheSizeLimitMatchThePortablePath) {
  // The unescape loops never write past max_frame: frames just under, at and over the limit.
  constexpr std::size_t kMaxFrame = 64;
  std::mt19937 rng(64);
  for (std::size_t size = 40; size <= 80; ++size) {
    const Bytes wire = ReferenceWire(0x0021, BiasedBytes(rng, size), kDefaultAccm);
    HdlcDeframer portable(kMaxFrame, HdlcPath::kPortable);
    RecordingSink expected;
    portable.Feed(wire, expected);
    EXPECT_EQ(Decode(wire, kDefaultAccm, wire.size() / 2, kMaxFrame), expected.events)
        << "size " << size;
  }
}

TEST_P(HdlcPathTest, ArbitraryStreamsInAnyChunkingMatchThePortablePath) {
  // Garbage, escapes split across reads, dropped control characters after an escape, oversized
  // runs: the path under test must report exactly what the portable byte-checked path reports.
  std::mt19937 rng(2026);
  for (std::uint32_t accm : kAccms) {
    for (int round = 0; round < 30; ++round) {
      Bytes stream = BiasedBytes(rng, 700);
      const Bytes good = ReferenceWire(0x0021, BiasedBytes(rng, 90), accm);
      stream.insert(stream.begin() + static_cast<std::ptrdiff_t>(rng() % stream.size()),
                    good.begin(), good.end());
      HdlcDeframer portable(128, HdlcPath::kPortable);
      portable.SetReceiveAccm(accm);
      RecordingSink expected;
      portable.Feed(stream, expected);
      for (std::size_t chunk : {stream.size(), std::size_t{1}, std::size_t{15}, std::size_t{17}}) {
        HdlcDeframer deframer(128, GetParam());
        deframer.SetReceiveAccm(accm);
        RecordingSink sink;
        for (std::size_t i = 0; i < stream.size(); i += chunk) {
          deframer.Feed(std::span(stream).subspan(i, std::min(chunk, stream.size() - i)), sink);
        }
        ASSERT_EQ(sink.events, expected.events)
            << "accm " << accm << " round " << round << " chunk " << chunk;
      }
    }
  }
}

TEST(HdlcPathNameTest, EveryPathHasAName) {
  EXPECT_STREQ(ToString(HdlcPath::kPortable), "portable");
  EXPECT_STREQ(ToString(HdlcPath::kSsse3), "ssse3");
}

TEST(HdlcPathNameTest, PortableIsAlwaysHonoured) {
  EXPECT_EQ(HdlcEncoder(HdlcPath::kPortable).path(), HdlcPath::kPortable);
  EXPECT_EQ(HdlcDeframer(64, HdlcPath::kPortable).path(), HdlcPath::kPortable);
}

INSTANTIATE_TEST_SUITE_P(BothPaths, HdlcPathTest,
                         ::testing::Values(HdlcPath::kPortable, HdlcPath::kSsse3),
                         [](const ::testing::TestParamInfo<HdlcPath>& info) {
                           return std::string(ToString(info.param));
                         });

}  // namespace
}  // namespace uclink::pppif
