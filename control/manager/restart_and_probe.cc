// Two ways the manager learns that a link it believes in is gone without the usual signals:
// the module's start-up banner (a reboot) and the data-path probe that finds an online link
// carrying no data (docs/state-machine.md, "Module restart" and "Data-path probe").
#include <utility>

#include "control/manager/connection_manager.h"

namespace uclink::control {

// ---- module restart ------------------------------------------------------------------------

// A reboot takes the module back to CFUN=0 with its defaults, no PDP context and no data call
// (UC8088 manual §2.1: every session starts with AT+CFUN=1; docs/simulator.md). Whatever step was
// running will never be answered: waiting out its timeout (30 s for AT+CGDATA) helps nobody.
void ConnectionManager::HandleModuleRestarted(const ev::ModuleRestarted& restart) {
  const bool command_in_flight = pending_at_.has_value();
  line_.DataModeEnded();
  context_active_ = false;
  attached_ = false;
  const std::string why = "module restarted (\"" + restart.banner + "\") while " + ToString(state_);
  if (state_ == State::kHangingUp) return ContinueHangupAfterRestart(command_in_flight);
  if (state_ == State::kResetting) {
    // The banner is what the power cycle waits for (before the command's own answer, it is
    // only noted: the settling probe will find the module up).
    if (reset_phase_ != ResetPhase::kSettling) return;
    AbandonCommand(command_in_flight);
    return TransitionTo(State::kConfiguring, why + ": back after the power cycle");
  }
  if (!BetweenAttempts()) return RestartFromConfiguring(why, command_in_flight);
  // Idle, back-off, failed: nothing in progress; the next attempt probes and configures from
  // scratch.
  if (state_ != State::kProbing) return;
  // The banner answers what the probe asks: the module is in command mode. A module that
  // powers up while uclinkd starts is no failure, so the ladder does not count it.
  AbandonCommand(command_in_flight);
  TransitionTo(State::kConfiguring, why);
}

// The reboot counts as a failed attempt (a module that reboots in a loop climbs the ladder), but
// the next step is the init script at once: the module is up and in command mode.
void ConnectionManager::RestartFromConfiguring(const std::string& why, bool command_in_flight) {
  RecordError(Errc::kModuleRestarted, why);
  CountFailure(Errc::kModuleRestarted);
  SaveRecovery();
  for (TimerId id : {TimerId::kCsqPoll, TimerId::kCgregPoll, TimerId::kRegistrationLost,
                     TimerId::kOnlineStable, TimerId::kRetryPpp, TimerId::kHealthProbe}) {
    CancelTimer(id);
  }
  NextStep next = NextStep::kRedial;
  if (!goal_online_) {
    next = NextStep::kIdle;
  }
  if (line_.PppRunning() || line_.HandedOver()) {
    // The backend still owns the line: stop it and take the line back first. The hang-up then
    // has nothing else to do (no data mode, no context) but the resync probe.
    after_hangup_ = next;
    return TransitionTo(State::kHangingUp, why);
  }
  AbandonCommand(command_in_flight);
  if (next != NextStep::kRedial) return GoTo(next, why);
  TransitionTo(State::kConfiguring, why);
}

void ConnectionManager::ContinueHangupAfterRestart(bool command_in_flight) {
  // The reboot did what the remaining phases were for: the data call and the context are gone.
  if (line_.PppRunning()) return;  // stopping-ppp: PppDown continues the hang-up as usual
  if (!line_.HandedOver()) {
    AbandonCommand(command_in_flight);
    resynced_ = true;  // the banner came through the AT channel: it is in step with the module
  }
  CancelTimer(TimerId::kStateTimeout);
  AdvanceHangup();
}

// The module dropped whatever command it was executing, and the AT channel would wait for its
// answer until the command's own timeout (up to 150 s for AT+CGACT=1). Reopening the port
// completes it at once (as closed); its late AtDone is stale and ignored. Never while the line
// belongs to a PPP backend.
void ConnectionManager::AbandonCommand(bool command_in_flight) {
  pending_at_.reset();
  csq_due_ = cgreg_due_ = false;
  if (command_in_flight && !line_.HandedOver()) Emit(act::ReopenPort{});
}

// ---- data-path probe -----------------------------------------------------------------------

void ConnectionManager::StartHealthProbes() {
  probe_failures_ = 0;
  probe_in_flight_ = false;
  rx_packets_.reset();  // readings of an earlier link say nothing about this one
  rx_packets_at_probe_.reset();
  ArmHealthProbe();
}

void ConnectionManager::ArmHealthProbe() {
  if (options_.config.monitor.probe.empty() || state_ != State::kOnline) return;
  SetTimer(TimerId::kHealthProbe, options_.config.monitor.probe_interval);
}

void ConnectionManager::RunHealthProbe() {
  if (state_ != State::kOnline || !link_ || probe_in_flight_) return;
  if (TrafficProvesDataPath()) {
    ++probes_skipped_;
    probe_failures_ = 0;
    return ArmHealthProbe();
  }
  probe_in_flight_ = true;
  ++probes_sent_;
  // The daemon answers every probe within monitor.probe_timeout_s; the next one is armed then.
  const MonitorConfig& monitor = options_.config.monitor;
  Emit(act::RunProbe{++probe_id_, link_->ifname, monitor.probe, monitor.probe_timeout});
}

void ConnectionManager::HandleProbeResult(const ev::ProbeResult& result) {
  // A result from an earlier online period, or after the link went down, is stale.
  if (state_ != State::kOnline || !probe_in_flight_ || result.id != probe_id_) return;
  probe_in_flight_ = false;
  // The probe's own answer is no traffic: the daemon reads the counters just before reporting
  // the result, and the next comparison starts from there.
  rx_packets_at_probe_ = rx_packets_;
  const MonitorConfig& monitor = options_.config.monitor;
  if (result.ok) {
    if (std::exchange(probe_failures_, 0) > 0) {
      Emit(act::Publish{api::ProbeReport{monitor.probe, true, 0, std::nullopt}});
    }
    return ArmHealthProbe();
  }
  ++probe_failures_;
  Emit(act::Publish{api::ProbeReport{monitor.probe, false, probe_failures_, result.detail}});
  if (probe_failures_ < monitor.probe_failures) return ArmHealthProbe();
  // PPP itself may still answer LCP echoes: only the probe sees that nothing gets through.
  Fail(Errc::kDataPathDead, "probe " + monitor.probe + " failed " +
                                std::to_string(probe_failures_) +
                                " times in a row (last: " + result.detail + ")");
}

}  // namespace uclink::control
