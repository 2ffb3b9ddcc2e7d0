#include "control/usage/ledger.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace uclink::control::usage {
namespace {

constexpr std::int64_t kDay = 86400;
// A GPRS link carries at most a few kilobytes per second (UC8088: class 12, 85.6 kbit/s down);
// more than this between two readings cannot be a wrap of a 32-bit counter.
constexpr std::uint64_t kMaxPlausibleWrapDelta = std::uint64_t{1} << 30;
constexpr std::uint64_t kTwoTo32 = std::uint64_t{1} << 32;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

nlohmann::json PeriodToJson(const Period& p) {
  return {{"start", p.start},       {"end", p.end},       {"rx_bytes", p.rx_bytes},
          {"tx_bytes", p.tx_bytes}, {"warned", p.warned}, {"limit_reached", p.limit_reached}};
}

nlohmann::json SessionToJson(const Session& s) {
  return {{"start", s.start},
          {"end", s.end ? nlohmann::json(*s.end) : nlohmann::json(nullptr)},
          {"mode", s.mode},
          {"rx_bytes", s.rx_bytes},
          {"tx_bytes", s.tx_bytes},
          {"line_rx_bytes", s.line_rx_bytes},
          {"line_tx_bytes", s.line_tx_bytes}};
}

// Reading helpers: a field of the wrong type or sign makes the whole document unusable.
bool GetInt(const nlohmann::json& o, const char* key, std::int64_t* out) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer()) return false;
  *out = it->get<std::int64_t>();
  return true;
}

bool GetCount(const nlohmann::json& o, const char* key, std::uint64_t* out) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_unsigned()) return false;
  *out = it->get<std::uint64_t>();
  return true;
}

bool GetBool(const nlohmann::json& o, const char* key, bool* out) {
  auto it = o.find(key);
  if (it == o.end()) return true;  // optional, default false
  if (!it->is_boolean()) return false;
  *out = it->get<bool>();
  return true;
}

std::optional<Period> PeriodFromJson(const nlohmann::json& o) {
  Period p;
  if (!o.is_object() || !GetInt(o, "start", &p.start) || !GetInt(o, "end", &p.end) ||
      p.end <= p.start || !GetCount(o, "rx_bytes", &p.rx_bytes) ||
      !GetCount(o, "tx_bytes", &p.tx_bytes) || !GetBool(o, "warned", &p.warned) ||
      !GetBool(o, "limit_reached", &p.limit_reached)) {
    return std::nullopt;
  }
  return p;
}

std::optional<Session> SessionFromJson(const nlohmann::json& o) {
  Session s;
  std::int64_t end = 0;
  if (!o.is_object() || !GetInt(o, "start", &s.start) || !GetCount(o, "rx_bytes", &s.rx_bytes) ||
      !GetCount(o, "tx_bytes", &s.tx_bytes) || !GetCount(o, "line_rx_bytes", &s.line_rx_bytes) ||
      !GetCount(o, "line_tx_bytes", &s.line_tx_bytes) || !GetInt(o, "end", &end) ||
      !o.contains("mode") || !o["mode"].is_string()) {
    return std::nullopt;
  }
  s.end = end;
  s.mode = o["mode"].get<std::string>();
  return s;
}

}  // namespace

Period PeriodContaining(std::int64_t unix_now, int start_day) {
  start_day = std::clamp(start_day, 1, 28);
  const Civil today = CivilFromDays(FloorDiv(unix_now, kDay));
  std::int64_t year = today.year;
  int month = static_cast<int>(today.month);
  if (today.day < static_cast<unsigned>(start_day)) {
    if (--month == 0) month = 12, --year;
  }
  int next_month = month + 1;
  std::int64_t next_year = year;
  if (next_month == 13) next_month = 1, ++next_year;
  Period p;
  p.start = DaysFromCivil(year, month, start_day) * kDay;
  p.end = DaysFromCivil(next_year, next_month, start_day) * kDay;
  return p;
}

std::uint64_t CounterDelta(std::uint64_t previous, std::uint64_t current) {
  if (current >= previous) return current - previous;
  if (previous < kTwoTo32) {
    const std::uint64_t wrapped = kTwoTo32 - previous + current;
    if (wrapped <= kMaxPlausibleWrapDelta) return wrapped;
  }
  return current;  // the interface was recreated: it counted `current` since
}

std::int64_t Session::DurationAt(std::int64_t now) const {
  return std::max<std::int64_t>(0, end.value_or(now) - start);
}

Ledger::Ledger(std::string imsi, int period_start_day, std::int64_t unix_now)
    : imsi_(std::move(imsi)),
      start_day_(period_start_day),
      period_(PeriodContaining(unix_now, period_start_day)) {}

std::optional<Ledger> Ledger::FromJson(const nlohmann::json& document, std::string_view imsi,
                                       int period_start_day, std::int64_t unix_now,
                                       std::string* why) {
  auto fail = [why](std::string text) -> std::optional<Ledger> {
    *why = std::move(text);
    return std::nullopt;
  };
  if (!document.is_object()) return fail("not a JSON object");
  if (!document.contains("imsi") || !document["imsi"].is_string()) return fail("no \"imsi\"");
  if (document["imsi"].get<std::string>() != imsi) return fail("it belongs to another IMSI");
  std::optional<Period> period =
      document.contains("period") ? PeriodFromJson(document["period"]) : std::nullopt;
  if (!period) return fail("\"period\" is missing or malformed");
  Ledger ledger{std::string(imsi), period_start_day, unix_now};
  ledger.period_ = *period;
  for (const char* list : {"history", "sessions"}) {
    if (!document.contains(list) || !document[list].is_array()) {
      return fail(std::string("\"") + list + "\" is missing or not an array");
    }
  }
  for (const nlohmann::json& entry : document["history"]) {
    std::optional<Period> past = PeriodFromJson(entry);
    if (!past) return fail("a \"history\" entry is malformed");
    if (ledger.history_.size() < kHistory) ledger.history_.push_back(*past);
  }
  for (const nlohmann::json& entry : document["sessions"]) {
    std::optional<Session> session = SessionFromJson(entry);
    if (!session) return fail("a \"sessions\" entry is malformed");
    if (ledger.sessions_.size() < kSessions) ledger.sessions_.push_back(std::move(*session));
  }
  // A session that was open when the daemon stopped (power loss) is closed at its last save.
  if (document.contains("current") && document["current"].is_object()) {
    nlohmann::json open = document["current"];
    if (open.contains("end") && open["end"].is_null()) open["end"] = open.value("start", 0);
    if (std::optional<Session> session = SessionFromJson(open)) {
      ledger.sessions_.push_front(std::move(*session));
      if (ledger.sessions_.size() > kSessions) ledger.sessions_.pop_back();
    }
  }
  // The document may come from a configuration with another period_start_day, or from before a
  // period boundary that passed while the daemon was stopped.
  ledger.Roll(unix_now);
  return ledger;
}

nlohmann::json Ledger::ToJson() const {
  nlohmann::json history = nlohmann::json::array();
  for (const Period& p : history_) history.push_back(PeriodToJson(p));
  nlohmann::json sessions = nlohmann::json::array();
  for (const Session& s : sessions_) sessions.push_back(SessionToJson(s));
  return {{"schema", kSchema},
          {"imsi", imsi_},
          {"period", PeriodToJson(period_)},
          {"current", current_ ? SessionToJson(*current_) : nlohmann::json(nullptr)},
          {"sessions", std::move(sessions)},
          {"history", std::move(history)}};
}

void Ledger::BeginSession(std::string_view mode, std::int64_t unix_now,
                          std::optional<Counters> baseline) {
  if (current_) EndSession(unix_now);
  Roll(unix_now);
  current_ = Session{.start = unix_now, .mode = std::string(mode)};
  last_counters_ = baseline.value_or(Counters{});
}

void Ledger::AddCounters(const Counters& counters, std::int64_t unix_now) {
  const Counters previous = last_counters_.value_or(Counters{});
  last_counters_ = counters;
  Add(CounterDelta(previous.rx_bytes, counters.rx_bytes),
      CounterDelta(previous.tx_bytes, counters.tx_bytes), unix_now);
}

void Ledger::AddBytes(std::uint64_t rx, std::uint64_t tx, std::int64_t unix_now) {
  Add(rx, tx, unix_now);
}

void Ledger::SetLineBytes(std::uint64_t rx, std::uint64_t tx) {
  if (!current_) return;
  current_->line_rx_bytes = std::max(current_->line_rx_bytes, rx);
  current_->line_tx_bytes = std::max(current_->line_tx_bytes, tx);
}

void Ledger::Add(std::uint64_t rx, std::uint64_t tx, std::int64_t unix_now) {
  // Bytes count in the period the clock says now; a clock that went backwards adds them to the
  // current period rather than reopening a closed one.
  Roll(unix_now);
  period_.rx_bytes = SaturatingAdd(period_.rx_bytes, rx);
  period_.tx_bytes = SaturatingAdd(period_.tx_bytes, tx);
  if (current_) {
    current_->rx_bytes = SaturatingAdd(current_->rx_bytes, rx);
    current_->tx_bytes = SaturatingAdd(current_->tx_bytes, tx);
  }
}

void Ledger::EndSession(std::int64_t unix_now) {
  if (!current_) return;
  current_->end = std::max(current_->start, unix_now);
  sessions_.push_front(std::move(*current_));
  if (sessions_.size() > kSessions) sessions_.pop_back();
  current_.reset();
  last_counters_.reset();
}

bool Ledger::Roll(std::int64_t unix_now) {
  if (unix_now < period_.end) return false;
  history_.push_front(period_);
  if (history_.size() > kHistory) history_.pop_back();
  period_ = PeriodContaining(unix_now, start_day_);
  return true;
}

bool AtLeastPercentOf(std::uint64_t used, std::uint64_t limit, int percent) {
  // used × 100 ≥ limit × percent, exact for any byte count in 64 bits (32-bit ARM has no
  // 128-bit integer): with limit = 100q + r the right side is 100·q·percent + r·percent, and
  // r·percent < 10^4, so only the part of `used` above q·percent needs multiplying.
  const std::uint64_t p = static_cast<std::uint64_t>(std::clamp(percent, 0, 100));
  const std::uint64_t whole = (limit / 100) * p;  // ≤ limit: cannot overflow
  if (used < whole) return false;
  const std::uint64_t rest = used - whole;
  return rest >= 100 || rest * 100 >= (limit % 100) * p;
}

CapDecision EvaluateCap(const Period& period, std::uint64_t limit_bytes, int warn_percent) {
  CapDecision decision;
  if (limit_bytes == 0) return decision;
  const std::uint64_t used = period.total();
  decision.warn = !period.warned && AtLeastPercentOf(used, limit_bytes, warn_percent);
  decision.limit = !period.limit_reached && used >= limit_bytes;
  return decision;
}

}  // namespace uclink::control::usage
