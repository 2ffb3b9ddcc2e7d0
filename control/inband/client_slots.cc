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

std::string_view ToString(ModuleClient client) {
  switch (client) {
    case ModuleClient::kTcp:
      return "TCP client";
    case ModuleClient::kUdp:
      return "UDP client";
    case ModuleClient::kFtp:
      return "FTP session";
    case ModuleClient::kHttp:
      return "HTTP client";
    case ModuleClient::kMqtt:
      return "MQTT client";
  }
  return "client";
}

namespace {

ModuleClient ClientOf(chat::SocketMode mode) {
  return mode == chat::SocketMode::kTcp ? ModuleClient::kTcp : ModuleClient::kUdp;
}

}  // namespace

ClientSlots::Grant ClientSlots::Acquire(ModuleClient client, Owner owner, bool wait) {
  Slot& slot = slots_[static_cast<std::size_t>(client)];
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

std::optional<ClientSlots::Owner> ClientSlots::Release(ModuleClient client, Owner owner) {
  Slot& slot = slots_[static_cast<std::size_t>(client)];
  std::erase(slot.queue, owner);
  if (slot.holder != owner) return std::nullopt;
  slot.holder.reset();
  if (slot.queue.empty()) return std::nullopt;
  slot.holder = slot.queue.front();
  slot.queue.pop_front();
  return slot.holder;
}

std::optional<ClientSlots::Owner> ClientSlots::holder(ModuleClient client) const {
  return slots_[static_cast<std::size_t>(client)].holder;
}

std::size_t ClientSlots::waiting(ModuleClient client) const {
  return slots_[static_cast<std::size_t>(client)].queue.size();
}

ClientSlots::Grant ClientSlots::Acquire(chat::SocketMode mode, Owner owner, bool wait) {
  return Acquire(ClientOf(mode), owner, wait);
}

std::optional<ClientSlots::Owner> ClientSlots::Release(chat::SocketMode mode, Owner owner) {
  return Release(ClientOf(mode), owner);
}

std::optional<ClientSlots::Owner> ClientSlots::holder(chat::SocketMode mode) const {
  return holder(ClientOf(mode));
}

std::size_t ClientSlots::waiting(chat::SocketMode mode) const { return waiting(ClientOf(mode)); }

}  // namespace uclink::control::inband
