// HttpClient: the manual's HTTP sessions (§2.49–§2.51) and every error path.
#include "control/inband/http_client.h"

#include <gtest/gtest.h>

#include "tests/control/services/exchange.h"

namespace uclink::control::inband {
namespace {

using testing::Step;
using Http = testing::Exchange<HttpClient>;

HttpRequest Get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

HttpRequest WithMethod(HttpRequest r, chat::HttpMethod method) {
  r.method = method;
  return r;
}

// The steps every request to `url` starts with (§2.49): TLS on or off, the URL, AT+HTTPINIT.
std::vector<Step> Init(const std::string& url, int tls = 0) {
  return {
      {"AT+HTTPTLS=" + std::to_string(tls) + "\r", "OK\r\n"},
      {"AT+HTTPPARA=url," + url + "\r", "OK\r\n"},
      {"AT+HTTPINIT\r", "OK\r\n"},
  };
}

// Init(url) and a completed AT+HTTPACTION=<method> announcing `length` bytes.
std::vector<Step> UpToAction(const std::string& url, int method, std::size_t length) {
  std::vector<Step> steps = Init(url);
  steps.push_back({"AT+HTTPACTION=" + std::to_string(method) + "\r",
                   "+HTTPACTION:0," + std::to_string(length) + "\r\nOK\r\n"});
  return steps;
}

// A POST (AT+HTTPACTION=3) the server answers 200 with an empty body.
std::vector<Step> PostedOk() {
  return {
      {"AT+HTTPACTION=3\r", "+HTTPACTION:0,0\r\nOK\r\n"},
      {"AT+HTTPACTION?\r", "+HTTPACTION: 3,200,0\r\nOK\r\n"},
  };
}

TEST(HttpClientTest, PostOfManual250ReadsTheAnnouncedLengthAtEverySplit) {
  const std::string body(292, 'b');
  for (std::size_t chunk : testing::ChunkSizes()) {
    Http x(WithMethod(Get("http://httpbin.org/post"), chat::HttpMethod::kPost));
    x.set_chunk(chunk);
    x.Play(Init("http://httpbin.org/post"),
           {
               {"AT+HTTPACTION=3\r", "\r\n+HTTPACTION:0,292\r\n\r\nOK\r\n"},
               // The manual has no read form: a module that refuses it leaves the status unknown.
               {"AT+HTTPACTION?\r", "\r\nERROR\r\n"},
               {"AT+HTTPREAD\r", "\r\n+HTTPREAD:292,\r\n" + body + "\r\nOK\r\n"},
           });
    EXPECT_EQ(x.Data(), body) << "chunk " << chunk;
    EXPECT_TRUE(x.Succeeded()) << "chunk " << chunk;
    EXPECT_TRUE(x.script_done());
  }
}

TEST(HttpClientTest, BodyLongerThanOneReadIsReadInAsManyReadsAsNeeded) {
  Http x(Get("http://10.0.2.2:8080/big"));
  const std::string a(1024, 'a'), b(1024, 'b'), c(452, 'c');
  x.Play(UpToAction("http://10.0.2.2:8080/big", 0, 2500),
         {
             {"AT+HTTPACTION?\r", "+HTTPACTION: 0,200,2500\r\nOK\r\n"},
             {"AT+HTTPREAD\r", "+HTTPREAD:1024,\r\n" + a + "\r\nOK\r\n"},
             {"AT+HTTPREAD\r", "+HTTPREAD:1024,\r\n" + b + "\r\nOK\r\n"},
             {"AT+HTTPREAD\r", "+HTTPREAD:452,\r\n" + c + "\r\nOK\r\n"},
         });
  EXPECT_EQ(x.Data(), a + b + c);
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.Events<ProgressAction>().back().done, 2500u);
}

TEST(HttpClientTest, ActionResultPrintedAfterOkArrivesAsUrc) {
  Http x(Get("https://www.baidu.com"));
  x.Play(Init("https://www.baidu.com", 1), {
                                               {"AT+HTTPACTION=0\r", "OK\r\n"},
                                               {"AT+HTTPACTION?\r", "ERROR\r\n"},
                                               {"AT+HTTPREAD\r", "+HTTPREAD:3,\r\nabc\r\nOK\r\n"},
                                           });
  EXPECT_EQ(x.client().step(), HttpClient::Step::kAwaitAction);
  x.Inject("\r\n+httpaction:0,3\r\n");  // §2.49 writes it in lower case
  EXPECT_EQ(x.Data(), "abc");
  EXPECT_TRUE(x.Succeeded());
}

TEST(HttpClientTest, MissingActionResultTimesOut) {
  Http x(Get("http://a/"));
  x.Play(Init("http://a/"), {{"AT+HTTPACTION=0\r", "OK\r\n"}});
  ASSERT_EQ(x.Events<TimerAction>().size(), 1u);
  x.FireTimer();
  EXPECT_TRUE(x.Failed(Errc::kTimeout));
}

TEST(HttpClientTest, FailedRequestNamesTheTable33Code) {
  Http x(Get("http://10.0.2.2:9/"));
  x.Play(Init("http://10.0.2.2:9/"), {{"AT+HTTPACTION=0\r", "+HTTPACTION:203,0\r\nERROR\r\n"}});
  EXPECT_TRUE(x.Failed(Errc::kConnectFailed, {"203 (A network connection error occurred.)"}));
}

TEST(HttpClientTest, HeadersGoOneUserLineEachAndTheBodyInHttpdataParts) {
  HttpRequest request = Get("http://api.heclouds.com/devices/632952758/datapoints");
  request.method = chat::HttpMethod::kPut;
  request.headers = {"api-key:z40o57s9ctWnrAySMfpIfyq1A5M=", "Content-Type:application/json"};
  request.body = std::string(600, 'j');
  Http x(request);
  x.Play(Init("http://api.heclouds.com/devices/632952758/datapoints"),
         {
             {"AT+HTTPPARA=user,api-key:z40o57s9ctWnrAySMfpIfyq1A5M=\r", "OK\r\n"},
             {"AT+HTTPPARA=user,Content-Type:application/json\r", "OK\r\n"},
             {"AT+HTTPDATA=512," + std::string(512, 'j') + "\r", "OK\r\n"},
             {"AT+HTTPDATA=88," + std::string(88, 'j') + "\r", "OK\r\n"},
             {"AT+HTTPACTION=2\r", "+HTTPACTION:0,0\r\nOK\r\n"},
             {"AT+HTTPACTION?\r", "+HTTPACTION: 2,204,0\r\nOK\r\n"},
         });
  EXPECT_TRUE(x.script_done());
  EXPECT_TRUE(x.Succeeded());
}

TEST(HttpClientTest, UrlOver1024BytesIsRefusedBeforeAnythingIsSent) {
  Http x(Get("http://a/" + std::string(1100, 'x')));
  x.Play({});
  EXPECT_TRUE(x.Failed(Errc::kInvalidArgument, {"1024"}));
  EXPECT_TRUE(x.written().empty());
}

TEST(HttpClientTest, HeaderOver512BytesIsRefusedNamingTheLimit) {
  HttpRequest request = Get("http://a/");
  request.headers = {"X-Big: " + std::string(600, 'v')};
  Http x(request);
  x.Play({});
  EXPECT_TRUE(x.Failed({"512"}));
  EXPECT_TRUE(x.written().empty());
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
    Http x(request);
    x.Play({});
    EXPECT_TRUE(x.Failed(Errc::kInvalidArgument));
    EXPECT_TRUE(x.written().empty()) << x.written();
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
  HttpRequest request = WithMethod(Get("http://a/"), chat::HttpMethod::kPost);
  request.body = std::string(512, 'j') + " k";
  Http x(request);
  x.Play(Init("http://a/"),
         {
             {"AT+HTTPDATA=511," + std::string(511, 'j') + "\r", "OK\r\n"},
             {"AT+HTTPDATA=3,j k\r", "OK\r\n"},
         },
         PostedOk());
  EXPECT_TRUE(x.script_done());
  EXPECT_TRUE(x.Succeeded());
}

TEST(HttpClientTest, BinaryBodyIsRefusedInlineAndSentAfterThePromptOtherwise) {
  HttpRequest request = WithMethod(Get("http://a/"), chat::HttpMethod::kPost);
  request.body = std::string("a\r\nb", 4);
  {
    Http x(request);
    x.Play({});
    EXPECT_TRUE(x.Failed(Errc::kUnsendableByte));
  }
  request.encoding = PayloadEncoding::kPrompt;
  Http x(request);
  x.Play(Init("http://a/"),
         {
             {"AT+HTTPDATA=4\r", "> "},
             {"a\r\nb", "OK\r\n"},
         },
         PostedOk());
  EXPECT_TRUE(x.script_done());
  EXPECT_TRUE(x.Succeeded());
}

TEST(HttpClientTest, ModuleErrorMidReadEndsTheRequest) {
  Http x(Get("http://a/"));
  x.Play(UpToAction("http://a/", 0, 10),
         {
             {"AT+HTTPACTION?\r", "+HTTPACTION: 0,200,10\r\nOK\r\n"},
             {"AT+HTTPREAD\r", "+HTTPREAD:4,\r\nabcd\r\nOK\r\n"},
             {"AT+HTTPREAD\r", "ERROR\r\n"},
         });
  EXPECT_TRUE(x.Failed(Errc::kModuleError));
  EXPECT_EQ(x.Data(), "abcd");
}

TEST(HttpClientTest, NotFoundReportedByTheReadFormFailsWithoutReadingTheBody) {
  Http x(Get("http://a/missing"));
  x.Play(UpToAction("http://a/missing", 0, 9),
         {{"AT+HTTPACTION?\r", "+HTTPACTION: 0,404,9\r\nOK\r\n"}});
  EXPECT_TRUE(x.script_done());
  ASSERT_TRUE(x.Failed(Errc::kServiceError));
  EXPECT_EQ(x.Done()->message, "HTTP 404 Not Found");
  EXPECT_EQ(x.Data(), "");
  EXPECT_EQ(x.client().http_status(), 404);
}

TEST(HttpClientTest, ServerErrorIsNamedWithItsReasonPhrase) {
  Http x(Get("http://a/boom"));
  x.Play(UpToAction("http://a/boom", 0, 4),
         {{"AT+HTTPACTION?\r", "+HTTPACTION: 0,500,4\r\nOK\r\n"}});
  ASSERT_TRUE(x.Done());
  EXPECT_EQ(x.Done()->message, "HTTP 500 Internal Server Error");
}

// A GET of http://a/missing whose status line says 404 and whose read form the module answers
// `status`; the body "not found" is read when the client reads it.
std::vector<Step> NotFoundBody(const std::string& status) {
  return {
      {"AT+HTTPACTION?\r", status},
      {"AT+HTTPREAD\r", "+HTTPREAD:9,\r\nnot found\r\nOK\r\n"},
  };
}

TEST(HttpClientTest, NoFailReadsTheBodyOfAnErrorStatus) {
  HttpRequest request = Get("http://a/missing");
  request.fail_on_http_error = false;
  Http x(request);
  x.Play(UpToAction("http://a/missing", 0, 9), NotFoundBody("+HTTPACTION: 0,404,9\r\nOK\r\n"));
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.Data(), "not found");
}

TEST(HttpClientTest, UnknownStatusOfAGetLeavesTheBodyAsTheOutput) {
  // A module that refuses AT+HTTPACTION? gives no way to know a GET's status (§2.47).
  Http x(Get("http://a/missing"));
  x.Play(UpToAction("http://a/missing", 0, 9), NotFoundBody("ERROR\r\n"));
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.Data(), "not found");
  EXPECT_FALSE(x.client().http_status());
}

// A HEAD of `url` whose read form the module refuses: the header `block` is all it reads.
std::vector<Step> HeadBlock(const std::string& url, const std::string& block) {
  std::vector<Step> steps = UpToAction(url, 1, block.size());
  steps.push_back({"AT+HTTPACTION?\r", "ERROR\r\n"});
  steps.push_back({"AT+HTTPREAD\r",
                   "+HTTPREAD:" + std::to_string(block.size()) + ",\r\n" + block + "\r\nOK\r\n"});
  return steps;
}

TEST(HttpClientTest, HeadStatusLineFailsTheRequestWhenTheReadFormIsRefused) {
  const std::string block = "HTTP/1.0 404 File not found\r\nContent-Length: 9\r\n\r\n";
  for (std::size_t chunk : testing::ChunkSizes()) {
    Http x(WithMethod(Get("http://a/missing"), chat::HttpMethod::kHead));
    x.set_chunk(chunk);
    x.Play(HeadBlock("http://a/missing", block));
    ASSERT_TRUE(x.Done()) << "chunk " << chunk;
    EXPECT_EQ(x.Done()->message, "HTTP 404 Not Found") << "chunk " << chunk;
    EXPECT_EQ(x.Data(), "") << "chunk " << chunk;
  }
}

TEST(HttpClientTest, HeadWithASuccessStatusLineOutputsTheHeaderBlock) {
  const std::string block = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n";
  Http x(WithMethod(Get("http://a/x"), chat::HttpMethod::kHead));
  x.Play(HeadBlock("http://a/x", block));
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.Data(), block);
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
