// The connection manager: one pure state machine that takes events and the current time and
// returns actions (docs/state-machine.md). Events are handled one at a time, in the order the
// daemon's one queue delivers them; a handler never re-enters the machine (it performs nothing,
// so nothing can call back into it). One io_context thread owns it in the daemon.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/api/status.h"
#include "control/config/config.h"
#include "control/manager/errc.h"
#include "control/manager/events.h"
#include "control/manager/ladder.h"
#include "control/manager/scripts.h"
#include "control/manager/serial_line.h"

namespace uclink::control {

/// What the manager needs besides the configuration: facts the daemon found at start-up.
struct ManagerOptions {
  Config config;
  bool ppp_backend_available = true;       ///< false: no pppd and no TUN: PPP is impossible
  std::string backend_name = "userspace";  ///< shown in status while PPP is in use
  // Read once, by the constructor (a reload keeps the manager's own):
  /// Seed of the back-off jitter (±20 %); nullopt: no jitter (exact delays, for tests).
  std::optional<std::uint64_t> jitter_seed;
  /// The recovery counters read from the state directory at start (docs/state.md).
  std::optional<RecoveryState> restored;
  /// Seconds since the Unix epoch at the construction's `now`: persisted times are wall-clock.
  std::int64_t unix_at_start = 0;
};

/// Delay before attempt `attempt` (1-based count of consecutive failures): initial, doubling,
/// capped at max (docs/state-machine.md, "Lessons: back off, but not for ever").
Clock::duration NextRedialDelay(int attempt, Clock::duration initial, Clock::duration max);

/// Why an AT command was sent (for logs and tests).
enum class AtPurpose { kProbe, kScriptStep, kPollCsq, kPollCgreg, kSlice };
const char* ToString(AtPurpose purpose);

/// Phases of kHangingUp, in order; each is skipped when it has nothing to do.
enum class HangupPhase { kStart, kStoppingPpp, kAwaitingNoCarrier, kResync, kDeactivating };
const char* ToString(HangupPhase phase);

/// Phases of a monitoring slice (docs/state-machine.md, "Monitoring slices"), in order:
/// backend suspended and the line silent, "+++" written and silent again, the AT side checks
/// command mode with AT, polls AT+CSQ / AT+CGREG?, then ATO until CONNECT resumes the backend.
enum class SlicePhase { kNone, kQuiescing, kEscaping, kConfirming, kPolling, kResuming };
const char* ToString(SlicePhase phase);

/// Where to go once a hang-up (or a failure without one) is finished.
enum class NextStep { kIdle, kBackoff, kRedial, kInband, kFailed, kReset };
const char* ToString(NextStep next);

class ConnectionManager {
 public:
  ConnectionManager(ManagerOptions options, Clock::time_point now);

  /// Handles `event` (ev::Tick: every timer due by `now`, one ev::Timer each) and returns the
  /// actions to perform in order.
  std::vector<Action> Handle(Event event, Clock::time_point now);
  /// When the daemon should send ev::Tick next; nullopt when no timer is armed.
  std::optional<Clock::time_point> NextDeadline() const;
  /// Replaces the options at the next attempt (SIGHUP / "reload").
  void Reconfigure(ManagerOptions options);

  State state() const { return state_; }
  /// Whether no attempt is under way: idle, failed, backing off, or probing for the next attempt
  /// (nothing configured, no session). A reload's new PPP backend takes over only then.
  bool BetweenAttempts() const;
  /// Whether a user AT command can be sent now: false while the only port is in data mode.
  bool AtPortAvailable() const;
  /// The status document; `wall_now` (the same instant as `now` on the system clock) converts
  /// steady times to the wall-clock "since".
  api::Status Snapshot(Clock::time_point now, std::chrono::system_clock::time_point wall_now) const;
  /// As above with the wall clock in whole seconds since the Unix epoch (tests, benchmarks).
  api::Status Snapshot(Clock::time_point now, std::int64_t unix_now) const;

 private:
  struct PendingAt {
    std::uint64_t id = 0;
    AtPurpose purpose = AtPurpose::kProbe;
  };

  // The one dispatch function and the per-state handlers.
  void Dispatch(const Event& event);
  void HandleIdle(const Event& event);
  void HandleProbing(const Event& event);
  void HandleConfiguring(const Event& event);
  void HandleAwaitingRegistration(const Event& event);
  void HandleAttaching(const Event& event);
  void HandleDialing(const Event& event);
  void HandleNegotiatingPpp(const Event& event);
  void HandleOnline(const Event& event);
  void HandleActivatingInband(const Event& event);
  void HandleOnlineInband(const Event& event);
  void HandleHangingUp(const Event& event);
  void HandleBackoff(const Event& event);
  void HandleFailed(const Event& event);
  // recovery.cc: the ladder (ladder.h), the power-cycle state and the persisted counters.
  void CountFailure(Errc code);
  void EnterBackoffOrReset(std::string why);
  void EnterResetting();
  void HandleResetting(const Event& event);
  void HandleCommandDone(const ev::ResetDone& done);
  void NoteOnline();
  void NoteRegistered();
  void SaveRecovery();
  std::int64_t UnixNow() const;
  api::RecoveryInfo RecoveryStatus(Clock::time_point now) const;
  // restart_and_probe.cc: a module reboot seen in any state; the online data-path probe.
  void HandleModuleRestarted(const ev::ModuleRestarted& restart);
  void RestartFromConfiguring(const std::string& why, bool command_in_flight);
  void ContinueHangupAfterRestart(bool command_in_flight);
  void AbandonCommand(bool command_in_flight);
  void HandleProbeResult(const ev::ProbeResult& result);
  void StartHealthProbes();
  void ArmHealthProbe();
  void RunHealthProbe();
  // usage_cap.cc: the data budget and the idle-only probe (docs/data-budget.md).
  bool HandleUsage(const Event& event);
  void ApplyUsageLimit(const ev::UsageLimitReached& limit);
  void EndUsageLimit();
  bool TrafficProvesDataPath();
  // escape_slice.cc: time-sliced AT monitoring on a single port with "+++"/ATO.
  bool SlicesEnabled() const;
  void ArmSlices();
  bool HandleSlice(const Event& event);
  void BeginSlice();
  void AdvanceSlice(const ev::AtDone* done);
  void SendSliceCommand(std::size_t step);
  void PollNextOrResume();
  void FinishSlice();
  void FailSlice(Errc code, const std::string& detail);
  std::vector<ScriptStep> DeactivationScript();

  // apn_ladder.cc: network.apn = "auto" candidates and network.roaming (docs/apn.md).
  bool AutoApn() const { return options_.config.network.AutoApn(); }
  std::string_view CurrentApn() const;
  act::StartPpp PppCredentials() const;
  void LookUpApn();
  void TakeApnCandidates(const ev::ApnCandidates& found);
  void RunActivation(State state);
  bool TryNextApn();
  bool FailOnRoamingError();
  bool HandleApnRetry(const Event& event);
  void ApnActivated();
  bool RoamingRefused(int stat) const;
  void WaitOutRoaming(int stat);
  void FillApnStatus(api::Status& status) const;

  // Transitions.
  void TransitionTo(State next, std::string why);
  void Enter(State state);
  void Fail(Errc code, std::string detail, bool fatal = false);
  void FallBackToInband(Errc code, std::string detail);
  void FinishOrHangUp(NextStep next, std::string why);
  void GoTo(NextStep next, std::string why);
  void AdvanceHangup();

  // Global bookkeeping done in every state.
  void Observe(const Event& event);
  void ObserveIpv6(const ev::Ipv6Changed& changed);  // manager/ipv6.cc
  void RecordError(Errc code, std::string detail);
  void LoseLine(const ev::PortClosed& closed);
  bool UseInband() const;
  void DialOrActivate(std::string why);

  // AT traffic.
  void SendAt(AtPurpose purpose, const ScriptStep& step, bool data_port = false);
  void SendProbe();
  void RunScript(std::vector<ScriptStep> steps, bool data_port = false);
  enum class StepResult { kRunning, kCompleted, kFailed };
  StepResult ContinueScript(const ev::AtDone& done);
  bool IsOurs(const ev::AtDone* done, AtPurpose purpose) const;
  void Poll(AtPurpose purpose);
  void FlushDuePolls();
  bool PollingAllowed() const;
  void HandleMonitoring(const Event& event);
  std::string DescribeFailedStep() const;

  // Timers.
  void SetTimer(TimerId id, Clock::duration after);
  void CancelTimer(TimerId id);
  void FireDueTimers();

  void Emit(Action action) { actions_.push_back(std::move(action)); }
  void Emit(std::vector<Action> actions) {
    for (Action& action : actions) Emit(std::move(action));
  }

  ManagerOptions options_;
  std::optional<ManagerOptions> pending_options_;
  Clock::time_point now_;
  State state_ = State::kIdle;
  Clock::time_point state_since_;
  /// `since` in seconds since the Unix epoch, derived once per state by the first Snapshot after
  /// the transition (the manager sees no wall clock before) and reused until the next one: two
  /// clocks read a moment apart, each rounded to seconds, must not make it jitter by a second.
  mutable std::optional<std::int64_t> since_unix_;

  std::vector<Action> actions_;

  std::array<std::optional<Clock::time_point>, kTimerCount> deadlines_{};
  std::array<std::uint64_t, kTimerCount> timer_generation_{};

  std::uint64_t next_at_id_ = 1;
  std::optional<PendingAt> pending_at_;
  std::vector<ScriptStep> script_;
  std::size_t step_ = 0;
  bool script_on_data_port_ = false;
  std::optional<ev::AtDone> failed_step_;
  bool csq_due_ = false;
  bool cgreg_due_ = false;

  // Recovery counters and the user's goal.
  bool goal_online_ = false;
  int attempt_ = 0;       ///< consecutive failed attempts (reset after reset_after online)
  int ppp_failures_ = 0;  ///< consecutive PPP failures (reset when PPP comes up)
  int probe_tries_ = 0;
  bool fallback_active_ = false;
  bool attached_ = false;  ///< AT+CGATT=1 succeeded in this attempt
  bool backend_available_ = true;

  // Who owns the line and what the module is (possibly) doing (serial_line.h).
  SerialLine line_;
  bool context_active_ = false;  ///< a PDP context may be active (CONNECT or CGACT=1)

  // Data-path probe (monitor.probe) while online.
  std::uint64_t probe_id_ = 0;  ///< id of the probe in flight; results with another id are stale
  bool probe_in_flight_ = false;
  int probe_failures_ = 0;  ///< consecutive failed probes in this online period

  // Data budget (usage_cap.cc).
  bool usage_blocked_ = false;               ///< a `disconnect` cap holds the link down
  bool usage_inband_only_ = false;           ///< an `inband-only` cap: no PPP in this period
  bool resume_after_period_ = false;         ///< the link was wanted when the cap took it down
  std::optional<std::uint64_t> rx_packets_;  ///< last interface reading while online
  std::optional<std::uint64_t> rx_packets_at_probe_;  ///< reading when the last probe ended
  std::int64_t probes_sent_ = 0;
  std::int64_t probes_skipped_ = 0;  ///< not sent because traffic proved the data path

  // Monitoring slices (escape_slice.cc).
  struct Slice {
    SlicePhase phase = SlicePhase::kNone;
    Clock::time_point started;  ///< when the backend was suspended: data mode ends here
    bool csq = false;           ///< AT+CSQ is due in this (or the next) slice
    bool cgreg = false;         ///< AT+CGREG? is due
  };
  Slice slice_;
  std::int64_t escapes_ = 0;  ///< completed slices (ATO → CONNECT) since start-up
  std::optional<Clock::duration> last_escape_;  ///< time out of data mode of the last one
  int escapes_unanswered_ = 0;  ///< consecutive "+++" without OK; at 2 slicing stops

  HangupPhase hangup_phase_ = HangupPhase::kStart;
  NextStep after_hangup_ = NextStep::kIdle;
  bool resynced_ = false;
  int resync_tries_ = 0;
  /// This hang-up stopped a backend that was not suspended: it sent LCP Terminate-Request itself.
  bool backend_sent_terminate_ = false;

  // network.apn = "auto" (apn_ladder.cc).
  struct ApnLadder {
    std::vector<ApnChoice> candidates;  ///< in order; the remembered one first
    std::size_t index = 0;              ///< the one being tried
    std::vector<std::string> tried;     ///< "cmnet → +CME ERROR: 133 (...)" per refusal
    bool known = false;                 ///< ev::ApnCandidates arrived for this attempt
    bool waiting = false;               ///< short pause before the next candidate
    std::string imsi;
  };
  ApnLadder apn_;
  bool roaming_reported_ = false;  ///< roaming-denied recorded in this wait for registration
  // The recovery ladder (recovery.cc).
  RecoveryState recovery_;
  std::optional<nlohmann::json> saved_recovery_;  ///< last document asked to be saved
  std::optional<JitterSource> jitter_;
  int backoff_step_ = 0;  ///< exponent of the back-off; reset when registration comes back
  FailureClass last_class_ = FailureClass::kModuleSilent;
  bool module_silent_ = false;  ///< the failure being counted: the probe's tries were all silent
  RungDecision plan_;           ///< the rung the next attempt climbs to
  enum class ResetPhase { kRunning, kSettling };
  ResetPhase reset_phase_ = ResetPhase::kRunning;
  bool keep_restored_ = false;  ///< the first connect keeps the restored counters
  // Fleet counters since uclinkd started (status.recovery, `uclink metrics`).
  int power_cycles_ = 0;               ///< reset_command runs
  int reconnects_ = 0;                 ///< online again without a new connect request
  bool online_since_connect_ = false;  ///< online was reached since the last connect request
  std::int64_t unix_base_ = 0;
  Clock::time_point steady_base_;

  // Status.
  api::ModuleInfo module_;
  std::optional<ev::Registration> registration_;
  std::optional<Clock::time_point> registration_at_;
  std::optional<ev::Signal> signal_;
  std::optional<Clock::time_point> signal_at_;
  std::optional<ev::PppUp> link_;
  std::optional<api::Ipv6Info> ipv6_;
  std::optional<api::LastError> last_error_;
};

}  // namespace uclink::control
