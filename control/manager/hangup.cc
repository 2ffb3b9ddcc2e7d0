// The hang-up sequence (state hanging-up): stop PPP, wait for NO CARRIER, resync the AT side,
// deactivate the PDP context, each phase skipped when it has nothing to do (docs/state-machine.md,
// "States": hanging-up).
#include <utility>

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

}  // namespace

// Runs the next phase that has something to do; never leaves the module in data mode unless it
// stops answering altogether (then the next attempt's probe starts with the same recovery).
void ConnectionManager::AdvanceHangup() {
  if (line_.PppRunning()) {
    if (hangup_phase_ != HangupPhase::kStoppingPpp) {
      hangup_phase_ = HangupPhase::kStoppingPpp;
      // A backend suspended by a monitoring slice can send nothing.
      backend_sent_terminate_ = !line_.PppSuspended();
      Emit(act::StopPpp{});  // the backend sends LCP Terminate-Request (RFC 1661 §3.7)
      SetTimer(TimerId::kStateTimeout, kPppStopBudget);
    }
    return;
  }
  if (line_.MaybeDataMode() || line_.HandedOver()) {
    if (hangup_phase_ != HangupPhase::kAwaitingNoCarrier) {
      hangup_phase_ = HangupPhase::kAwaitingNoCarrier;
      if (!backend_sent_terminate_ && line_.MaybeDataMode()) {
        Emit(act::SendLcpTerminate{0x5b});
      }
      Emit(line_.Reclaim());
      if (line_.MaybeDataMode()) SetTimer(TimerId::kStateTimeout, kNoCarrierWait);
    }
    if (line_.MaybeDataMode()) return;
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
    line_.PppEnded(down->no_carrier);
    CancelTimer(TimerId::kStateTimeout);
    return AdvanceHangup();
  }
  if (As<ev::NoCarrier>(event)) {
    line_.DataModeEnded();
    if (hangup_phase_ == HangupPhase::kAwaitingNoCarrier) {
      CancelTimer(TimerId::kStateTimeout);
      AdvanceHangup();
    }
    return;
  }
  if (const auto* timer = As<ev::Timer>(event); timer && timer->id == TimerId::kStateTimeout) {
    if (hangup_phase_ == HangupPhase::kStoppingPpp) {
      line_.PppEnded(/*no_carrier=*/false);  // the daemon kills a backend that ignores Stop
    } else if (hangup_phase_ == HangupPhase::kAwaitingNoCarrier) {
      line_.DataModeEnded();  // no NO CARRIER in 2 s: the resync probe tells the truth
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
    line_.DataModeEnded();
    resynced_ = true;
    context_active_ = false;
    Emit(line_.PortClosed());
    pending_at_.reset();
    // A backend being stopped still reports its end (or the stop budget runs out) first.
    if (hangup_phase_ != HangupPhase::kStoppingPpp) AdvanceHangup();
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

}  // namespace uclink::control
