// The data-usage ledger of one SIM (docs/data-budget.md): bytes received and sent per billing
// period and per session, kept in the state directory as "usage-<IMSI>" (docs/state.md). Pure:
// the daemon hands it cumulative interface counters or payload byte counts together with the
// wall-clock time, and saves ToJson() when it decides to. Periods are computed from wall time
// only (UTC); a clock that jumps never makes a duration or a byte count negative.
#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace uclink::control::usage {

/// One billing period: [start, end) in seconds since the Unix epoch.
struct Period {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  bool warned = false;         ///< usage-warning was published for this period
  bool limit_reached = false;  ///< usage-limit was published for this period
  std::uint64_t total() const { return rx_bytes + tx_bytes; }
};

/// [start, end) of the billing period that contains `unix_now`: periods begin at 00:00 UTC on
/// day `start_day` (1..28, so that every month has that day) of each month.
Period PeriodContaining(std::int64_t unix_now, int start_day);

/// Cumulative counters of one source (an interface's rx/tx bytes since it was created).
struct Counters {
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
};

/// The bytes a source carried between two cumulative readings, never negative. A counter that
/// went down either wrapped at 2^32 (32-bit kernel counters) or restarted from zero because the
/// interface was recreated; the first case is recognised by a plausible distance to 2^32, and
/// otherwise the new reading itself is what was carried since the restart.
std::uint64_t CounterDelta(std::uint64_t previous, std::uint64_t current);

/// One connection's totals.
struct Session {
  std::int64_t start = 0;
  std::optional<std::int64_t> end;  ///< open while the session runs
  std::string mode;                 ///< "ppp" | "inband"
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  /// PPP only: the serial line's bytes including PPP framing and LCP (between host and module;
  /// they never reach the air, docs/data-budget.md).
  std::uint64_t line_rx_bytes = 0;
  std::uint64_t line_tx_bytes = 0;
  /// Seconds from start to end (or `now` while open); 0 when the clock went backwards.
  std::int64_t DurationAt(std::int64_t now) const;
};

class Ledger {
 public:
  /// Past periods kept (a year of monthly periods).
  static constexpr std::size_t kHistory = 12;
  /// Finished sessions kept.
  static constexpr std::size_t kSessions = 20;
  /// Version of the "usage-<IMSI>" document.
  static constexpr int kSchema = 1;

  Ledger(std::string imsi, int period_start_day, std::int64_t unix_now);

  /// Reads a saved document; nullopt with `why` for one that is not a usage ledger of `imsi`
  /// (wrong or missing fields, another IMSI, negative numbers).
  static std::optional<Ledger> FromJson(const nlohmann::json& document, std::string_view imsi,
                                        int period_start_day, std::int64_t unix_now,
                                        std::string* why);
  nlohmann::json ToJson() const;

  /// A connection started. `baseline` is the interface's counters at that moment (an interface
  /// that is reused keeps counting from where it was); without one, counting starts at zero.
  void BeginSession(std::string_view mode, std::int64_t unix_now,
                    std::optional<Counters> baseline = std::nullopt);
  /// A cumulative reading of the session's interface; adds what it carried since the last one.
  void AddCounters(const Counters& counters, std::int64_t unix_now);
  /// Bytes counted directly (in-band payloads the module reported).
  void AddBytes(std::uint64_t rx, std::uint64_t tx, std::int64_t unix_now);
  /// PPP framing: the serial line's cumulative byte counters for this session.
  void SetLineBytes(std::uint64_t rx, std::uint64_t tx);
  /// The connection ended (hang-up, link loss, shutdown).
  void EndSession(std::int64_t unix_now);
  /// Starts a new period when `unix_now` passed the current one's end; returns whether it did.
  /// A clock that went back before the current period's start keeps the current period.
  bool Roll(std::int64_t unix_now);
  /// Marks the current period's warning / limit as published (persisted with the ledger).
  void MarkWarned() { period_.warned = true; }
  void MarkLimitReached() { period_.limit_reached = true; }

  const std::string& imsi() const { return imsi_; }
  const Period& period() const { return period_; }
  const std::deque<Period>& history() const { return history_; }     ///< newest first
  const std::deque<Session>& sessions() const { return sessions_; }  ///< newest first
  const std::optional<Session>& current_session() const { return current_; }

 private:
  void Add(std::uint64_t rx, std::uint64_t tx, std::int64_t unix_now);

  std::string imsi_;
  int start_day_ = 1;
  Period period_;
  std::deque<Period> history_;
  std::deque<Session> sessions_;
  std::optional<Session> current_;
  std::optional<Counters> last_counters_;
};

/// What the cap asks for after the period's totals changed (docs/data-budget.md, "Caps").
struct CapDecision {
  bool warn = false;   ///< crossed warn_percent of the limit for the first time this period
  bool limit = false;  ///< reached the limit for the first time this period
};
/// used × 100 ≥ limit × percent (percent clamped to 0..100), exact for every 64-bit count.
bool AtLeastPercentOf(std::uint64_t used, std::uint64_t limit, int percent);
/// `limit_bytes` 0 = no limit.
CapDecision EvaluateCap(const Period& period, std::uint64_t limit_bytes, int warn_percent);

}  // namespace uclink::control::usage
