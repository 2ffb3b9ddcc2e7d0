// The module has one TCP and one UDP client (UC8088 manual §2.22: "当前只能各支持 1 个客户端").
// ClientSlots hands each out to one user at a time; a second user is refused with kBusy or
// queued, by its own choice. Pure: owners are opaque numbers.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

#include "chat/commands/ip.h"

namespace uclink::control::inband {

// The module's service clients that serve one user at a time: the TCP and the UDP client
// (§2.22), the FTP session (§2.29), the HTTP client (§2.44) and the MQTT client (§2.53).
enum class ModuleClient { kTcp, kUdp, kFtp, kHttp, kMqtt };
std::string_view ToString(ModuleClient client);

class ClientSlots {
 public:
  using Owner = std::uint64_t;
  enum class Grant { kGranted, kBusy, kQueued };

  // Takes `client` for `owner`; if it is taken, kBusy or (wait) kQueued.
  Grant Acquire(ModuleClient client, Owner owner, bool wait);
  // Gives it back (or leaves the queue); returns the queued owner that now holds it, if any.
  std::optional<Owner> Release(ModuleClient client, Owner owner);
  // The current holder.
  std::optional<Owner> holder(ModuleClient client) const;
  std::size_t waiting(ModuleClient client) const;

  // The same for the TCP or UDP client.
  Grant Acquire(chat::SocketMode mode, Owner owner, bool wait);
  std::optional<Owner> Release(chat::SocketMode mode, Owner owner);
  std::optional<Owner> holder(chat::SocketMode mode) const;
  std::size_t waiting(chat::SocketMode mode) const;

 private:
  struct Slot {
    std::optional<Owner> holder;
    std::deque<Owner> queue;
  };

  std::array<Slot, 5> slots_;  // indexed by ModuleClient
};

std::string_view ToString(ClientSlots::Grant grant);

}  // namespace uclink::control::inband
