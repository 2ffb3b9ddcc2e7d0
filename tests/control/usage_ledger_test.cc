// The usage ledger (control/usage/ledger.h): billing periods from wall time, counters that wrap
// or restart, clocks that jump, and documents that cannot be trusted.
#include <gtest/gtest.h>

#include "control/usage/ledger.h"

namespace uclink::control::usage {
namespace {

// 2026-12-07T12:00:00Z and friends.
constexpr std::int64_t kDec7Noon = 1796644800;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kDec1 = 1796083200;  // 2026-12-01T00:00:00Z
constexpr std::int64_t kDec15 = kDec1 + 14 * kDay;
constexpr std::int64_t kJan1 = 1798761600;   // 2027-01-01T00:00:00Z
constexpr std::int64_t kNov15 = 1794700800;  // 2026-11-15T00:00:00Z

TEST(PeriodTest, StartsOnTheConfiguredDayOfThisMonthOnceItPassed) {
  const Period p = PeriodContaining(kDec7Noon, 1);
  EXPECT_EQ(p.start, kDec1);
  EXPECT_EQ(p.end, kJan1);
}

TEST(PeriodTest, StartsInThePreviousMonthBeforeTheConfiguredDay) {
  const Period p = PeriodContaining(kDec7Noon, 15);
  EXPECT_EQ(p.start, kNov15);
  EXPECT_EQ(p.end, kDec15);
}

TEST(PeriodTest, TheBoundaryItselfBelongsToTheNewPeriod) {
  EXPECT_EQ(PeriodContaining(kJan1, 1).start, kJan1);
  EXPECT_EQ(PeriodContaining(kJan1 - 1, 1).start, kDec1);
}

TEST(PeriodTest, DecemberRollsIntoJanuaryOfTheNextYear) {
  const Period p = PeriodContaining(kDec15 + 3600, 15);
  EXPECT_EQ(p.start, kDec15);
  EXPECT_EQ(p.end, kJan1 + 14 * kDay);
}

TEST(PeriodTest, AClockBeforeTheEpochStillGivesAPeriod) {
  const Period p = PeriodContaining(-kDay, 1);  // 1969-12-31
  EXPECT_EQ(p.start, -31 * kDay);
  EXPECT_EQ(p.end, 0);
}

TEST(CounterDeltaTest, GrowthIsTheDifference) { EXPECT_EQ(CounterDelta(1000, 1500), 500u); }

TEST(CounterDeltaTest, A32BitCounterThatWrapsAddsTheDistanceAcrossTheWrap) {
  EXPECT_EQ(CounterDelta(4294967000u, 200), 296u + 200u);
}

TEST(CounterDeltaTest, ARecreatedInterfaceCountsFromZeroAndIsAddedNotSubtracted) {
  EXPECT_EQ(CounterDelta(5'000'000, 1200), 1200u);
  // 64-bit counters far beyond 2^32 cannot have wrapped at 2^32.
  EXPECT_EQ(CounterDelta(std::uint64_t{1} << 40, 10), 10u);
}

class LedgerTest : public ::testing::Test {
 protected:
  Ledger ledger{"460001234567890", 1, kDec7Noon};
};

TEST_F(LedgerTest, CountsInterfaceGrowthIntoPeriodAndSession) {
  ledger.BeginSession("ppp", kDec7Noon, Counters{0, 0});
  ledger.AddCounters({1000, 300}, kDec7Noon + 10);
  ledger.AddCounters({1500, 400}, kDec7Noon + 20);
  EXPECT_EQ(ledger.period().rx_bytes, 1500u);
  EXPECT_EQ(ledger.period().tx_bytes, 400u);
  EXPECT_EQ(ledger.current_session()->rx_bytes, 1500u);
}

TEST_F(LedgerTest, AReusedInterfaceCountsFromItsBaseline) {
  ledger.BeginSession("ppp", kDec7Noon, Counters{90'000, 80'000});
  ledger.AddCounters({90'500, 80'100}, kDec7Noon + 10);
  EXPECT_EQ(ledger.period().total(), 600u);
}

TEST_F(LedgerTest, AnInterfaceRecreatedMidSessionAddsItsNewCountersWhole) {
  ledger.BeginSession("ppp", kDec7Noon);
  ledger.AddCounters({10'000'000, 5'000'000}, kDec7Noon + 10);
  ledger.AddCounters({700, 300}, kDec7Noon + 20);  // a new interface
  EXPECT_EQ(ledger.period().rx_bytes, 10'000'700u);
  EXPECT_EQ(ledger.period().tx_bytes, 5'000'300u);
}

TEST_F(LedgerTest, SessionsEndIntoTheListNewestFirstAndKeepTwenty) {
  for (int i = 0; i < 25; ++i) {
    ledger.BeginSession("inband", kDec7Noon + i * 100);
    ledger.AddBytes(i, 0, kDec7Noon + i * 100 + 1);
    ledger.EndSession(kDec7Noon + i * 100 + 50);
  }
  ASSERT_EQ(ledger.sessions().size(), Ledger::kSessions);
  EXPECT_EQ(ledger.sessions().front().rx_bytes, 24u);
  EXPECT_EQ(ledger.sessions().front().DurationAt(0), 50);
}

TEST_F(LedgerTest, APeriodBoundaryMovesTheTotalsIntoHistory) {
  ledger.AddBytes(100, 50, kDec7Noon);
  ledger.AddBytes(7, 3, kJan1 + 5);
  ASSERT_EQ(ledger.history().size(), 1u);
  EXPECT_EQ(ledger.history().front().start, kDec1);
  EXPECT_EQ(ledger.history().front().rx_bytes, 100u);
  EXPECT_EQ(ledger.period().start, kJan1);
  EXPECT_EQ(ledger.period().rx_bytes, 7u);
}

TEST_F(LedgerTest, TwelvePastPeriodsAreKept) {
  std::int64_t t = kDec7Noon;
  for (int i = 0; i < 15; ++i) {
    ledger.AddBytes(static_cast<std::uint64_t>(i + 1), 0, t);
    t = PeriodContaining(t, 1).end + kDay;
  }
  EXPECT_EQ(ledger.history().size(), Ledger::kHistory);
  EXPECT_EQ(ledger.history().front().rx_bytes, 14u);  // the newest closed period
}

TEST_F(LedgerTest, AClockThatJumpsBackKeepsCountingInTheCurrentPeriod) {
  ledger.AddBytes(100, 0, kDec7Noon);
  ledger.AddBytes(50, 0, 0);  // an RTC-less board before NTP: 1970
  EXPECT_EQ(ledger.period().start, kDec1);
  EXPECT_EQ(ledger.period().rx_bytes, 150u);
  EXPECT_TRUE(ledger.history().empty());
}

TEST_F(LedgerTest, AClockThatJumpsBackNeverGivesANegativeSessionDuration) {
  ledger.BeginSession("ppp", kDec7Noon);
  EXPECT_EQ(ledger.current_session()->DurationAt(kDec7Noon - 3600), 0);
  ledger.EndSession(kDec7Noon - 3600);
  EXPECT_EQ(ledger.sessions().front().DurationAt(0), 0);
  EXPECT_GE(*ledger.sessions().front().end, ledger.sessions().front().start);
}

TEST_F(LedgerTest, AClockThatJumpsForwardClosesThePeriodOnce) {
  ledger.AddBytes(100, 0, kDec7Noon);
  ledger.AddBytes(1, 0, kJan1 + 200 * kDay);  // months later
  EXPECT_EQ(ledger.history().size(), 1u);
  EXPECT_EQ(ledger.period().start, PeriodContaining(kJan1 + 200 * kDay, 1).start);
}

TEST(LedgerPersistenceTest, ASavedLedgerReadsBackWithItsOpenSessionClosed) {
  Ledger ledger{"460001234567890", 1, kDec7Noon - 10 * kDay};
  ledger.AddBytes(10, 0, kDec7Noon - 10 * kDay);  // November
  ledger.BeginSession("ppp", kDec7Noon);
  ledger.AddCounters({4096, 1024}, kDec7Noon + 60);
  ledger.MarkWarned();
  std::string why;
  auto back = Ledger::FromJson(ledger.ToJson(), "460001234567890", 1, kDec7Noon + 120, &why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(back->period().rx_bytes, 4096u);
  EXPECT_TRUE(back->period().warned);
  EXPECT_EQ(back->history().size(), 1u);
  ASSERT_EQ(back->sessions().size(), 1u);
  EXPECT_TRUE(back->sessions().front().end.has_value());
  EXPECT_FALSE(back->current_session());
}

TEST_F(LedgerTest, ALedgerSavedBeforeAPeriodBoundaryRollsWhenRead) {
  ledger.AddBytes(10, 0, kDec7Noon);
  std::string why;
  auto back = Ledger::FromJson(ledger.ToJson(), "460001234567890", 1, kJan1 + 1, &why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(back->period().total(), 0u);
  EXPECT_EQ(back->history().front().rx_bytes, 10u);
}

struct BadDocument {
  const char* name;
  nlohmann::json document;
};

class LedgerFromJsonTest : public ::testing::TestWithParam<BadDocument> {};

TEST_P(LedgerFromJsonTest, IsRefusedWithAReason) {
  std::string why;
  EXPECT_FALSE(Ledger::FromJson(GetParam().document, "460001234567890", 1, kDec7Noon, &why));
  EXPECT_FALSE(why.empty());
}

nlohmann::json Good() { return Ledger("460001234567890", 1, kDec7Noon).ToJson(); }
nlohmann::json With(const char* key, nlohmann::json value) {
  nlohmann::json d = Good();
  d[key] = std::move(value);
  return d;
}
nlohmann::json WithPeriodField(const char* key, nlohmann::json value) {
  nlohmann::json d = Good();
  d["period"][key] = std::move(value);
  return d;
}

INSTANTIATE_TEST_SUITE_P(
    Foreign, LedgerFromJsonTest,
    ::testing::Values(BadDocument{"Array", nlohmann::json::array()},
                      BadDocument{"AnotherSim", With("imsi", "460009999999999")},
                      BadDocument{"NoImsi", With("imsi", 42)},
                      BadDocument{"NoPeriod", With("period", nullptr)},
                      BadDocument{"NegativeBytes", WithPeriodField("rx_bytes", -5)},
                      BadDocument{"TextBytes", WithPeriodField("tx_bytes", "lots")},
                      BadDocument{"EmptyPeriod", WithPeriodField("end", kDec1)},
                      BadDocument{"HistoryNotArray", With("history", "none")},
                      BadDocument{"BadHistoryEntry", With("history", nlohmann::json::array({1}))},
                      BadDocument{"BadSession",
                                  With("sessions", nlohmann::json::array({{{"start", 1}}}))}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CapTest, NoLimitNeverWarns) {
  Period p;
  p.rx_bytes = 1u << 30;
  EXPECT_FALSE(EvaluateCap(p, 0, 80).warn);
  EXPECT_FALSE(EvaluateCap(p, 0, 80).limit);
}

TEST(CapTest, WarnsOnceAtThePercentThenLimitsOnceAtTheLimit) {
  Period p;
  p.rx_bytes = 799;
  EXPECT_FALSE(EvaluateCap(p, 1000, 80).warn);
  p.tx_bytes = 1;  // 800 of 1000: 80 %
  EXPECT_TRUE(EvaluateCap(p, 1000, 80).warn);
  EXPECT_FALSE(EvaluateCap(p, 1000, 80).limit);
  p.warned = true;
  EXPECT_FALSE(EvaluateCap(p, 1000, 80).warn);
  p.rx_bytes = 999;
  EXPECT_TRUE(EvaluateCap(p, 1000, 80).limit);
  p.limit_reached = true;
  EXPECT_FALSE(EvaluateCap(p, 1000, 80).limit);
}

TEST(CapTest, HugeCountsDoNotOverflow) {
  Period p;
  p.rx_bytes = ~std::uint64_t{0} / 2;
  EXPECT_TRUE(EvaluateCap(p, ~std::uint64_t{0} / 2, 100).limit);
  EXPECT_TRUE(EvaluateCap(p, ~std::uint64_t{0} / 2, 100).warn);
}

// The percentage test is exact without a 128-bit type (armhf has none): checked against the
// plain product wherever that fits, and at the edges of 64 bits.
TEST(CapTest, PercentOfTheLimitIsExactAtEveryEdge) {
  for (std::uint64_t limit : {1ull, 99ull, 100ull, 101ull, 1000ull, 12345ull}) {
    for (int percent : {1, 33, 80, 99, 100}) {
      for (std::uint64_t used = 0; used <= limit + 2; ++used) {
        EXPECT_EQ(AtLeastPercentOf(used, limit, percent), used * 100 >= limit * percent)
            << used << " of " << limit << " at " << percent << " %";
      }
    }
  }
  const std::uint64_t max = ~std::uint64_t{0};
  EXPECT_TRUE(AtLeastPercentOf(max, max, 100));
  EXPECT_FALSE(AtLeastPercentOf(max - 1, max, 100));
  // 33 % of 2^64 − 1 is 6087425544324152032.95: the first count at or above it is ...033.
  EXPECT_FALSE(AtLeastPercentOf(6087425544324152032ull, max, 33));
  EXPECT_TRUE(AtLeastPercentOf(6087425544324152033ull, max, 33));
  // 80 % of it is a whole number, 14757395258967641292: reached exactly there.
  EXPECT_FALSE(AtLeastPercentOf(14757395258967641291ull, max, 80));
  EXPECT_TRUE(AtLeastPercentOf(14757395258967641292ull, max, 80));
}

}  // namespace
}  // namespace uclink::control::usage
