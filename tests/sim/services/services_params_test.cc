// The services' pure parts: parameter splitting from the raw line, FTP reply parsing (fed split
// at every offset), PASV/PORT encoding and the error vocabulary.
#include <gtest/gtest.h>

#include "sim/services/errors.h"
#include "sim/services/ftp_reply.h"
#include "sim/services/params.h"

namespace uclink::sim::services {
namespace {

std::vector<std::string> Texts(const std::optional<std::vector<Param>>& p) {
  std::vector<std::string> out;
  if (p) {
    for (const auto& f : *p) out.push_back(f.text);
  }
  return out;
}

TEST(SplitParamsTest, ManualSpacingAroundFieldsIsDropped) {
  // Manual §2.25.1 writes: AT+IPSEND="TCP", 3, "123".
  EXPECT_EQ(Texts(SplitParams("AT+IPSEND=\"TCP\", 3, \"123\"", 3)),
            (std::vector<std::string>{"TCP", "3", "123"}));
}

TEST(SplitParamsTest, QuotedLastFieldEndsAtTheNextQuoteAndKeepsCommas) {
  const auto p = SplitParams("AT+MQTTPUB=\"t\",1,0,\"{'a':1,'b':2}\"", 4);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)[3].text, "{'a':1,'b':2}");
  EXPECT_TRUE((*p)[3].quoted);
}

TEST(SplitParamsTest, AQuoteInsideAQuotedFieldIsRefusedNotKept) {
  // Manual §1.3.3 defines no escape: `"x"y\z"` and `"x\"y\z"` are a quoted string followed by
  // junk, never the message x"y\z or x\"y\z.
  EXPECT_FALSE(SplitParams("AT+MQTTPUB=\"t\",1,0,\"x\"y\\z\"", 4));
  EXPECT_FALSE(SplitParams("AT+MQTTPUB=\"t\",1,0,\"x\\\"y\\z\"", 4));
  EXPECT_FALSE(SplitParams("AT+MQTTPUB=\"t\",1,0,\"unterminated", 4));
  const auto p = SplitParams("AT+MQTTPUB=\"t\",1,0,\"x\\y\"", 4);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)[3].text, "x\\y");
}

TEST(SplitCountedTest, TheLengthEndsTheDataSoQuotesAndCommasAreData) {
  // Manual §2.43: AT+FTPPUT=5, 12345 — the space after the comma is not data.
  auto c = SplitCounted("AT+FTPPUT=5, 12345", 1024);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->length, 5);
  EXPECT_EQ(c->data, "12345");
  c = SplitCounted("AT+HTTPDATA=5,\"a\",b", 1024);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->data, "\"a\",b");
  c = SplitCounted("AT+FTPPUT=0,", 1024);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->data, "");
  c = SplitCounted("AT+FTPPUT=5", 1024);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->data);
  EXPECT_FALSE(SplitCounted("AT+FTPPUT=x,1", 1024));
  EXPECT_FALSE(SplitCounted("AT+FTPPUT=2000,1", 1024));
}

TEST(FitsQuotedTest, ReportTopicsWithQuotesOrControlBytesDoNotFit) {
  EXPECT_TRUE(FitsQuoted("a/b c\\d"));
  EXPECT_FALSE(FitsQuoted("a\"b"));
  EXPECT_FALSE(FitsQuoted("a\r\nOK"));
  EXPECT_FALSE(FitsQuoted(std::string("a\0b", 3)));
}

TEST(SplitParamsTest, UnquotedLastFieldIsTakenVerbatim) {
  // Manual §2.51: at+httppara=body,{"datastreams":[...]} is not quoted.
  EXPECT_EQ(Texts(SplitParams("at+httppara=body,{\"x\":[1,2]}", 2)),
            (std::vector<std::string>{"body", "{\"x\":[1,2]}"}));
}

TEST(SplitParamsTest, EmptyLastFieldAfterCommaIsKept) {
  // Manual §2.39: "AT+FTPPUT=0," ends an upload.
  EXPECT_EQ(Texts(SplitParams("AT+FTPPUT=0,", 2)), (std::vector<std::string>{"0", ""}));
}

TEST(SplitParamsTest, FewerFieldsThanMaximumAreReturnedAsGiven) {
  EXPECT_EQ(Texts(SplitParams("AT+IPSEND=\"TCP\",\"123\"", 3)),
            (std::vector<std::string>{"TCP", "123"}));
}

TEST(SplitParamsTest, TextAfterClosingQuoteIsRejected) {
  EXPECT_FALSE(SplitParams("AT+IPCREATE=\"TCP\"x,\"h\",1", 3));
}

TEST(SplitParamsTest, NoEqualsSignMeansNoFields) {
  EXPECT_TRUE(SplitParams("AT+FTPLIST", 2)->empty());
}

TEST(ParseIntTest, AcceptsRangeAndRejectsGarbage) {
  EXPECT_EQ(ParseInt(" 42 ", 0, 100), 42);
  EXPECT_FALSE(ParseInt("101", 0, 100));
  EXPECT_FALSE(ParseInt("4x", 0, 100));
  EXPECT_FALSE(ParseInt("", 0, 100));
  EXPECT_FALSE(ParseInt("99999999999999999999999", 0, 100));
}

TEST(UnescapeLineEndsTest, EscapedCrLfBecomesBytes) {
  EXPECT_EQ(UnescapeLineEnds("a\\r\\nb\\x"), "a\r\nb\\x");
}

const char kTranscript[] =
    "220 (vsFTPd 3.0.3)\r\n"
    "211-Features:\r\n EPRT\r\n 211 not the end\r\n211 End\r\n"
    "227 Entering Passive Mode (127,0,0,1,195,80).\r\n"
    "150 Here comes the directory listing.\n"
    "226 Directory send OK.\r\n";

TEST(FtpReplyParserTest, MultiLineRepliesJoinAtEverySplitOffset) {
  const std::string all = kTranscript;
  for (std::size_t cut = 0; cut <= all.size(); ++cut) {
    FtpReplyParser parser;
    auto replies = parser.Feed(all.substr(0, cut));
    auto rest = parser.Feed(all.substr(cut));
    replies.insert(replies.end(), rest.begin(), rest.end());
    ASSERT_EQ(replies.size(), 5u) << "cut at " << cut;
    EXPECT_EQ(replies[0].code, 220);
    EXPECT_EQ(replies[1].code, 211);
    EXPECT_EQ(replies[1].text, "End");
    EXPECT_EQ(replies[2].code, 227);
    EXPECT_EQ(replies[3].code, 150);
    EXPECT_EQ(replies[4].code, 226);
    EXPECT_FALSE(parser.failed());
  }
}

TEST(FtpReplyParserTest, LineWithoutCodeBreaksTheStream) {
  FtpReplyParser parser;
  EXPECT_TRUE(parser.Feed("hello\r\n").empty());
  EXPECT_TRUE(parser.failed());
}

TEST(FtpReplyParserTest, EndlessLineIsBoundedAndFails) {
  FtpReplyParser parser;
  parser.Feed(std::string(FtpReplyParser::kMaxLine + 1, '2'));
  EXPECT_TRUE(parser.failed());
}

TEST(PasvTest, PortComesFromTheLastTwoNumbers) {
  EXPECT_EQ(ParsePasvPort("Entering Passive Mode (127,0,0,1,195,80)."), 195 * 256 + 80);
  EXPECT_FALSE(ParsePasvPort("Entering Passive Mode (127,0,0,1,300,80)"));
  EXPECT_FALSE(ParsePasvPort("no numbers"));
}

TEST(PortTest, FormatsRfc959Arguments) {
  EXPECT_EQ(FormatPort({127, 0, 0, 1}, 50000), "PORT 127,0,0,1,195,80");
}

TEST(ErrcTest, EveryCodeHasNameAndMessage) {
  for (Errc e : {Errc::kBadParameter, Errc::kTooLong, Errc::kNoNetwork, Errc::kNotAllowed,
                 Errc::kIpCloseFail}) {
    EXPECT_NE(ToString(e), "unknown-error");
    EXPECT_NE(make_error_code(e).message().find_first_not_of(' '), std::string::npos);
    EXPECT_STREQ(make_error_code(e).category().name(), "uclink.sim.services");
  }
}

}  // namespace
}  // namespace uclink::sim::services
