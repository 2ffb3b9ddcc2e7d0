// [usage] and [metrics] keys (docs/configuration.md): defaults, accepted values, and how a
// mistake names its key and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/config/config.h"

namespace uclink::control {
namespace {

using ::testing::HasSubstr;

TEST(UsageConfigTest, DefaultsCountWithoutALimitAndWriteNoTextfile) {
  ConfigResult r = ParseConfig("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.usage.period_start_day, 1);
  EXPECT_EQ(r.config.usage.save_interval, Seconds(300));
  EXPECT_EQ(r.config.usage.limit_mb, 0);
  EXPECT_EQ(r.config.usage.warn_percent, 80);
  EXPECT_EQ(r.config.usage.on_limit, OnLimit::kWarn);
  EXPECT_EQ(r.config.metrics.textfile, "");
  EXPECT_EQ(r.config.metrics.interval, Seconds(60));
}

TEST(UsageConfigTest, FileValuesAreRead) {
  ConfigResult r = ParseConfig(R"(
[usage]
period_start_day = 15
save_interval_s = 600
limit_mb = 10
warn_percent = 90
on_limit = "inband-only"
[metrics]
textfile = "/var/lib/node_exporter/textfile/uclink.prom"
interval_s = 30
)");
  ASSERT_TRUE(r.ok()) << r.issues.front().ToString();
  EXPECT_EQ(r.config.usage.period_start_day, 15);
  EXPECT_EQ(r.config.usage.limit_mb, 10);
  EXPECT_EQ(r.config.usage.on_limit, OnLimit::kInbandOnly);
  EXPECT_EQ(r.config.metrics.interval, Seconds(30));
}

struct BadValue {
  const char* toml;
  const char* key;
  const char* says;
};

class UsageConfigBadValueTest : public ::testing::TestWithParam<BadValue> {};

TEST_P(UsageConfigBadValueTest, NamesKeyAndLine) {
  ConfigResult r = ParseConfig(std::string("\n") + GetParam().toml);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, GetParam().key);
  EXPECT_EQ(r.issues[0].line, 3);
  EXPECT_THAT(r.issues[0].message, HasSubstr(GetParam().says));
}

INSTANTIATE_TEST_SUITE_P(
    Values, UsageConfigBadValueTest,
    ::testing::Values(
        BadValue{"[usage]\nperiod_start_day = 31", "usage.period_start_day", "1 and 28"},
        BadValue{"[usage]\nperiod_start_day = 0", "usage.period_start_day", "1 and 28"},
        BadValue{"[usage]\nsave_interval_s = 1", "usage.save_interval_s", "10"},
        BadValue{"[usage]\nlimit_mb = -1", "usage.limit_mb", "0 (no limit)"},
        BadValue{"[usage]\nwarn_percent = 120", "usage.warn_percent", "1 and 100"},
        BadValue{"[usage]\non_limit = \"block\"", "usage.on_limit",
                 "warn, disconnect, inband-only"},
        BadValue{"[metrics]\ntextfile = \"uclink.prom\"", "metrics.textfile", "absolute"},
        BadValue{"[metrics]\ntextfile = \"/tmp/uclink.txt\"", "metrics.textfile", ".prom"},
        BadValue{"[metrics]\ninterval_s = 0", "metrics.interval_s", "1 and 86400"}));

TEST(UsageConfigTest, OnLimitNamesRoundTrip) {
  for (OnLimit v : {OnLimit::kWarn, OnLimit::kDisconnect, OnLimit::kInbandOnly}) {
    EXPECT_EQ(OnLimitFromString(ToString(v)), v);
  }
}

}  // namespace
}  // namespace uclink::control
