// PAP and CHAP-MD5 as the authenticated peer (RFC 1334 §2, RFC 1994 §4), without a session.
#include <gtest/gtest.h>

#include "pppif/chap.h"
#include "pppif/pap.h"
#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;
using testing::ToHex;
using namespace std::chrono_literals;

struct Sent : ControlSink {
  void SendControl(std::uint16_t protocol, std::vector<std::uint8_t> packet) override {
    last_protocol = protocol;
    packets.push_back(std::move(packet));
  }
  std::uint16_t last_protocol = 0;
  std::vector<std::vector<std::uint8_t>> packets;
};

const FsmClock::time_point kT0{};

TEST(ChapMd5Test, ResponseMatchesTheRfc1994Formula) {
  // MD5(01 ‖ "secret" ‖ 01..10), computed independently with Python hashlib (docs/ppp.md,
  // "Reference frames").
  const auto challenge = Hex("01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10");
  const auto digest = ChapMd5Response(0x01, "secret", challenge);
  EXPECT_EQ(ToHex(std::vector<std::uint8_t>(digest.begin(), digest.end())),
            "bb 84 a7 f2 e4 18 de 52 1c f8 e7 84 e3 59 7d 7e");
}

TEST(ChapClientTest, MalformedChallengeIsIgnored) {
  Sent sent;
  ChapClient chap({"u", "p"}, 30s, sent);
  chap.Start(kT0);
  chap.OnPacket(Hex("01 01 00 06 10 aa"), kT0);  // Value-Size 16 but one byte
  EXPECT_TRUE(sent.packets.empty());
  EXPECT_EQ(chap.status(), AuthStatus::kInProgress);
}

TEST(ChapClientTest, SuccessForAnotherIdIsIgnored) {
  Sent sent;
  ChapClient chap({"u", "p"}, 30s, sent);
  chap.Start(kT0);
  chap.OnPacket(Hex("01 05 00 06 01 aa"), kT0);
  chap.OnPacket(Hex("03 06 00 04"), kT0);
  EXPECT_EQ(chap.status(), AuthStatus::kInProgress);
  chap.OnPacket(Hex("03 05 00 04"), kT0);
  EXPECT_EQ(chap.status(), AuthStatus::kSucceeded);
}

TEST(ChapClientTest, RechallengeAfterSuccessIsAnswered) {
  // RFC 1994 §2: the authenticator may challenge again at any time.
  Sent sent;
  ChapClient chap({"u", "p"}, 30s, sent);
  chap.Start(kT0);
  chap.OnPacket(Hex("01 05 00 06 01 aa"), kT0);
  chap.OnPacket(Hex("03 05 00 04"), kT0);
  chap.OnPacket(Hex("01 06 00 06 01 bb"), kT0 + 60s);
  EXPECT_EQ(sent.packets.size(), 2U);
  EXPECT_EQ(chap.status(), AuthStatus::kSucceeded);
}

TEST(PapClientTest, RequestCarriesIdAndPassword) {
  Sent sent;
  PapClient pap({"ab", "xyz"}, 3s, 10, sent);
  pap.Start(kT0);
  ASSERT_EQ(sent.packets.size(), 1U);
  EXPECT_EQ(sent.last_protocol, kProtoPap);
  EXPECT_EQ(ToHex(sent.packets[0]), "01 01 00 0b 02 61 62 03 78 79 7a");
  EXPECT_EQ(pap.deadline(), kT0 + 3s);
}

TEST(PapClientTest, AckForAnOlderRequestIsIgnored) {
  Sent sent;
  PapClient pap({"ab", "xyz"}, 3s, 10, sent);
  pap.Start(kT0);
  pap.OnTimer(kT0 + 3s);  // retransmits with id 2
  pap.OnPacket(Hex("02 01 00 05 00"), kT0 + 3s);
  EXPECT_EQ(pap.status(), AuthStatus::kInProgress);
  pap.OnPacket(Hex("02 02 00 05 00"), kT0 + 3s);
  EXPECT_EQ(pap.status(), AuthStatus::kSucceeded);
}

TEST(PapClientTest, LongCredentialsAreBoundedBy255) {
  Sent sent;
  PapClient pap({std::string(300, 'u'), "p"}, 3s, 10, sent);
  pap.Start(kT0);
  EXPECT_EQ(sent.packets[0][4], 255);
  EXPECT_EQ(sent.packets[0].size(), 4U + 1 + 255 + 1 + 1);
}

TEST(AuthEnumTest, StatusHasNames) { EXPECT_STREQ(ToString(AuthStatus::kFailed), "failed"); }

}  // namespace
}  // namespace uclink::pppif
