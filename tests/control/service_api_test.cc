// The "service" method's parameters, bounds and base64 (control/api/service.h) as a
// specification: what the daemon accepts, what it refuses with invalid-params, and that every
// byte value survives the JSON lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "control/api/service.h"

namespace uclink::control::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::optional<ServiceParams> Parse(const json& params, Error* error) {
  return ParseServiceParams(params, error);
}

std::string ErrorOf(const json& params) {
  Error error;
  EXPECT_FALSE(Parse(params, &error).has_value()) << params.dump();
  EXPECT_EQ(error.code, Errc::kInvalidParams);
  return error.message;
}

TEST(ServiceParamsTest, TcpNeedsHostAndPort) {
  Error error;
  std::optional<ServiceParams> p =
      Parse({{"service", "tcp"}, {"host", "10.0.0.1"}, {"port", 7}, {"wait", true}}, &error);
  ASSERT_TRUE(p) << error.message;
  EXPECT_EQ(p->service, Service::kTcp);
  EXPECT_EQ(p->host, "10.0.0.1");
  EXPECT_EQ(p->port, 7);
  EXPECT_TRUE(p->wait);
  EXPECT_THAT(ErrorOf({{"service", "tcp"}, {"port", 7}}), HasSubstr("\"host\" is required"));
  EXPECT_THAT(ErrorOf({{"service", "tcp"}, {"host", "h"}}), HasSubstr("\"port\" is required"));
}

TEST(ServiceParamsTest, PortOutsideOneTo65535IsRefused) {
  EXPECT_THAT(ErrorOf({{"service", "udp"}, {"host", "h"}, {"port", 65536}}), HasSubstr("1..65535"));
  EXPECT_THAT(ErrorOf({{"service", "udp"}, {"host", "h"}, {"port", -1}}), HasSubstr("1..65535"));
  EXPECT_THAT(ErrorOf({{"service", "udp"}, {"host", "h"}, {"port", "80"}}), HasSubstr("integer"));
}

TEST(ServiceParamsTest, UnknownServiceNamesTheAllowedOnes) {
  EXPECT_THAT(ErrorOf({{"service", "smtp"}}), HasSubstr("tcp|udp|http|ftp|mqtt-pub|mqtt-sub"));
  EXPECT_THAT(ErrorOf(json::object()), HasSubstr("\"service\" is required"));
}

TEST(ServiceParamsTest, HttpMethodMustBeOneOfFour) {
  Error error;
  auto p = Parse({{"service", "http"}, {"method", "post"}, {"url", "http://h/"}}, &error);
  ASSERT_TRUE(p) << error.message;
  EXPECT_EQ(p->method, "post");
  EXPECT_THAT(ErrorOf({{"service", "http"}, {"method", "delete"}, {"url", "http://h/"}}),
              HasSubstr("get|head|put|post"));
}

TEST(ServiceParamsTest, FtpDefaultsToPort21AndAnonymousPassive) {
  Error error;
  auto p = Parse({{"service", "ftp"}, {"verb", "get"}, {"host", "h"}, {"path", "pub/f"}}, &error);
  ASSERT_TRUE(p) << error.message;
  EXPECT_EQ(p->port, 21);
  EXPECT_EQ(p->user, "anonymous");
  EXPECT_TRUE(p->passive);
  EXPECT_THAT(ErrorOf({{"service", "ftp"}, {"verb", "delete"}, {"host", "h"}}),
              HasSubstr("ls|get|put|size|mkdir|rmdir"));
}

TEST(ServiceParamsTest, MqttQosAboveTwoIsRefused) {
  const json base{{"service", "mqtt-pub"}, {"host", "h"}, {"topic", "t"}, {"client_id", "c"}};
  Error error;
  auto p = Parse(base, &error);
  ASSERT_TRUE(p) << error.message;
  EXPECT_EQ(p->port, 1883);
  json bad = base;
  bad["qos"] = 3;
  EXPECT_THAT(ErrorOf(bad), HasSubstr("0..2"));
}

// The manual's own limits (URL 1024, names 64, ...) are the in-band clients' to check, with their
// messages; the API only bounds what one request may make the daemon hold.
TEST(ServiceParamsTest, TextLongerThanTheApiBoundIsRefusedButTheManualsLimitIsNot) {
  Error error;
  EXPECT_TRUE(Parse({{"service", "http"}, {"url", std::string(1100, 'x')}}, &error));
  EXPECT_THAT(ErrorOf({{"service", "http"}, {"url", std::string(kMaxServiceText + 1, 'x')}}),
              HasSubstr("longer than 4096"));
}

TEST(ServiceParamsTest, TooManyHeadersAreRefused) {
  EXPECT_THAT(ErrorOf({{"service", "http"},
                       {"url", "http://h/"},
                       {"headers", std::vector<std::string>(kMaxHeaders + 1, "A: b")}}),
              HasSubstr("at most 32"));
}

TEST(ServiceParamsTest, InlineDataIsBase64AndBounded) {
  Error error;
  auto p = Parse({{"service", "udp"}, {"host", "h"}, {"port", 9}, {"data", "AAEC/w=="}}, &error);
  ASSERT_TRUE(p) << error.message;
  EXPECT_EQ(p->data, std::string("\x00\x01\x02\xff", 4));
  EXPECT_THAT(ErrorOf({{"service", "udp"}, {"host", "h"}, {"port", 9}, {"data", "not base64!"}}),
              HasSubstr("not valid base64"));
  EXPECT_THAT(ErrorOf({{"service", "udp"},
                       {"host", "h"},
                       {"port", 9},
                       {"data", Base64Encode(std::string(kMaxChunkBytes + 1, 'a'))}}),
              HasSubstr("more than 32768 bytes"));
}

TEST(ServiceParamsTest, EncodedParamsParseBackToTheSameValues) {
  ServiceParams p;
  p.service = Service::kFtp;
  p.verb = "put";
  p.host = "ftp.example";
  p.port = 2121;
  p.path = "a/b";
  p.user = "u";
  p.password = "p";
  p.passive = false;
  p.ascii = true;
  p.input = true;
  Error error;
  std::optional<ServiceParams> back = Parse(ToJson(p), &error);
  ASSERT_TRUE(back) << error.message;
  EXPECT_EQ(back->verb, "put");
  EXPECT_EQ(back->port, 2121);
  EXPECT_EQ(back->path, "a/b");
  EXPECT_FALSE(back->passive);
  EXPECT_TRUE(back->ascii);
  EXPECT_TRUE(back->input);
}

TEST(ServiceParamsTest, EncodedRequestFitsOneLine) {
  ServiceParams p;
  p.service = Service::kUdp;
  p.host = std::string(kMaxServiceText, 'h');
  p.port = 1;
  p.data = std::string(kMaxChunkBytes, '\xff');
  Request request{1, Method::kService, ToJson(p)};
  EXPECT_LE(EncodeRequest(request).size(), kMaxLineBytes);
}

TEST(Base64Test, EveryByteValueRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string bytes = all.substr(0, n) + all.substr(0, n % 3);
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes) << n;
  }
}

TEST(Base64Test, Rfc4648TestVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, MalformedTextIsRefused) {
  EXPECT_FALSE(Base64Decode("Zg="));       // not a multiple of 4
  EXPECT_FALSE(Base64Decode("Z===="));     // not a multiple of 4
  EXPECT_FALSE(Base64Decode("=Zg="));      // padding first
  EXPECT_FALSE(Base64Decode("Zg==Zm8="));  // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm 9"));      // whitespace
  EXPECT_FALSE(Base64Decode("Zm9\n"));
}

TEST(ServiceSendTest, DataIsRequiredAndBounded) {
  Error error;
  EXPECT_EQ(ParseSendData({{"data", "eA=="}}, &error), "x");
  EXPECT_FALSE(ParseSendData(json::object(), &error));
  EXPECT_THAT(error.message, HasSubstr("required"));
  EXPECT_FALSE(
      ParseSendData({{"data", Base64Encode(std::string(kMaxChunkBytes + 3, 'a'))}}, &error));
}

TEST(ServiceMethodTest, FollowUpsAreNamedAndMutating) {
  EXPECT_EQ(MethodFromString("service.send"), Method::kServiceSend);
  EXPECT_EQ(MethodFromString("service.close"), Method::kServiceClose);
  EXPECT_TRUE(IsFollowUp(Method::kServiceSend));
  EXPECT_FALSE(IsFollowUp(Method::kService));
  EXPECT_TRUE(IsMutating(Method::kService));
}

TEST(ServiceErrcTest, NewCodesHaveWireNames) {
  EXPECT_STREQ(ToString(Errc::kNotOnline), "not-online");
  EXPECT_STREQ(ToString(Errc::kUseNative), "use-native");
  EXPECT_STREQ(ToString(Errc::kUnreachable), "unreachable");
  EXPECT_STREQ(ToString(Errc::kServiceFailed), "service-failed");
  EXPECT_EQ(ErrcFromString("service-failed"), Errc::kServiceFailed);
}

}  // namespace
}  // namespace uclink::control::api
