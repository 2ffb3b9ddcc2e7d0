// The IPv6 side of the link as the status document and `monitor` show it (docs/control-api.md,
// "Events: ipv6"): kept from the backend's reports, published with the addresses that appeared
// and went since the last report.
#include <algorithm>

#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

// Global addresses in `a` that are not in `b`, as "address/prefix_len".
std::vector<std::string> Missing(const std::optional<api::Ipv6Info>& a,
                                 const std::optional<api::Ipv6Info>& b) {
  std::vector<std::string> out;
  if (!a) return out;
  for (const api::Ipv6AddressInfo& address : a->addresses) {
    const bool kept =
        b && std::find(b->addresses.begin(), b->addresses.end(), address) != b->addresses.end();
    if (!kept) out.push_back(address.address + "/" + std::to_string(address.prefix_len));
  }
  return out;
}

}  // namespace

void ConnectionManager::ObserveIpv6(const ev::Ipv6Changed& changed) {
  if (changed.ipv6 == ipv6_) return;
  api::Ipv6Changed event{changed.ipv6, Missing(changed.ipv6, ipv6_), Missing(ipv6_, changed.ipv6)};
  ipv6_ = changed.ipv6;
  Emit(act::Publish{std::move(event)});
}

}  // namespace uclink::control
