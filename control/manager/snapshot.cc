// The status document `uclink status` shows (docs/control-api.md, "The status document").
#include <algorithm>

#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

double AgeSeconds(Clock::time_point now, Clock::time_point at) {
  return std::chrono::duration<double>(now - at).count();
}

}  // namespace

api::Status ConnectionManager::Snapshot(Clock::time_point now, std::int64_t unix_now) const {
  return Snapshot(now, std::chrono::system_clock::time_point(std::chrono::seconds(unix_now)));
}

api::Status ConnectionManager::Snapshot(Clock::time_point now,
                                        std::chrono::system_clock::time_point wall_now) const {
  api::Status s;
  s.state = ToString(state_);
  s.mode = state_ == State::kOnline ? "ppp" : state_ == State::kOnlineInband ? "inband" : "none";
  // A backend being stopped runs until it reports its end, also after the port closed under it.
  const bool ppp_stopping =
      state_ == State::kHangingUp && hangup_phase_ == HangupPhase::kStoppingPpp;
  if (line_.PppRunning() || ppp_stopping || state_ == State::kOnline) {
    s.backend = options_.backend_name;
  }
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
    s.interface.ipv6 = ipv6_;
  }
  s.network.pdp_type = std::string(chat::ToString(options_.config.network.pdp_type));
  if (!since_unix_) {
    const auto entered = wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                        now - state_since_);
    since_unix_ = std::chrono::floor<std::chrono::seconds>(entered.time_since_epoch()).count();
  }
  s.since = api::FormatUtc(*since_unix_);
  s.last_error = last_error_;
  s.recovery = RecoveryStatus(now);
  if (attempt_ > 0) s.attempt = attempt_;
  FillApnStatus(s);
  s.monitoring.escapes = escapes_;
  s.monitoring.probes = probes_sent_;
  s.monitoring.probes_skipped = probes_skipped_;
  if (last_escape_) {
    s.monitoring.last_escape_ms = std::chrono::duration<double, std::milli>(*last_escape_).count();
  }
  const auto& retry = deadlines_[static_cast<std::size_t>(TimerId::kRetry)];
  if (state_ == State::kBackoff && retry) {
    s.retry_in_s = std::max(0.0, std::chrono::duration<double>(*retry - now).count());
  }
  return s;
}

}  // namespace uclink::control
