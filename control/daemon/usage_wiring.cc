// The data budget's place in the daemon (docs/data-budget.md): the usage tracker learns of SIMs
// and sessions from the manager's transitions, and the status document carries its period.
#include <spdlog/spdlog.h>

#include "control/daemon/daemon.h"

namespace uclink::control {

void Daemon::StartUsage() {
  UsageTracker::Hooks hooks;
  hooks.feed = [this](Event event) { Feed(std::move(event)); };
  hooks.publish = [this](api::MonitorEvent event) { Perform(act::Publish{std::move(event)}); };
  hooks.status = [this] { return api::ToJson(StatusNow()); };
  hooks.line_counters = [this]() -> std::optional<usage::Counters> {
    if (!backend_ || backend_->name() != "userspace") return std::nullopt;
    const pppif::Counters c = backend_->status().counters;
    return usage::Counters{c.line_bytes_in, c.line_bytes_out};
  };
  usage_ = std::make_unique<UsageTracker>(io_, config_, std::move(hooks));
  usage_->Start();
  if (services_) {
    services_->SetPayloadObserver(
        [this](std::uint64_t rx, std::uint64_t tx) { usage_->AddInbandBytes(rx, tx); });
  }
}

void Daemon::OnTransitionForUsage(const act::Transition& t) {
  if (!usage_ || !manager_) return;
  const api::Status status = manager_->Snapshot(Clock::now(), std::chrono::system_clock::now());
  // AT+CIMI is part of every init script (manual §2.6): the ledger follows the SIM in use.
  if (status.module.imsi) usage_->OnImsi(*status.module.imsi);
  const bool was_online = t.from == State::kOnline || t.from == State::kOnlineInband;
  if (was_online && t.to != t.from) usage_->OnLinkDown();
  if (t.to == State::kOnline && status.interface.name) usage_->OnPppUp(*status.interface.name);
  if (t.to == State::kOnlineInband) usage_->OnInbandUp();
  usage_->WriteMetrics();
}

api::Status Daemon::StatusNow() const {
  api::Status status = manager_->Snapshot(Clock::now(), std::chrono::system_clock::now());
  if (usage_) status.usage = usage_->StatusUsage();
  return status;
}

}  // namespace uclink::control
