// Radio and network commands (chat/commands/network.h): manual examples of §2.1, §2.7, §2.8,
// §2.15, §2.17, §2.18, §2.19, and the answers of other firmware in docs/at-commands.md.
#include <gtest/gtest.h>

#include "chat/commands/network.h"

namespace uclink::chat {
namespace {

// --- CFUN ---

TEST(CfunTest, EncodesSetForm) {
  EXPECT_EQ(*EncodeCfun(1), "AT+CFUN=1");  // §2.1.2
  EXPECT_EQ(*EncodeCfun(0, 0), "AT+CFUN=0,0");
  EXPECT_EQ(EncodeCfun(4).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeCfun(1, 2).error().code, CommandErrc::kOutOfRange);
}

TEST(CfunTest, DecodesManualReadAnswer) {
  // §2.1.3: "+CFUN: 1".
  EXPECT_EQ(*DecodeCfun("+CFUN: 1"), (CfunState{1, std::nullopt}));
}

TEST(CfunTest, DecodesOtherFirmwareVariants) {
  // docs/at-commands.md, "Answers from other firmware: +CFUN".
  EXPECT_EQ(*DecodeCfun("+CFUN: 1,0"), (CfunState{1, 0}));
  EXPECT_EQ(DecodeCfun("+CFUN: 4")->fun, 4);
  EXPECT_EQ(DecodeCfun("+CFUN: 19")->fun, 19);
}

TEST(CfunTest, RejectsBadInput) {
  EXPECT_EQ(DecodeCfun("+CFUN:").error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeCfun("+CFUN: 200").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCfun("+CFUN: x").error().code, CommandErrc::kBadNumber);
}

TEST(CfunTest, TestAnswerDecodesAsSupportedValues) {
  // §2.1.1: "+CFUN: (0, 1), (0)".
  auto s = DecodeSupported("+CFUN: (0, 1), (0)", {"CFUN"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->params[0].ranges, (std::vector<IntRange>{{0, 0}, {1, 1}}));
}

// --- CMEE ---

TEST(CmeeTest, ManualExamples) {
  // §2.7.2, §2.7.3, §2.7.1.
  EXPECT_EQ(*EncodeCmee(2), "AT+CMEE=2");
  EXPECT_EQ(*DecodeCmee("+CMEE: 2"), 2);
  EXPECT_EQ(DecodeSupported("+CMEE: (0-2)", {"CMEE"})->params[0].ranges,
            (std::vector<IntRange>{{0, 2}}));
}

TEST(CmeeTest, RejectsOutOfRange) {
  EXPECT_EQ(EncodeCmee(3).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCmee("+CMEE: 3").error().code, CommandErrc::kOutOfRange);
}

// --- CELLLOCK ---

TEST(CelllockTest, EncodesManualSetExample) {
  // §2.8.2: AT+CELLLOCK=1,935400000.
  EXPECT_EQ(*EncodeCelllock(1, 935400000), "AT+CELLLOCK=1,935400000");
  EXPECT_EQ(*EncodeCelllock(0, 0), "AT+CELLLOCK=0,0");
}

TEST(CelllockTest, RefusesFrequencyOutsideTheThreeBands) {
  auto r = EncodeCelllock(1, 2'400'000'000u);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kOutOfRange);
  EXPECT_NE(r.error().detail.find("§2.8"), std::string::npos);
}

TEST(CelllockTest, DecodesManualReadAnswers) {
  // §2.8.3 and §2.8.4 (unlocked "+CELLLOCK: 0, 0").
  EXPECT_EQ(*DecodeCelllock("+CELLLOCK: 1, 935400000"), (CellLock{true, 935400000}));
  EXPECT_EQ(*DecodeCelllock("+CELLLOCK: 0, 0"), (CellLock{false, 0}));
}

TEST(CelllockTest, AcceptsTheManualsMisprintedPrefix) {
  // §2.8.4 prints the read answer as "+CGATT: 1, 935400000".
  EXPECT_EQ(*DecodeCelllock("+CGATT: 1, 935400000"), (CellLock{true, 935400000}));
  // §2.8.1 test answer with a space after '+'.
  EXPECT_TRUE(DecodeSupported("+ CELLLOCK: (0, 1), freq", {"CELLLOCK"}));
}

// --- CGREG ---

TEST(CgregTest, EncodesSetForm) {
  EXPECT_EQ(*EncodeCgreg(1), "AT+CGREG=1");  // §2.15.1 (2)
  EXPECT_EQ(EncodeCgreg(2).error().code, CommandErrc::kOutOfRange);
}

TEST(CgregTest, ManualReadAnswerWithoutLocation) {
  // §2.15.2: "+CGREG: 0,0".
  auto r = DecodeCgreg("+CGREG: 0,0", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->n, 0);
  EXPECT_EQ(r->status, RegStatus::kNotRegistered);
  EXPECT_FALSE(r->lac);
}

TEST(CgregTest, ManualReadAnswerWithDecimalLocation) {
  // §2.15.3: "+CGREG: 1,1,13122,32451" (lac 13122, ci 32451).
  auto r = DecodeCgreg("+CGREG: 1,1,13122,32451", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Registration{1, RegStatus::kHome, 13122u, 32451u, std::nullopt}));
}

TEST(CgregTest, ManualUrcsDuringAttach) {
  // §2.15.3: "+CGREG: 2" then "+CGREG: 1" arrive before the OK of AT+CGATT=1.
  EXPECT_EQ(DecodeCgreg("+CGREG: 2", false)->status, RegStatus::kSearching);
  auto r = DecodeCgreg("+CGREG: 1", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, RegStatus::kHome);
  EXPECT_FALSE(r->n);
}

TEST(CgregTest, OneFieldLineDuringQueryIsTheUrc) {
  auto r = DecodeCgreg("+CGREG: 5", true);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->n);
  EXPECT_EQ(r->status, RegStatus::kRoaming);
}

struct CgregVector {
  const char* line;
  bool query;
  std::optional<int> n;
  RegStatus status;
  std::optional<std::uint32_t> lac;
  std::optional<std::uint32_t> ci;
  std::optional<int> act;
};

TEST(CgregTest, RealWorldVectors) {
  // The rows of docs/at-commands.md, "Answers from other firmware: +CGREG".
  const CgregVector vectors[] = {
      {"+CGREG: 1,3", true, 1, RegStatus::kDenied, {}, {}, {}},
      {"+CGREG: 3", false, {}, RegStatus::kDenied, {}, {}, {}},
      {"+CGREG: 2,1,\"8BE3\",\"00002B5D\",3", true, 2, RegStatus::kHome, 0x8BE3, 0x2B5D, 3},
      {"+CGREG: 1,\"8BE3\",\"00002B5D\",3", false, {}, RegStatus::kHome, 0x8BE3, 0x2B5D, 3},
      {"+CGREG: 5,\"0502\",\"0404736D\",2", false, {}, RegStatus::kRoaming, 0x0502, 0x0404736D, 2},
      {"+CGREG: 2,1, 81ED, 1A9CEB", false, 2, RegStatus::kHome, 0x81ED, 0x1A9CEB, {}},
      {"+CGREG: 1,\"1422\",\"00000142\",3,\"00\"", false, {}, RegStatus::kHome, 0x1422, 0x0142, 3},
      {"+CGREG: 2, 1, \"0426\", \"F00F\"", true, 2, RegStatus::kHome, 0x0426, 0xF00F, {}},
      {"+CGREG: 1, \"0426\", \"F00F\"", false, {}, RegStatus::kHome, 0x0426, 0xF00F, {}},
      {"+CGREG: 2,,", false, {}, RegStatus::kSearching, {}, {}, {}},
  };
  for (const CgregVector& v : vectors) {
    SCOPED_TRACE(v.line);
    auto r = DecodeCgreg(v.line, v.query);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(*r, (Registration{v.n, v.status, v.lac, v.ci, v.act}));
  }
}

TEST(CgregTest, StatusesBeyondTheManualAreOutOfRange) {
  // 3GPP stats 10/11 (docs/at-commands.md, "Answers from other firmware: +CGREG"), which the UC8088
  // (§2.15: 0–5) never sends.
  EXPECT_EQ(DecodeCgreg("+CGREG: 11,\"B092\",\"00000697\",3,\"00\"", false).error().code,
            CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCgreg("+CGREG:2,10,ebbd,f025", true).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCgreg("+CGREG:002,0011,\"0f0d\",\"14c3\"", true).error().code,
            CommandErrc::kOutOfRange);
}

TEST(CgregTest, RejectsGarbage) {
  EXPECT_EQ(DecodeCgreg("+CGREG:", false).error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeCgreg("+CGREG: x", false).error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeCgreg("+CREG: 1", false).error().code, CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeCgreg("+CGREG: 1,\"FFFFF\",\"1\"", false).error().code, CommandErrc::kOutOfRange);
}

TEST(CgregTest, StatusNames) {
  EXPECT_EQ(ToString(RegStatus::kNotRegistered), "not_registered");
  EXPECT_EQ(ToString(RegStatus::kHome), "home");
  EXPECT_EQ(ToString(RegStatus::kSearching), "searching");
  EXPECT_EQ(ToString(RegStatus::kDenied), "denied");
  EXPECT_EQ(ToString(RegStatus::kUnknown), "unknown");
  EXPECT_EQ(ToString(RegStatus::kRoaming), "roaming");
  EXPECT_TRUE(IsRegistered(RegStatus::kRoaming));
  EXPECT_FALSE(IsRegistered(RegStatus::kSearching));
}

// --- CSQ ---

TEST(CsqTest, ManualExample) {
  // §2.17.2: "+CSQ: 21, 99" → -71 dBm, ber unknown; §2.17.3 without the space.
  EXPECT_EQ(*DecodeCsq("+CSQ: 21, 99"), (SignalQuality{21, -71, std::nullopt}));
  EXPECT_EQ(*DecodeCsq("+CSQ: 21,99"), (SignalQuality{21, -71, std::nullopt}));
}

TEST(CsqTest, EndpointsOfTheScale) {
  // §2.17: 0 → -113 dBm or less, 1 → -111, 31 → -51 or more.
  EXPECT_EQ(DecodeCsq("+CSQ: 0,0")->rssi_dbm, -113);
  EXPECT_EQ(DecodeCsq("+CSQ: 0,0")->ber, 0);
  EXPECT_EQ(DecodeCsq("+CSQ: 1,7")->rssi_dbm, -111);
  EXPECT_EQ(DecodeCsq("+CSQ: 31,99")->rssi_dbm, -51);
}

TEST(CsqTest, UnknownIsNulloptNeverZero) {
  // §2.17: 99,99 means unknown (docs/at-commands.md, "Answers from other firmware: +CSQ").
  auto q = DecodeCsq("+CSQ: 99,99");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->csq, 99);
  EXPECT_FALSE(q->rssi_dbm);
  EXPECT_FALSE(q->ber);
}

TEST(CsqTest, RealWorldVectors) {
  // docs/at-commands.md, "Answers from other firmware: +CSQ".
  EXPECT_EQ(DecodeCsq("+CSQ: 20,99")->rssi_dbm, -73);
  EXPECT_EQ(DecodeCsq("+CSQ: 12, 99")->rssi_dbm, -89);
}

TEST(CsqTest, RejectsBadInput) {
  EXPECT_EQ(DecodeCsq("+CSQ: 32,99").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCsq("+CSQ: 21,8").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCsq("+CSQ: 21").error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeCsq("+CSQ: a,b").error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeCsq("+CSQ: -1,99").error().code, CommandErrc::kOutOfRange);
}

TEST(CsqTest, TestAnswer) {
  // §2.17.1: "+CSQ: (2-31, 99), (99)".
  auto s = DecodeSupported("+CSQ: (2-31, 99), (99)", {"CSQ"});
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->params[0].Allows(99));
  EXPECT_FALSE(s->params[0].Allows(1));
}

// --- COPS ---

TEST(CopsTest, EncodesManualSetExample) {
  // §2.18.2: AT+COPS=1, 2, "46000" (sent without spaces).
  EXPECT_EQ(*EncodeCops(1, 2, "46000"), "AT+COPS=1,2,\"46000\"");
  EXPECT_EQ(*EncodeCops(0), "AT+COPS=0");
  EXPECT_EQ(*EncodeCops(3, 2), "AT+COPS=3,2");
}

TEST(CopsTest, RefusesIncompleteManualSelection) {
  EXPECT_EQ(EncodeCops(1).error().code, CommandErrc::kMissingField);
  EXPECT_EQ(EncodeCops(1, 2).error().code, CommandErrc::kEmpty);
  EXPECT_EQ(EncodeCops(5).error().code, CommandErrc::kOutOfRange);
}

TEST(CopsTest, DecodesManualReadAnswer) {
  // §2.18.3: "+COPS: 0,2,"26242"".
  EXPECT_EQ(*DecodeCops("+COPS: 0,2,\"26242\""), (OperatorSelection{0, 2, "26242", {}}));
}

TEST(CopsTest, DecodesReadAnswerVariants) {
  // Name and AcT, and mode only (docs/at-commands.md, "Answers from other firmware: +COPS").
  EXPECT_EQ(*DecodeCops("+COPS: 1,0,\"CHINA MOBILE\",7"),
            (OperatorSelection{1, 0, "CHINA MOBILE", 7}));
  EXPECT_EQ(*DecodeCops("+COPS: 0"), (OperatorSelection{0, {}, "", {}}));
  EXPECT_EQ(DecodeCops("+COPS: (1,\"\",\"\",\"46000\")").error().code, CommandErrc::kMalformed);
}

TEST(CopsListTest, ManualScan) {
  // §2.18.1.
  auto list = DecodeCopsList("+COPS: (1, \"\", \"\", \"26242\"), (0, \"\", \"\", \"46242\")");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], (OperatorEntry{OperatorStatus::kAvailable, "", "", "26242", {}}));
  EXPECT_EQ((*list)[1].status, OperatorStatus::kUnknown);
}

TEST(CopsListTest, FailedManualSelectionListsAvailableOperators) {
  // §2.18.2: AT+COPS=1,2,"26242" answers "+COPS: (1,"","","46000")".
  auto list = DecodeCopsList("+COPS: (1,\"\",\"\",\"46000\")");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].numeric, "46000");
}

TEST(CopsListTest, StrayParenthesesBetweenEntries) {
  // Sony Ericsson TM-506 (docs/at-commands.md, "Answers from other firmware: +COPS").
  auto list = DecodeCopsList(
      "+COPS: (2,\"\",\"T-Mobile\",\"31026\",0),(2,\"T - Mobile\",\"T - Mobile\",\"310260\"),2),"
      "(1,\"AT&T\",\"AT&T\",\"310410\"),0)");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0], (OperatorEntry{OperatorStatus::kCurrent, "", "T-Mobile", "31026", 0}));
  EXPECT_EQ((*list)[1].long_name, "T - Mobile");
  EXPECT_EQ((*list)[2].status, OperatorStatus::kAvailable);
}

TEST(CopsListTest, TrailingModeAndFormatListsAreSkipped) {
  // Option GT 3G+, Huawei E160G, Option Quicksilver (7-digit code): docs/at-commands.md, "Answers
  // from other firmware: +COPS".
  EXPECT_EQ(DecodeCopsList("+COPS: (1,\"T-Mobile US\",\"TMO US\",\"31026\",0),(1,\"Cingular\","
                           "\"Cingular\",\"310410\",0),,(0, 1, 3),(0-2)")
                ->size(),
            2u);
  auto q = DecodeCopsList(
      "+COPS: (2,\"AT&T\",\"\",\"310410\",0),(2,\"\",\"\",\"3104100\",2),(1,\"AT&T\",\"\","
      "\"310260\",0),,(0-4),(0-2)");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[1].numeric, "3104100");
}

TEST(CopsListTest, EmptyShortNamesAndDoubleCommas) {
  // Motorola C-series and Nokia N80 (docs/at-commands.md, "Answers from other firmware: +COPS").
  auto m = DecodeCopsList(
      "+COPS: (2,\"T-Mobile\",\"\",\"310260\"),(0,\"Cingular Wireless\",\"\","
      "\"310410\")");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->size(), 2u);
  EXPECT_FALSE((*m)[0].act);
  auto n = DecodeCopsList(
      "+COPS: (2,\"T - Mobile\",,\"31026\"),(1,\"Einstein PCS\",,\"31064\"),"
      "(1,\"Cingular\",,\"31041\"),,(0,1,3),(0,2)");
  ASSERT_TRUE(n);
  ASSERT_EQ(n->size(), 3u);
  EXPECT_EQ((*n)[1].short_name, "");
}

TEST(CopsListTest, ContinuationLineAndOnePerLine) {
  // Nokia 2720 (CRLF between entries) and Novatel XU870 (one +COPS: per line): docs/at-commands.md,
  // "Answers from other firmware: +COPS".
  EXPECT_EQ(DecodeCopsList("+COPS: (2,\"T - Mobile\",,\"31026\",0),")->size(), 1u);
  EXPECT_EQ(DecodeCopsList("(1,\"AT&T\",,\"310410\",0),,(0,1,3),(0,2)")->size(), 1u);
  EXPECT_EQ(
      DecodeCopsList("+COPS: (0,\"AT&T MicroCell\",\"AT&T MicroCell\",\"310410\",2)")->front().act,
      2);
}

TEST(CopsListTest, ForbiddenAndDuplicatesAreKept) {
  // Sony Ericsson K600i and ZTE MF627 (docs/at-commands.md, "Answers from other firmware: +COPS").
  auto k = DecodeCopsList(
      "+COPS: (2,\"blau\",\"\",\"26203\"),(2,\"blau\",\"\",\"26203\"),(3,\"\",\"\",\"26201\"),"
      "(3,\"\",\"\",\"26202\"),(3,\"\",\"\",\"26207\"),(3,\"\",\"\",\"26201\"),(3,\"\",\"\","
      "\"26207\")");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->size(), 7u);
  auto z = DecodeCopsList(
      "+COPS: (2,\"AT&T@\",\"AT&TD\",\"310410\",0),(3,\"Vstream "
      "Wireless\",\"VSTREAM\",\"31026\",0),");
  ASSERT_TRUE(z);
  ASSERT_EQ(z->size(), 2u);
  EXPECT_EQ((*z)[1].status, OperatorStatus::kForbidden);
}

TEST(CopsListTest, OnlyModeListsGiveEmptyListNoError) {
  // Only mode/format lists (docs/at-commands.md, "Answers from other firmware: +COPS").
  auto list = DecodeCopsList("+COPS: (0,1,2,3),(1,2,3,4)");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

TEST(CopsListTest, ReadAnswerIsNotAList) {
  EXPECT_EQ(DecodeCopsList("+COPS: 0,2,\"26242\"").error().code, CommandErrc::kMalformed);
  EXPECT_EQ(DecodeCopsList("+CSQ: 1,2").error().code, CommandErrc::kWrongPrefix);
}

// --- LPM ---

TEST(LpmTest, EncodesAndDecodes) {
  // §2.19: +LPM=<mode>,<control>; +LPM: <mode>,<control>.
  EXPECT_EQ(*EncodeLpm(1, 0), "AT+LPM=1,0");
  EXPECT_EQ(*DecodeLpm("+LPM: 1,0"), (LowPower{1, 0}));
  EXPECT_EQ(EncodeLpm(2, 0).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeLpm("+LPM: 1").error().code, CommandErrc::kMissingField);
}

}  // namespace
}  // namespace uclink::chat
