// RFC 3986 parsing and percent-decoding (control/inband/url.h): the one place URLs of the
// service commands are decoded, for the in-band and native paths alike.
#include "control/inband/url.h"

#include <gtest/gtest.h>

#include <random>

#include "control/inband/ftp_client.h"

namespace uclink::control::inband {
namespace {

TEST(UrlTest, ComponentsAreDecodedOnce) {
  Url url;
  ASSERT_FALSE(ParseUrl("FTP://a%40b:p%3Aw@Example.com:2121/d/my%20file%2Etxt", &url));
  EXPECT_EQ(url.scheme, "ftp");
  EXPECT_EQ(url.user, "a@b");
  EXPECT_EQ(url.password, "p:w");
  EXPECT_EQ(url.host, "Example.com");
  EXPECT_EQ(url.port, 2121);
  EXPECT_EQ(url.path, "/d/my file.txt");
  EXPECT_FALSE(url.query);
  // %25 is a percent sign; decoding happens once, so %2541 stays "%41".
  ASSERT_FALSE(ParseUrl("http://h/%2541", &url));
  EXPECT_EQ(url.path, "/%41");
}

TEST(UrlTest, QueryAndFragmentAreKeptAsWritten) {
  Url url;
  ASSERT_FALSE(ParseUrl("http://h/p?a=%20&b=/?#f%20", &url));
  EXPECT_EQ(url.query, "a=%20&b=/?");
  EXPECT_EQ(url.fragment, "f%20");
  EXPECT_EQ(url.port, std::nullopt);
  ASSERT_FALSE(ParseUrl("http://h:/", &url));  // RFC 3986 §3.2.3: an empty port is absent
  EXPECT_EQ(url.port, std::nullopt);
}

TEST(UrlTest, BytesOutsideTheGrammarAreRefusedNamingOffsetAndFix) {
  Url url;
  struct Bad {
    const char* url;
    const char* needle;
  };
  for (const Bad& bad :
       {Bad{"ftp://h/a b", "byte 0x20 at offset 9"}, Bad{"ftp://h/a\"b", "%22"},
        Bad{"ftp://h/a%4", "'%' at offset 9"}, Bad{"ftp://h/a%g0", "'%' at offset 9"},
        Bad{"ftp://h/\xc3\xa9", "0xC3"}, Bad{"ftp://u s@h/", "userinfo"},
        Bad{"ftp://h%2Fx/", "host"}, Bad{"ftp://h:0/", "port"}, Bad{"ftp://h:1x/", "port"},
        Bad{"ftp://[::1/", "IP literal"}, Bad{"ftp:/h/", "//"}, Bad{"//h/", "scheme"}}) {
    auto e = ParseUrl(bad.url, &url);
    ASSERT_TRUE(e) << bad.url;
    EXPECT_EQ(e.code, Errc::kInvalidArgument);
    EXPECT_NE(e.message.find(bad.needle), std::string::npos) << bad.url << ": " << e.message;
  }
}

TEST(UrlTest, HttpUrlsWithoutSchemeAreReadAsHttpAndOffsetsStayTheUsers) {
  EXPECT_FALSE(CheckHttpUrl("127.0.0.1:8080/x"));
  auto e = CheckHttpUrl("h/a b");
  ASSERT_TRUE(e);
  EXPECT_NE(e.message.find("offset 3"), std::string::npos) << e.message;
  EXPECT_TRUE(CheckHttpUrl("ftp://h/"));
}

// Property: any bytes, percent-encoded into an FTP URL's path (as FtpUrlOf does for libcurl),
// come back from ParseFtpUrl byte for byte: the in-band and native paths name the same file.
TEST(UrlTest, RandomBytesRoundTripThroughEncodeAndDecode) {
  std::mt19937 rng(3986);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> len(0, 40);
  for (int round = 0; round < 5000; ++round) {
    std::string bytes(len(rng), '\0');
    for (char& c : bytes) c = static_cast<char>(byte(rng));
    EXPECT_EQ(PercentDecode(PercentEncode(bytes)), bytes);
    FtpSession session;
    session.host = "h";
    std::string path;
    const std::string name = "d/" + PercentEncode(bytes);
    ASSERT_FALSE(ParseFtpUrl(FtpUrlOf(session, "d/" + bytes), &session, &path)) << name;
    EXPECT_EQ(path, "d/" + bytes);
  }
}

}  // namespace
}  // namespace uclink::control::inband
