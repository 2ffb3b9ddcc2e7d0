// IPV6CP (RFC 5072) as a specification: the Interface-Identifier option on its own (what is
// Acked, Nak'd and Rejected, what a Nak or Reject of our request changes), then two automata
// negotiating over a wire, including a collision and a peer that Naks for ever.
#include "pppif/ipv6cp.h"

#include <gtest/gtest.h>

#include <deque>
#include <utility>

#include "pppif/fsm.h"
#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;
using testing::ToHex;
using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

constexpr InterfaceId kOurs{0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
constexpr InterfaceId kTheirs{0, 0, 0, 0, 0, 0, 0, 0x01};

struct Listener : Ipv6cpListener {
  void OnIpv6cpUp() override { ++ups; }
  void OnIpv6cpDown() override { ++downs; }
  void OnIpv6cpFinished() override { ++finished; }
  int ups = 0, downs = 0, finished = 0;
};

InterfaceId IdIn(const Bytes& options) {
  EXPECT_EQ(options.size(), 10u);
  EXPECT_EQ(options[0], 1);
  EXPECT_EQ(options[1], 10);
  InterfaceId id{};
  std::copy(options.begin() + 2, options.begin() + 10, id.begin());
  return id;
}

class Ipv6cpPolicyTest : public ::testing::Test {
 protected:
  std::pair<std::optional<Verdict>, Bytes> Check(const Bytes& options, bool nak_allowed = true) {
    Bytes reply;
    const std::optional<Verdict> v = policy_.CheckRequest(options, nak_allowed, reply);
    return {v, reply};
  }
  static Bytes IdOption(const InterfaceId& id) {
    Bytes out;
    AppendOption(out, 1, id);
    return out;
  }

  MagicSource random_{7};
  Listener listener_;
  Ipv6cpPolicy policy_{kOurs, random_, listener_};
};

TEST_F(Ipv6cpPolicyTest, RequestCarriesOurInterfaceIdentifier) {
  EXPECT_EQ(ToHex(policy_.BuildRequest()), "01 0a 02 11 22 ff fe 33 44 55");
}

TEST_F(Ipv6cpPolicyTest, ZeroConfiguredIdentifierIsDrawnAndNeverZero) {
  Ipv6cpPolicy drawn(InterfaceId{}, random_, listener_);
  EXPECT_FALSE(IsZero(IdIn(drawn.BuildRequest())));
}

TEST_F(Ipv6cpPolicyTest, DistinctPeerIdentifierIsAckedAndBecomesThePeerAddress) {
  const auto [verdict, reply] = Check(IdOption(kTheirs));
  EXPECT_EQ(verdict, Verdict::kAck);
  EXPECT_EQ(reply, IdOption(kTheirs));
  policy_.OnLayerUp();
  EXPECT_EQ(policy_.result().peer, kTheirs);
  EXPECT_EQ(listener_.ups, 1);
}

TEST_F(Ipv6cpPolicyTest, ZeroPeerIdentifierIsNakdWithANonZeroSuggestion) {
  // RFC 5072 §4.1: zero asks us to suggest one, different from ours.
  const auto [verdict, reply] = Check(IdOption(InterfaceId{}));
  EXPECT_EQ(verdict, Verdict::kNak);
  const InterfaceId suggested = IdIn(reply);
  EXPECT_FALSE(IsZero(suggested));
  EXPECT_NE(suggested, kOurs);
}

TEST_F(Ipv6cpPolicyTest, PeerProposingOurOwnIdentifierIsNakdWithAnother) {
  // RFC 5072 §4.1: equal identifiers collide; Nak with a different non-zero one.
  const auto [verdict, reply] = Check(IdOption(kOurs));
  EXPECT_EQ(verdict, Verdict::kNak);
  EXPECT_NE(IdIn(reply), kOurs);
  EXPECT_FALSE(IsZero(IdIn(reply)));
}

TEST_F(Ipv6cpPolicyTest, AfterMaxFailureTheCollidingIdentifierIsRejected) {
  // RFC 1661 §4.6: no more Naks once Max-Failure were sent.
  const auto [verdict, reply] = Check(IdOption(kOurs), /*nak_allowed=*/false);
  EXPECT_EQ(verdict, Verdict::kReject);
  EXPECT_EQ(reply, IdOption(kOurs));
}

TEST_F(Ipv6cpPolicyTest, CompressionAndMalformedIdentifiersAreRejected) {
  // RFC 5072 §4.2 IPv6-Compression-Protocol (ROHC 0x0003), then an identifier of 4 octets.
  EXPECT_EQ(Check(Hex("02 04 00 03")),
            std::make_pair(std::optional(Verdict::kReject), Hex("02 04 00 03")));
  EXPECT_EQ(Check(Hex("01 06 00 00 00 01")).first, Verdict::kReject);
  EXPECT_EQ(Check(Hex("01 0a 00")).first, std::nullopt);  // runs past the end: discarded
}

TEST_F(Ipv6cpPolicyTest, PeerWithoutIdentifierIsAckedAndHasNoAddress) {
  EXPECT_EQ(Check({}).first, Verdict::kAck);
  policy_.OnLayerUp();
  EXPECT_EQ(policy_.result().peer, std::nullopt);
}

TEST_F(Ipv6cpPolicyTest, NakSuggestionIsTakenForTheNextRequest) {
  const InterfaceId suggested{0, 0, 0, 0, 0, 0, 0, 0x99};
  ASSERT_TRUE(policy_.OnNak(IdOption(suggested)));
  EXPECT_EQ(IdIn(policy_.BuildRequest()), suggested);
}

TEST_F(Ipv6cpPolicyTest, NakSuggestingZeroOrThePeersIdentifierIsNotFollowed) {
  Check(IdOption(kTheirs));  // the peer's identifier is known now
  ASSERT_TRUE(policy_.OnNak(IdOption(InterfaceId{})));
  InterfaceId next = IdIn(policy_.BuildRequest());
  EXPECT_FALSE(IsZero(next));
  ASSERT_TRUE(policy_.OnNak(IdOption(kTheirs)));
  next = IdIn(policy_.BuildRequest());
  EXPECT_NE(next, kTheirs);
  EXPECT_FALSE(IsZero(next));
}

TEST_F(Ipv6cpPolicyTest, RejectedIdentifierIsNoLongerAskedButStillUsed) {
  ASSERT_TRUE(policy_.OnReject(IdOption(kOurs)));
  EXPECT_TRUE(policy_.BuildRequest().empty());
  EXPECT_TRUE(policy_.OnAck({}));
  policy_.OnLayerUp();
  EXPECT_EQ(policy_.result().local, kOurs);
}

TEST_F(Ipv6cpPolicyTest, AckThatDiffersFromTheRequestIsInvalid) {
  policy_.BuildRequest();
  EXPECT_FALSE(policy_.OnAck(IdOption(kTheirs)));
  EXPECT_TRUE(policy_.OnAck(IdOption(kOurs)));
}

TEST(Ipv6cpLinkLocalTest, FormatsFe80WithTheIdentifier) {
  EXPECT_EQ(FormatLinkLocal(kOurs), "fe80::211:22ff:fe33:4455");
  EXPECT_EQ(FormatLinkLocal(kTheirs), "fe80::1");
}

// ---------------------------------------------------------------- two automata on one wire

// One side: an Fsm with the IPV6CP policy; what it sends is queued for the other side.
struct Side : ControlSink {
  Side(InterfaceId id, std::uint32_t seed, FsmLimits limits)
      : random(seed),
        policy(id, random, listener),
        fsm(Fsm::Options{.protocol = 0x8057, .limits = limits}, policy, *this) {}
  void SendControl(std::uint16_t, std::vector<std::uint8_t> packet) override {
    out.push_back(std::move(packet));
  }
  MagicSource random;
  Listener listener;
  Ipv6cpPolicy policy;
  Fsm fsm;
  std::deque<Bytes> out;
};

// Delivers packets both ways until both are quiet; bounded.
void Exchange(Side& a, Side& b, FsmClock::time_point now) {
  for (int round = 0; round < 100 && (!a.out.empty() || !b.out.empty()); ++round) {
    while (!a.out.empty()) {
      Bytes p = std::move(a.out.front());
      a.out.pop_front();
      b.fsm.OnPacket(p, now);
    }
    while (!b.out.empty()) {
      Bytes p = std::move(b.out.front());
      b.out.pop_front();
      a.fsm.OnPacket(p, now);
    }
  }
}

TEST(Ipv6cpNegotiationTest, CollidingIdentifiersConvergeToDistinctOnes) {
  const FsmClock::time_point now{};
  Side a(kOurs, 1, {}), b(kOurs, 2, {});
  for (Side* s : {&a, &b}) {
    s->fsm.Open(now);
    s->fsm.Up(now);
  }
  Exchange(a, b, now);
  ASSERT_EQ(a.fsm.state(), FsmState::kOpened);
  ASSERT_EQ(b.fsm.state(), FsmState::kOpened);
  EXPECT_NE(a.policy.result().local, b.policy.result().local);
  EXPECT_EQ(a.policy.result().peer, b.policy.result().local);
  EXPECT_EQ(b.policy.result().peer, a.policy.result().local);
}

TEST(Ipv6cpNegotiationTest, ZeroAskingPeerGetsAnIdentifierFromUs) {
  const FsmClock::time_point now{};
  Side a(kOurs, 1, {});
  // A peer that asks with zero (RFC 5072 §4.1) and takes whatever it is Nak'd with.
  Side b(kOurs, 2, {});
  b.policy.OnNak([] {
    Bytes zero;
    AppendOption(zero, 1, InterfaceId{});
    return zero;
  }());
  for (Side* s : {&a, &b}) {
    s->fsm.Open(now);
    s->fsm.Up(now);
  }
  Exchange(a, b, now);
  ASSERT_EQ(a.fsm.state(), FsmState::kOpened);
  EXPECT_FALSE(IsZero(*a.policy.result().peer));
  EXPECT_NE(*a.policy.result().peer, a.policy.result().local);
}

TEST(Ipv6cpNegotiationTest, PeerThatNaksForEverEndsAtMaxFailure) {
  // RFC 1661 §4.6 Max-Failure bounds a peer that Naks every request with our own identifier.
  const FsmClock::time_point now{};
  Side us(kOurs, 1, FsmLimits{.max_failure = 5});
  us.fsm.Open(now);
  us.fsm.Up(now);
  for (int i = 0; i < 50 && us.fsm.state() != FsmState::kStopped; ++i) {
    ASSERT_FALSE(us.out.empty());
    const Bytes request = std::move(us.out.back());
    us.out.clear();
    const std::optional<ControlPacket> p = ParseControlPacket(request);
    ASSERT_TRUE(p);
    Bytes nak_options;
    AppendOption(nak_options, 1, InterfaceId{});  // always zero: never acceptable
    us.fsm.OnPacket(BuildControlPacket(3, p->id, nak_options), now);
  }
  EXPECT_TRUE(us.fsm.gave_up());
  EXPECT_EQ(us.listener.finished, 1);
  EXPECT_EQ(us.listener.ups, 0);
}

}  // namespace
}  // namespace uclink::pppif
