// The recovery ladder as data: which failures are permanent, how long each class of failure
// backs off, which rung the next attempt climbs to, and the counters that survive a restart
// (docs/state-machine.md, "Recovery ladder"). Pure: counters and times in, decisions out.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/config/config.h"
#include "control/manager/errc.h"
#include "control/manager/scripts.h"

namespace uclink::control {

/// Failure classes that back off differently (docs/state-machine.md, "Back-off per class").
enum class FailureClass {
  kModuleSilent,        ///< no answer, port gone, reboot, init step failed, reset failed
  kRegistrationDenied,  ///< +CGREG stat 3: the network refused us
  kNoService,           ///< not registered in time, registration lost
  kAttachFailed,        ///< AT+CGATT=1 failed
  kPdpRejected,         ///< AT+CGDATA / AT+CGACT refused or unanswered
  kPppFailed,           ///< PPP negotiation failed or timed out, no backend
  kLinkDead,            ///< an online link died (echo, NO CARRIER, data-path probe, slice)
};
const char* ToString(FailureClass cls);

/// One row of the back-off table: the first delay is `first_multiplier` × backoff.initial_s,
/// doubling per consecutive failure up to backoff.max_s, then ±kJitter.
struct BackoffRow {
  FailureClass cls;
  int first_multiplier;
};
const std::array<BackoffRow, 7>& BackoffTable();
FailureClass ClassOf(Errc code);

/// A failed step of the init script as the ladder takes it: the error to record, and whether it
/// is permanent (no retry can fix it: the attempt ends in `failed`, not in back-off).
struct InitFailure {
  Errc code = Errc::kInitFailed;
  bool permanent = false;
};
/// `outcome` and `cme_code` are the failed step's final result and its +CME ERROR number
/// (docs/state-machine.md, "Recovery ladder"; manual §3.1 and 附表 3.1).
InitFailure ClassifyInitFailure(AtOutcome outcome, int cme_code);

/// ±20 %: a fleet that lost the same cell must not redial in lock-step.
inline constexpr double kJitter = 0.2;

/// A seeded pseudo-random source (splitmix64): the manager's only randomness, so tests that
/// give the seed replay the same delays.
class JitterSource {
 public:
  explicit JitterSource(std::uint64_t seed) : state_(seed) {}
  /// Uniform in [-1, 1).
  double Next();

 private:
  std::uint64_t state_;
};

/// min(initial × multiplier(cls) × 2^(step−1), max) × (1 + kJitter × u), u in [-1, 1); u = 0
/// without a source.
std::chrono::steady_clock::duration ClassBackoff(FailureClass cls, int step,
                                                 const BackoffConfig& backoff,
                                                 JitterSource* jitter);

/// The rungs, bottom to top.
enum class Rung {
  kReinit,      ///< probe + init script: every attempt
  kRadioCycle,  ///< AT+CFUN=0 before the init
  kPowerCycle,  ///< recovery.reset_command, then wait for the banner or OK
  kEscalate,    ///< recovery.escalate_command (opt-in last resort)
};
const char* ToString(Rung rung);

/// Counters the ladder decides on. Times are seconds since the Unix epoch: they are persisted
/// (state document "recovery", docs/state.md) and must mean the same after a reboot.
struct RecoveryState {
  static constexpr int kSchema = 1;
  int consecutive_failures = 0;
  int failures_since_reset = 0;      ///< since the last power cycle (or the last time online)
  int resets_since_online = 0;       ///< power cycles that did not bring the link up
  std::vector<std::int64_t> resets;  ///< times of the power cycles within the last hour
  std::optional<std::int64_t> last_reset;
  std::string last_reset_result;  ///< "exit 0", "exit 1", "timeout after 30 s", ...
  std::optional<std::int64_t> last_escalation;
  int escalations = 0;  ///< in total
  std::optional<std::int64_t> last_online;
  std::optional<std::string> last_error_code, last_error_message;
  std::optional<std::int64_t> last_error_at;

  nlohmann::json ToJson() const;
  /// Reads what ToJson wrote; fields with the wrong type keep their defaults.
  static RecoveryState FromJson(const nlohmann::json& document);
  /// Drops power-cycle times older than an hour before `unix_now`.
  void Prune(std::int64_t unix_now);
  bool operator==(const RecoveryState&) const = default;
};

/// Why a rung is or is not available now.
struct RungDecision {
  Rung rung = Rung::kReinit;
  /// When the power cycle is due by count but held back by max_resets_per_hour: the Unix time
  /// it becomes possible.
  std::optional<std::int64_t> reset_held_until;
};

/// The rung the next attempt climbs to, after a failure (`module_silent`: the probe's attempts
/// were all silent). The one table of docs/state-machine.md, "Recovery ladder", in code.
RungDecision DecideRung(const RecoveryConfig& config, const RecoveryState& state,
                        bool module_silent, std::int64_t unix_now);

/// Failures still to go before the power cycle by count (nullopt: no reset_command).
std::optional<int> FailuresUntilReset(const RecoveryConfig& config, const RecoveryState& state);

}  // namespace uclink::control
