#include "control/manager/connection_manager.h"

#include <algorithm>
#include <utility>

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// Registration re-check while waiting (docs/state-machine.md, "Lessons: ask for registration as
// well as listening").
constexpr Clock::duration kRegistrationPoll = 3s;
// After an LCP Terminate, the module's PPP acknowledges and prints NO CARRIER; give it time.
constexpr Clock::duration kAfterTerminate = 2s;

bool IsRegistered(int stat) { return stat == 1 || stat == 5; }  // manual §2.15: home, roaming

template <typename T>
const T* As(const Event& event) {
  return std::get_if<T>(&event);
}

}  // namespace

ConnectionManager::ConnectionManager(ManagerOptions options, Clock::time_point now)
    : options_(std::move(options)), now_(now), state_since_(now) {
  backend_available_ = options_.ppp_backend_available;
  if (options_.jitter_seed) jitter_.emplace(*options_.jitter_seed);
  unix_base_ = options_.unix_at_start;
  steady_base_ = now;
  if (options_.restored) {
    // A restart in the middle of a bad spell goes on where the ladder was (docs/state.md).
    recovery_ = *options_.restored;
    recovery_.Prune(UnixNow());
    attempt_ = recovery_.consecutive_failures;
    saved_recovery_ = recovery_.ToJson();
    keep_restored_ = true;
    if (recovery_.last_error_code) {
      last_error_ =
          api::LastError{*recovery_.last_error_code, recovery_.last_error_message.value_or("")};
    }
  }
}

std::vector<Action> ConnectionManager::Handle(Event event, Clock::time_point now) {
  now_ = std::max(now_, now);
  Dispatch(event);
  return std::exchange(actions_, {});
}

void ConnectionManager::Reconfigure(ManagerOptions options) {
  pending_options_ = std::move(options);
}

bool ConnectionManager::AtPortAvailable() const {
  if (!options_.config.modem.at_port.empty()) return true;
  // During a monitoring slice the line is the slice's (an ATH or ATO would break it).
  return !line_.HandedOver() && state_ != State::kDialing && slice_.phase == SlicePhase::kNone;
}

void ConnectionManager::Dispatch(const Event& event) {
  if (As<ev::Tick>(event)) {
    FireDueTimers();
    return;
  }
  if (const auto* timer = As<ev::Timer>(event)) {
    // A timer re-armed or cancelled after it was queued is stale.
    const auto index = static_cast<std::size_t>(timer->id);
    if (timer->generation != timer_generation_[index]) return;
  }
  if (HandleUsage(event)) return;  // usage_cap.cc
  Observe(event);
  if (const auto* restart = As<ev::ModuleRestarted>(event)) return HandleModuleRestarted(*restart);
  if (const auto* probe = As<ev::ProbeResult>(event)) return HandleProbeResult(*probe);
  if (const auto* done = As<ev::ResetDone>(event)) return HandleCommandDone(*done);
  switch (state_) {
    case State::kIdle:
      return HandleIdle(event);
    case State::kProbing:
      return HandleProbing(event);
    case State::kConfiguring:
      return HandleConfiguring(event);
    case State::kAwaitingRegistration:
      return HandleAwaitingRegistration(event);
    case State::kAttaching:
      return HandleAttaching(event);
    case State::kDialing:
      return HandleDialing(event);
    case State::kNegotiatingPpp:
      return HandleNegotiatingPpp(event);
    case State::kOnline:
      return HandleOnline(event);
    case State::kActivatingInband:
      return HandleActivatingInband(event);
    case State::kOnlineInband:
      return HandleOnlineInband(event);
    case State::kHangingUp:
      return HandleHangingUp(event);
    case State::kBackoff:
      return HandleBackoff(event);
    case State::kResetting:
      return HandleResetting(event);
    case State::kFailed:
      return HandleFailed(event);
  }
}

// Bookkeeping that does not depend on the state: readings, the user's goal, AT completions.
void ConnectionManager::Observe(const Event& event) {
  if (const auto* reg = As<ev::Registration>(event)) {
    const bool changed = !registration_ || registration_->stat != reg->stat ||
                         registration_->lac != reg->lac || registration_->ci != reg->ci;
    registration_ = *reg;
    registration_at_ = now_;
    if (IsRegistered(reg->stat)) NoteRegistered();
    if (changed) {
      Emit(act::Publish{api::RegistrationChanged{reg->stat, reg->lac, reg->ci}});
    }
  } else if (const auto* sig = As<ev::Signal>(event)) {
    const bool changed = !signal_ || signal_->csq != sig->csq || signal_->ber != sig->ber;
    signal_ = *sig;
    signal_at_ = now_;
    if (changed) {
      Emit(act::Publish{api::SignalChanged::FromCsq(sig->csq, sig->ber)});
    }
  } else if (const auto* found = As<ev::ApnCandidates>(event)) {
    TakeApnCandidates(*found);
  } else if (const auto* ipv6 = As<ev::Ipv6Changed>(event)) {
    ObserveIpv6(*ipv6);
  } else if (As<ev::PppDown>(event)) {
    ipv6_.reset();  // backends report "IPv6 gone" first; a link that ended takes it along
  } else if (As<ev::UserConnect>(event)) {
    if (!goal_online_)
      online_since_connect_ = false;  // a new request: its first online is no reconnect
    goal_online_ = true;
  } else if (As<ev::UserDisconnect>(event)) {
    goal_online_ = false;
  }
}

bool ConnectionManager::IsOurs(const ev::AtDone* done, AtPurpose purpose) const {
  return done != nullptr && pending_at_ && pending_at_->id == done->id &&
         pending_at_->purpose == purpose;
}

// ---- per-state handlers ------------------------------------------------------------------

void ConnectionManager::HandleIdle(const Event& event) {
  if (As<ev::UserConnect>(event)) {
    // A connect starts over, except the first after a restart: the ladder goes on from the
    // persisted counters (docs/state.md).
    if (!std::exchange(keep_restored_, false)) attempt_ = 0;
    backoff_step_ = 0;
    ppp_failures_ = 0;
    TransitionTo(State::kProbing, "connect requested");
  } else if (As<ev::PortClosed>(event)) {
    Emit(line_.PortClosed());
  }
}

void ConnectionManager::HandleProbing(const Event& event) {
  const auto* done = As<ev::AtDone>(event);
  if (IsOurs(done, AtPurpose::kProbe)) {
    pending_at_.reset();
    if (done->outcome != kNoAnswer) {
      // Any answer, even ERROR, proves the module is in command mode.
      line_.DataModeEnded();
      TransitionTo(State::kConfiguring, "module answers AT");
      return;
    }
    ++probe_tries_;
    if (probe_tries_ >= options_.config.recovery.probe_attempts) {
      module_silent_ = true;  // the ladder's power-cycle trigger (ladder.h)
      Fail(Errc::kModuleNotResponding,
           "no answer to AT after " + std::to_string(probe_tries_) + " tries");
      return;
    }
    if (probe_tries_ == 1) {
      // A silent module may still be in PPP from an earlier run: ask its PPP to terminate.
      Emit(act::SendLcpTerminate{0x5a});
      SetTimer(TimerId::kRetry, kAfterTerminate);
    } else {
      SendProbe();
    }
  } else if (const auto* timer = As<ev::Timer>(event); timer && timer->id == TimerId::kRetry) {
    if (!pending_at_) SendProbe();
  } else if (As<ev::NoCarrier>(event)) {
    // The Terminate worked: the module is back in command mode. Probe at once.
    CancelTimer(TimerId::kRetry);
    if (!pending_at_) SendProbe();
  } else if (const auto* closed = As<ev::PortClosed>(event)) {
    LoseLine(*closed);
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  }
}

void ConnectionManager::HandleConfiguring(const Event& event) {
  const auto* done = As<ev::AtDone>(event);
  if (IsOurs(done, AtPurpose::kScriptStep)) {
    switch (ContinueScript(*done)) {
      case StepResult::kRunning:
        return;
      case StepResult::kCompleted:
        if (AutoApn()) LookUpApn();  // the IMSI is known now (docs/apn.md)
        return TransitionTo(State::kAwaitingRegistration, "module configured");
      case StepResult::kFailed: {
        // Which failures are permanent is the ladder's to say (ladder.h).
        const InitFailure failure = ClassifyInitFailure(failed_step_->outcome, failed_step_->code);
        return Fail(failure.code, DescribeFailedStep(), failure.permanent);
      }
    }
  } else if (const auto* closed = As<ev::PortClosed>(event)) {
    LoseLine(*closed);
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  }
}

void ConnectionManager::HandleAwaitingRegistration(const Event& event) {
  const auto* done = As<ev::AtDone>(event);
  if (const auto* reg = As<ev::Registration>(event)) {
    const std::string name = api::RegistrationStatName(reg->stat).value_or("?");
    if (RoamingRefused(reg->stat)) return WaitOutRoaming(reg->stat);  // network.roaming = deny
    if (IsRegistered(reg->stat)) {
      if (attached_) return DialOrActivate("registered (" + name + ")");
      TransitionTo(State::kAttaching, "registered (" + name + ")");
    } else if (reg->stat == 3) {
      Fail(Errc::kRegistrationDenied, "+CGREG stat 3 (registration denied)");
    } else if (reg->stat == 0 && !attached_) {
      // Stat 0 = not registered and not searching: on the UC8088 the attach is what starts the
      // search (manual §2.15.3: AT+CGATT=1 → "+CGREG: 2", "+CGREG: 1", OK; §2.10.2).
      TransitionTo(State::kAttaching, "not searching: AT+CGATT=1 starts the registration");
    }
  } else if (IsOurs(done, AtPurpose::kPollCgreg)) {
    pending_at_.reset();
    if (done->outcome == kNoAnswer) {
      Fail(Errc::kModuleNotResponding, "AT+CGREG? timed out");
    }
  } else if (const auto* timer = As<ev::Timer>(event)) {
    if (timer->id == TimerId::kRetry) {
      if (!pending_at_) Poll(AtPurpose::kPollCgreg);
      SetTimer(TimerId::kRetry, kRegistrationPoll);
    } else if (timer->id == TimerId::kStateTimeout) {
      const std::string last =
          registration_ ? api::RegistrationStatName(registration_->stat).value_or("?") : "none";
      Fail(Errc::kRegistrationTimeout,
           "not registered after " +
               std::to_string(options_.config.connection.registration_timeout.count()) +
               " s (last stat: " + last + ")");
    }
  } else if (const auto* closed = As<ev::PortClosed>(event)) {
    LoseLine(*closed);
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  }
}

void ConnectionManager::HandleAttaching(const Event& event) {
  const auto* done = As<ev::AtDone>(event);
  if (IsOurs(done, AtPurpose::kScriptStep)) {
    switch (ContinueScript(*done)) {
      case StepResult::kRunning:
        return;
      case StepResult::kCompleted:
        attached_ = true;
        // Dial only when registered (1/5) and attached (docs/state-machine.md, "Lessons: dial
        // only when registered and attached").
        if (registration_ && IsRegistered(registration_->stat) &&
            !RoamingRefused(registration_->stat)) {
          return DialOrActivate("attached");
        }
        return TransitionTo(State::kAwaitingRegistration, "attached; waiting for registration");
      case StepResult::kFailed:
        if (FailOnRoamingError()) return;  // +CME ERROR: 113
        return Fail(Errc::kAttachFailed, DescribeFailedStep());
    }
  } else if (const auto* closed = As<ev::PortClosed>(event)) {
    LoseLine(*closed);
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  }
}

void ConnectionManager::DialOrActivate(std::string why) {
  if (UseInband()) {
    return TransitionTo(State::kActivatingInband,
                        why + (fallback_active_ ? "; in-band fallback active" : "; mode in-band"));
  }
  if (!backend_available_) {
    return Fail(Errc::kBackendUnavailable, "mode = ppp but no PPP backend can run");
  }
  TransitionTo(State::kDialing, std::move(why));
}

void ConnectionManager::HandleDialing(const Event& event) {
  if (HandleApnRetry(event)) return;  // network.apn = "auto": the pause before the next APN
  const auto* done = As<ev::AtDone>(event);
  if (IsOurs(done, AtPurpose::kScriptStep)) {
    const StepResult result = ContinueScript(*done);
    if (result == StepResult::kRunning) return;
    if (result == StepResult::kCompleted) {
      // CONNECT: the AT channel has handed the line (and any bytes after CONNECT) over.
      line_.Connected();
      context_active_ = true;
      ApnActivated();
      if (!goal_online_) return FinishOrHangUp(NextStep::kIdle, "disconnect requested");
      line_.PppStarted();
      Emit(PppCredentials());
      return TransitionTo(State::kNegotiatingPpp, "CONNECT");
    }
    if (done->outcome == kNoAnswer) {
      line_.MayBeInDataMode();  // a late CONNECT may have switched the module
      return Fail(Errc::kDialTimeout, DescribeFailedStep());
    }
    if (!goal_online_) return TransitionTo(State::kIdle, "disconnect requested");
    if (TryNextApn()) return;  // a PDP rejection with network.apn = "auto", or roaming (113)
    if (options_.config.connection.mode == ModeChoice::kAuto) {
      return FallBackToInband(Errc::kDialRefused, DescribeFailedStep());
    }
    return Fail(Errc::kDialRefused, DescribeFailedStep());
  }
  if (const auto* closed = As<ev::PortClosed>(event)) LoseLine(*closed);
  // A disconnect while CGDATA is in flight waits for its result (see above): a CONNECT may
  // already be on its way and must be hung up properly.
}

void ConnectionManager::HandleNegotiatingPpp(const Event& event) {
  if (const auto* up = As<ev::PppUp>(event)) {
    link_ = *up;
    ppp_failures_ = 0;
    NoteOnline();
    Emit(act::Publish{api::LinkChanged{true, up->ifname, up->address, up->peer, up->dns, up->mtu}});
    return TransitionTo(State::kOnline, "IP up: " + up->address);
  }
  const bool auto_mode = options_.config.connection.mode == ModeChoice::kAuto;
  const int limit = options_.config.recovery.ppp_failures_before_inband;
  if (const auto* down = As<ev::PppDown>(event)) {
    line_.PppEnded(down->no_carrier);
    Emit(line_.Reclaim());
    ++ppp_failures_;
    if (auto_mode && ppp_failures_ >= limit) {
      return FallBackToInband(
          Errc::kPppFailed,
          down->reason + " (" + std::to_string(ppp_failures_) + " PPP failures in a row)");
    }
    return Fail(Errc::kPppFailed, down->reason);
  }
  if (const auto* unavailable = As<ev::PppUnavailable>(event)) {
    line_.PppEnded(/*no_carrier=*/false);
    backend_available_ = false;
    if (auto_mode) return FallBackToInband(Errc::kBackendUnavailable, unavailable->why);
    return Fail(Errc::kBackendUnavailable, unavailable->why);
  }
  if (const auto* timer = As<ev::Timer>(event); timer && timer->id == TimerId::kStateTimeout) {
    ++ppp_failures_;
    if (auto_mode && ppp_failures_ >= limit) {
      return FallBackToInband(Errc::kPppTimeout, "no IP after CONNECT");
    }
    return Fail(Errc::kPppTimeout,
                "no IP " + std::to_string(options_.config.connection.ppp_timeout.count()) +
                    " s after CONNECT");
  }
  if (const auto* closed = As<ev::PortClosed>(event)) return LoseLine(*closed);
  if (As<ev::UserDisconnect>(event)) FinishOrHangUp(NextStep::kIdle, "disconnect requested");
}

void ConnectionManager::HandleOnline(const Event& event) {
  if (HandleSlice(event)) return;  // single port + escape_supported: escape_slice.cc
  if (const auto* down = As<ev::PppDown>(event)) {
    line_.PppEnded(down->no_carrier);
    Emit(line_.Reclaim());
    if (down->no_carrier) return Fail(Errc::kNoCarrier, down->reason);
    return Fail(Errc::kLinkDead, down->reason);
  }
  if (As<ev::NoCarrier>(event)) {
    line_.DataModeEnded();
    return Fail(Errc::kNoCarrier, "NO CARRIER while online");
  }
  if (const auto* closed = As<ev::PortClosed>(event)) return LoseLine(*closed);
  if (As<ev::UserDisconnect>(event)) return FinishOrHangUp(NextStep::kIdle, "disconnect requested");
  HandleMonitoring(event);
}

void ConnectionManager::HandleActivatingInband(const Event& event) {
  if (HandleApnRetry(event)) return;  // network.apn = "auto": the pause before the next APN
  const auto* done = As<ev::AtDone>(event);
  if (IsOurs(done, AtPurpose::kScriptStep)) {
    switch (ContinueScript(*done)) {
      case StepResult::kRunning:
        return;
      case StepResult::kCompleted:
        context_active_ = true;
        ApnActivated();
        NoteOnline();
        return TransitionTo(State::kOnlineInband, "PDP context active");
      case StepResult::kFailed:
        // Only a timeout leaves the activation's outcome unknown.
        context_active_ = failed_step_->outcome == kNoAnswer;
        if (!context_active_ && TryNextApn()) return;  // "auto" APN rejection, or roaming
        return Fail(Errc::kInbandActivationFailed, DescribeFailedStep());
    }
  } else if (const auto* closed = As<ev::PortClosed>(event)) {
    LoseLine(*closed);
  } else if (As<ev::UserDisconnect>(event)) {
    context_active_ = true;  // AT+CGACT=1 is in flight: its outcome is unknown
    FinishOrHangUp(NextStep::kIdle, "disconnect requested");
  }
}

void ConnectionManager::HandleOnlineInband(const Event& event) {
  if (const auto* timer = As<ev::Timer>(event); timer && timer->id == TimerId::kRetryPpp) {
    fallback_active_ = false;
    ppp_failures_ = 0;
    return FinishOrHangUp(NextStep::kRedial, "retrying PPP after in-band period");
  }
  if (const auto* closed = As<ev::PortClosed>(event)) return LoseLine(*closed);
  if (As<ev::UserDisconnect>(event)) return FinishOrHangUp(NextStep::kIdle, "disconnect requested");
  HandleMonitoring(event);
}

// Monitoring while online: polls (when the AT port is free), registration loss, stability.
void ConnectionManager::HandleMonitoring(const Event& event) {
  const auto& monitor = options_.config.monitor;
  if (const auto* reg = As<ev::Registration>(event)) {
    if (RoamingRefused(reg->stat)) {
      return Fail(Errc::kRoamingDenied,
                  "+CGREG stat 5 (registered, roaming) while online and network.roaming = deny");
    }
    if (IsRegistered(reg->stat)) {
      CancelTimer(TimerId::kRegistrationLost);
    } else if (!deadlines_[static_cast<std::size_t>(TimerId::kRegistrationLost)]) {
      SetTimer(TimerId::kRegistrationLost, monitor.registration_lost_grace);
    }
    return;
  }
  if (const auto* done = As<ev::AtDone>(event)) {
    if (IsOurs(done, AtPurpose::kPollCsq) || IsOurs(done, AtPurpose::kPollCgreg)) {
      pending_at_.reset();
      if (done->outcome == kNoAnswer) {
        return Fail(Errc::kModuleNotResponding, "monitoring poll timed out");
      }
      FlushDuePolls();
    }
    return;
  }
  const auto* timer = As<ev::Timer>(event);
  if (timer == nullptr) return;
  switch (timer->id) {
    case TimerId::kCsqPoll:
      SetTimer(TimerId::kCsqPoll, monitor.csq_interval);
      return Poll(AtPurpose::kPollCsq);
    case TimerId::kCgregPoll:
      SetTimer(TimerId::kCgregPoll, monitor.cgreg_interval);
      return Poll(AtPurpose::kPollCgreg);
    case TimerId::kRegistrationLost:
      return Fail(
          Errc::kRegistrationLost,
          "not registered for " + std::to_string(monitor.registration_lost_grace.count()) + " s");
    case TimerId::kOnlineStable:
      // Online long enough: the next failure starts the ladder from the bottom again.
      attempt_ = 0;
      recovery_.consecutive_failures = 0;
      plan_ = RungDecision{};
      return SaveRecovery();
    case TimerId::kHealthProbe:
      return RunHealthProbe();
    case TimerId::kStateTimeout:
    case TimerId::kRetry:
    case TimerId::kRetryPpp:
      return;
  }
}

void ConnectionManager::HandleBackoff(const Event& event) {
  if (const auto* timer = As<ev::Timer>(event); timer && timer->id == TimerId::kRetry) {
    TransitionTo(State::kProbing, "back-off over (attempt " + std::to_string(attempt_ + 1) + ")");
  } else if (As<ev::UserConnect>(event)) {
    TransitionTo(State::kProbing, "connect requested");
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  } else if (As<ev::PortClosed>(event)) {
    Emit(line_.PortClosed());
  }
}

void ConnectionManager::HandleFailed(const Event& event) {
  if (As<ev::UserConnect>(event)) {
    attempt_ = 0;
    backoff_step_ = 0;
    keep_restored_ = false;
    ppp_failures_ = 0;
    TransitionTo(State::kProbing, "connect requested");
  } else if (As<ev::UserDisconnect>(event)) {
    TransitionTo(State::kIdle, "disconnect requested");
  } else if (As<ev::PortClosed>(event)) {
    Emit(line_.PortClosed());
  }
}

}  // namespace uclink::control
