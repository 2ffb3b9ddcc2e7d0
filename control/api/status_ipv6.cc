// `interface.ipv6` of the status document (docs/control-api.md, "The status document").
#include "control/api/json_fields.h"
#include "control/api/status.h"

namespace uclink::control::api {

using nlohmann::json;

json ToJson(const Ipv6Info& ipv6) {
  json addresses = json::array();
  for (const Ipv6AddressInfo& a : ipv6.addresses) {
    addresses.push_back({{"address", a.address}, {"prefix_len", a.prefix_len}});
  }
  return {{"link_local", ipv6.link_local},
          {"peer_link_local", OrNull(ipv6.peer_link_local)},
          {"addresses", std::move(addresses)},
          {"dns", ipv6.dns}};
}

std::optional<Ipv6Info> Ipv6InfoFromJson(const json& value) {
  std::optional<std::string> link_local = Get<std::string>(value, "link_local");
  if (!link_local) return std::nullopt;
  Ipv6Info ipv6;
  ipv6.link_local = *link_local;
  ipv6.peer_link_local = Get<std::string>(value, "peer_link_local");
  const json& addresses = Child(value, "addresses");
  if (addresses.is_array()) {
    for (const json& a : addresses) {
      std::optional<std::string> address = Get<std::string>(a, "address");
      std::optional<int> prefix_len = Get<int>(a, "prefix_len");
      if (address && prefix_len) ipv6.addresses.push_back({*address, *prefix_len});
    }
  }
  ipv6.dns = GetStrings(value, "dns");
  return ipv6;
}

}  // namespace uclink::control::api
