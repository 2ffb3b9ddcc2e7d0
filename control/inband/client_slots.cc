#include "control/inband/client_slots.h"

#include <algorithm>

namespace uclink::control::inband {

std::string_view ToString(ClientSlots::Grant grant) {
  switch (grant) {
    case ClientSlots::Grant::kGranted:
      return "granted";
    case ClientSlots::Grant::kBusy:
      return "busy";
    case ClientSlots::Grant::kQueued:
      return "queued";
  }
  return "?";
}

ClientSlots::Slot& ClientSlots::SlotOf(chat::SocketMode mode) {
  return mode == chat::SocketMode::kTcp ? tcp_ : udp_;
}

const ClientSlots::Slot& ClientSlots::SlotOf(chat::SocketMode mode) const {
  return mode == chat::SocketMode::kTcp ? tcp_ : udp_;
}

ClientSlots::Grant ClientSlots::Acquire(chat::SocketMode mode, Owner owner, bool wait) {
  Slot& slot = SlotOf(mode);
  if (!slot.holder || *slot.holder == owner) {
    slot.holder = owner;
    return Grant::kGranted;
  }
  if (!wait) return Grant::kBusy;
  if (std::find(slot.queue.begin(), slot.queue.end(), owner) == slot.queue.end()) {
    slot.queue.push_back(owner);
  }
  return Grant::kQueued;
}

std::optional<ClientSlots::Owner> ClientSlots::Release(chat::SocketMode mode, Owner owner) {
  Slot& slot = SlotOf(mode);
  std::erase(slot.queue, owner);
  if (slot.holder != owner) return std::nullopt;
  slot.holder.reset();
  if (slot.queue.empty()) return std::nullopt;
  slot.holder = slot.queue.front();
  slot.queue.pop_front();
  return slot.holder;
}

std::optional<ClientSlots::Owner> ClientSlots::holder(chat::SocketMode mode) const {
  return SlotOf(mode).holder;
}

std::size_t ClientSlots::waiting(chat::SocketMode mode) const { return SlotOf(mode).queue.size(); }

}  // namespace uclink::control::inband
