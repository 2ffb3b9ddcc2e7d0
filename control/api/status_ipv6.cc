// `interface.ipv6` of the status document (docs/control-api.md, "The status document").
#include "control/api/status.h"

namespace uclink::control::api {

using nlohmann::json;

json ToJson(const Ipv6Info& ipv6) {
  json addresses = json::array();
  for (const Ipv6AddressInfo& a : ipv6.addresses) {
    addresses.push_back({{"address", a.address}, {"prefix_len", a.prefix_len}});
  }
  return {{"link_local", ipv6.link_local},
          {"peer_link_local", ipv6.peer_link_local ? json(*ipv6.peer_link_local) : json(nullptr)},
          {"addresses", std::move(addresses)},
          {"dns", ipv6.dns}};
}

std::optional<Ipv6Info> Ipv6InfoFromJson(const json& value) {
  if (!value.is_object() || !value.contains("link_local") || !value["link_local"].is_string()) {
    return std::nullopt;
  }
  Ipv6Info ipv6;
  ipv6.link_local = value["link_local"].get<std::string>();
  if (value.contains("peer_link_local") && value["peer_link_local"].is_string()) {
    ipv6.peer_link_local = value["peer_link_local"].get<std::string>();
  }
  if (value.contains("addresses") && value["addresses"].is_array()) {
    for (const json& a : value["addresses"]) {
      if (!a.is_object() || !a.contains("address") || !a["address"].is_string() ||
          !a.contains("prefix_len") || !a["prefix_len"].is_number_integer()) {
        continue;
      }
      ipv6.addresses.push_back({a["address"].get<std::string>(), a["prefix_len"].get<int>()});
    }
  }
  if (value.contains("dns") && value["dns"].is_array()) {
    for (const json& d : value["dns"]) {
      if (d.is_string()) ipv6.dns.push_back(d.get<std::string>());
    }
  }
  return ipv6;
}

}  // namespace uclink::control::api
