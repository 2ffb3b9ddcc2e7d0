// Time-sliced AT monitoring on a single port (docs/state-machine.md, "Monitoring slices").
// While online through PPP with only
// one port and modem.escape_supported set, each due CSQ/CGREG reading briefly takes the module
// out of data mode: the backend is suspended, "+++" is written between two silent guard times,
// the AT side checks command mode, polls what is due and returns with ATO → CONNECT, and the
// backend resumes. Every slice is bounded; a slice that goes wrong is link trouble and takes the
// usual recovery path (hang up, redial), so the module is never left in command mode with a call
// our side believes is up. The UC8088 manual documents neither "+++" nor ATO: the shape is
// ITU-T V.250's (§6.3: S12 escape guard time, §6.3.7 O, §6.3.6 H).
#include <utility>

#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// V.250 §6.3 (S12, escape prompt delay): 50 × 20 ms = 1 s of silence before and after "+++".
// The simulator's --escape uses the same value (sim/module.cc kEscapeGuard).
constexpr Clock::duration kEscapeGuard = 1s;
// The module measures its guard from the last byte it received; a frame cut short by the
// suspension may still be draining from the UART, so the first guard gets this on top.
constexpr Clock::duration kDrainMargin = 200ms;
// Everything after the guard times (the AT channel's resync, AT, two polls, ATO): a slice is
// bounded by the guard times plus this (docs/state-machine.md, "Monitoring slices").
constexpr Clock::duration kSliceWork = 5s;
// "+++" without OK this many times in a row: the firmware does not take the escape, so slicing
// stops (until uclinkd restarts) instead of redialling on every interval.
constexpr int kUnansweredEscapesLimit = 2;

// Steps of Script::kEscapeSlice (scripts.cc), in table order.
enum SliceStep : std::size_t { kCheckStep = 0, kCsqStep = 1, kCgregStep = 2, kReturnStep = 3 };

template <typename T>
const T* As(const Event& event) {
  return std::get_if<T>(&event);
}

}  // namespace

bool ConnectionManager::SlicesEnabled() const {
  const ModemConfig& modem = options_.config.modem;
  return modem.escape_supported && modem.at_port.empty() &&
         escapes_unanswered_ < kUnansweredEscapesLimit;
}

void ConnectionManager::ArmSlices() {
  slice_ = Slice{};
  if (!SlicesEnabled()) return;
  SetTimer(TimerId::kCsqPoll, options_.config.monitor.csq_interval);
  SetTimer(TimerId::kCgregPoll, options_.config.monitor.cgreg_interval);
}

// Sees every event while online before HandleOnline does; true when the slice consumed it.
bool ConnectionManager::HandleSlice(const Event& event) {
  const Config& config = options_.config;
  if (!config.modem.escape_supported || !config.modem.at_port.empty()) return false;
  if (const auto* timer = As<ev::Timer>(event)) {
    switch (timer->id) {
      case TimerId::kCsqPoll:
      case TimerId::kCgregPoll: {
        // Never a plain poll here: the only port carries PPP. A due reading waits for a slice.
        if (!SlicesEnabled()) return true;
        const bool csq = timer->id == TimerId::kCsqPoll;
        SetTimer(timer->id, csq ? config.monitor.csq_interval : config.monitor.cgreg_interval);
        (csq ? slice_.csq : slice_.cgreg) = true;
        if (slice_.phase == SlicePhase::kNone) BeginSlice();
        return true;
      }
      case TimerId::kRetry:  // a guard time is over
        if (slice_.phase == SlicePhase::kNone) return false;
        AdvanceSlice(nullptr);
        return true;
      case TimerId::kStateTimeout:
        if (slice_.phase == SlicePhase::kNone) return false;
        FailSlice(Errc::kEscapeFailed,
                  std::string("over its budget while ") + ToString(slice_.phase));
        return true;
      case TimerId::kRegistrationLost:
      case TimerId::kOnlineStable:
      case TimerId::kRetryPpp:
      case TimerId::kHealthProbe:
        return false;
    }
    return false;
  }
  if (slice_.phase == SlicePhase::kNone) return false;
  if (const auto* done = As<ev::AtDone>(event); IsOurs(done, AtPurpose::kSlice)) {
    pending_at_.reset();
    AdvanceSlice(done);
    return true;
  }
  if (As<ev::UserDisconnect>(event)) {
    if (slice_.phase != SlicePhase::kQuiescing) {
      // The module is between modes: finish the current step (bounded by the budget), then
      // hang up from wherever it is (AdvanceSlice checks goal_online_).
      return true;
    }
    // Nothing was written yet: the backend takes the line back and hangs up as usual.
    CancelTimer(TimerId::kRetry);
    CancelTimer(TimerId::kStateTimeout);
    slice_.phase = SlicePhase::kNone;
    Emit(line_.Unsuspend());
    return false;
  }
  if (As<ev::NoCarrier>(event)) line_.CallEnded();  // the call is over
  if (As<ev::PppDown>(event) || As<ev::NoCarrier>(event) || As<ev::PortClosed>(event)) {
    // HandleOnline's recovery takes over; the slice simply ends.
    CancelTimer(TimerId::kRetry);
    CancelTimer(TimerId::kStateTimeout);
    slice_.phase = SlicePhase::kNone;
  }
  return false;
}

void ConnectionManager::BeginSlice() {
  slice_.phase = SlicePhase::kQuiescing;
  slice_.started = now_;
  Emit(line_.Suspend());
  SetTimer(TimerId::kRetry, kEscapeGuard + kDrainMargin);
  SetTimer(TimerId::kStateTimeout, kEscapeGuard + kDrainMargin + kEscapeGuard + kSliceWork);
}

void ConnectionManager::AdvanceSlice(const ev::AtDone* done) {
  switch (slice_.phase) {
    case SlicePhase::kNone:
      return;
    case SlicePhase::kQuiescing:
      // The line has been silent for the guard time: the escape, itself followed by silence.
      Emit(act::WriteRaw{{'+', '+', '+'}});
      slice_.phase = SlicePhase::kEscaping;
      return SetTimer(TimerId::kRetry, kEscapeGuard);
    case SlicePhase::kEscaping:
      // A module that took the escape is in command mode now (its OK is already on the line).
      // The AT channel takes the line, resynchronises, and "AT" confirms.
      Emit(line_.Reclaim());
      slice_.phase = SlicePhase::kConfirming;
      return SendSliceCommand(kCheckStep);
    case SlicePhase::kConfirming:
      if (done->outcome == kNoAnswer) {
        ++escapes_unanswered_;
        return FailSlice(Errc::kEscapeFailed,
                         "no OK after \"+++\": the module stayed in data mode (escape_supported "
                         "is set but the firmware does not take the escape?)");
      }
      // Any final result comes from command mode; the call waits, suspended, in the module.
      escapes_unanswered_ = 0;
      line_.EscapeConfirmed();
      slice_.phase = SlicePhase::kPolling;
      return PollNextOrResume();
    case SlicePhase::kPolling:
      if (done->outcome == kNoAnswer) {
        return FailSlice(Errc::kModuleNotResponding, "no answer to a poll in command mode");
      }
      return PollNextOrResume();
    case SlicePhase::kResuming:
      if (done->outcome == chat::FinalKind::kConnect) return FinishSlice();
      if (done->outcome == kNoAnswer) {
        line_.MayBeInDataMode();  // a late CONNECT may have switched the module back
      } else if (done->outcome == chat::FinalKind::kNoCarrier) {
        line_.CallEnded();  // the call ended while suspended
      }
      return FailSlice(Errc::kEscapeFailed, std::string("ATO → ") + ToString(done->outcome));
  }
}

void ConnectionManager::SendSliceCommand(std::size_t step) {
  const NetworkConfig& network = options_.config.network;
  SendAt(AtPurpose::kSlice, Expand(Script::kEscapeSlice, network.cid, network.apn).at(step));
}

void ConnectionManager::PollNextOrResume() {
  if (!goal_online_) {
    // A disconnect came during the slice: hang up from command mode (ATH, AT+CGACT=0) rather
    // than resuming PPP only to terminate it.
    slice_.phase = SlicePhase::kNone;
    CancelTimer(TimerId::kStateTimeout);
    return FinishOrHangUp(NextStep::kIdle, "disconnect requested");
  }
  if (std::exchange(slice_.csq, false)) return SendSliceCommand(kCsqStep);
  if (std::exchange(slice_.cgreg, false)) return SendSliceCommand(kCgregStep);
  slice_.phase = SlicePhase::kResuming;
  SendSliceCommand(kReturnStep);
}

void ConnectionManager::FinishSlice() {
  // CONNECT: the AT channel hands the line over as after the dial; the backend resumes on it.
  CancelTimer(TimerId::kStateTimeout);
  slice_.phase = SlicePhase::kNone;
  Emit(line_.Resumed());
  ++escapes_;
  last_escape_ = now_ - slice_.started;
  const auto ms = std::chrono::duration<double, std::milli>(*last_escape_).count();
  Emit(act::Publish{api::SliceCompleted{escapes_, ms}});
  if (!goal_online_) FinishOrHangUp(NextStep::kIdle, "disconnect requested");
}

void ConnectionManager::FailSlice(Errc code, const std::string& detail) {
  const SlicePhase phase = slice_.phase;
  slice_.phase = SlicePhase::kNone;
  CancelTimer(TimerId::kRetry);
  CancelTimer(TimerId::kStateTimeout);
  // Until the AT side heard an answer the module may still be in data mode.
  if (phase == SlicePhase::kQuiescing || phase == SlicePhase::kEscaping ||
      phase == SlicePhase::kConfirming) {
    line_.MayBeInDataMode();
  }
  // The hang-up's Terminate, NO CARRIER and AT all go through the AT channel.
  Emit(line_.Reclaim());
  Fail(code, detail + " (monitoring slice)");
}

std::vector<ScriptStep> ConnectionManager::DeactivationScript() {
  const NetworkConfig& network = options_.config.network;
  std::vector<ScriptStep> steps;
  if (line_.CallHeld()) {
    steps = Expand(Script::kEndSuspendedCall, network.cid, network.apn);
    line_.CallEnded();  // ATH: its answer does not matter, the deactivation follows either way
  }
  for (ScriptStep& step : Expand(Script::kDeactivate, network.cid, network.apn)) {
    steps.push_back(std::move(step));
  }
  return steps;
}

const char* ToString(SlicePhase phase) {
  switch (phase) {
    case SlicePhase::kNone:
      return "none";
    case SlicePhase::kQuiescing:
      return "quiescing";
    case SlicePhase::kEscaping:
      return "escaping";
    case SlicePhase::kConfirming:
      return "confirming";
    case SlicePhase::kPolling:
      return "polling";
    case SlicePhase::kResuming:
      return "resuming";
  }
  return "?";
}

}  // namespace uclink::control
