// RFC 1662 framing: captured wire bytes both ways, ACCM rules, invalid frames, resync, modem text
// in the stream, and every capture split at every offset.
#include "pppif/hdlc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "pppif/fcs.h"
#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::FrameText;
using testing::Hex;
using testing::Text;
using testing::ToHex;
using Bytes = std::vector<std::uint8_t>;

// Records what the deframer reports, as readable strings.
struct RecordingSink : HdlcSink {
  void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) override {
    events.push_back(FrameText(protocol, info));
  }
  void OnFrameError(FrameError error) override { events.push_back(ToString(error)); }
  void OnNoCarrier() override { events.push_back("NO CARRIER"); }
  std::vector<std::string> events;
};

std::vector<std::string> Decode(const Bytes& wire, std::uint32_t rx_accm = 0,
                                std::size_t max_frame = 1600) {
  HdlcDeframer deframer(max_frame);
  deframer.SetReceiveAccm(rx_accm);
  RecordingSink sink;
  deframer.Feed(wire, sink);
  return sink.events;
}

Bytes Encode(std::uint16_t protocol, const Bytes& info, TxFraming framing, bool leading = true) {
  Bytes out;
  AppendFrame(protocol, info, framing, leading, out);
  return out;
}

// Wraps a hand-made frame (address..information) with its FCS, 7D/7E escaping and flags, so a
// test can put an invalid header behind a valid FCS.
Bytes RawWire(Bytes frame) {
  const std::uint16_t fcs = FcsOf(frame);
  frame.push_back(static_cast<std::uint8_t>(fcs));
  frame.push_back(static_cast<std::uint8_t>(fcs >> 8));
  Bytes wire = {0x7E};
  for (std::uint8_t b : frame) {
    if (b == 0x7E || b == 0x7D) {
      wire.push_back(0x7D);
      b ^= 0x20;
    }
    wire.push_back(b);
  }
  wire.push_back(0x7E);
  return wire;
}

const Bytes kEscapePair = {0x7D, 0x5E};

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The slirp capture (docs/ppp.md, "Reference frames"; #N = step N).
// #1/#1w: our first LCP ConfReq, sent with ACCM 0xFFFFFFFF before negotiation.
const Bytes kLcpReqInfo = Hex("01 01 00 14 02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02");
const Bytes kLcpReqWire =
    Hex("7e ff 7d 23 c0 21 7d 21 7d 21 7d 20 7d 34 7d 22 7d 26 7d 20 7d 20 7d 20 7d 20 7d 25 7d 26 "
        "7d 32 34 56 78 7d 27 7d 22 7d 28 7d 22 4c ef 7e");
// #2w: slirp's LCP ConfReq; its FCS byte 0x00 arrives escaped as 7d 20.
const Bytes kSlirpLcpReqWire =
    Hex("7e ff 7d 23 c0 21 7d 21 7d 21 7d 20 7d 32 7d 21 7d 24 7d 25 dc 7d 25 7d 26 60 59 f0 49 7d "
        "27 7d 22 7d 28 7d 22 7d 20 47 7e");
// #5: slirp's IPCP ConfReq after LCP opened with asyncmap 0: control bytes arrive raw.
const Bytes kSlirpIpcpReqWire =
    Hex("7e ff 03 80 21 01 01 00 10 03 06 00 00 00 00 02 06 00 2d 0f 01 da a2 7e");
// #6: slirp's CCP ConfReq (no options).
const Bytes kSlirpCcpWire = Hex("7e ff 03 80 fd 01 01 00 04 07 3f 7e");
// #13b: an IPCP Nak whose FCS contains 0x7E, escaped as 7d 5e.
const Bytes kSlirpNakWire =
    Hex("7e ff 03 80 21 03 01 00 10 03 06 0a 00 02 0f 81 06 0a ff ff 35 7d 5e 71 7e");
// #21: an ICMP echo reply with ACFC and PFC: protocol byte 21, no ff 03.
const Bytes kSlirpIcmpWire =
    Hex("7e 21 45 00 00 24 83 70 00 00 ff 01 20 58 0a 00 02 02 0a 00 02 0f 00 00 83 a3 42 42 00 01 "
        "50 50 50 54 45 53 54 21 9b 7a 7e");
// #23: slirp's Terminate-Ack, full ACCM again.
const Bytes kSlirpTermAckWire = Hex("7e ff 7d 23 c0 21 7d 26 7d 22 7d 20 7d 24 94 7d 2d 7e");

const std::vector<std::string> kCaptureEvents = {
    "c021: 01 01 00 12 01 04 05 dc 05 06 60 59 f0 49 07 02 08 02",
    "8021: 01 01 00 10 03 06 00 00 00 00 02 06 00 2d 0f 01",
    "80fd: 01 01 00 04",
    "8021: 03 01 00 10 03 06 0a 00 02 0f 81 06 0a ff ff 35",
    "0021: 45 00 00 24 83 70 00 00 ff 01 20 58 0a 00 02 02 0a 00 02 0f 00 00 83 a3 42 42 00 01 50 "
    "50 50 54 45 53 54 21",
    "c021: 06 02 00 04",
};

Bytes Capture() {
  return Concat({kSlirpLcpReqWire, kSlirpIpcpReqWire, kSlirpCcpWire, kSlirpNakWire, kSlirpIcmpWire,
                 kSlirpTermAckWire});
}

TEST(HdlcEncodeTest, LcpConfigureRequestMatchesCapturedWireBytes) {
  // The exact bytes slirp accepted (capture step 1w): all control characters escaped.
  EXPECT_EQ(ToHex(Encode(kProtoLcp, kLcpReqInfo, TxFraming{})), ToHex(kLcpReqWire));
}

TEST(HdlcEncodeTest, LcpConfigureCodesIgnoreNegotiatedFraming) {
  // RFC 1661 §5: codes 1–7 always go with default framing, even after ACCM 0/ACFC/PFC.
  const TxFraming negotiated{.accm = 0, .acfc = true, .pfc = true};
  const TxFraming chosen = SelectFraming(kProtoLcp, kLcpReqInfo, negotiated);
  EXPECT_EQ(chosen.accm, kDefaultAccm);
  EXPECT_FALSE(chosen.acfc);
  EXPECT_FALSE(chosen.pfc);
}

TEST(HdlcEncodeTest, EchoRequestUsesNegotiatedFraming) {
  // Codes 8 and up (Echo, Protocol-Reject) follow the negotiated ACCM and compression.
  const TxFraming negotiated{.accm = 0, .acfc = true, .pfc = true};
  const TxFraming chosen = SelectFraming(kProtoLcp, Hex("09 07 00 08 12 34 56 78"), negotiated);
  EXPECT_EQ(chosen.accm, 0U);
  EXPECT_TRUE(chosen.acfc);
}

TEST(HdlcEncodeTest, IpWithAcfcAndPfcStartsWithOneProtocolByte) {
  // RFC 1661 §6.5/6.6: 0x0021 compresses to "21", address/control omitted.
  const Bytes wire =
      Encode(0x0021, Hex("45 00 00 14"), TxFraming{.accm = 0, .acfc = true, .pfc = true});
  ASSERT_GE(wire.size(), 3U);
  EXPECT_EQ(wire[0], 0x7E);
  EXPECT_EQ(wire[1], 0x21);
  EXPECT_EQ(wire[2], 0x45);
}

TEST(HdlcEncodeTest, PfcDoesNotCompressTwoByteProtocols) {
  // 0x8021 has a non-zero high byte, so it is always sent as two bytes.
  const Bytes wire =
      Encode(0x8021, Hex("01 01 00 04"), TxFraming{.accm = 0, .acfc = true, .pfc = true});
  EXPECT_EQ(ToHex(Bytes(wire.begin(), wire.begin() + 3)), "7e 80 21");
}

TEST(HdlcEncodeTest, FlagEscapeAndCaretAreEscapedCorrectly) {
  // RFC 1662 §4.2: 7E → 7D 5E, 7D → 7D 5D; 5E itself is never escaped (7D 7E would abort).
  const Bytes wire =
      Encode(0x0021, Hex("7e 7d 5e"), TxFraming{.accm = 0, .acfc = true, .pfc = true}, false);
  EXPECT_EQ(ToHex(Bytes(wire.begin(), wire.begin() + 6)), "21 7d 5e 7d 5d 5e");
}

TEST(HdlcEncodeTest, OnlyControlCharactersInTheAccmAreEscaped) {
  // ACCM 0x000A0000 (the GPRS network in ppp-project/ppp#83): escape 0x11 and 0x13 only.
  const Bytes wire = Encode(0x0021, Hex("11 12 13"),
                            TxFraming{.accm = 0x000A0000, .acfc = true, .pfc = true}, false);
  EXPECT_EQ(ToHex(Bytes(wire.begin(), wire.begin() + 6)), "21 7d 31 12 7d 33");
}

TEST(HdlcEncodeTest, NoLeadingFlagWhenAsked) {
  const Bytes wire = Encode(kProtoLcp, kLcpReqInfo, TxFraming{}, false);
  EXPECT_EQ(ToHex(wire), ToHex(Bytes(kLcpReqWire.begin() + 1, kLcpReqWire.end())));
}

TEST(HdlcDecodeTest, CapturedSlirpFramesDecode) {
  // Each capture frame exercises one receive rule: escaped FCS (#2w, #13b), raw control bytes
  // after asyncmap 0 (#5), ACFC+PFC on IP (#21), full-ACCM Terminate-Ack (#23).
  EXPECT_EQ(Decode(Capture()), kCaptureEvents);
}

TEST(HdlcDecodeTest, EveryTwoWaySplitOfTheCaptureGivesTheSameFrames) {
  const Bytes wire = Capture();
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    HdlcDeframer deframer(1600);
    deframer.SetReceiveAccm(0);
    RecordingSink sink;
    deframer.Feed(std::span(wire).first(cut), sink);
    deframer.Feed(std::span(wire).subspan(cut), sink);
    EXPECT_EQ(sink.events, kCaptureEvents) << "cut at " << cut;
  }
}

TEST(HdlcDecodeTest, ByteAtATimeGivesTheSameFrames) {
  const Bytes wire = Capture();
  HdlcDeframer deframer(1600);
  deframer.SetReceiveAccm(0);
  RecordingSink sink;
  for (std::uint8_t b : wire) deframer.Feed(std::span(&b, 1), sink);
  EXPECT_EQ(sink.events, kCaptureEvents);
}

TEST(HdlcDecodeTest, RawControlBytesAreDroppedWhileReceiveAccmIsFull) {
  // RFC 1662 §4.2: with the default ACCM, unescaped 00/01/03 are DCE noise and dropped, so
  // slirp's post-negotiation frame fails its FCS. This is why the ACCM switches at Opened.
  EXPECT_EQ(Decode(kSlirpIpcpReqWire, kDefaultAccm), std::vector<std::string>{"bad FCS"});
}

TEST(HdlcDecodeTest, InsertedXonIsDroppedBeforeTheFcs) {
  // RFC 1662 §4.2: an unescaped 0x11 flagged in our ACCM was inserted by the modem.
  Bytes wire = kLcpReqWire;
  wire.insert(wire.begin() + 10, 0x11);
  EXPECT_EQ(Decode(wire, kDefaultAccm), std::vector<std::string>{"c021: " + ToHex(kLcpReqInfo)});
}

TEST(HdlcDecodeTest, ModemTextBeforeTheFirstFlagIsSkipped) {
  // "CONNECT 115200" precedes PPP; the deframer starts hunting for a flag (docs/ppp.md,
  // "Pitfalls: Text before the first flag").
  const Bytes wire = Concat({Text("\r\nCONNECT 115200\r\n"), kSlirpLcpReqWire});
  EXPECT_EQ(Decode(wire), std::vector<std::string>{kCaptureEvents[0]});
}

TEST(HdlcDecodeTest, EmptyFrameWithValidFcsIsARunt) {
  // RFC 1662 §4.3: 7E 00 00 7E has a valid FCS but fewer than 4 octets (an lwIP crash once).
  EXPECT_EQ(Decode(Hex("7e 00 00 7e")), std::vector<std::string>{"runt frame"});
}

TEST(HdlcDecodeTest, EscapedEmptyFrameIsARunt) {
  EXPECT_EQ(Decode(Hex("7e 7d 20 00 7e")), std::vector<std::string>{"runt frame"});
}

TEST(HdlcDecodeTest, BackToBackFlagsAreTimeFill) {
  // RFC 1662 §3.1: consecutive flags are neither frames nor errors.
  EXPECT_TRUE(Decode(Hex("7e 7e 7e 7e")).empty());
}

TEST(HdlcDecodeTest, EscapeFollowedByFlagAbortsAndTheNextFrameDecodes) {
  // RFC 1662 §4.3: 7D 7E aborts; the flag then opens the next frame.
  const Bytes wire = Concat({Hex("7e ff 03 c0 21 7d 7e"), kSlirpTermAckWire});
  EXPECT_EQ(Decode(wire), (std::vector<std::string>{"aborted frame", kCaptureEvents[5]}));
}

TEST(HdlcDecodeTest, CorruptFrameIsCountedAndTheNextOneDecodes) {
  Bytes corrupt = kSlirpIcmpWire;
  corrupt[10] ^= 0x01;
  EXPECT_EQ(Decode(Concat({corrupt, kSlirpTermAckWire})),
            (std::vector<std::string>{"bad FCS", kCaptureEvents[5]}));
}

TEST(HdlcDecodeTest, TruncatedFrameFailsItsFcs) {
  // A frame cut short by a flag (line noise) cannot pass the FCS.
  const Bytes wire =
      Concat({Bytes(kSlirpIcmpWire.begin(), kSlirpIcmpWire.begin() + 20), kSlirpTermAckWire});
  EXPECT_EQ(Decode(wire), (std::vector<std::string>{"bad FCS", kCaptureEvents[5]}));
}

TEST(HdlcDecodeTest, OversizedFrameIsDroppedAndDecodingResyncsOnTheNextFlag) {
  // Garbage without flags must not accumulate; skip to the next flag (docs/ppp.md, "Pitfalls:
  // Invalid frames resynchronise at the next flag").
  Bytes wire = {0x7E};
  wire.insert(wire.end(), 500, 0x41);
  wire.insert(wire.end(), kSlirpTermAckWire.begin(), kSlirpTermAckWire.end());
  EXPECT_EQ(Decode(wire, 0, 64), (std::vector<std::string>{"oversized frame", kCaptureEvents[5]}));
}

TEST(HdlcDecodeTest, OversizedEscapedFrameIsDropped) {
  // The slow (escaped) path enforces the same limit as the run-copy path.
  Bytes wire = {0x7E};
  for (int i = 0; i < 100; ++i) wire.insert(wire.end(), {0x7D, 0x5E});
  wire.insert(wire.end(), kSlirpTermAckWire.begin(), kSlirpTermAckWire.end());
  EXPECT_EQ(Decode(wire, 0, 64), (std::vector<std::string>{"oversized frame", kCaptureEvents[5]}));
}

TEST(HdlcDecodeTest, BadAddressFieldIsRejected) {
  // FF must be followed by 03 (RFC 1662 §3.1); the FCS is valid, the header is not.
  EXPECT_EQ(Decode(RawWire(Hex("ff 05 c0 21 06 02 00 04"))),
            std::vector<std::string>{"bad address/control or protocol field"});
}

TEST(HdlcDecodeTest, EvenProtocolFieldIsRejected) {
  // RFC 1661 §2: the protocol's last octet is odd; 02 02 is not a protocol.
  EXPECT_EQ(Decode(RawWire(Hex("02 02 01 02 03"))),
            std::vector<std::string>{"bad address/control or protocol field"});
}

TEST(HdlcDecodeTest, LcpWithAcfcIsAcceptedLiberally) {
  // An A7670E sends Echo-Reply without FF 03 (non-conformant but real); its captured FCS is
  // 2b 63 (docs/ppp.md, "Reference frames").
  const Bytes frame = Hex("c0 21 0a 05 00 0c 54 22 79 17 38 ea e6 6e");
  EXPECT_EQ(FcsOf(frame), 0x632B);
  EXPECT_EQ(Decode(RawWire(frame)),
            std::vector<std::string>{"c021: 0a 05 00 0c 54 22 79 17 38 ea e6 6e"});
}

TEST(HdlcDecodeTest, NoCarrierAfterTheLastFrameIsReported) {
  // UC8088 leaves data mode with "\r\nNO CARRIER\r\n" right after the last closing flag.
  const Bytes wire = Concat({kSlirpTermAckWire, Text("\r\nNO CARRIER\r\n")});
  EXPECT_EQ(Decode(wire), (std::vector<std::string>{kCaptureEvents[5], "NO CARRIER"}));
}

TEST(HdlcDecodeTest, NoCarrierBeforeAnyFlagIsReported) {
  EXPECT_EQ(Decode(Text("\r\nNO CARRIER\r\n")), std::vector<std::string>{"NO CARRIER"});
}

TEST(HdlcDecodeTest, NoCarrierSplitByteByByteIsReported) {
  const Bytes wire = Concat({kSlirpTermAckWire, Text("\r\nNO CARRIER\r\n")});
  HdlcDeframer deframer(1600);
  RecordingSink sink;
  for (std::uint8_t b : wire) deframer.Feed(std::span(&b, 1), sink);
  EXPECT_EQ(sink.events, (std::vector<std::string>{kCaptureEvents[5], "NO CARRIER"}));
}

TEST(HdlcDecodeTest, NoCarrierAfterGarbageOnANewLineIsReported) {
  // Even while hunting after an error, a line of modem text is recognised.
  const Bytes wire = Concat({Hex("7e ff 03 01 02"), Text("zz\r\nNO CARRIER\r\n")});
  EXPECT_EQ(Decode(wire, 0, 4), (std::vector<std::string>{"oversized frame", "NO CARRIER"}));
}

TEST(HdlcDecodeTest, NoCarrierTextInsideAnIpPacketIsData) {
  // Application data may contain the words; a binary frame never counts as modem text.
  const Bytes ip = Concat({Hex("45 00 00 20"), Text("\r\nNO CARRIER\r\n")});
  const Bytes wire = Encode(0x0021, ip, TxFraming{.accm = 0, .acfc = true, .pfc = true});
  EXPECT_EQ(Decode(wire), std::vector<std::string>{"0021: " + ToHex(ip)});
}

TEST(HdlcDecodeTest, OtherModemTextIsIgnored) {
  EXPECT_TRUE(Decode(Text("\r\nOK\r\nNO DIALTONE\r\n")).empty());
}

TEST(HdlcRoundTripTest, RandomFramesSurviveEveryFramingChoice) {
  std::mt19937 rng(1);
  const std::uint32_t accms[] = {0, kDefaultAccm, 0x000A0000, 0x80000001};
  for (std::uint32_t accm : accms) {
    for (int flags = 0; flags < 4; ++flags) {
      const TxFraming framing{.accm = accm, .acfc = (flags & 1) != 0, .pfc = (flags & 2) != 0};
      for (std::size_t size : {0, 1, 7, 8, 9, 64, 1500}) {
        Bytes info(size);
        for (auto& b : info) b = static_cast<std::uint8_t>(rng());
        const Bytes wire = Encode(0x0021, info, framing);
        HdlcDeframer deframer(1600);
        deframer.SetReceiveAccm(accm);
        RecordingSink sink;
        deframer.Feed(wire, sink);
        const std::vector<std::string> expected = {"0021: " + ToHex(info)};
        // 0-byte IP with ACFC+PFC is 3 octets: a runt by RFC 1662 §4.3.
        if (size == 0 && framing.acfc && framing.pfc) {
          EXPECT_EQ(sink.events, std::vector<std::string>{"runt frame"});
        } else {
          EXPECT_EQ(sink.events, expected) << "accm " << accm << " flags " << flags;
        }
        EXPECT_LE(wire.size(), MaxEncodedSize(size));
      }
    }
  }
}

TEST(HdlcRoundTripTest, ReceiveAccmChangeTakesEffectForTheNextFrame) {
  // The session switches the receive ACCM from inside OnFrame (LCP Opened); frames later in
  // the same Feed() must already use it.
  struct SwitchingSink : RecordingSink {
    HdlcDeframer* deframer = nullptr;
    void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) override {
      RecordingSink::OnFrame(protocol, info);
      deframer->SetReceiveAccm(0);
    }
  } sink;
  HdlcDeframer deframer(1600);
  sink.deframer = &deframer;
  deframer.Feed(Concat({kSlirpLcpReqWire, kSlirpIpcpReqWire}), sink);
  EXPECT_EQ(sink.events, (std::vector<std::string>{kCaptureEvents[0], kCaptureEvents[1]}));
}

TEST(HdlcRoundTripTest, AnyChunkingOfArbitraryBytesGivesTheSameEvents) {
  // The run-copying fast paths and the byte-at-a-time path must agree on every input, including
  // escapes split across reads, "7D 7D", dropped control characters after an escape and
  // oversized garbage (RFC 1662 §4.3). Bytes are biased towards the special values.
  std::mt19937 rng(99);
  const std::uint8_t specials[] = {0x7E, 0x7D, 0x11, 0x00, 0x5E, 0x20, 0xFF, 0x03};
  for (std::uint32_t accm : {0U, kDefaultAccm, 0x000A0000U}) {
    for (int round = 0; round < 40; ++round) {
      Bytes stream;
      for (int i = 0; i < 600; ++i) {
        stream.push_back(rng() % 3 == 0 ? specials[rng() % 8] : static_cast<std::uint8_t>(rng()));
      }
      const Bytes good = Encode(0x0021, Bytes(100, 0x11), TxFraming{.accm = accm});
      stream.insert(stream.begin() + rng() % stream.size(), good.begin(), good.end());
      std::vector<std::string> reference;
      for (std::size_t chunk : {stream.size(), std::size_t{1}, std::size_t{3}, std::size_t{8}}) {
        HdlcDeframer deframer(128);
        deframer.SetReceiveAccm(accm);
        RecordingSink sink;
        for (std::size_t i = 0; i < stream.size(); i += chunk) {
          deframer.Feed(std::span(stream).subspan(i, std::min(chunk, stream.size() - i)), sink);
        }
        if (chunk == stream.size()) {
          reference = sink.events;
        } else {
          EXPECT_EQ(sink.events, reference) << "accm " << accm << " round " << round;
        }
      }
      EXPECT_NE(std::find(reference.begin(), reference.end(), "0021: " + ToHex(Bytes(100, 0x11))),
                reference.end())
          << "the embedded good frame was lost, accm " << accm << " round " << round;
    }
  }
}

// The full-ACCM decoder unescapes eight wire bytes per step (hdlc.cc UnescapeWord); these tests
// put each kind of attention byte at every position of a word and check every split.
std::vector<std::string> DecodeSplit(const Bytes& wire, std::size_t cut) {
  HdlcDeframer deframer(1600);
  RecordingSink sink;
  deframer.Feed(std::span(wire).first(cut), sink);
  deframer.Feed(std::span(wire).subspan(cut), sink);
  return sink.events;
}

TEST(HdlcWordPathTest, EscapedByteAtEveryWordPositionSurvivesEverySplit) {
  // 7E, 7D and control characters all travel as 7D pairs under the default ACCM (RFC 1662 §7.1).
  for (std::uint8_t special : {0x7E, 0x7D, 0x00, 0x11, 0x1F, 0x20, 0x5E}) {
    for (std::size_t pos = 0; pos < 24; ++pos) {
      Bytes info(24, 0x41);
      info[pos] = special;
      const Bytes wire = Encode(0x0021, info, TxFraming{});
      const std::vector<std::string> expected = {"0021: " + ToHex(info)};
      for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        ASSERT_EQ(DecodeSplit(wire, cut), expected)
            << "byte " << int{special} << " at " << pos << " cut " << cut;
      }
    }
  }
}

TEST(HdlcWordPathTest, EscapePairStraddlingTwoWordsIsJoined) {
  // Escapes at 7/8 and 15/16 of the info put 7D last in a wire word and its byte in the next.
  Bytes info(32, 0x41);
  for (std::size_t pos = 0; pos < info.size(); pos += 3) info[pos] = 0x7E;
  const Bytes wire = Encode(0x0021, info, TxFraming{});
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    ASSERT_EQ(DecodeSplit(wire, cut), std::vector<std::string>{"0021: " + ToHex(info)})
        << "cut " << cut;
  }
}

TEST(HdlcWordPathTest, DoubledEscapeAtEveryWordPositionKeepsEscaping) {
  // "7D 7D 5E" decodes as 7E, as in the byte path: the second 7D restarts the escape.
  for (std::size_t pos = 0; pos < 20; ++pos) {
    Bytes info(20, 0x41);
    info[pos] = 0x7E;
    Bytes wire = Encode(0x0021, info, TxFraming{});
    const auto at =
        std::search(wire.begin() + 1, wire.end(), kEscapePair.begin(), kEscapePair.end());
    ASSERT_NE(at, wire.end());
    wire.insert(at, 0x7D);
    EXPECT_EQ(Decode(wire, kDefaultAccm), std::vector<std::string>{"0021: " + ToHex(info)})
        << "at " << pos;
  }
}

TEST(HdlcWordPathTest, InsertedControlCharacterAtEveryWirePositionIsDropped) {
  // RFC 1662 §4.2: a raw 0x11 (XON from the DCE) anywhere in the frame, also right after a 7D,
  // vanishes and leaves a pending escape pending.
  Bytes info(20, 0x41);
  info[5] = 0x7E;
  info[13] = 0x03;
  const Bytes wire = Encode(0x0021, info, TxFraming{});
  for (std::size_t pos = 1; pos + 1 < wire.size(); ++pos) {
    Bytes noisy = wire;
    noisy.insert(noisy.begin() + static_cast<std::ptrdiff_t>(pos), 0x11);
    EXPECT_EQ(Decode(noisy, kDefaultAccm), std::vector<std::string>{"0021: " + ToHex(info)})
        << "at " << pos;
  }
}

TEST(HdlcWordPathTest, FramesEndingAtEveryOffsetOfAWordDecode) {
  // Frames of 0..40 info bytes end the wire at every offset of a word; back to back, each
  // closing flag cuts a word-step run short.
  std::mt19937 rng(5);
  Bytes wire;
  std::vector<std::string> expected;
  for (std::size_t size = 0; size <= 40; ++size) {
    Bytes info(size);
    for (auto& b : info) b = static_cast<std::uint8_t>(rng());
    const Bytes frame = Encode(0x0021, info, TxFraming{}, size == 0);
    wire.insert(wire.end(), frame.begin(), frame.end());
    expected.push_back("0021: " + ToHex(info));
  }
  EXPECT_EQ(Decode(wire, kDefaultAccm), expected);
  for (std::size_t cut = 0; cut <= wire.size(); cut += 5) {
    EXPECT_EQ(DecodeSplit(wire, cut), expected) << "cut " << cut;
  }
}

TEST(HdlcWordPathTest, AbortAtEveryWordPositionIsReported) {
  // RFC 1662 §4.3: 7D 7E aborts however far into a word the 7D falls.
  for (std::size_t pos = 0; pos < 20; ++pos) {
    const Bytes wire =
        Concat({Hex("7e ff 7d 23 c0 21"), Bytes(pos, 0x41), Hex("7d 7e"), kSlirpTermAckWire});
    EXPECT_EQ(Decode(wire, kDefaultAccm),
              (std::vector<std::string>{"aborted frame", kCaptureEvents[5]}))
        << "at " << pos;
  }
}

}  // namespace
}  // namespace uclink::pppif
