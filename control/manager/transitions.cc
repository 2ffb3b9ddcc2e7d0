// The connection manager's transitions: TransitionTo and what entering each state starts, the
// failure bookkeeping that decides the next step, and the back-off delay (docs/state-machine.md,
// "States" and "Recovery and counters").
#include <algorithm>
#include <utility>

#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

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
  Emit(act::Publish{api::StateChanged{previous, next, why}});
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
      line_.CallEnded();  // a call a slice left held is gone or ended by now; the probe tells
      if (pending_options_) {
        options_ = *std::exchange(pending_options_, std::nullopt);
        backend_available_ = options_.ppp_backend_available;
      }
      link_.reset();
      probe_tries_ = 0;
      attached_ = false;
      Emit(line_.ReopenIfClosed());
      return SendProbe();
    case State::kConfiguring: {
      // Escalation: after repeated failures, cycle the radio before the init
      // (docs/state-machine.md, "Recovery and counters").
      std::vector<ScriptStep> steps;
      if (attempt_ >= config.recovery.cfun_cycle_after) {
        steps = Expand(Script::kRadioCycle, config.network.cid, CurrentApn());
        Emit(act::Publish{api::RungReached{ToString(Rung::kRadioCycle), attempt_}});
      }
      for (ScriptStep& step :
           Expand(Script::kInit, config.network.cid, CurrentApn(), config.network.pdp_type)) {
        steps.push_back(std::move(step));
      }
      return RunScript(std::move(steps));
    }
    case State::kAwaitingRegistration:
      roaming_reported_ = false;
      SetTimer(TimerId::kStateTimeout, config.connection.registration_timeout);
      SetTimer(TimerId::kRetry, 3s);
      return Poll(AtPurpose::kPollCgreg);
    case State::kAttaching:
      return RunScript(Expand(Script::kAttach, config.network.cid, config.network.apn));
    case State::kDialing:
      return RunActivation(state);  // apn_ladder.cc: with "auto", AT+CGDCONT first
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
      return RunActivation(state);  // apn_ladder.cc: with "auto", AT+CGDCONT first
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
      resynced_ = !line_.Busy();
      resync_tries_ = 0;
      backend_sent_terminate_ = false;
      return AdvanceHangup();
    case State::kBackoff:
      for (TimerId id : {TimerId::kCsqPoll, TimerId::kCgregPoll, TimerId::kRegistrationLost,
                         TimerId::kOnlineStable, TimerId::kRetryPpp, TimerId::kHealthProbe}) {
        CancelTimer(id);
      }
      pending_at_.reset();
      link_.reset();
      // Per failure class, doubling, with jitter (ladder.h, docs/state-machine.md).
      return SetTimer(TimerId::kRetry, ClassBackoff(last_class_, std::max(backoff_step_, 1),
                                                    config.backoff, jitter_ ? &*jitter_ : nullptr));
    case State::kResetting:
      return EnterResetting();
  }
}

void ConnectionManager::RecordError(Errc code, std::string detail) {
  last_error_ = api::LastError{ToString(code), detail};
  recovery_.last_error_at = UnixNow();
  Emit(act::Publish{api::ErrorRecorded{ToString(code), detail}});
}

// Only a permanent problem (`fatal`: no retry can fix it) ends in `failed`; every other failure
// climbs the ladder and retries for ever (docs/state-machine.md, "Recovery ladder").
void ConnectionManager::Fail(Errc code, std::string detail, bool fatal) {
  RecordError(code, detail);
  CountFailure(code);
  NextStep next = NextStep::kBackoff;
  if (fatal) {
    next = NextStep::kFailed;
  } else if (!goal_online_) {
    next = NextStep::kIdle;
  }
  if (next != NextStep::kBackoff) {
    module_silent_ = false;
    SaveRecovery();
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
  if (line_.Busy() || context_active_) {
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
      return EnterBackoffOrReset(std::move(why));
    case NextStep::kReset:
      return TransitionTo(State::kResetting, std::move(why));
    case NextStep::kRedial:
      return TransitionTo(State::kProbing, std::move(why));
    case NextStep::kInband:
      // Still registered and attached: only the PDP context needs activating.
      return TransitionTo(State::kActivatingInband, std::move(why));
    case NextStep::kFailed:
      return TransitionTo(State::kFailed, std::move(why));
  }
}

void ConnectionManager::LoseLine(const ev::PortClosed& closed) {
  const std::string& why = closed.why;
  // Nothing can be said to the module any more: stop whatever used the line, forget the data
  // mode and the context (the next attempt reopens the port and probes from scratch).
  if (line_.PppRunning()) Emit(act::StopPpp{});
  Emit(line_.PortClosed());
  line_.DataModeEnded();
  context_active_ = false;
  pending_at_.reset();
  // Permission denied or not a terminal: no retry can fix it (a person must).
  if (closed.permanent) return Fail(Errc::kPortUnusable, why, /*fatal=*/true);
  Fail(Errc::kPortClosed, why);
}

bool ConnectionManager::BetweenAttempts() const {
  switch (state_) {
    case State::kIdle:
    case State::kFailed:
    case State::kBackoff:
    case State::kProbing:
    case State::kResetting:
      return true;
    case State::kConfiguring:
    case State::kAwaitingRegistration:
    case State::kAttaching:
    case State::kDialing:
    case State::kNegotiatingPpp:
    case State::kOnline:
    case State::kActivatingInband:
    case State::kOnlineInband:
    case State::kHangingUp:
      return false;
  }
  return false;
}

bool ConnectionManager::UseInband() const {
  if (usage_inband_only_) return true;  // usage.on_limit = inband-only (usage_cap.cc)
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

}  // namespace uclink::control
