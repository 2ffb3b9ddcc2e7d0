// The pty bridge: bytes both ways, CONNECT leftovers first, NO CARRIER found between frames at
// once and inside a frame only when no flag follows.
#include "pppif/pppd_bridge.h"

#include <gtest/gtest.h>

#include <string>

namespace uclink::pppif {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;  // "..."s keeps embedded NUL bytes
using Bytes = std::vector<std::uint8_t>;
const bridge::Clock::time_point kT0{};

Bytes B(std::string_view text) { return Bytes(text.begin(), text.end()); }

// What the shell would have done with a sequence of actions.
struct Outcome {
  Bytes to_pppd, to_modem, to_at;
  bool carrier_lost = false;
  std::optional<bridge::Clock::time_point> timer;
  void Apply(const BridgeActions& actions) {
    for (const auto& action : actions) {
      if (auto* a = std::get_if<bridge::ToPppd>(&action)) {
        EXPECT_FALSE(carrier_lost) << "bytes to pppd after carrier loss";
        to_pppd.insert(to_pppd.end(), a->bytes.begin(), a->bytes.end());
      } else if (auto* m = std::get_if<bridge::ToModem>(&action)) {
        to_modem.insert(to_modem.end(), m->bytes.begin(), m->bytes.end());
      } else if (auto* at = std::get_if<bridge::ToAtChannel>(&action)) {
        to_at.insert(to_at.end(), at->bytes.begin(), at->bytes.end());
      } else if (std::holds_alternative<bridge::CarrierLost>(action)) {
        carrier_lost = true;
      } else if (auto* t = std::get_if<bridge::SetTimer>(&action)) {
        timer = t->deadline;
      } else if (std::holds_alternative<bridge::CancelTimer>(action)) {
        timer.reset();
      }
    }
  }
};

// An LCP Echo-Request as pppd writes it with ACCM 0 after LCP opened (capture step 16,
// docs/ppp.md, "Reference frames").
const std::string kFrame = "\x7e\xff\x03\xc0\x21\x09\x07\x00\x08\x12\x34\x56\x78\x53\xce\x7e"s;
const std::string kNoCarrier = "\r\nNO CARRIER\r\n";

TEST(PppdBridgeTest, BytesThatArrivedWithConnectReachPppdFirst) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start(B(kFrame.substr(0, 5)), kT0));
  out.Apply(bridge.OnModemBytes(B(kFrame.substr(5)), kT0));
  EXPECT_EQ(out.to_pppd, B(kFrame));
  EXPECT_EQ(bridge.state(), BridgeState::kBridging);
}

TEST(PppdBridgeTest, PppdBytesGoToTheModemUnchanged) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnPppdBytes(B(kFrame)));
  EXPECT_EQ(out.to_modem, B(kFrame));
  EXPECT_EQ(bridge.counters().to_modem, kFrame.size());
}

TEST(PppdBridgeTest, NothingIsForwardedBeforeStart) {
  PppdBridge bridge;
  EXPECT_TRUE(bridge.OnModemBytes(B(kFrame), kT0).empty());
  EXPECT_TRUE(bridge.OnPppdBytes(B(kFrame)).empty());
  EXPECT_EQ(bridge.counters().dropped_from_pppd, kFrame.size());
}

TEST(PppdBridgeTest, NoCarrierAfterAFlagIsCarrierLossAtOnce) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B(kFrame + kNoCarrier), kT0));
  EXPECT_TRUE(out.carrier_lost);
  EXPECT_EQ(bridge.state(), BridgeState::kCarrierLost);
  // The frame reached pppd whole; the final LF of the result code belongs to the AT channel.
  EXPECT_EQ(out.to_pppd, B(kFrame + "\r\nNO CARRIER\r"));
  EXPECT_EQ(out.to_at, B("\n"));
}

TEST(PppdBridgeTest, NoCarrierRightAfterConnectIsCarrierLoss) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start(B(kNoCarrier), kT0));
  EXPECT_TRUE(out.carrier_lost);
}

TEST(PppdBridgeTest, EveryByteOffsetSplitGivesTheSameResult) {
  const std::string stream = kFrame + kFrame + kNoCarrier + "\r\nOK\r\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    PppdBridge bridge;
    Outcome out;
    out.Apply(bridge.Start({}, kT0));
    out.Apply(bridge.OnModemBytes(B(stream.substr(0, cut)), kT0));
    out.Apply(bridge.OnModemBytes(B(stream.substr(cut)), kT0));
    EXPECT_TRUE(out.carrier_lost) << "cut " << cut;
    EXPECT_EQ(out.to_pppd, B(kFrame + kFrame + "\r\nNO CARRIER\r")) << "cut " << cut;
    EXPECT_EQ(out.to_at, B("\n\r\nOK\r\n")) << "cut " << cut;
  }
}

TEST(PppdBridgeTest, NoCarrierTextInsideAFrameIsPayloadWhenTheFlagFollows) {
  // With asyncmap 0, CR and LF travel raw: a TCP payload can spell the result code.
  const std::string frame = "\x7e\xff\x03\x00\x21"s + kNoCarrier + "\x12\x34\x7e";
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B(frame.substr(0, 18)), kT0));
  EXPECT_TRUE(out.timer);
  out.Apply(bridge.OnModemBytes(B(frame.substr(18)), kT0 + 10ms));
  EXPECT_FALSE(out.timer);
  out.Apply(bridge.OnTimer(kT0 + 1s));
  EXPECT_FALSE(out.carrier_lost);
  EXPECT_EQ(out.to_pppd, B(frame));
}

TEST(PppdBridgeTest, NoCarrierInsideATruncatedFrameCountsWhenNoFlagFollows) {
  // The carrier dropped mid-frame: the module appends its result code to half a frame.
  PppdBridge bridge(500ms);
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B("\x7e\xff\x03\xc0\x21\x09" + kNoCarrier), kT0));
  ASSERT_TRUE(out.timer);
  EXPECT_EQ(*out.timer, kT0 + 500ms);
  out.Apply(bridge.OnTimer(kT0 + 499ms));
  EXPECT_FALSE(out.carrier_lost);
  out.Apply(bridge.OnTimer(kT0 + 500ms));
  EXPECT_TRUE(out.carrier_lost);
  out.Apply(bridge.OnModemBytes(B("\r\nOK\r\n"), kT0 + 600ms));
  EXPECT_EQ(out.to_at, B("\r\nOK\r\n"));
}

TEST(PppdBridgeTest, RestartAfterPartialMatchStillFindsTheCode) {
  // "\r\r\nNO CARRIER": a stray CR before the real one.
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B("\x7e\r" + kNoCarrier), kT0));
  EXPECT_FALSE(out.carrier_lost);  // mid-segment (offset 1): a candidate
  EXPECT_TRUE(out.timer);
}

TEST(PppdBridgeTest, PppdBytesAfterCarrierLossAreDropped) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start(B(kNoCarrier), kT0));
  out.Apply(bridge.OnPppdBytes(B(kFrame)));
  EXPECT_TRUE(out.to_modem.empty());
  EXPECT_EQ(bridge.counters().dropped_from_pppd, kFrame.size());
}

TEST(PppdBridgeTest, StopEndsForwardingAndCancelsACandidate) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B("\x7e\xff" + kNoCarrier), kT0));
  ASSERT_TRUE(out.timer);
  out.Apply(bridge.Stop());
  EXPECT_FALSE(out.timer);
  EXPECT_EQ(bridge.state(), BridgeState::kStopped);
  EXPECT_TRUE(bridge.OnModemBytes(B(kFrame), kT0).empty());
  EXPECT_TRUE(bridge.OnPppdBytes(B(kFrame)).empty());
  EXPECT_TRUE(bridge.OnTimer(kT0 + 1h).empty());
}

TEST(PppdBridgeTest, LongRunOfNonFlagBytesKeepsNoState) {
  // Bad input never grows memory: the scanner holds a match index, not the bytes.
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  Bytes junk(1 << 20, 'N');
  out.Apply(bridge.OnModemBytes(junk, kT0));
  EXPECT_EQ(bridge.counters().to_pppd, junk.size());
  EXPECT_FALSE(out.carrier_lost);
}

// ---- monitoring slices (docs/state-machine.md) ---------------------------------------------

TEST(PppdBridgeTest, SuspendedBridgeForwardsNoModemBytesButStillTakesPppdBytes) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.Suspend());
  EXPECT_EQ(bridge.state(), BridgeState::kSuspended);
  // The slice's AT traffic is the AT channel's: the bridge never sees it, and would drop it.
  EXPECT_TRUE(bridge.OnModemBytes(B("\r\nOK\r\n"), kT0).empty());
  // pppd keeps talking; the shell holds these until Resume (the line must stay silent).
  out.Apply(bridge.OnPppdBytes(B(kFrame)));
  EXPECT_EQ(out.to_modem, B(kFrame));
  EXPECT_TRUE(out.to_pppd.empty());
}

TEST(PppdBridgeTest, SuspendDropsAMidFrameCandidate) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B("\x7e\xff" + kNoCarrier), kT0));
  ASSERT_TRUE(out.timer);
  out.Apply(bridge.Suspend());
  EXPECT_FALSE(out.timer);
  EXPECT_TRUE(bridge.OnTimer(kT0 + 1h).empty());
  EXPECT_FALSE(out.carrier_lost);
}

TEST(PppdBridgeTest, ResumeForwardsTheBytesAfterConnectFirst) {
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.Suspend());
  out.Apply(bridge.Resume(B(kFrame), kT0 + 2s));
  EXPECT_EQ(bridge.state(), BridgeState::kBridging);
  out.Apply(bridge.OnModemBytes(B(kFrame), kT0 + 2s));
  EXPECT_EQ(out.to_pppd, B(kFrame + kFrame));
}

TEST(PppdBridgeTest, NoCarrierRightAfterResumeIsCarrierLossAtOnce) {
  // Before the suspension the scanner was mid-frame; ATO's CONNECT starts a fresh data phase.
  PppdBridge bridge;
  Outcome out;
  out.Apply(bridge.Start({}, kT0));
  out.Apply(bridge.OnModemBytes(B("\x7e\xff\x03\xc0"), kT0));
  out.Apply(bridge.Suspend());
  out.Apply(bridge.Resume(B(kNoCarrier), kT0 + 2s));
  EXPECT_TRUE(out.carrier_lost);
  EXPECT_EQ(out.to_at, B("\n"));
}

TEST(PppdBridgeTest, SuspendAndResumeOutsideTheirStatesDoNothing) {
  PppdBridge bridge;
  EXPECT_TRUE(bridge.Suspend().empty());
  EXPECT_EQ(bridge.state(), BridgeState::kIdle);
  EXPECT_TRUE(bridge.Resume(B(kFrame), kT0).empty());
  EXPECT_EQ(bridge.state(), BridgeState::kIdle);
}

TEST(PppdBridgeTest, EveryStateHasAName) {
  for (auto s : {BridgeState::kIdle, BridgeState::kBridging, BridgeState::kCarrierLost,
                 BridgeState::kStopped, BridgeState::kSuspended}) {
    EXPECT_STRNE(ToString(s), "unknown");
  }
}

}  // namespace
}  // namespace uclink::pppif
