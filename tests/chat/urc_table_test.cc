#include "chat/urc_table.h"

#include "gtest/gtest.h"

namespace uclink::chat {
namespace {

TEST(UrcTableTest, ClassifiesTheManualsUrcs) {
  const UrcTable table;
  EXPECT_EQ(table.Classify("+CGREG: 1"), UrcKind::kRegistration);
  EXPECT_EQ(table.Classify("+IPRECV=\"TCP\", 3"), UrcKind::kIpReceive);
  EXPECT_EQ(table.Classify("+MQTTSUB:\"topic1\",5"), UrcKind::kMqttMessage);
  EXPECT_EQ(table.Classify("+FTPGET:24"), UrcKind::kFtpData);
  EXPECT_EQ(table.Classify("+FTPLIST:0,370"), UrcKind::kFtpList);
  EXPECT_EQ(table.Classify("+httpaction:0,192"), UrcKind::kHttpAction);
  EXPECT_EQ(table.Classify("CONNECT OK"), UrcKind::kConnectResult);
  EXPECT_EQ(table.Classify("NO CARRIER"), UrcKind::kNoCarrier);
  EXPECT_EQ(table.Classify("READY"), UrcKind::kRestart);
}

TEST(UrcTableTest, UnregisteredLinesAreUnknown) {
  const UrcTable table;
  EXPECT_EQ(table.Classify("+CSQ: 21,99"), UrcKind::kUnknown);
  EXPECT_EQ(table.Classify("+CGREGX: 1"), UrcKind::kUnknown);
  EXPECT_EQ(table.Classify("READY NOW"), UrcKind::kUnknown);
  EXPECT_EQ(table.Classify(""), UrcKind::kUnknown);
}

TEST(UrcTableTest, CgregUrcHasOneOrThreeFields) {
  // Manual §2.15: URC `<stat>[,<lac>,<ci>]`, read answer `<n>,<stat>[,<lac>,<ci>]`.
  EXPECT_TRUE(UrcTable::IsCgregUrcShape("+CGREG: 1"));
  EXPECT_TRUE(UrcTable::IsCgregUrcShape("+CGREG: 1,\"3A2B\",\"7E81\""));
  EXPECT_FALSE(UrcTable::IsCgregUrcShape("+CGREG: 0,0"));
  EXPECT_FALSE(UrcTable::IsCgregUrcShape("+CGREG: 1,1,13122,32451"));
  EXPECT_FALSE(UrcTable::IsCgregUrcShape("+CGREG: (0-1)"));
}

TEST(UrcTableTest, CgregUrcWithAccessTechnologyHasAQuotedLac) {
  // Ericsson F3607gw's read answer and URC, and a Thuraya URC (docs/at-commands.md, "Answers from
  // other firmware: +CGREG").
  EXPECT_FALSE(UrcTable::IsCgregUrcShape("+CGREG: 2,1,\"8BE3\",\"00002B5D\",3"));
  EXPECT_TRUE(UrcTable::IsCgregUrcShape("+CGREG: 1,\"8BE3\",\"00002B5D\",3"));
  EXPECT_TRUE(UrcTable::IsCgregUrcShape("+CGREG: 1, \"0426\", \"F00F\""));
}

TEST(UrcTableTest, PrefixNeedsItsSeparator) {
  EXPECT_TRUE(UrcTable::HasPrefix("+CSQ: 1,2", "+CSQ"));
  EXPECT_TRUE(UrcTable::HasPrefix("+IPSEND=3", "+IPSEND"));
  EXPECT_TRUE(UrcTable::HasPrefix("+ FTPSCON :", "+FTPSCON"));
  EXPECT_FALSE(UrcTable::HasPrefix("+CSQX: 1", "+CSQ"));
  EXPECT_FALSE(UrcTable::HasPrefix("+CSQ", "+CSQ"));
}

}  // namespace
}  // namespace uclink::chat
