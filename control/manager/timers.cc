// The manager's timers: deadlines it keeps itself and fires on ev::Tick, so the daemon needs one
// Asio timer armed at NextDeadline() (docs/ARCHITECTURE.md, "Threads and time").
#include <vector>

#include "control/manager/connection_manager.h"

namespace uclink::control {

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

// Every timer due now fires, in TimerId order, one ev::Timer each; the due ones are taken before
// the first is handled, so one that an earlier handler re-armed or cancelled arrives stale.
void ConnectionManager::FireDueTimers() {
  std::vector<ev::Timer> due;
  for (int i = 0; i < kTimerCount; ++i) {
    if (deadlines_[i] && *deadlines_[i] <= now_) {
      deadlines_[i].reset();
      due.push_back(ev::Timer{static_cast<TimerId>(i), timer_generation_[i]});
    }
  }
  for (const ev::Timer& timer : due) Dispatch(timer);
}

std::optional<Clock::time_point> ConnectionManager::NextDeadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& deadline : deadlines_) {
    if (deadline && (!next || *deadline < *next)) next = deadline;
  }
  return next;
}

}  // namespace uclink::control
