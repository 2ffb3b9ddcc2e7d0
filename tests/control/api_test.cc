// The control protocol as a specification: what a request line means and what goes back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/api/errc.h"
#include "control/api/protocol.h"
#include "control/api/status.h"

namespace uclink::control::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// std::error_code treats value 0 as success, so no documented error may encode to it.
TEST(StatusRecoveryTest, RecoveryRoundTripsAndReadsAsOneLine) {
  Status s;
  s.recovery.consecutive_failures = 4;
  s.recovery.rung = "radio-cycle";
  s.recovery.next_action = "radio-cycle";
  s.recovery.next_attempt_in_s = 39.6;
  s.recovery.failures_until_reset = 2;
  s.recovery.last_reset = "2026-12-07T13:00:00Z";
  s.recovery.last_reset_result = "exit 0";
  const nlohmann::json doc = ToJson(s);
  EXPECT_EQ(doc["recovery"]["consecutive_failures"], 4);
  EXPECT_TRUE(doc["recovery"]["last_escalation"].is_null());
  const Status back = StatusFromJson(doc);
  EXPECT_EQ(back.recovery.rung, "radio-cycle");
  EXPECT_EQ(back.recovery.failures_until_reset, 2);
  EXPECT_EQ(DescribeRecovery(back.recovery),
            "retrying in 40 s; next: radio-cycle; power cycle after 2 more failures; "
            "last power cycle 2026-12-07T13:00:00Z (exit 0)");
  EXPECT_EQ(DescribeRecovery(RecoveryInfo{}), "");
  // A document from an older uclinkd has no "recovery": defaults, never a crash.
  EXPECT_EQ(StatusFromJson(nlohmann::json::object()).recovery.next_action, "none");
}

TEST(ErrcTest, EveryCodeIsAnError) {
#define UCLINK_X(name, wire, text)                                     \
  EXPECT_TRUE(static_cast<bool>(make_error_code(Errc::name))) << wire; \
  EXPECT_EQ(make_error_code(Errc::name).message(), text);
  UCLINK_CONTROL_API_ERRORS(UCLINK_X)
#undef UCLINK_X
}

TEST(ParseRequestTest, StatusWithIdParses) {
  ParsedRequest parsed = ParseRequest(R"({"id":7,"method":"status"})");
  ASSERT_TRUE(parsed.request.has_value());
  EXPECT_EQ(parsed.request->id, 7u);
  EXPECT_EQ(parsed.request->method, Method::kStatus);
  EXPECT_TRUE(parsed.request->params.is_object());
}

TEST(ParseRequestTest, NonJsonIsBadRequest) {
  ParsedRequest parsed = ParseRequest("status please");
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->code, Errc::kBadRequest);
}

TEST(ParseRequestTest, UnknownMethodKeepsIdForTheAnswer) {
  ParsedRequest parsed = ParseRequest(R"({"id":3,"method":"reboot"})");
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->code, Errc::kUnknownMethod);
  EXPECT_EQ(parsed.id, 3u);
}

TEST(ParseRequestTest, ParamsMustBeAnObject) {
  ParsedRequest parsed = ParseRequest(R"({"id":1,"method":"at","params":[1]})");
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->code, Errc::kInvalidParams);
}

TEST(ParseRequestTest, NegativeIdIsBadRequest) {
  EXPECT_EQ(ParseRequest(R"({"id":-1,"method":"status"})").error->code, Errc::kBadRequest);
}

TEST(AtParamsTest, CommandWithLineBreakIsRefused) {
  Error error;
  EXPECT_FALSE(ParseAtParams({{"command", "AT\r\nAT+CFUN=0"}}, &error).has_value());
  EXPECT_EQ(error.code, Errc::kInvalidParams);
}

TEST(AtParamsTest, DefaultTimeoutIsFiveSeconds) {
  Error error;
  auto at = ParseAtParams({{"command", "AT+CSQ"}}, &error);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->command, "AT+CSQ");
  EXPECT_EQ(at->timeout_ms, 5000u);
}

TEST(AtParamsTest, ZeroTimeoutIsRefused) {
  Error error;
  EXPECT_FALSE(ParseAtParams({{"command", "AT"}, {"timeout_ms", 0}}, &error).has_value());
}

TEST(MethodTest, OnlyStatusAndSubscribeAreReadOnly) {
  EXPECT_FALSE(IsMutating(Method::kStatus));
  EXPECT_FALSE(IsMutating(Method::kSubscribe));
  EXPECT_TRUE(IsMutating(Method::kConnect));
  EXPECT_TRUE(IsMutating(Method::kDisconnect));
  EXPECT_TRUE(IsMutating(Method::kAt));
  EXPECT_TRUE(IsMutating(Method::kReload));
}

TEST(MethodTest, EveryMethodRoundTripsThroughItsName) {
  for (Method m : {Method::kStatus, Method::kConnect, Method::kDisconnect, Method::kAt,
                   Method::kSubscribe, Method::kReload}) {
    EXPECT_EQ(MethodFromString(ToString(m)), m);
  }
}

TEST(ResponseTest, ErrorResponseRoundTrips) {
  std::string line = EncodeResponse(ErrorResponse(9, Errc::kInDataMode, "port in PPP"));
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  ServerLine parsed = ParseServerLine(line);
  ASSERT_TRUE(parsed.response.has_value());
  EXPECT_EQ(parsed.response->id, 9u);
  ASSERT_TRUE(parsed.response->error.has_value());
  EXPECT_EQ(parsed.response->error->code, Errc::kInDataMode);
  EXPECT_EQ(parsed.response->error->message, "port in PPP");
}

TEST(ResponseTest, EventLineIsRecognised) {
  std::string line = EncodeEvent({"state", "2026-11-27T14:00:00Z", {{"to", "online"}}});
  line.pop_back();
  ServerLine parsed = ParseServerLine(line);
  ASSERT_TRUE(parsed.event.has_value());
  EXPECT_EQ(parsed.event->name, "state");
  EXPECT_EQ(parsed.event->data["to"], "online");
}

TEST(ResponseTest, InvalidUtf8FromTheModuleDoesNotThrow) {
  Response response;
  response.result = {{"lines", {std::string("\xff\xfe")}}};
  EXPECT_NO_THROW(EncodeResponse(response));
}

TEST(ErrcTest, EveryCodeHasAWireNameThatParsesBack) {
  for (int i = 0; i <= static_cast<int>(Errc::kProtocolError); ++i) {
    Errc e = static_cast<Errc>(i);
    EXPECT_EQ(ErrcFromString(ToString(e)), e);
    EXPECT_EQ(std::error_code(e).message(), Describe(e));
  }
}

TEST(LineFramerTest, LinesSplitAcrossReadsAreJoined) {
  LineFramer framer;
  EXPECT_THAT(framer.Feed("{\"id\":1,").lines, IsEmpty());
  EXPECT_THAT(framer.Feed("\"method\":\"status\"}\r\n{").lines,
              ElementsAre("{\"id\":1,\"method\":\"status\"}"));
  EXPECT_EQ(framer.buffered(), 1u);
}

TEST(LineFramerTest, OverlongLineIsDroppedAndTheNextLineStillArrives) {
  LineFramer framer(8);
  LineFramer::Output out = framer.Feed("0123456789abcdef");
  EXPECT_EQ(out.overflows, 1u);
  EXPECT_EQ(framer.buffered(), 0u);
  out = framer.Feed("more junk\nok\n");
  EXPECT_THAT(out.lines, ElementsAre("ok"));
  EXPECT_EQ(out.overflows, 0u);
}

TEST(LineFramerTest, EmptyLinesAreSkipped) {
  LineFramer framer;
  EXPECT_THAT(framer.Feed("\n\r\na\n").lines, ElementsAre("a"));
}

TEST(StatusTest, UnknownValuesAreNullNeverZero) {
  nlohmann::json doc = ToJson(Status{});
  EXPECT_EQ(doc["state"], "idle");
  EXPECT_EQ(doc["mode"], "none");
  EXPECT_TRUE(doc["backend"].is_null());
  EXPECT_TRUE(doc["module"]["imei"].is_null());
  EXPECT_TRUE(doc["registration"]["stat"].is_null());
  EXPECT_TRUE(doc["signal"]["csq"].is_null());
  EXPECT_TRUE(doc["signal"]["age_s"].is_null());
  EXPECT_TRUE(doc["interface"]["address"].is_null());
  EXPECT_TRUE(doc["interface"]["dns"].is_null());
  EXPECT_TRUE(doc["since"].is_null());
  EXPECT_TRUE(doc["last_error"].is_null());
}

TEST(StatusTest, DocumentRoundTrips) {
  Status s;
  s.state = "online";
  s.mode = "ppp";
  s.backend = "userspace";
  s.module.imei = "861234567890123";
  s.registration = {1, "registered-home", "3322", "7a1", 4.5};
  s.signal = {21, -71, std::nullopt, 2.0};
  s.interface = {"uclink0", "10.0.2.15", "10.0.2.2", {"10.0.2.3"}, 1500};
  s.last_error = LastError{"no-carrier", "NO CARRIER while online"};
  Status back = StatusFromJson(ToJson(s));
  EXPECT_EQ(ToJson(back), ToJson(s));
}

TEST(StatusTest, Ipv6IsNullWhenNoneAndRoundTripsWhenUp) {
  nlohmann::json doc = ToJson(Status{});
  EXPECT_TRUE(doc["interface"]["ipv6"].is_null());
  EXPECT_TRUE(doc["network"]["pdp_type"].is_null());
  Status s;
  s.network.pdp_type = "IPV6";
  s.interface.ipv6 = Ipv6Info{"fe80::11", "fe80::1", {{"2001:db8:1::11", 64}}, {"2001:db8::53"}};
  doc = ToJson(s);
  EXPECT_EQ(doc["interface"]["ipv6"]["link_local"], "fe80::11");
  EXPECT_EQ(doc["interface"]["ipv6"]["peer_link_local"], "fe80::1");
  EXPECT_EQ(doc["interface"]["ipv6"]["addresses"][0]["address"], "2001:db8:1::11");
  EXPECT_EQ(doc["interface"]["ipv6"]["addresses"][0]["prefix_len"], 64);
  EXPECT_EQ(doc["interface"]["ipv6"]["dns"][0], "2001:db8::53");
  EXPECT_EQ(doc["network"]["pdp_type"], "IPV6");
  EXPECT_EQ(ToJson(StatusFromJson(doc)), doc);
}

// docs/data-budget.md: the status document's usage is null until the SIM is known, then the
// current period and the cap, and reads back into the same value.
TEST(StatusTest, UsageIsNullUntilTheSimIsKnownAndRoundTrips) {
  Status s;
  EXPECT_TRUE(ToJson(s)["usage"].is_null());
  s.usage = UsageInfo{"460001111111111",
                      {"2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", 1798761600, 1801440000,
                       123456, 7890, true, false},
                      1048576};
  const nlohmann::json doc = ToJson(s);
  EXPECT_EQ(doc["usage"]["period"]["rx_bytes"], 123456u);
  EXPECT_EQ(doc["usage"]["limit_bytes"], 1048576u);
  EXPECT_EQ(StatusFromJson(doc).usage, s.usage);
  s.usage->limit_bytes.reset();
  EXPECT_TRUE(ToJson(s)["usage"]["limit_bytes"].is_null());
  EXPECT_EQ(StatusFromJson(ToJson(s)).usage, s.usage);
  EXPECT_EQ(UsageInfoFromJson({{"period", nlohmann::json::object()}}), std::nullopt);
}

TEST(StatusTest, CsqMapsToDbmAndUnknownIsNull) {
  EXPECT_EQ(CsqToDbm(0), -113);
  EXPECT_EQ(CsqToDbm(21), -71);  // manual §2.17.2 example: 21 → -71 dBm
  EXPECT_EQ(CsqToDbm(31), -51);
  EXPECT_EQ(CsqToDbm(99), std::nullopt);
}

TEST(StatusTest, KeyValueFlattensNestedFields) {
  Status s;
  s.interface.dns = {"1.1.1.1", "8.8.8.8"};
  std::vector<std::string> lines = FlattenKeyValue(ToJson(s));
  EXPECT_THAT(lines, ::testing::Contains("state=idle"));
  EXPECT_THAT(lines, ::testing::Contains("interface.dns=1.1.1.1,8.8.8.8"));
  EXPECT_THAT(lines, ::testing::Contains("signal.csq="));
}

TEST(StatusTest, UtcFormatting) { EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z"); }

}  // namespace
}  // namespace uclink::control::api
