// HttpClient: the manual's HTTP sessions (§2.49–§2.51) and every error path.
#include "control/inband/http_client.h"

#include <gtest/gtest.h>

#include "tests/control/services/inband_harness.h"

namespace uclink::control::inband {
namespace {

using testing::InbandHarness;

HttpRequest Get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

TEST(HttpClientTest, PostOfManual250ReadsTheAnnouncedLengthAtEverySplit) {
  const std::string body(292, 'b');
  for (std::size_t chunk : testing::ChunkSizes()) {
    HttpRequest request = Get("http://httpbin.org/post");
    request.method = chat::HttpMethod::kPost;
    HttpClient client(request);
    InbandHarness h(client, chunk);
    h.Script({
        {"AT+HTTPTLS=0\r", "OK\r\n"},
        {"AT+HTTPPARA=url,http://httpbin.org/post\r", "OK\r\n"},
        {"AT+HTTPINIT\r", "OK\r\n"},
        {"AT+HTTPACTION=3\r", "\r\n+HTTPACTION:0,292\r\n\r\nOK\r\n"},
        // The manual has no read form: a module that refuses it leaves the status unknown.
        {"AT+HTTPACTION?\r", "\r\nERROR\r\n"},
        {"AT+HTTPREAD\r", "\r\n+HTTPREAD:292,\r\n" + body + "\r\nOK\r\n"},
    });
    client.Start({});
    h.Run();
    EXPECT_EQ(h.Data(), body) << "chunk " << chunk;
    ASSERT_TRUE(h.Done()) << "chunk " << chunk;
    EXPECT_FALSE(*h.Done()) << h.Done()->message;
    EXPECT_TRUE(h.script_done());
  }
}

TEST(HttpClientTest, BodyLongerThanOneReadIsReadInAsManyReadsAsNeeded) {
  HttpClient client(Get("http://10.0.2.2:8080/big"));
  InbandHarness h(client);
  const std::string a(1024, 'a'), b(1024, 'b'), c(452, 'c');
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://10.0.2.2:8080/big\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPACTION=0\r", "+HTTPACTION:0,2500\r\nOK\r\n"},
      {"AT+HTTPACTION?\r", "+HTTPACTION: 0,200,2500\r\nOK\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:1024,\r\n" + a + "\r\nOK\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:1024,\r\n" + b + "\r\nOK\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:452,\r\n" + c + "\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  EXPECT_EQ(h.Data(), a + b + c);
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
  EXPECT_EQ(h.Events<ProgressAction>().back().done, 2500u);
}

TEST(HttpClientTest, ActionResultPrintedAfterOkArrivesAsUrc) {
  HttpClient client(Get("https://www.baidu.com"));
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=1\r", "OK\r\n"},
      {"AT+HTTPPARA=url,https://www.baidu.com\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPACTION=0\r", "OK\r\n"},
      {"AT+HTTPACTION?\r", "ERROR\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:3,\r\nabc\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  EXPECT_EQ(client.step(), HttpClient::Step::kAwaitAction);
  h.Inject("\r\n+httpaction:0,3\r\n");  // §2.49 writes it in lower case
  EXPECT_EQ(h.Data(), "abc");
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
}

TEST(HttpClientTest, MissingActionResultTimesOut) {
  HttpClient client(Get("http://a/"));
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://a/\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPACTION=0\r", "OK\r\n"},
  });
  client.Start({});
  h.Run();
  ASSERT_EQ(h.Events<TimerAction>().size(), 1u);
  h.FireTimer();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kTimeout);
}

TEST(HttpClientTest, FailedRequestNamesTheTable33Code) {
  HttpClient client(Get("http://10.0.2.2:9/"));
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://10.0.2.2:9/\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPACTION=0\r", "+HTTPACTION:203,0\r\nERROR\r\n"},
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kConnectFailed);
  EXPECT_NE(h.Done()->message.find("203 (A network connection error occurred.)"), std::string::npos)
      << h.Done()->message;
}

TEST(HttpClientTest, HeadersGoOneUserLineEachAndTheBodyInHttpdataParts) {
  HttpRequest request = Get("http://api.heclouds.com/devices/632952758/datapoints");
  request.method = chat::HttpMethod::kPut;
  request.headers = {"api-key:z40o57s9ctWnrAySMfpIfyq1A5M=", "Content-Type:application/json"};
  request.body = std::string(600, 'j');
  HttpClient client(request);
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://api.heclouds.com/devices/632952758/datapoints\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPPARA=user,api-key:z40o57s9ctWnrAySMfpIfyq1A5M=\r", "OK\r\n"},
      {"AT+HTTPPARA=user,Content-Type:application/json\r", "OK\r\n"},
      {"AT+HTTPDATA=512," + std::string(512, 'j') + "\r", "OK\r\n"},
      {"AT+HTTPDATA=88," + std::string(88, 'j') + "\r", "OK\r\n"},
      {"AT+HTTPACTION=2\r", "+HTTPACTION:0,0\r\nOK\r\n"},
      {"AT+HTTPACTION?\r", "+HTTPACTION: 2,204,0\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
}

TEST(HttpClientTest, UrlOver1024BytesIsRefusedBeforeAnythingIsSent) {
  HttpClient client(Get("http://a/" + std::string(1100, 'x')));
  InbandHarness h(client);
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kInvalidArgument);
  EXPECT_NE(h.Done()->message.find("1024"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(HttpClientTest, HeaderOver512BytesIsRefusedNamingTheLimit) {
  HttpRequest request = Get("http://a/");
  request.headers = {"X-Big: " + std::string(600, 'v')};
  HttpClient client(request);
  InbandHarness h(client);
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_NE(h.Done()->message.find("512"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(HttpClientTest, HeaderWithALineEndIsRefusedInBothModesBeforeAnythingIsSent) {
  // `-H $'X-A: b\r\nX-Injected: 1'` used to travel as `user,X-A: b\r\nX-Injected: 1`, which
  // the module unescapes into a second header (§2.45), and as two header lines over libcurl.
  const std::vector<std::string> headers = {"X-A: b\r\nX-Injected: 1", "X-A: b\nX-Injected: 1",
                                            "X-A: b\rX", std::string("X-A: b\0c", 8),
                                            "X-A: \x1b[0m"};
  for (const std::string& header : headers) {
    HttpRequest request = Get("http://a/");
    request.headers = {header};
    for (Transport t : {Transport::kInband, Transport::kNative}) {
      auto e = CheckHttpRequest(request, t);
      ASSERT_TRUE(e) << header;
      EXPECT_EQ(e->code, Errc::kInvalidArgument) << e->message;
      EXPECT_NE(e->message.find("RFC 9110"), std::string::npos) << e->message;
    }
    HttpClient client(request);
    InbandHarness h(client);
    client.Start({});
    h.Run();
    ASSERT_TRUE(h.Done());
    EXPECT_EQ(h.Done()->code, Errc::kInvalidArgument);
    EXPECT_TRUE(h.written().empty()) << h.written();
  }
}

TEST(HttpClientTest, HeaderNameMustBeATokenFollowedByAColon) {
  for (const char* header : {"no colon", ": empty name", "Bad Name: v", "X\"Y: v", "X(: v"}) {
    EXPECT_TRUE(CheckHeaderLine(header)) << header;
  }
  for (const char* header : {"X-A: b", "X-A:", "Content-Type:application/json", "X: a\tb"}) {
    EXPECT_FALSE(CheckHeaderLine(header)) << header;
  }
}

TEST(HttpClientTest, BackslashInAHeaderIsRefusedInBandOnlyAndNeverEscaped) {
  // §2.45: CR LF in user data are written as an undefined escape, so a module may read `\n` in
  // `X-Path: C:\new` as a line end. Over PPP the header travels as it is.
  HttpRequest request = Get("http://a/");
  request.headers = {"X-Path: C:\\new"};
  auto inband = CheckHttpRequest(request, Transport::kInband);
  ASSERT_TRUE(inband);
  EXPECT_EQ(inband->code, Errc::kUnsendableByte);
  EXPECT_NE(inband->message.find("byte 0x5c at offset 10"), std::string::npos) << inband->message;
  EXPECT_FALSE(CheckHttpRequest(request, Transport::kNative));
}

TEST(HttpClientTest, MalformedUrlIsRefusedInBothModes) {
  for (const char* url : {"http://h/my file", "http://h/%zz", "ftp://h/", "http:///x",
                          "http://h:99999/", "http:\\\\h/"}) {
    for (Transport t : {Transport::kInband, Transport::kNative}) {
      auto e = CheckHttpRequest(Get(url), t);
      ASSERT_TRUE(e) << url;
      EXPECT_EQ(e->code, Errc::kInvalidArgument) << url;
    }
  }
  EXPECT_FALSE(CheckHttpRequest(Get("http://h/my%20file?q=a%2Fb#top"), Transport::kNative));
  EXPECT_FALSE(CheckHttpRequest(Get("127.0.0.1:8080/x"), Transport::kInband));
}

TEST(HttpClientTest, InlineBodyPartsNeverBeginWithASpace) {
  // §2.46.2 writes `AT+HTTPDATA=1, X`: the space after the comma is padding, so a part that
  // began with a space would lose it. The part boundary moves back before the space.
  HttpRequest request = Get("http://a/");
  request.method = chat::HttpMethod::kPost;
  request.body = std::string(512, 'j') + " k";
  HttpClient client(request);
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://a/\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPDATA=511," + std::string(511, 'j') + "\r", "OK\r\n"},
      {"AT+HTTPDATA=3,j k\r", "OK\r\n"},
      {"AT+HTTPACTION=3\r", "+HTTPACTION:0,0\r\nOK\r\n"},
      {"AT+HTTPACTION?\r", "+HTTPACTION: 3,200,0\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
}

TEST(HttpClientTest, BinaryBodyIsRefusedInlineAndSentAfterThePromptOtherwise) {
  HttpRequest request = Get("http://a/");
  request.method = chat::HttpMethod::kPost;
  request.body = std::string("a\r\nb", 4);
  {
    HttpClient client(request);
    InbandHarness h(client);
    client.Start({});
    h.Run();
    ASSERT_TRUE(h.Done());
    EXPECT_EQ(h.Done()->code, Errc::kUnsendableByte);
  }
  request.encoding = PayloadEncoding::kPrompt;
  HttpClient client(request);
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://a/\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPDATA=4\r", "> "},
      {"a\r\nb", "OK\r\n"},
      {"AT+HTTPACTION=3\r", "+HTTPACTION:0,0\r\nOK\r\n"},
      {"AT+HTTPACTION?\r", "+HTTPACTION: 3,200,0\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
}

TEST(HttpClientTest, ModuleErrorMidReadEndsTheRequest) {
  HttpClient client(Get("http://a/"));
  InbandHarness h(client);
  h.Script({
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url,http://a/\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPACTION=0\r", "+HTTPACTION:0,10\r\nOK\r\n"},
      {"AT+HTTPACTION?\r", "+HTTPACTION: 0,200,10\r\nOK\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:4,\r\nabcd\r\nOK\r\n"},
      {"AT+HTTPREAD\r", "ERROR\r\n"},
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kModuleError);
  EXPECT_EQ(h.Data(), "abcd");
}

// The request steps up to a completed AT+HTTPACTION=<method> for `url`.
std::vector<testing::Step> UpToAction(const std::string& url, int method, std::size_t length) {
  return {
      {"AT+HTTPTLS=0\r", "OK\r\n"},
      {"AT+HTTPPARA=url," + url + "\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
      {"AT+HTTPACTION=" + std::to_string(method) + "\r",
       "+HTTPACTION:0," + std::to_string(length) + "\r\nOK\r\n"},
  };
}

TEST(HttpClientTest, NotFoundReportedByTheReadFormFailsWithoutReadingTheBody) {
  HttpClient client(Get("http://a/missing"));
  InbandHarness h(client);
  h.Script(UpToAction("http://a/missing", 0, 9));
  h.Script({{"AT+HTTPACTION?\r", "+HTTPACTION: 0,404,9\r\nOK\r\n"}});
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kServiceError);
  EXPECT_EQ(h.Done()->message, "HTTP 404 Not Found");
  EXPECT_EQ(h.Data(), "");
  EXPECT_EQ(client.http_status(), 404);
}

TEST(HttpClientTest, ServerErrorIsNamedWithItsReasonPhrase) {
  HttpClient client(Get("http://a/boom"));
  InbandHarness h(client);
  h.Script(UpToAction("http://a/boom", 0, 4));
  h.Script({{"AT+HTTPACTION?\r", "+HTTPACTION: 0,500,4\r\nOK\r\n"}});
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->message, "HTTP 500 Internal Server Error");
}

TEST(HttpClientTest, NoFailReadsTheBodyOfAnErrorStatus) {
  HttpRequest request = Get("http://a/missing");
  request.fail_on_http_error = false;
  HttpClient client(request);
  InbandHarness h(client);
  h.Script(UpToAction("http://a/missing", 0, 9));
  h.Script({
      {"AT+HTTPACTION?\r", "+HTTPACTION: 0,404,9\r\nOK\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:9,\r\nnot found\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
  EXPECT_EQ(h.Data(), "not found");
}

TEST(HttpClientTest, UnknownStatusOfAGetLeavesTheBodyAsTheOutput) {
  // A module that refuses AT+HTTPACTION? gives no way to know a GET's status (§2.47).
  HttpClient client(Get("http://a/missing"));
  InbandHarness h(client);
  h.Script(UpToAction("http://a/missing", 0, 9));
  h.Script({
      {"AT+HTTPACTION?\r", "ERROR\r\n"},
      {"AT+HTTPREAD\r", "+HTTPREAD:9,\r\nnot found\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
  EXPECT_EQ(h.Data(), "not found");
  EXPECT_FALSE(client.http_status());
}

TEST(HttpClientTest, HeadStatusLineFailsTheRequestWhenTheReadFormIsRefused) {
  const std::string block = "HTTP/1.0 404 File not found\r\nContent-Length: 9\r\n\r\n";
  for (std::size_t chunk : testing::ChunkSizes()) {
    HttpRequest request = Get("http://a/missing");
    request.method = chat::HttpMethod::kHead;
    HttpClient client(request);
    InbandHarness h(client, chunk);
    h.Script(UpToAction("http://a/missing", 1, block.size()));
    h.Script({
        {"AT+HTTPACTION?\r", "ERROR\r\n"},
        {"AT+HTTPREAD\r",
         "+HTTPREAD:" + std::to_string(block.size()) + ",\r\n" + block + "\r\nOK\r\n"},
    });
    client.Start({});
    h.Run();
    ASSERT_TRUE(h.Done()) << "chunk " << chunk;
    EXPECT_EQ(h.Done()->message, "HTTP 404 Not Found") << "chunk " << chunk;
    EXPECT_EQ(h.Data(), "") << "chunk " << chunk;
  }
}

TEST(HttpClientTest, HeadWithASuccessStatusLineOutputsTheHeaderBlock) {
  const std::string block = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n";
  HttpRequest request = Get("http://a/x");
  request.method = chat::HttpMethod::kHead;
  HttpClient client(request);
  InbandHarness h(client);
  h.Script(UpToAction("http://a/x", 1, block.size()));
  h.Script({
      {"AT+HTTPACTION?\r", "ERROR\r\n"},
      {"AT+HTTPREAD\r",
       "+HTTPREAD:" + std::to_string(block.size()) + ",\r\n" + block + "\r\nOK\r\n"},
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
  EXPECT_EQ(h.Data(), block);
}

TEST(HttpStatusTest, StatusLineParsesOnlyAWellFormedFirstLine) {
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 404 Not Found\r\n"), 404);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 204\r\n"), 204);
  EXPECT_EQ(ParseStatusLine("HTTP/2 500 x"), 500);
  EXPECT_FALSE(ParseStatusLine("Content-Length: 404\r\n"));
  EXPECT_FALSE(ParseStatusLine("HTTP/1.1 4040 x"));
  EXPECT_FALSE(ParseStatusLine("HTTP/1.1 4x4 x"));
  EXPECT_FALSE(ParseStatusLine("HTTP/1.1 40"));
  EXPECT_FALSE(ParseStatusLine(""));
}

TEST(HttpStatusTest, ReadFormNeedsThreeFieldsToCarryAStatus) {
  EXPECT_EQ(ParseActionStatus("+HTTPACTION: 0,404,9"), 404);
  EXPECT_EQ(ParseActionStatus("+httpaction:3,201,0"), 201);
  EXPECT_FALSE(ParseActionStatus("+HTTPACTION:0,292"));  // §2.50's form: no status
  EXPECT_FALSE(ParseActionStatus("+HTTPACTION: (0-3)"));
  EXPECT_FALSE(ParseActionStatus("+HTTPACTION: 0,99999,1"));
  EXPECT_FALSE(ParseActionStatus("+HTTPREAD: 0,404,9"));
}

TEST(HttpStatusTest, DescriptionUsesTheRfc9110ReasonPhrase) {
  EXPECT_EQ(DescribeHttpStatus(404), "HTTP 404 Not Found");
  EXPECT_EQ(DescribeHttpStatus(503), "HTTP 503 Service Unavailable");
  EXPECT_EQ(DescribeHttpStatus(599), "HTTP 599");
}

}  // namespace
}  // namespace uclink::control::inband
