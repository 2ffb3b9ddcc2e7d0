// LCP and IPCP option policies on their own: what is Acked, Nak'd and Rejected, and what a Nak,
// Reject or Ack of our request changes (RFC 1661 §6, RFC 1332, RFC 1877).
#include <gtest/gtest.h>

#include "pppif/ipcp.h"
#include "pppif/lcp.h"
#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;
using testing::ToHex;
using Bytes = std::vector<std::uint8_t>;

struct NullLcpListener : LcpListener {
  void OnLcpUp() override {}
  void OnLcpDown() override {}
  void OnLcpFinished() override {}
  void OnProtocolRejected(std::uint16_t) override {}
  void OnEchoReply(std::uint8_t, ByteSpan) override {}
  void OnLoopback() override { ++loopbacks; }
  int loopbacks = 0;
};

struct NullIpcpListener : IpcpListener {
  void OnIpcpUp() override {}
  void OnIpcpDown() override {}
  void OnIpcpFinished() override {}
};

class LcpPolicyTest : public ::testing::Test {
 protected:
  std::pair<std::optional<Verdict>, std::string> Check(const char* options,
                                                       bool nak_allowed = true) {
    Bytes reply;
    const std::optional<Verdict> v = lcp_.CheckRequest(Hex(options), nak_allowed, reply);
    return {v, ToHex(reply)};
  }

  MagicSource random_{42};
  NullLcpListener listener_;
  LcpPolicy lcp_{1500, 0x12345678, random_, listener_};
};

TEST_F(LcpPolicyTest, RequestsAccmZeroMagicPfcAcfcAndNoDefaultMru) {
  // Capture step 1 (docs/ppp.md, "Reference frames"): RFC 1661 §5.1 says not to send MRU 1500.
  EXPECT_EQ(ToHex(lcp_.BuildRequest()), "02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02");
}

TEST_F(LcpPolicyTest, NonDefaultMruIsRequested) {
  LcpPolicy lcp(1400, 1, random_, listener_);
  EXPECT_EQ(ToHex(lcp.BuildRequest()).substr(0, 11), "01 04 05 78");
}

TEST_F(LcpPolicyTest, AcksSlirpsRequest) {
  EXPECT_EQ(Check("01 04 05 dc 05 06 60 59 f0 49 07 02 08 02"),
            std::make_pair(std::optional(Verdict::kAck),
                           std::string("01 04 05 dc 05 06 60 59 f0 49 07 02 08 02")));
}

TEST_F(LcpPolicyTest, AcksTheGprsNetworkRequestWithChapMd5) {
  // ppp-project/ppp#83: <asyncmap 0xa0000> <pcomp> <accomp> <magic> <auth chap MD5>.
  EXPECT_EQ(Check("02 06 00 0a 00 00 07 02 08 02 05 06 73 77 bd a1 03 05 c2 23 05").first,
            Verdict::kAck);
}

TEST_F(LcpPolicyTest, NaksMsChapWithChapMd5) {
  EXPECT_EQ(Check("03 05 c2 23 81"),
            std::make_pair(std::optional(Verdict::kNak), std::string("03 05 c2 23 05")));
}

TEST_F(LcpPolicyTest, RejectsUnknownOptionsAndRejectWinsOverNak) {
  // RFC 1661 §5.4: only the Reject is sent; Quality-Protocol (4) and FCS-Alternatives (9).
  EXPECT_EQ(Check("01 04 00 40 04 08 c0 25 00 00 00 0a 09 03 02"),
            std::make_pair(std::optional(Verdict::kReject),
                           std::string("04 08 c0 25 00 00 00 0a 09 03 02")));
}

TEST_F(LcpPolicyTest, NaksTinyMruWith128) {
  EXPECT_EQ(Check("01 04 00 40"),
            std::make_pair(std::optional(Verdict::kNak), std::string("01 04 00 80")));
}

TEST_F(LcpPolicyTest, KnownOptionWithWrongLengthIsRejected) {
  EXPECT_EQ(Check("01 03 05 07 03 02"),
            std::make_pair(std::optional(Verdict::kReject), std::string("01 03 05 07 03 02")));
}

TEST_F(LcpPolicyTest, MalformedOptionListIsDiscarded) {
  EXPECT_FALSE(Check("01 04 05").first.has_value());
  EXPECT_FALSE(Check("01 00").first.has_value());
}

TEST_F(LcpPolicyTest, SecondAuthProtocolIsRejected) {
  // RFC 1661 §6.2: at most one Authentication-Protocol option.
  EXPECT_EQ(Check("03 04 c0 23 03 05 c2 23 05"),
            std::make_pair(std::optional(Verdict::kReject), std::string("03 05 c2 23 05")));
}

TEST_F(LcpPolicyTest, OwnMagicInPeerRequestIsNakkedWithAnotherValue) {
  const auto [verdict, reply] = Check("05 06 12 34 56 78");
  EXPECT_EQ(verdict, Verdict::kNak);
  EXPECT_EQ(reply.substr(0, 5), "05 06");
  EXPECT_NE(reply, "05 06 12 34 56 78");
}

TEST_F(LcpPolicyTest, PastMaxFailureDisagreementsBecomeRejects) {
  EXPECT_EQ(Check("01 04 00 40 07 02", false),
            std::make_pair(std::optional(Verdict::kReject), std::string("01 04 00 40")));
}

TEST_F(LcpPolicyTest, AckMustRepeatTheRequestExactly) {
  lcp_.BuildRequest();
  EXPECT_FALSE(lcp_.OnAck(Hex("02 06 00 00 00 00 05 06 12 34 56 78 07 02")));
  EXPECT_TRUE(lcp_.OnAck(Hex("02 06 00 00 00 00 05 06 12 34 56 78 07 02 08 02")));
}

TEST_F(LcpPolicyTest, RejectedOptionsAreNoLongerRequested) {
  lcp_.BuildRequest();
  ASSERT_TRUE(lcp_.OnReject(Hex("07 02 08 02 02 06 00 00 00 00")));
  EXPECT_EQ(ToHex(lcp_.BuildRequest()), "05 06 12 34 56 78");
}

TEST_F(LcpPolicyTest, NakOfAccmAddsThePeersCharacters) {
  lcp_.BuildRequest();
  ASSERT_TRUE(lcp_.OnNak(Hex("02 06 00 0a 00 00")));
  EXPECT_EQ(ToHex(lcp_.BuildRequest()).substr(0, 17), "02 06 00 0a 00 00");
}

TEST_F(LcpPolicyTest, NakOfMagicPicksANewOne) {
  lcp_.BuildRequest();
  ASSERT_TRUE(lcp_.OnNak(Hex("05 06 99 99 99 99")));
  const std::string request = ToHex(lcp_.BuildRequest());
  EXPECT_EQ(request.find("12 34 56 78"), std::string::npos);
}

TEST_F(LcpPolicyTest, MalformedNakIsInvalid) {
  EXPECT_FALSE(lcp_.OnNak(Hex("05 09 00")));
  EXPECT_FALSE(lcp_.OnReject(Hex("05")));
}

TEST_F(LcpPolicyTest, OwnEchoReplyIsNotAnAnswer) {
  // RFC 1661 §6.4: a reply carrying our own magic is our request coming back.
  struct CountingListener : NullLcpListener {
    void OnEchoReply(std::uint8_t, ByteSpan) override { ++replies; }
    int replies = 0;
  } listener;
  LcpPolicy lcp(1500, 0x12345678, random_, listener);
  lcp.OnEchoReply(1, Hex("12 34 56 78"));
  lcp.OnEchoReply(1, Hex("60 59 f0 49"));
  EXPECT_EQ(listener.replies, 1);
}

class IpcpPolicyTest : public ::testing::Test {
 protected:
  std::pair<std::optional<Verdict>, std::string> Check(const char* options,
                                                       bool nak_allowed = true) {
    Bytes reply;
    const std::optional<Verdict> v = ipcp_.CheckRequest(Hex(options), nak_allowed, reply);
    return {v, ToHex(reply)};
  }

  NullIpcpListener listener_;
  IpcpPolicy ipcp_{{10, 64, 64, 64}, listener_};
};

TEST_F(IpcpPolicyTest, RequestsAddressAndBothDnsAsZero) {
  // Capture step 12 (docs/ppp.md, "Reference frames").
  EXPECT_EQ(ToHex(ipcp_.BuildRequest()), "03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00");
}

TEST_F(IpcpPolicyTest, RejectsVjCompression) {
  EXPECT_EQ(Check("03 06 0a 00 02 02 02 06 00 2d 0f 01"),
            std::make_pair(std::optional(Verdict::kReject), std::string("02 06 00 2d 0f 01")));
}

TEST_F(IpcpPolicyTest, NaksZeroPeerAddressWithThePlaceholder) {
  EXPECT_EQ(Check("03 06 00 00 00 00"),
            std::make_pair(std::optional(Verdict::kNak), std::string("03 06 0a 40 40 40")));
}

TEST_F(IpcpPolicyTest, AcksANonZeroPeerAddress) {
  EXPECT_EQ(Check("03 06 0a 00 02 02").first, Verdict::kAck);
}

TEST_F(IpcpPolicyTest, AcksARequestWithoutAddress) {
  // RFC 1332 §3.3: networks that give no peer address are accepted (docs/ppp.md, "Pitfalls: A
  // peer may give no address").
  EXPECT_EQ(Check("").first, Verdict::kAck);
}

TEST_F(IpcpPolicyTest, AddressOptionWithBadLengthIsRejected) {
  EXPECT_EQ(Check("03 04 0a 00"),
            std::make_pair(std::optional(Verdict::kReject), std::string("03 04 0a 00")));
}

TEST_F(IpcpPolicyTest, NakValuesAreUsedOnlyOnceAcked) {
  ipcp_.BuildRequest();
  ASSERT_TRUE(ipcp_.OnNak(Hex("03 06 0a 00 02 0f 81 06 7f 00 00 01")));
  EXPECT_EQ(ipcp_.result().local, (Ipv4{}));
  const Bytes request = ipcp_.BuildRequest();
  EXPECT_EQ(ToHex(request), "03 06 0a 00 02 0f 81 06 7f 00 00 01 83 06 00 00 00 00");
  ASSERT_TRUE(ipcp_.OnAck(request));
  EXPECT_EQ(ipcp_.result().local, (Ipv4{10, 0, 2, 15}));
  EXPECT_EQ(ipcp_.result().dns1, (Ipv4{127, 0, 0, 1}));
  EXPECT_FALSE(ipcp_.result().dns2.has_value());
}

TEST_F(IpcpPolicyTest, UnrequestedNbnsInANakIsIgnored) {
  // RFC 1661 §5.3: never loop on options we did not ask for (docs/ppp.md, "Pitfalls: Nak'd
  // options we did not ask for are ignored").
  ipcp_.BuildRequest();
  ASSERT_TRUE(ipcp_.OnNak(Hex("82 06 0a 00 00 01 84 06 0a 00 00 02")));
  EXPECT_EQ(ToHex(ipcp_.BuildRequest()), "03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00");
}

TEST_F(IpcpPolicyTest, RejectedDnsIsNoLongerRequested) {
  ipcp_.BuildRequest();
  ASSERT_TRUE(ipcp_.OnReject(Hex("81 06 00 00 00 00 83 06 00 00 00 00")));
  EXPECT_EQ(ToHex(ipcp_.BuildRequest()), "03 06 00 00 00 00");
}

TEST_F(IpcpPolicyTest, AckDifferentFromTheRequestIsInvalid) {
  ipcp_.BuildRequest();
  EXPECT_FALSE(ipcp_.OnAck(Hex("03 06 0a 00 02 0f")));
}

TEST_F(IpcpPolicyTest, MalformedListsAreInvalid) {
  EXPECT_FALSE(Check("03 06 0a").first.has_value());
  EXPECT_FALSE(ipcp_.OnNak(Hex("81 01")));
  EXPECT_FALSE(ipcp_.OnReject(Hex("81 07 00 00 00 00")));
}

}  // namespace
}  // namespace uclink::pppif
