// The connection manager's transitions, hang-up sequence, AT script runner, timers and status.
#include <algorithm>
#include <utility>

#include "chat/at_command.h"
#include "chat/commands/command_table.h"
#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// Backend stop budget: LCP Terminate with restart timer 3 s × max-terminate 2 (RFC 1661 §4.6)
// could take 6 s; the backend gives up earlier, and we wait no longer than this for it.
constexpr Clock::duration kPppStopBudget = 5s;
// Wait for NO CARRIER after PPP ended (docs/state-machine.md, "Lessons: wait for NO CARRIER
// after PPP ends").
constexpr Clock::duration kNoCarrierWait = 2s;
// Resync probes during hang-up before giving up on the module for this attempt.
constexpr int kResyncTries = 3;

template <typename T>
const T* As(const Event& event) {
  return std::get_if<T>(&event);
}

double AgeSeconds(Clock::time_point now, Clock::time_point at) {
  return std::chrono::duration<double>(now - at).count();
}

}  // namespace

Clock::duration NextRedialDelay(int attempt, Clock::duration initial, Clock::duration max) {
  Clock::duration delay = initial;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

// ---- transitions -------------------------------------------------------------------------

void ConnectionManager::TransitionTo(State next, std::string why) {
  const State previous = state_;
  CancelTimer(TimerId::kStateTimeout);
  CancelTimer(TimerId::kRetry);
  state_ = next;
  state_since_ = now_;
  since_unix_.reset();
  Emit(act::Transition{previous, next, why});
  Emit(act::Publish{"state", {{"from", ToString(previous)}, {"to", ToString(next)}, {"why", why}}});
  Enter(next);
}

void ConnectionManager::Enter(State state) {
  const auto& config = options_.config;
  switch (state) {
    case State::kIdle:
    case State::kFailed:
      for (int i = 0; i < kTimerCount; ++i) CancelTimer(static_cast<TimerId>(i));
      pending_at_.reset();
      link_.reset();
      if (pending_options_) {
        options_ = *std::exchange(pending_options_, std::nullopt);
        backend_available_ = options_.ppp_backend_available;
      }
      return;
    case State::kProbing:
      ppp_suspended_ = false;
      module_holds_session_ = false;
      if (pending_options_) {
        options_ = *std::exchange(pending_options_, std::nullopt);
        backend_available_ = options_.ppp_backend_available;
      }
      link_.reset();
      probe_tries_ = 0;
      attached_ = false;
      if (port_closed_) {
        Emit(act::ReopenPort{});
        port_closed_ = false;
      }
      return SendProbe();
    case State::kConfiguring: {
      // Escalation: after repeated failures, cycle the radio before the init
      // (docs/state-machine.md, "Recovery and counters").
      std::vector<ScriptStep> steps;
      if (attempt_ >= config.recovery.cfun_cycle_after) {
        steps = Expand(Script::kRadioCycle, config.network.cid, config.network.apn);
      }
      for (ScriptStep& step : Expand(Script::kInit, config.network.cid, config.network.apn)) {
        steps.push_back(std::move(step));
      }
      return RunScript(std::move(steps));
    }
    case State::kAwaitingRegistration:
      SetTimer(TimerId::kStateTimeout, config.connection.registration_timeout);
      SetTimer(TimerId::kRetry, 3s);
      return Poll(AtPurpose::kPollCgreg);
    case State::kAttaching:
      return RunScript(Expand(Script::kAttach, config.network.cid, config.network.apn));
    case State::kDialing:
      return RunScript(Expand(Script::kDial, config.network.cid, config.network.apn),
                       /*data_port=*/!config.modem.at_port.empty());
    case State::kNegotiatingPpp:
      return SetTimer(TimerId::kStateTimeout, config.connection.ppp_timeout);
    case State::kOnline:
      SetTimer(TimerId::kOnlineStable, options_.config.backoff.reset_after);
      StartHealthProbes();
      if (!config.modem.at_port.empty()) {
        // A second AT port keeps registration and signal polling going during PPP.
        SetTimer(TimerId::kCsqPoll, config.monitor.csq_interval);
        SetTimer(TimerId::kCgregPoll, config.monitor.cgreg_interval);
        Poll(AtPurpose::kPollCsq);
      } else {
        ArmSlices();  // one port: readings by "+++"/ATO slices if escape_supported
      }
      return;
    case State::kActivatingInband:
      return RunScript(Expand(Script::kInbandActivate, config.network.cid, config.network.apn));
    case State::kOnlineInband:
      SetTimer(TimerId::kOnlineStable, config.backoff.reset_after);
      SetTimer(TimerId::kCsqPoll, config.monitor.csq_interval);
      SetTimer(TimerId::kCgregPoll, config.monitor.cgreg_interval);
      Poll(AtPurpose::kPollCsq);
      if (config.connection.mode == ModeChoice::kAuto && backend_available_ &&
          config.connection.retry_ppp_after.count() > 0) {
        SetTimer(TimerId::kRetryPpp, config.connection.retry_ppp_after);
      }
      return;
    case State::kHangingUp:
      for (TimerId id : {TimerId::kCsqPoll, TimerId::kCgregPoll, TimerId::kRegistrationLost,
                         TimerId::kOnlineStable, TimerId::kRetryPpp, TimerId::kHealthProbe}) {
        CancelTimer(id);
      }
      link_.reset();
      pending_at_.reset();
      hangup_phase_ = HangupPhase::kStart;
      resynced_ = !(data_mode_ || line_handed_over_ || ppp_running_);
      resync_tries_ = 0;
      return AdvanceHangup();
    case State::kBackoff:
      for (TimerId id : {TimerId::kCsqPoll, TimerId::kCgregPoll, TimerId::kRegistrationLost,
                         TimerId::kOnlineStable, TimerId::kRetryPpp, TimerId::kHealthProbe}) {
        CancelTimer(id);
      }
      pending_at_.reset();
      link_.reset();
      return SetTimer(TimerId::kRetry, NextRedialDelay(std::max(attempt_, 1),
                                                       config.backoff.initial, config.backoff.max));
  }
}

void ConnectionManager::RecordError(Errc code, std::string detail) {
  last_error_ = api::LastError{ToString(code), detail};
  Emit(act::Publish{"error", {{"code", ToString(code)}, {"message", detail}}});
}

void ConnectionManager::Fail(Errc code, std::string detail, bool fatal) {
  RecordError(code, detail);
  ++attempt_;
  NextStep next = NextStep::kBackoff;
  if (fatal) {
    next = NextStep::kFailed;
  } else if (attempt_ >= options_.config.recovery.fail_after) {
    RecordError(Errc::kTooManyFailures,
                std::to_string(attempt_) + " failed attempts; last: " + detail);
    next = NextStep::kFailed;
  } else if (!goal_online_) {
    next = NextStep::kIdle;
  }
  FinishOrHangUp(next, std::string(ToString(code)) + ": " + detail);
}

void ConnectionManager::FallBackToInband(Errc code, std::string detail) {
  // A fallback is a change of mode, not a failed attempt: no back-off.
  RecordError(code, detail);
  fallback_active_ = true;
  FinishOrHangUp(NextStep::kInband, "in-band fallback: " + detail);
}

void ConnectionManager::FinishOrHangUp(NextStep next, std::string why) {
  if (ppp_running_ || data_mode_ || line_handed_over_ || context_active_) {
    after_hangup_ = next;
    return TransitionTo(State::kHangingUp, std::move(why));
  }
  GoTo(next, std::move(why));
}

void ConnectionManager::GoTo(NextStep next, std::string why) {
  switch (next) {
    case NextStep::kIdle:
      return TransitionTo(State::kIdle, std::move(why));
    case NextStep::kBackoff:
      return TransitionTo(State::kBackoff, std::move(why));
    case NextStep::kRedial:
      return TransitionTo(State::kProbing, std::move(why));
    case NextStep::kInband:
      // Still registered and attached: only the PDP context needs activating.
      return TransitionTo(State::kActivatingInband, std::move(why));
    case NextStep::kFailed:
      return TransitionTo(State::kFailed, std::move(why));
  }
}

void ConnectionManager::LoseLine(const std::string& why) {
  // Nothing can be said to the module any more: stop whatever used the line, forget the data
  // mode and the context (the next attempt reopens the port and probes from scratch).
  port_closed_ = true;
  if (ppp_running_) Emit(act::StopPpp{});
  ppp_running_ = false;
  ReclaimLine();
  data_mode_ = false;
  context_active_ = false;
  pending_at_.reset();
  Fail(Errc::kPortClosed, why);
}

void ConnectionManager::ReclaimLine() {
  if (!line_handed_over_) return;
  line_handed_over_ = false;
  Emit(act::ResumeCommandMode{});
}

// ---- hang-up -------------------------------------------------------------------------------

// Runs the next phase that has something to do; never leaves the module in data mode unless it
// stops answering altogether (then the next attempt's probe starts with the same recovery).
void ConnectionManager::AdvanceHangup() {
  if (ppp_running_) {
    if (hangup_phase_ != HangupPhase::kStoppingPpp) {
      hangup_phase_ = HangupPhase::kStoppingPpp;
      Emit(act::StopPpp{});  // the backend sends LCP Terminate-Request (RFC 1661 §3.7)
      SetTimer(TimerId::kStateTimeout, kPppStopBudget);
    }
    return;
  }
  if (data_mode_ || line_handed_over_) {
    if (hangup_phase_ != HangupPhase::kAwaitingNoCarrier) {
      // A backend stopped while suspended by a monitoring slice could send nothing.
      const bool backend_sent_terminate =
          hangup_phase_ == HangupPhase::kStoppingPpp && !std::exchange(ppp_suspended_, false);
      hangup_phase_ = HangupPhase::kAwaitingNoCarrier;
      if (!backend_sent_terminate && data_mode_) {
        Emit(act::SendLcpTerminate{0x5b});
      }
      ReclaimLine();
      if (data_mode_) SetTimer(TimerId::kStateTimeout, kNoCarrierWait);
    }
    if (data_mode_) return;
  }
  if (!resynced_) {
    if (hangup_phase_ != HangupPhase::kResync) {
      hangup_phase_ = HangupPhase::kResync;
      SendProbe();
    }
    return;
  }
  if (context_active_) {
    if (hangup_phase_ != HangupPhase::kDeactivating) {
      hangup_phase_ = HangupPhase::kDeactivating;
      RunScript(DeactivationScript());  // with ATH first when a slice left the call suspended
    }
    return;
  }
  NextStep next = after_hangup_;
  if (next == NextStep::kIdle && goal_online_) next = NextStep::kRedial;
  if (next != NextStep::kIdle && next != NextStep::kFailed && !goal_online_) next = NextStep::kIdle;
  GoTo(next, std::string("hung up (") + ToString(next) + ")");
}

void ConnectionManager::HandleHangingUp(const Event& event) {
  if (const auto* down = As<ev::PppDown>(event)) {
    ppp_running_ = false;
    if (down->no_carrier) data_mode_ = false;
    CancelTimer(TimerId::kStateTimeout);
    return AdvanceHangup();
  }
  if (As<ev::NoCarrier>(event)) {
    data_mode_ = false;
    if (hangup_phase_ == HangupPhase::kAwaitingNoCarrier) {
      CancelTimer(TimerId::kStateTimeout);
      AdvanceHangup();
    }
    return;
  }
  if (const auto* timer = As<ev::Timer>(event); timer && timer->id == TimerId::kStateTimeout) {
    if (hangup_phase_ == HangupPhase::kStoppingPpp) {
      ppp_running_ = false;  // the daemon kills a backend that ignores Stop
    } else if (hangup_phase_ == HangupPhase::kAwaitingNoCarrier) {
      data_mode_ = false;  // no NO CARRIER in 2 s: the resync probe tells the truth
    }
    return AdvanceHangup();
  }
  const auto* done = As<ev::AtDone>(event);
  if (IsOurs(done, AtPurpose::kProbe)) {
    pending_at_.reset();
    if (done->outcome != kNoAnswer) {
      resynced_ = true;
    } else if (++resync_tries_ >= kResyncTries) {
      // The module is mute: nothing more to do here; the next attempt probes again.
      RecordError(Errc::kModuleNotResponding, "no answer to AT while hanging up");
      resynced_ = true;
      context_active_ = false;
    } else {
      if (resync_tries_ == 1) Emit(act::SendLcpTerminate{0x5c});
      SendProbe();
      return;
    }
    return AdvanceHangup();
  }
  if (IsOurs(done, AtPurpose::kScriptStep)) {
    if (ContinueScript(*done) == StepResult::kRunning) return;
    context_active_ = false;  // deactivation is optional: done either way
    return AdvanceHangup();
  }
  if (As<ev::PortClosed>(event)) {
    port_closed_ = true;
    data_mode_ = false;
    resynced_ = true;
    context_active_ = false;
    ReclaimLine();
    pending_at_.reset();
    if (!ppp_running_) AdvanceHangup();
    return;
  }
  if (As<ev::UserDisconnect>(event)) {
    if (after_hangup_ != NextStep::kFailed) after_hangup_ = NextStep::kIdle;
  } else if (As<ev::UserConnect>(event)) {
    if (after_hangup_ == NextStep::kIdle || after_hangup_ == NextStep::kFailed) {
      attempt_ = 0;
      after_hangup_ = NextStep::kRedial;
    }
  }
}

// ---- AT traffic --------------------------------------------------------------------------

void ConnectionManager::SendAt(AtPurpose purpose, const ScriptStep& step, bool data_port) {
  const std::uint64_t id = next_at_id_++;
  pending_at_ = PendingAt{id, purpose};
  Emit(act::SendAt{id, step.command, step.timeout, step.expect == Expect::kConnect, data_port});
}

void ConnectionManager::SendProbe() {
  SendAt(AtPurpose::kProbe, Expand(Script::kProbe, 1, "").front());
}

void ConnectionManager::RunScript(std::vector<ScriptStep> steps, bool data_port) {
  script_ = std::move(steps);
  step_ = 0;
  script_on_data_port_ = data_port;
  failed_step_.reset();
  if (script_.empty()) return;
  SendAt(AtPurpose::kScriptStep, script_.front(), data_port);
}

ConnectionManager::StepResult ConnectionManager::ContinueScript(const ev::AtDone& done) {
  pending_at_.reset();
  const ScriptStep& step = script_[step_];
  const AtOutcome wanted =
      step.expect == Expect::kConnect ? chat::FinalKind::kConnect : chat::FinalKind::kOk;
  if (done.outcome == wanted) {
    // Decoded as `uclink probe` decodes them (manual §2.2–§2.6): +SOFTV:... is the revision.
    if (std::optional<std::string> value = DecodeCapture(step.capture, done.info)) {
      switch (step.capture) {
        case Capture::kManufacturer:
          module_.manufacturer = std::move(*value);
          break;
        case Capture::kModel:
          module_.model = std::move(*value);
          break;
        case Capture::kRevision:
          module_.revision = std::move(*value);
          break;
        case Capture::kImei:
          module_.imei = std::move(*value);
          break;
        case Capture::kImsi:
          module_.imsi = std::move(*value);
          break;
        case Capture::kNone:
          break;
      }
    }
  } else if (!step.optional) {
    failed_step_ = done;
    return StepResult::kFailed;
  }
  if (++step_ >= script_.size()) return StepResult::kCompleted;
  SendAt(AtPurpose::kScriptStep, script_[step_], script_on_data_port_);
  return StepResult::kRunning;
}

std::string ConnectionManager::DescribeFailedStep() const {
  if (!failed_step_ || step_ >= script_.size()) return "script failed";
  std::string text = script_[step_].command + " → " + ToString(failed_step_->outcome);
  if (failed_step_->outcome == chat::FinalKind::kCmeError ||
      failed_step_->outcome == chat::FinalKind::kExtError) {
    text += ": " + std::to_string(failed_step_->code);
  }
  return text;
}

bool ConnectionManager::PollingAllowed() const {
  return state_ == State::kOnlineInband ||
         (state_ == State::kOnline && !options_.config.modem.at_port.empty());
}

void ConnectionManager::Poll(AtPurpose purpose) {
  const bool csq = purpose == AtPurpose::kPollCsq;
  if (pending_at_) {
    (csq ? csq_due_ : cgreg_due_) = true;  // one command at a time: send when this one ends
    return;
  }
  // Manual §2.17 and §2.15; both are local queries with chat's basic timeout.
  static const chat::TimeoutTable kTimeouts;
  ScriptStep step;
  step.command =
      *(csq ? chat::EncodeExec(chat::Command::kCsq) : chat::EncodeRead(chat::Command::kCgreg));
  step.timeout = kTimeouts.For(step.command);
  SendAt(purpose, step);
}

void ConnectionManager::FlushDuePolls() {
  if (pending_at_ || !PollingAllowed()) return;
  if (std::exchange(csq_due_, false)) return Poll(AtPurpose::kPollCsq);
  if (std::exchange(cgreg_due_, false)) return Poll(AtPurpose::kPollCgreg);
}

bool ConnectionManager::UseInband() const {
  switch (options_.config.connection.mode) {
    case ModeChoice::kInband:
      return true;
    case ModeChoice::kPpp:
      return false;
    case ModeChoice::kAuto:
      return fallback_active_ || !backend_available_;
  }
  return false;
}

// ---- timers --------------------------------------------------------------------------------

void ConnectionManager::SetTimer(TimerId id, Clock::duration after) {
  const auto index = static_cast<std::size_t>(id);
  deadlines_[index] = now_ + after;
  ++timer_generation_[index];
}

void ConnectionManager::CancelTimer(TimerId id) {
  const auto index = static_cast<std::size_t>(id);
  if (!deadlines_[index]) return;
  deadlines_[index].reset();
  ++timer_generation_[index];
}

void ConnectionManager::FireDueTimers() {
  for (int i = 0; i < kTimerCount; ++i) {
    if (deadlines_[i] && *deadlines_[i] <= now_) {
      deadlines_[i].reset();
      queue_.push_back(ev::Timer{static_cast<TimerId>(i), timer_generation_[i]});
    }
  }
}

std::optional<Clock::time_point> ConnectionManager::NextDeadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& deadline : deadlines_) {
    if (deadline && (!next || *deadline < *next)) next = deadline;
  }
  return next;
}

// ---- status --------------------------------------------------------------------------------

api::Status ConnectionManager::Snapshot(Clock::time_point now, std::int64_t unix_now) const {
  return Snapshot(now, std::chrono::system_clock::time_point(std::chrono::seconds(unix_now)));
}

api::Status ConnectionManager::Snapshot(Clock::time_point now,
                                        std::chrono::system_clock::time_point wall_now) const {
  api::Status s;
  s.state = ToString(state_);
  s.mode = state_ == State::kOnline ? "ppp" : state_ == State::kOnlineInband ? "inband" : "none";
  if (ppp_running_ || state_ == State::kOnline) s.backend = options_.backend_name;
  s.module = module_;
  if (registration_) {
    s.registration.stat = registration_->stat;
    s.registration.name = api::RegistrationStatName(registration_->stat);
    s.registration.lac = registration_->lac;
    s.registration.ci = registration_->ci;
    s.registration.age_s = AgeSeconds(now, *registration_at_);
  }
  if (signal_) {
    if (signal_->csq != 99) s.signal.csq = signal_->csq;
    s.signal.rssi_dbm = api::CsqToDbm(signal_->csq);
    if (signal_->ber != 99) s.signal.ber = signal_->ber;
    s.signal.age_s = AgeSeconds(now, *signal_at_);
  }
  if (link_) {
    s.interface.name = link_->ifname;
    s.interface.address = link_->address;
    s.interface.peer = link_->peer;
    s.interface.dns = link_->dns;
    s.interface.mtu = link_->mtu;
  }
  if (!since_unix_) {
    const auto entered = wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                        now - state_since_);
    since_unix_ = std::chrono::floor<std::chrono::seconds>(entered.time_since_epoch()).count();
  }
  s.since = api::FormatUtc(*since_unix_);
  s.last_error = last_error_;
  if (attempt_ > 0) s.attempt = attempt_;
  s.monitoring.escapes = escapes_;
  if (last_escape_) {
    s.monitoring.last_escape_ms = std::chrono::duration<double, std::milli>(*last_escape_).count();
  }
  const auto& retry = deadlines_[static_cast<std::size_t>(TimerId::kRetry)];
  if (state_ == State::kBackoff && retry) {
    s.retry_in_s = std::max(0.0, std::chrono::duration<double>(*retry - now).count());
  }
  return s;
}

// ---- names ---------------------------------------------------------------------------------

const char* ToString(State state) {
  switch (state) {
    case State::kIdle:
      return "idle";
    case State::kProbing:
      return "probing";
    case State::kConfiguring:
      return "configuring";
    case State::kAwaitingRegistration:
      return "awaiting-registration";
    case State::kAttaching:
      return "attaching";
    case State::kDialing:
      return "dialing";
    case State::kNegotiatingPpp:
      return "negotiating-ppp";
    case State::kOnline:
      return "online";
    case State::kActivatingInband:
      return "activating-inband";
    case State::kOnlineInband:
      return "online-inband";
    case State::kHangingUp:
      return "hanging-up";
    case State::kBackoff:
      return "backoff";
    case State::kFailed:
      return "failed";
  }
  return "?";
}

const char* ToString(TimerId timer) {
  switch (timer) {
    case TimerId::kStateTimeout:
      return "state-timeout";
    case TimerId::kRetry:
      return "retry";
    case TimerId::kCsqPoll:
      return "csq-poll";
    case TimerId::kCgregPoll:
      return "cgreg-poll";
    case TimerId::kRegistrationLost:
      return "registration-lost";
    case TimerId::kOnlineStable:
      return "online-stable";
    case TimerId::kRetryPpp:
      return "retry-ppp";
    case TimerId::kHealthProbe:
      return "health-probe";
  }
  return "?";
}

const char* ToString(AtPurpose purpose) {
  switch (purpose) {
    case AtPurpose::kProbe:
      return "probe";
    case AtPurpose::kScriptStep:
      return "script-step";
    case AtPurpose::kPollCsq:
      return "poll-csq";
    case AtPurpose::kPollCgreg:
      return "poll-cgreg";
    case AtPurpose::kSlice:
      return "slice";
  }
  return "?";
}

const char* ToString(HangupPhase phase) {
  switch (phase) {
    case HangupPhase::kStart:
      return "start";
    case HangupPhase::kStoppingPpp:
      return "stopping-ppp";
    case HangupPhase::kAwaitingNoCarrier:
      return "awaiting-no-carrier";
    case HangupPhase::kResync:
      return "resync";
    case HangupPhase::kDeactivating:
      return "deactivating";
  }
  return "?";
}

const char* ToString(NextStep next) {
  switch (next) {
    case NextStep::kIdle:
      return "idle";
    case NextStep::kBackoff:
      return "backoff";
    case NextStep::kRedial:
      return "redial";
    case NextStep::kInband:
      return "inband";
    case NextStep::kFailed:
      return "failed";
  }
  return "?";
}

const char* EventName(const Event& event) {
  static constexpr const char* kNames[] = {"user-connect",
                                           "user-disconnect",
                                           "at-done",
                                           "registration",
                                           "signal",
                                           "no-carrier",
                                           "ppp-up",
                                           "ppp-down",
                                           "ppp-unavailable",
                                           "port-closed",
                                           "module-restarted",
                                           "probe-result",
                                           "tick",
                                           "timer"};
  static_assert(std::size(kNames) == std::variant_size_v<Event>);
  return kNames[event.index()];
}

}  // namespace uclink::control
