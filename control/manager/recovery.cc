// The recovery ladder in the manager: counting failures, choosing the rung (ladder.h), the
// `resetting` state that runs recovery.reset_command and waits for the module to come back, the
// opt-in escalation, and the counters persisted as state document "recovery"
// (docs/state-machine.md, "Recovery ladder"; docs/state.md).
#include <algorithm>
#include <utility>

#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// A power-cycled module answers AT within a second of its banner; probe once a second while
// waiting (recovery.reset_settle_s bounds the whole wait).
constexpr Clock::duration kSettleProbe = 1s;
// The daemon reports ev::ResetDone within reset_timeout_s; the manager's own guard is later.
constexpr Clock::duration kRunnerGrace = 5s;

template <typename T>
const T* As(const Event& event) {
  return std::get_if<T>(&event);
}

}  // namespace

std::int64_t ConnectionManager::UnixNow() const {
  return unix_base_ + std::chrono::duration_cast<std::chrono::seconds>(now_ - steady_base_).count();
}

// Every failure of an attempt passes here: the ladder's counters, the class that sets the next
// back-off, and the persisted document.
void ConnectionManager::CountFailure(Errc code) {
  ++attempt_;
  ++backoff_step_;
  last_class_ = ClassOf(code);
  recovery_.consecutive_failures = attempt_;
  ++recovery_.failures_since_reset;
  recovery_.Prune(UnixNow());
  plan_ = DecideRung(options_.config.recovery, recovery_, module_silent_, UnixNow());
}

// After a failed attempt (and its hang-up): the power cycle at once when the ladder says so,
// the escalation when due, else the back-off.
void ConnectionManager::EnterBackoffOrReset(std::string why) {
  const bool silent = std::exchange(module_silent_, false);
  const RecoveryConfig& config = options_.config.recovery;
  if (plan_.rung == Rung::kPowerCycle) {
    return TransitionTo(State::kResetting,
                        why + (silent ? "; the module is silent: power cycle"
                                      : "; " + std::to_string(recovery_.failures_since_reset) +
                                            " failures: power cycle"));
  }
  if (plan_.rung == Rung::kEscalate) {
    recovery_.last_escalation = UnixNow();
    ++recovery_.escalations;
    // The escalation replaces the power cycle it was due instead of: count it as one, so the
    // next power cycle again needs reset_after failures.
    recovery_.failures_since_reset = 0;
    Emit(
        act::Publish{api::EscalateStarted{config.escalate_command, recovery_.resets_since_online}});
    Emit(act::RunEscalateCommand{config.escalate_command, config.reset_timeout});
    plan_ = RungDecision{};
  }
  SaveRecovery();
  TransitionTo(State::kBackoff, std::move(why));
}

void ConnectionManager::EnterResetting() {
  for (TimerId id : {TimerId::kCsqPoll, TimerId::kCgregPoll, TimerId::kRegistrationLost,
                     TimerId::kOnlineStable, TimerId::kRetryPpp, TimerId::kHealthProbe}) {
    CancelTimer(id);
  }
  pending_at_.reset();
  link_.reset();
  attached_ = false;
  const RecoveryConfig& config = options_.config.recovery;
  const std::int64_t now = UnixNow();
  recovery_.resets.push_back(now);
  recovery_.last_reset = now;
  recovery_.last_reset_result = "running";
  ++recovery_.resets_since_online;
  ++power_cycles_;
  recovery_.failures_since_reset = 0;
  plan_ = RungDecision{};
  reset_phase_ = ResetPhase::kRunning;
  Emit(act::Publish{api::ResetStarted{
      config.reset_command, static_cast<std::int64_t>(recovery_.resets.size()), attempt_}});
  Emit(act::RunResetCommand{config.reset_command, config.reset_timeout});
  SaveRecovery();
  SetTimer(TimerId::kStateTimeout, config.reset_timeout + kRunnerGrace);
}

void ConnectionManager::HandleResetting(const Event& event) {
  const RecoveryConfig& config = options_.config.recovery;
  const auto* timer = As<ev::Timer>(event);
  if (reset_phase_ == ResetPhase::kRunning) {
    if (timer && timer->id == TimerId::kStateTimeout) {
      recovery_.last_reset_result = "no answer from the reset runner";
      return Fail(Errc::kResetFailed, "recovery.reset_command: no result in time");
    }
  } else if (const auto* done = As<ev::AtDone>(event); IsOurs(done, AtPurpose::kProbe)) {
    pending_at_.reset();
    if (done->outcome != kNoAnswer) {
      line_.DataModeEnded();
      return TransitionTo(State::kConfiguring, "module answers AT after the power cycle");
    }
    SetTimer(TimerId::kRetry, kSettleProbe);
  } else if (timer && timer->id == TimerId::kRetry) {
    Emit(line_.ReopenIfClosed());
    if (!pending_at_) SendProbe();
  } else if (timer && timer->id == TimerId::kStateTimeout) {
    return Fail(Errc::kModuleNotResponding, "no start-up banner and no answer to AT " +
                                                std::to_string(config.reset_settle.count()) +
                                                " s after the power cycle");
  }
  if (As<ev::PortClosed>(event)) {
    Emit(line_.PortClosed());  // a USB module's tty goes away while its power is off
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  }
}

// ev::ResetDone in any state: the escalation's answer is only logged; the reset's moves
// `resetting` on to waiting for the module.
void ConnectionManager::HandleCommandDone(const ev::ResetDone& done) {
  if (done.escalation) {
    Emit(act::Publish{api::CommandFinished{true, done.ok, done.status}});
    if (!done.ok) RecordError(Errc::kResetFailed, "recovery.escalate_command: " + done.status);
    return;
  }
  recovery_.last_reset_result = done.status;
  Emit(act::Publish{api::CommandFinished{false, done.ok, done.status}});
  SaveRecovery();
  if (state_ != State::kResetting || reset_phase_ != ResetPhase::kRunning) return;
  if (!done.ok) return Fail(Errc::kResetFailed, "recovery.reset_command: " + done.status);
  // The module powers up: wait for its banner (HandleModuleRestarted) or an answer to AT.
  reset_phase_ = ResetPhase::kSettling;
  CancelTimer(TimerId::kStateTimeout);
  SetTimer(TimerId::kStateTimeout, options_.config.recovery.reset_settle);
  Emit(act::ReopenPort{});  // the tty may have been re-created (USB) or left in a bad state
  line_.Reopened();
  SendProbe();
}

void ConnectionManager::NoteOnline() {
  if (online_since_connect_) ++reconnects_;  // the link was lost and came back by itself
  online_since_connect_ = true;
  recovery_.last_online = UnixNow();
  recovery_.resets_since_online = 0;
  recovery_.failures_since_reset = 0;
  backoff_step_ = 0;
  SaveRecovery();
}

// "Reset when registration comes back": a failure of the network's kind (no service, denied,
// a link that died) was what the back-off waited out; registration says it is over. A PDP or
// PPP failure after registration keeps its growing back-off.
void ConnectionManager::NoteRegistered() {
  switch (last_class_) {
    case FailureClass::kNoService:
    case FailureClass::kRegistrationDenied:
    case FailureClass::kLinkDead:
      backoff_step_ = 0;
      return;
    default:
      return;
  }
}

void ConnectionManager::SaveRecovery() {
  if (last_error_) {
    recovery_.last_error_code = last_error_->code;
    recovery_.last_error_message = last_error_->message;
  }
  nlohmann::json document = recovery_.ToJson();
  if (saved_recovery_ && *saved_recovery_ == document) return;
  saved_recovery_ = document;
  Emit(act::SaveRecoveryState{std::move(document)});
}

api::RecoveryInfo ConnectionManager::RecoveryStatus(Clock::time_point now) const {
  api::RecoveryInfo info;
  const RecoveryConfig& config = options_.config.recovery;
  info.consecutive_failures = attempt_;
  RecoveryState pruned = recovery_;
  pruned.Prune(UnixNow());
  info.resets_last_hour = static_cast<int>(pruned.resets.size());
  info.rung = state_ == State::kResetting ? ToString(Rung::kPowerCycle) : ToString(plan_.rung);
  switch (state_) {
    case State::kIdle:
    case State::kOnline:
    case State::kOnlineInband:
      info.next_action = "none";
      break;
    case State::kFailed:
      info.next_action = "connect";  // a permanent problem: a person must act
      break;
    default:
      info.next_action = info.rung;
      break;
  }
  const auto& retry = deadlines_[static_cast<std::size_t>(TimerId::kRetry)];
  if (state_ == State::kBackoff && retry) {
    info.next_attempt_in_s = std::max(0.0, std::chrono::duration<double>(*retry - now).count());
  }
  if (recovery_.last_reset) info.last_reset = api::FormatUtc(*recovery_.last_reset);
  if (!recovery_.last_reset_result.empty()) info.last_reset_result = recovery_.last_reset_result;
  if (recovery_.last_escalation) info.last_escalation = api::FormatUtc(*recovery_.last_escalation);
  if (recovery_.last_online) info.last_online = api::FormatUtc(*recovery_.last_online);
  info.power_cycles = power_cycles_;
  info.reconnects = reconnects_;
  info.failures_until_reset = FailuresUntilReset(config, recovery_);
  if (plan_.reset_held_until) info.reset_held_until = api::FormatUtc(*plan_.reset_held_until);
  return info;
}

}  // namespace uclink::control
