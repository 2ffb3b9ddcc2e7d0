// Packet-domain commands (chat/commands/pdp.h): manual examples of §2.9–§2.16, §2.20, §2.25 and
// the answers of other firmware in docs/at-commands.md, "Answers from other firmware".
#include <gtest/gtest.h>

#include <vector>

#include "chat/commands/pdp.h"

namespace uclink::chat {
namespace {

// --- CGATT ---

TEST(CgattTest, ManualExamples) {
  // §2.9.2–§2.9.4.
  EXPECT_EQ(*EncodeCgatt(1), "AT+CGATT=1");
  EXPECT_EQ(*DecodeCgatt("+CGATT: 0"), false);
  EXPECT_EQ(*DecodeCgatt("+CGATT: 1"), true);
  EXPECT_TRUE(DecodeSupported("+CGATT: (0, 1)", {"CGATT"})->params[0].Allows(1));
}

TEST(CgattTest, RejectsBadInput) {
  EXPECT_EQ(EncodeCgatt(2).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCgatt("+CGATT: 1, 935400000").error().code, CommandErrc::kTooManyFields);
  EXPECT_EQ(DecodeCgatt("+CGATT: 2").error().code, CommandErrc::kOutOfRange);
}

// --- CGACT ---

TEST(CgactTest, EncodesManualSetExamples) {
  // §2.10.2 AT+CGACT=1,1; §2.10.4 AT+CGACT=1,1,2; no cid activates all defined contexts.
  const int one[] = {1};
  const int both[] = {1, 2};
  EXPECT_EQ(*EncodeCgact(1, one), "AT+CGACT=1,1");
  EXPECT_EQ(*EncodeCgact(1, both), "AT+CGACT=1,1,2");
  EXPECT_EQ(*EncodeCgact(0), "AT+CGACT=0");
}

TEST(CgactTest, RefusesCidsTheModuleLacks) {
  // §2.10.2: only cids 1 and 2; §2.7.4 uses cid 5 to provoke an error.
  const int five[] = {5};
  auto r = EncodeCgact(1, five);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kOutOfRange);
}

TEST(CgactTest, DecodesEverySpacingTheManualPrints) {
  // §2.10.3 "+CGACT:1,1", §2.11.4 "+CGACT: 1,1", §2.20 "+CGACT: 1, 1".
  for (std::string_view line : {"+CGACT:1,1", "+CGACT: 1,1", "+CGACT: 1, 1"}) {
    SCOPED_TRACE(line);
    EXPECT_EQ(*DecodeCgact(line), (PdpActivation{1, true}));
  }
  EXPECT_EQ(*DecodeCgact("+CGACT:2,1"), (PdpActivation{2, true}));
}

TEST(CgactTest, RealWorldVectors) {
  // docs/at-commands.md, "Answers from other firmware: +CGACT".
  EXPECT_EQ(*DecodeCgact("+CGACT: 1,0"), (PdpActivation{1, false}));
  EXPECT_EQ(*DecodeCgact("+CGACT: 4,1"), (PdpActivation{4, true}));
}

TEST(CgactTest, TestAnswerInAllItsShapes) {
  // §2.10.1 "+CGACT: (0, 1)", §2.10.4 "+CGACT:(0,1)", §2.25.1 "+CGACT=(0,1)".
  for (std::string_view line : {"+CGACT: (0, 1)", "+CGACT:(0,1)", "+CGACT=(0,1)"}) {
    SCOPED_TRACE(line);
    auto s = DecodeSupported(line, {"CGACT"});
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->params[0].Allows(0));
    EXPECT_TRUE(s->params[0].Allows(1));
    EXPECT_EQ(DecodeCgact(line).error().code, CommandErrc::kMissingField);
  }
}

// --- CGDCONT ---

TEST(CgdcontTest, EncodesManualSetExample) {
  // §2.11.2: AT+CGDCONT=1, "IP" (sent without the space).
  EXPECT_EQ(*EncodeCgdcont({1, PdpType::kIp}), "AT+CGDCONT=1,\"IP\"");
  PdpContextRequest with_apn{2, PdpType::kIp, "cmnet"};
  EXPECT_EQ(*EncodeCgdcont(with_apn), "AT+CGDCONT=2,\"IP\",\"cmnet\"");
  PdpContextRequest full{1, PdpType::kPpp, "cmnet", "", 0, 1};
  EXPECT_EQ(*EncodeCgdcont(full), "AT+CGDCONT=1,\"PPP\",\"cmnet\",\"\",0,1");
}

TEST(CgdcontTest, RefusesBadArguments) {
  EXPECT_EQ(EncodeCgdcont({3, PdpType::kIp}).error().code, CommandErrc::kOutOfRange);
  PdpContextRequest long_apn{1, PdpType::kIp, std::string(101, 'a')};
  EXPECT_EQ(EncodeCgdcont(long_apn).error().code, CommandErrc::kTooLong);
  PdpContextRequest crlf{1, PdpType::kIp, "a\r\nAT+CFUN=0"};
  EXPECT_EQ(EncodeCgdcont(crlf).error().code, CommandErrc::kInvalidCharacter);
  PdpContextRequest bad_comp{1, PdpType::kIp, "x", "", 3, 0};
  EXPECT_EQ(EncodeCgdcont(bad_comp).error().code, CommandErrc::kOutOfRange);
}

TEST(CgdcontTest, DecodesManualReadAnswer) {
  // §2.11.3: "+CGDCONT: 1, "IP", "", "", 0, 0".
  EXPECT_EQ(*DecodeCgdcont("+CGDCONT: 1, \"IP\", \"\", \"\", 0, 0"),
            (PdpContext{1, "IP", "", "", 0, 0}));
}

TEST(CgdcontTest, RealWorldVectors) {
  // Nokia (empty APN, no quotes), Samsung, SIMCom (truncated): docs/at-commands.md, "Answers from
  // other firmware: +CGDCONT".
  EXPECT_EQ(*DecodeCgdcont("+CGDCONT: 1,\"IP\",,,0,0"), (PdpContext{1, "IP", "", "", 0, 0}));
  EXPECT_EQ(DecodeCgdcont("+CGDCONT: 2,\"IP\",\"epc.tmobile.com\",\"\",0,0")->apn,
            "epc.tmobile.com");
  EXPECT_EQ(*DecodeCgdcont("+CGDCONT: 3,\"IP\",\"MAXROAM.com\""),
            (PdpContext{3, "IP", "MAXROAM.com", "", {}, {}}));
}

TEST(CgdcontTest, DecodesManualTestAnswer) {
  // §2.11.1 and §2.20 ("PPP" line).
  auto s = DecodeCgdcontTest("+CGDCONT: (1-2), \"IP\", , , (0, 1), (0, 1)");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->cids, (std::vector<IntRange>{{1, 2}}));
  EXPECT_EQ(s->type, "IP");
  EXPECT_EQ(s->h_comp, (std::vector<IntRange>{{0, 0}, {1, 1}}));
  EXPECT_EQ(DecodeCgdcontTest("+CGDCONT: (1-2), \"PPP\", ,, (0, 1), (0, 1)")->type, "PPP");
}

TEST(CgdcontTest, TestAnswerVariants) {
  // phonesim ("IP") in parentheses, Thuraya spaces and empty cid range, Cinterion ranges:
  // docs/at-commands.md, "Answers from other firmware: +CGDCONT".
  EXPECT_EQ(DecodeCgdcontTest("+CGDCONT: (5-10),(\"IPV6\"),,,(0-1),(0-1)")->type, "IPV6");
  auto t = DecodeCgdcontTest("+CGDCONT: ( 1 ) , \"IP\" ,,, (0-2),(0-3)");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->cids, (std::vector<IntRange>{{1, 1}}));
  EXPECT_TRUE(DecodeCgdcontTest("+CGDCONT: , \"PPP\" ,,, (0-2),(0-3)")->cids.empty());
  EXPECT_EQ(DecodeCgdcontTest("+CGDCONT: (1-17,101-116),\"IP\",,,(0),(0-4)")->cids.size(), 2u);
}

TEST(CgdcontTest, ReadAndTestAnswersAreNotConfused) {
  EXPECT_EQ(DecodeCgdcont("+CGDCONT: (1-2), \"IP\",,,(0,1),(0,1)").error().code,
            CommandErrc::kMalformed);
  EXPECT_EQ(DecodeCgdcontTest("+CGDCONT: 1,\"IP\",\"\",\"\",0,0").error().code,
            CommandErrc::kMalformed);
}

TEST(PdpTypeTest, NamesRoundTrip) {
  for (PdpType t : {PdpType::kIp, PdpType::kIpv6, PdpType::kPpp, PdpType::kX25, PdpType::kOspih}) {
    EXPECT_EQ(PdpTypeFromString(ToString(t)), t);
  }
  EXPECT_EQ(PdpTypeFromString("ip"), PdpType::kIp);
  EXPECT_FALSE(PdpTypeFromString("IPV4V6"));
}

// --- CGQREQ / CGQMIN ---

TEST(QosTest, EncodesManualSetExamples) {
  // §2.12.2 and §2.13.2: 1, 1, 4, 5, 2, 14.
  QosProfile q{1, 1, 4, 5, 2, 14};
  EXPECT_EQ(*EncodeCgqreq(q), "AT+CGQREQ=1,1,4,5,2,14");
  EXPECT_EQ(*EncodeCgqmin(q), "AT+CGQMIN=1,1,4,5,2,14");
  QosProfile best_effort{2, 0, 0, 0, 0, 31};
  EXPECT_EQ(*EncodeCgqreq(best_effort), "AT+CGQREQ=2,0,0,0,0,31");
}

TEST(QosTest, RefusesValuesOutsideGsm0360) {
  EXPECT_EQ(EncodeCgqreq({1, 4, 0, 0, 0, 0}).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeCgqmin({1, 0, 0, 0, 0, 19}).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeCgqmin({1, 0, 0, 6, 0, 0}).error().code, CommandErrc::kOutOfRange);
}

TEST(QosTest, DecodesManualReadAnswers) {
  // §2.12.3, §2.12.4, §2.13.3, §2.13.4.
  EXPECT_EQ(*DecodeCgqreq("+CGQREQ: 1, 0, 0, 0, 0, 0"), (QosProfile{1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(*DecodeCgqreq("+CGQREQ: 1, 1, 4, 5, 2, 14"), (QosProfile{1, 1, 4, 5, 2, 14}));
  EXPECT_EQ(*DecodeCgqmin("+CGQMIN: 1, 1, 4, 5, 2, 14"), (QosProfile{1, 1, 4, 5, 2, 14}));
}

TEST(QosTest, DecodesManualTestAnswer) {
  // §2.12.1: "+CGQREQ: "IP", (1-3), (1-4), (1-5), (1-9), (1-18, 31)".
  auto s = DecodeSupported("+CGQREQ: \"IP\", (1-3), (1-4), (1-5), (1-9), (1-18, 31)", {"CGQREQ"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->params.size(), 6u);
}

TEST(QosTest, RejectsBadMeanAndWrongCommand) {
  EXPECT_EQ(DecodeCgqreq("+CGQREQ: 1, 0, 0, 0, 0, 20").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCgqmin("+CGQREQ: 1, 0, 0, 0, 0, 0").error().code, CommandErrc::kWrongPrefix);
}

// --- CGPADDR ---

TEST(CgpaddrTest, EncodesManualSetExamples) {
  // §2.14.2 AT+CGPADDR=1,2 and §2.14.3 AT+CGPADDR= (all contexts).
  const int both[] = {1, 2};
  EXPECT_EQ(*EncodeCgpaddr(both), "AT+CGPADDR=1,2");
  EXPECT_EQ(*EncodeCgpaddr(), "AT+CGPADDR=");
}

TEST(CgpaddrTest, DecodesManualAnswers) {
  // §2.14.2.
  EXPECT_EQ(*DecodeCgpaddr("+CGPADDR: 1,\"192.168.40.13\""), (PdpAddress{1, "192.168.40.13"}));
  EXPECT_EQ(*DecodeCgpaddr("+CGPADDR: 2,\"192.168.40.14\""), (PdpAddress{2, "192.168.40.14"}));
  EXPECT_EQ(*DecodeCgpaddr("+CGPADDR: 1"), (PdpAddress{1, ""}));
  // §2.14.1 test answer "+CGPADDR: (1, 2)".
  EXPECT_EQ(DecodeCgpaddr("+CGPADDR: (1, 2)").error().code, CommandErrc::kMalformed);
  EXPECT_TRUE(DecodeSupported("+CGPADDR: (1,2)", {"CGPADDR"})->params[0].Allows(2));
}

// --- CGDATA ---

TEST(CgdataTest, ManualExamples) {
  // §2.16.2 AT+CGDATA="PPP",1; §2.16.1 "+CGDATA: "PPP"".
  EXPECT_EQ(*EncodeCgdata(1), "AT+CGDATA=\"PPP\",1");
  EXPECT_EQ(*DecodeCgdataTest("+CGDATA: \"PPP\""), (std::vector<std::string>{"PPP"}));
  EXPECT_EQ(*DecodeCgdataTest("+CGDATA: (\"PPP\",\"PAD\")"),
            (std::vector<std::string>{"PPP", "PAD"}));
  EXPECT_EQ(EncodeCgdata(0).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCgdataTest("+CGDATA:").error().code, CommandErrc::kMalformed);
}

}  // namespace
}  // namespace uclink::chat
