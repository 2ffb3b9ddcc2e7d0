// Tables 3.1–3.5 of the UC8088 manual as data (chat/error_tables.h).
#include "chat/error_tables.h"

#include <gtest/gtest.h>

#include <set>

namespace uclink::chat {
namespace {

TEST(ErrorTablesTest, CmeCodesCarryTheManualText) {
  // Table 3.1.
  EXPECT_EQ(DescribeCme(3), "operation not allowed");
  EXPECT_EQ(DescribeCme(10), "SIM not inserted");
  EXPECT_EQ(DescribeCme(-1), "other error");
  EXPECT_EQ(DescribeCme(514), "IP CLOSE FAIL");
}

TEST(ErrorTablesTest, ExtCodesCarryTheManualText) {
  // Table 3.2.
  EXPECT_EQ(DescribeExt(14), "no pdp context defined");
  EXPECT_EQ(DescribeExt(15), "no set device function(at+cfun=1)");
}

TEST(ErrorTablesTest, HttpMqttAndFtpCodes) {
  EXPECT_EQ(DescribeHttp(206), "A TLS error occurred");
  EXPECT_EQ(DescribeHttp(905), "The operation on the public API is not supported.");
  EXPECT_EQ(DescribeMqtt(9), "A CONNECT or at least one subscription was refused by the server.");
  // §2.43: AT+FTPPATH answers +FTPPATH:250.
  EXPECT_EQ(DescribeFtp(250), "FTP_CWD_PATH_OK");
  EXPECT_EQ(DescribeFtp(4), "FTP_CONNECT_ERROR");
}

TEST(ErrorTablesTest, UnlistedCodesHaveNoText) {
  EXPECT_FALSE(DescribeCme(6));
  EXPECT_FALSE(DescribeExt(17));
  EXPECT_FALSE(DescribeHttp(1));
  EXPECT_FALSE(DescribeMqtt(12));
  EXPECT_FALSE(DescribeFtp(999));
}

TEST(ErrorTablesTest, TablesHaveTheManualsRowCounts) {
  EXPECT_EQ(Entries(ErrorTable::kCme).size(), 44u);
  EXPECT_EQ(Entries(ErrorTable::kExt).size(), 18u);
  EXPECT_EQ(Entries(ErrorTable::kHttp).size(), 28u);
  EXPECT_EQ(Entries(ErrorTable::kMqtt).size(), 12u);
  EXPECT_EQ(Entries(ErrorTable::kFtp).size(), 50u);
}

TEST(ErrorTablesTest, CodesAreUniqueAndTextsNonEmpty) {
  for (ErrorTable t : {ErrorTable::kCme, ErrorTable::kExt, ErrorTable::kHttp, ErrorTable::kMqtt,
                       ErrorTable::kFtp}) {
    SCOPED_TRACE(ToString(t));
    std::set<int> seen;
    for (const ErrorEntry& e : Entries(t)) {
      EXPECT_TRUE(seen.insert(e.code).second) << e.code;
      EXPECT_FALSE(e.text.empty()) << e.code;
    }
  }
}

TEST(ErrorTablesTest, FtpIdentifiersHaveGlosses) {
  for (const ErrorEntry& e : Entries(ErrorTable::kFtp)) {
    EXPECT_FALSE(e.gloss.empty()) << e.code;
  }
}

TEST(ErrorTablesTest, VerboseCmeTextMapsBackToItsCode) {
  // manual §2.7.4: with AT+CMEE=2, "+CME ERROR: operation not allowed".
  EXPECT_EQ(CmeCodeFromText("operation not allowed"), 3);
  EXPECT_EQ(CmeCodeFromText(" SIM PIN REQUIRED "), 11);
  EXPECT_FALSE(CmeCodeFromText("raspberry"));
}

TEST(ErrorTablesTest, FindEntryGivesGloss) {
  const ErrorEntry* e = FindEntry(ErrorTable::kExt, 15);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->gloss.find("AT+CFUN=1"), std::string_view::npos);
}

}  // namespace
}  // namespace uclink::chat
