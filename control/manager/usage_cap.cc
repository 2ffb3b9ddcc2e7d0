// The data budget in the manager (docs/data-budget.md): a usage cap that holds the link down or
// keeps it to the module's in-band services, and the data-path probe that runs only on an idle
// link. The ledger and the decision that a cap is reached live in control/usage; the manager
// only acts on their verdict through its usual hang-up path.
#include <utility>

#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

template <typename T>
const T* As(const Event& event) {
  return std::get_if<T>(&event);
}

}  // namespace

bool ConnectionManager::HandleUsage(const Event& event) {
  if (const auto* counters = As<ev::LinkCounters>(event)) {
    rx_packets_ = counters->rx_packets;
    // The first reading of an online period is the baseline the first probe compares with.
    if (!rx_packets_at_probe_) rx_packets_at_probe_ = rx_packets_;
    return true;
  }
  if (const auto* connect = As<ev::UserConnect>(event)) {
    if (!usage_blocked_) return false;
    if (!connect->ignore_limit) {
      RecordError(Errc::kUsageLimit,
                  "the usage cap holds the link down until the next billing period; "
                  "`uclink connect --ignore-limit` overrides it");
      return true;
    }
    usage_blocked_ = false;  // the user's explicit choice, for the rest of this period
    return false;
  }
  if (const auto* limit = As<ev::UsageLimitReached>(event)) {
    ApplyUsageLimit(*limit);
    return true;
  }
  if (As<ev::UsagePeriodStarted>(event)) {
    EndUsageLimit();
    return true;
  }
  return false;
}

void ConnectionManager::ApplyUsageLimit(const ev::UsageLimitReached& limit) {
  switch (limit.action) {
    case OnLimit::kWarn:
      return;  // the daemon published usage-limit; the link stays as it is
    case OnLimit::kDisconnect: {
      usage_blocked_ = true;
      resume_after_period_ = goal_online_;
      RecordError(Errc::kUsageLimit, limit.detail);
      // Exactly what a user's disconnect does, whatever the manager is doing now.
      return Dispatch(ev::UserDisconnect{});
    }
    case OnLimit::kInbandOnly:
      usage_inband_only_ = true;
      RecordError(Errc::kUsageLimit, limit.detail + "; PPP stays down, in-band services only");
      // A PPP link ends now; any later attempt activates the context for in-band use instead of
      // dialling (UseInband).
      if (state_ == State::kOnline || state_ == State::kNegotiatingPpp) {
        return FinishOrHangUp(NextStep::kInband, "usage limit reached: in-band services only");
      }
      return;
  }
}

void ConnectionManager::EndUsageLimit() {
  usage_blocked_ = false;
  if (std::exchange(usage_inband_only_, false) && state_ == State::kOnlineInband && !UseInband()) {
    return FinishOrHangUp(NextStep::kRedial, "new billing period: PPP again");
  }
  if (std::exchange(resume_after_period_, false) && state_ == State::kIdle) {
    Dispatch(ev::UserConnect{});
  }
}

// Received packets since the last probe prove the data path as well as a probe would (and at no
// cost): probe only a link that has been idle (docs/data-budget.md, "Data-frugal probes"). The
// last probe's own tail does not count: a TCP probe reports success at the handshake, and the
// peer's ACK of our FIN and its own FIN arrive after the reading taken with the result.
bool ConnectionManager::TrafficProvesDataPath() {
  constexpr std::uint64_t kProbeTailPackets = 2;
  if (!rx_packets_ || !rx_packets_at_probe_ ||
      *rx_packets_ <= *rx_packets_at_probe_ + kProbeTailPackets) {
    return false;
  }
  rx_packets_at_probe_ = rx_packets_;
  return true;
}

}  // namespace uclink::control
