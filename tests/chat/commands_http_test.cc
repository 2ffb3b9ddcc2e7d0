// HTTP client commands (chat/commands/http.h): manual §2.44–§2.52.
#include <gtest/gtest.h>

#include "chat/commands/command_table.h"
#include "chat/commands/http.h"

namespace uclink::chat {
namespace {

TEST(HttptlsTest, ManualExamples) {
  // §2.44.2 AT+HTTPTLS=1; §2.44.3 "+HTTPTLS: 1"; §2.44 table "+HTTPTLS:0".
  EXPECT_EQ(*EncodeHttptls(1), "AT+HTTPTLS=1");
  EXPECT_EQ(*DecodeHttptls("+HTTPTLS: 1"), 1);
  EXPECT_EQ(*DecodeHttptls("+HTTPTLS:0"), 0);
  EXPECT_EQ(EncodeHttptls(2).error().code, CommandErrc::kOutOfRange);
}

TEST(HttpparaTest, EncodesManualFlows) {
  // §2.49–§2.52 (lower-case tags, comma separator; sent as HTTPPARA, not HTTTPARA).
  EXPECT_EQ(*EncodeHttppara(HttpParam::kPath, "/"), "AT+HTTPPARA=path,/");
  EXPECT_EQ(*EncodeHttppara(HttpParam::kUrl, "http://httpbin.org/post"),
            "AT+HTTPPARA=url,http://httpbin.org/post");
  EXPECT_EQ(*EncodeHttppara(HttpParam::kUser, "Content-Type:application/json"),
            "AT+HTTPPARA=user,Content-Type:application/json");
  EXPECT_EQ(*EncodeHttppara(HttpParam::kBody,
                            R"({"datastreams":[{"id":"humi","datapoints":[{"value":20}]}]})"),
            R"(AT+HTTPPARA=body,{"datastreams":[{"id":"humi","datapoints":[{"value":20}]}]})");
}

TEST(HttpparaTest, NumericTags) {
  EXPECT_EQ(*EncodeHttppara(HttpParam::kTimeout, 50), "AT+HTTPPARA=timeout,50");
  EXPECT_EQ(*EncodeHttppara(HttpParam::kPort, "8080"), "AT+HTTPPARA=port,8080");
  EXPECT_EQ(EncodeHttppara(HttpParam::kPort, 0).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeHttppara(HttpParam::kPort, "http").error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(EncodeHttppara(HttpParam::kUrl, 5).error().code, CommandErrc::kUnsupportedForm);
}

TEST(HttpparaTest, UrlLimitIs1024Bytes) {
  // §2.45: URL at most 1024 bytes.
  std::string url = "http://a/" + std::string(1015, 'x');
  ASSERT_EQ(url.size(), 1024u);
  EXPECT_TRUE(EncodeHttppara(HttpParam::kUrl, url));
  auto r = EncodeHttppara(HttpParam::kUrl, url + "y");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kTooLong);
  EXPECT_NE(r.error().detail.find("URL"), std::string::npos);
  EXPECT_NE(r.error().detail.find("1024"), std::string::npos);
}

TEST(HttpparaTest, UserDataRefusesLineEndsAndBackslashesAndIsLimitedTo512) {
  // §2.45: CR LF in user data are written as an escape the manual does not define, so one user
  // parameter carries one header line: CR, LF and '\' (which could read as that escape) are
  // refused, never escaped. User data at most 512 bytes.
  EXPECT_EQ(*EncodeHttppara(HttpParam::kUser, "A: 1"), "AT+HTTPPARA=user,A: 1");
  EXPECT_EQ(EncodeHttppara(HttpParam::kUser, "A: 1\r\nB: 2").error().code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeHttppara(HttpParam::kUser, "A: C:\\new").error().code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeHttppara(HttpParam::kUser, std::string(513, 'u')).error().code,
            CommandErrc::kTooLong);
  EXPECT_EQ(EncodeHttppara(HttpParam::kBody, std::string(513, 'b')).error().code,
            CommandErrc::kTooLong);
  EXPECT_EQ(EncodeHttppara(HttpParam::kBody, "a\r\nb").error().code,
            CommandErrc::kInvalidCharacter);
}

TEST(HttpdataTest, ManualExample) {
  // §2.46.2: AT+HTTPDATA=1, X.
  EXPECT_EQ(*EncodeHttpdata("X"), "AT+HTTPDATA=1,X");
  EXPECT_EQ(EncodeHttpdata(std::string(513, 'x')).error().code, CommandErrc::kTooLong);
}

TEST(HttpactionTest, EncodesMethods) {
  // §2.47: 0 get, 1 head, 2 put, 3 post.
  EXPECT_EQ(*EncodeHttpaction(HttpMethod::kGet), "AT+HTTPACTION=0");
  EXPECT_EQ(*EncodeHttpaction(HttpMethod::kPost), "AT+HTTPACTION=3");
  EXPECT_EQ(ToString(HttpMethod::kHead), "HEAD");
  EXPECT_EQ(*EncodeExec(Command::kHttpinit), "AT+HTTPINIT");
}

TEST(HttpactionTest, DecodesEveryShapeTheManualPrints) {
  // §2.47.2 "+HTTPACTION=0, 192", §2.49 "+httpaction:0,192", §2.50 "+HTTPACTION:0,292".
  EXPECT_EQ(*DecodeHttpaction("+HTTPACTION=0, 192"), (HttpActionResult{0, 192}));
  EXPECT_EQ(*DecodeHttpaction("+httpaction:0,192"), (HttpActionResult{0, 192}));
  EXPECT_EQ(*DecodeHttpaction("+HTTPACTION:0,292"), (HttpActionResult{0, 292}));
  EXPECT_EQ(*DecodeHttpaction("+HTTPACTION:0,23"), (HttpActionResult{0, 23}));  // §2.52
}

TEST(HttpactionTest, TestAnswerAndItsMisprint) {
  // §2.47 table "+HTTPACTION: (0-3)"; §2.47.1 prints "+CGDCONT: (0-3)".
  EXPECT_TRUE(DecodeSupported("+HTTPACTION: (0-3)", {"HTTPACTION"})->params[0].Allows(3));
  EXPECT_TRUE(DecodeSupported("+CGDCONT: (0-3)", {"HTTPACTION", "CGDCONT"}));
  EXPECT_EQ(DecodeHttpaction("+HTTPACTION: (0-3)").error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeHttpaction("+HTTPACTION:0,x").error().code, CommandErrc::kBadNumber);
}

TEST(HttpreadTest, BodyOnNextLines) {
  // §2.48.2: "+HTTPREAD:XXX," then the data on the next line.
  auto h = DecodeHttpreadHeader("+HTTPREAD:192,", true);
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, (PayloadHeader{192, 14, true, {}}));
  EXPECT_EQ(DecodeHttpreadHeader("+HTTPREAD:192,", false).error().code, CommandErrc::kIncomplete);
}

TEST(HttpreadTest, LowerCaseWithoutComma) {
  // §2.49: "+httpread: xxxx" — a length alone on its line.
  auto h = DecodeHttpreadHeader("+httpread: 292", true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->length, 292u);
  EXPECT_TRUE(h->next_line);
}

TEST(HttpreadTest, InlineBodyOfTheTableForm) {
  // §2.48 table: "+HTTPREAD=<lent>,<data>".
  std::string_view line = "+HTTPREAD=5,hello";
  auto h = DecodeHttpreadHeader(line, false);
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->next_line);
  EXPECT_EQ(line.substr(h->offset, h->length), "hello");
}

TEST(HttpreadTest, RejectsGarbage) {
  EXPECT_EQ(DecodeHttpreadHeader("+HTTPREAD: xxxx", true).error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeHttpreadHeader("+HTTPREAD", true).error().code, CommandErrc::kWrongPrefix);
}

}  // namespace
}  // namespace uclink::chat
