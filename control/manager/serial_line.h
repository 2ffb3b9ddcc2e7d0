// Who owns the serial line, and what the module at its other end is doing (docs/state-machine.md,
// "Line ownership"). Pure: each named transition says what happened, changes the state and returns
// the hand-over actions it needs; the manager emits them in order.
//
// Two facts, because they change independently: the owner is what our side decided (the AT
// channel, the daemon after CONNECT, a PPP backend, running or suspended by a monitoring slice, or
// nobody when the port is closed); the module's mode is our best knowledge of the other end, which
// changes on its own (NO CARRIER, a reboot) while a backend still holds the line.
#pragma once

#include <vector>

#include "control/manager/events.h"

namespace uclink::control {

/// Who may read and write the line.
enum class LineOwner {
  kClosed,     ///< nobody: the port is closed (or gone); the next attempt reopens it
  kAtChannel,  ///< the AT channel: command mode, or the way back from data mode
  kDaemon,     ///< CONNECT handed the descriptor over and no backend runs on it
  kPpp,        ///< the PPP backend runs on the handed-over line
  /// A monitoring slice: the backend is suspended and the daemon writes "+++" on the line.
  kPppSuspended,
  /// A monitoring slice after "+++": the AT channel holds the line; the backend waits, suspended,
  /// for ATO's CONNECT.
  kAtChannelPppSuspended,
};
const char* ToString(LineOwner owner);

/// What the module is (possibly) doing.
enum class ModuleMode {
  kCommand,  ///< it answers AT
  /// It is, or may be, in data mode: CONNECT seen, or a CGDATA, "+++" or ATO whose outcome is
  /// unknown. A Terminate, NO CARRIER or an answer to AT tells.
  kData,
  kCallHeld,  ///< command mode after "+++" with the data call suspended: ATO resumes, ATH ends it
  kCallHeldOrData,  ///< ATO went unanswered: back in data mode, or still holding the call
};
const char* ToString(ModuleMode mode);

class SerialLine {
 public:
  LineOwner owner() const { return owner_; }
  ModuleMode module() const { return module_; }

  bool Closed() const { return owner_ == LineOwner::kClosed; }
  /// The daemon holds the descriptor (it went over with CONNECT and has not come back).
  bool HandedOver() const;
  /// A backend runs, possibly suspended: stopping it is the hang-up's first step.
  bool PppRunning() const;
  bool PppSuspended() const;
  bool MaybeDataMode() const;
  bool CallHeld() const;
  /// Something must be undone before the module is known idle in command mode on our AT channel.
  bool Busy() const { return PppRunning() || HandedOver() || MaybeDataMode(); }

  // ---- transitions, named after what happened --------------------------------------------
  /// AT+CGDATA → CONNECT: the AT channel has handed the line (and the bytes after CONNECT) over.
  void Connected();
  /// act::StartPpp is on its way: the backend takes the handed-over line.
  void PppStarted();
  /// The backend ended (ev::PppDown, ev::PppUnavailable) or was given up on after Stop; with
  /// `no_carrier`, the module printed NO CARRIER and is in command mode.
  void PppEnded(bool no_carrier);
  /// The AT channel takes the line back (act::ResumeCommandMode) when the daemon holds it and no
  /// backend runs on it (a suspended one stays suspended); nothing otherwise.
  std::vector<Action> Reclaim();
  /// The port closed: the line goes back to the AT channel's (closed) side (act::ResumeCommandMode
  /// closes a handed-over descriptor) and nobody owns it. A backend still running is the
  /// caller's to stop.
  std::vector<Action> PortClosed();
  /// Before an attempt probes: act::ReopenPort when the port was closed.
  std::vector<Action> ReopenIfClosed();
  /// The caller reopened the port itself (after a power cycle).
  void Reopened();
  /// An answer to AT, NO CARRIER or a reboot: the module is in command mode (a held call stays).
  void DataModeEnded();
  /// A CGDATA, "+++" or ATO went unanswered: a late CONNECT may have switched the module.
  void MayBeInDataMode();
  /// NO CARRIER to ATO or during a slice, a new attempt, ATH: no call is held any more.
  void CallEnded();

  // Monitoring slices (escape_slice.cc, docs/state-machine.md "Monitoring slices").
  /// The backend stops writing (act::SuspendPpp) so the line can go silent before "+++".
  std::vector<Action> Suspend();
  /// A slice ended before "+++" was written: the backend goes on (act::ResumePpp).
  std::vector<Action> Unsuspend();
  /// An answer after "+++": command mode, the call suspended in the module.
  void EscapeConfirmed();
  /// ATO → CONNECT: the line is handed over again and the backend resumes (act::ResumePpp).
  std::vector<Action> Resumed();

 private:
  LineOwner owner_ = LineOwner::kAtChannel;
  ModuleMode module_ = ModuleMode::kCommand;
};

}  // namespace uclink::control
