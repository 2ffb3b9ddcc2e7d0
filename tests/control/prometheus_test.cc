// The Prometheus text exposition (control/usage/prometheus.h): escaping per the exposition
// format and the uclink series built from the status and usage documents.
#include "control/usage/prometheus.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace uclink::control::usage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ExpositionTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeLabelValue("plain ü"), "plain ü");  // UTF-8 passes through
}

TEST(ExpositionTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapeHelp("x\\y\n\"z\""), "x\\\\y\\n\"z\"");
}

TEST(ExpositionTest, FamiliesRenderHelpTypeAndSamples) {
  std::vector<MetricFamily> families = {
      {"uclink_x", "An x.", "gauge", {{{{"a", "1"}, {"b", "q\""}}, 2.5}}},
      {"uclink_y_total", "A y.", "counter", {{{}, 12345678901.0}}}};
  EXPECT_EQ(FormatExposition(families),
            "# HELP uclink_x An x.\n"
            "# TYPE uclink_x gauge\n"
            "uclink_x{a=\"1\",b=\"q\\\"\"} 2.5\n"
            "# HELP uclink_y_total A y.\n"
            "# TYPE uclink_y_total counter\n"
            "uclink_y_total 12345678901\n");
}

TEST(ExpositionTest, SpecialValuesAreSpelledAsTheFormatWants) {
  std::vector<MetricFamily> families = {{"m", "h", "gauge", {{{}, -1.0 / 0.0}}}};
  EXPECT_THAT(FormatExposition(families), HasSubstr("m -Inf\n"));
}

TEST(ParseUtcTest, ReadsTheStatusDocumentsForm) {
  EXPECT_EQ(ParseUtc("2026-12-07T12:00:00Z"), 1796644800);
  EXPECT_EQ(ParseUtc("1970-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(ParseUtc("2026-12-07 12:00:00"));
  EXPECT_FALSE(ParseUtc("yesterday"));
}

nlohmann::json OnlineStatus() {
  return {{"state", "online"},
          {"mode", "ppp"},
          {"since", "2026-12-07T12:00:00Z"},
          {"signal", {{"csq", 20}, {"rssi_dbm", -73}, {"ber", nullptr}}},
          {"registration", {{"stat", 1}, {"name", "registered-home"}}},
          {"attempt", nullptr},
          {"monitoring", {{"escapes", 3}}},
          {"recovery", {{"reconnects", 4}, {"power_cycles", 1}}},
          {"last_error", {{"code", "no-carrier"}, {"message", "NO CARRIER \"while\"\nonline"}}}};
}

nlohmann::json Usage() {
  return {{"imsi", "460001234567890"},
          {"period", {{"rx_bytes", 1000}, {"tx_bytes", 200}, {"end_unix", 1798761600}}},
          {"limit_bytes", 5242880},
          {"session", {{"rx_bytes", 10}, {"tx_bytes", 20}}},
          {"sessions_started", 2}};
}

TEST(UclinkMetricsTest, OnlineStatusAndUsageGiveTheDocumentedSeries) {
  const std::string text =
      FormatExposition(UclinkMetrics(OnlineStatus(), Usage(), 1796644800 + 90));
  EXPECT_THAT(text, HasSubstr("uclink_state{state=\"online\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("uclink_mode{mode=\"ppp\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("uclink_online 1\n"));
  EXPECT_THAT(text, HasSubstr("uclink_online_seconds 90\n"));
  EXPECT_THAT(text, HasSubstr("uclink_signal_csq 20\n"));
  EXPECT_THAT(text, HasSubstr("uclink_signal_rssi_dbm -73\n"));
  EXPECT_THAT(text, HasSubstr("uclink_registration_stat{name=\"registered-home\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("uclink_monitoring_escapes_total 3\n"));
  EXPECT_THAT(text,
              HasSubstr("# TYPE uclink_reconnects_total counter\nuclink_reconnects_total 4\n"));
  EXPECT_THAT(text, HasSubstr("uclink_power_cycles_total 1\n"));
  EXPECT_THAT(text, HasSubstr("uclink_last_error_info{code=\"no-carrier\",message=\"NO CARRIER "
                              "\\\"while\\\"\\nonline\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("uclink_usage_period_rx_bytes 1000\n"));
  EXPECT_THAT(text, HasSubstr("uclink_usage_period_tx_bytes 200\n"));
  EXPECT_THAT(text, HasSubstr("uclink_usage_limit_bytes 5242880\n"));
  EXPECT_THAT(text, HasSubstr("uclink_usage_session_rx_bytes 10\n"));
  EXPECT_THAT(text, HasSubstr("uclink_sessions_total 2\n"));
}

TEST(UclinkMetricsTest, UnknownReadingsProduceNoSample) {
  nlohmann::json status = {{"state", "idle"}, {"mode", "none"}, {"signal", {{"csq", nullptr}}}};
  const std::string text = FormatExposition(UclinkMetrics(status, nullptr, 0));
  EXPECT_THAT(text, HasSubstr("uclink_online 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("uclink_signal_csq")));
  EXPECT_THAT(text, Not(HasSubstr("uclink_online_seconds")));
  EXPECT_THAT(text, Not(HasSubstr("uclink_usage_")));
  EXPECT_THAT(text, Not(HasSubstr("uclink_last_error_info")));
}

TEST(UclinkMetricsTest, NoLimitMeansNoLimitSeries) {
  nlohmann::json usage = Usage();
  usage["limit_bytes"] = nullptr;
  EXPECT_THAT(FormatExposition(UclinkMetrics(OnlineStatus(), usage, 0)),
              Not(HasSubstr("uclink_usage_limit_bytes")));
}

TEST(UclinkMetricsTest, EveryLineIsACommentOrANameWithAValue) {
  const std::string text = FormatExposition(UclinkMetrics(OnlineStatus(), Usage(), 0));
  ASSERT_EQ(text.back(), '\n');
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# HELP uclink_") || line.starts_with("# TYPE uclink_") ||
                line.starts_with("uclink_"))
        << line;
    start = end + 1;
  }
}

}  // namespace
}  // namespace uclink::control::usage
