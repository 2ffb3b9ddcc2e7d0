#include "control/daemon/dns_policy.h"

#include <arpa/inet.h>

namespace uclink::control {

const char* ToString(DnsRoute route) {
  switch (route) {
    case DnsRoute::kNone:
      return "none";
    case DnsRoute::kFile:
      return "file";
    case DnsRoute::kResolvconf:
      return "resolvconf";
    case DnsRoute::kResolved:
      return "resolved";
  }
  return "?";
}

std::optional<DnsChoice> ChooseDns(DnsMethod configured, const DnsHostFacts& facts) {
  switch (configured) {
    case DnsMethod::kNone:
      return DnsChoice{DnsRoute::kNone, "interface.dns = \"none\"", false};
    case DnsMethod::kResolvConfFile:
      return DnsChoice{DnsRoute::kFile, "interface.dns = \"file\"", false};
    case DnsMethod::kResolvconf:
      return DnsChoice{DnsRoute::kResolvconf, "interface.dns = \"resolvconf\"", false};
    case DnsMethod::kResolved:
      if (facts.resolved_on_bus.value_or(false)) {
        return DnsChoice{DnsRoute::kResolved, "interface.dns = \"resolved\"", false};
      }
      return DnsChoice{DnsRoute::kResolved,
                       "interface.dns = \"resolved\", but org.freedesktop.resolve1 is not on the "
                       "system bus yet: the servers are set once it appears",
                       true};
    case DnsMethod::kAuto:
      break;
  }
  if (!facts.resolved_on_bus) return std::nullopt;
  if (*facts.resolved_on_bus) {
    return DnsChoice{DnsRoute::kResolved, "auto: systemd-resolved is on the system bus", false};
  }
  if (facts.resolvconf_installed) {
    return DnsChoice{DnsRoute::kResolvconf, "auto: no systemd-resolved; resolvconf is installed",
                     false};
  }
  if (facts.resolv_conf_plain_writable) {
    return DnsChoice{DnsRoute::kFile,
                     "auto: no systemd-resolved, no resolvconf; /etc/resolv.conf is a plain "
                     "writable file",
                     false};
  }
  return DnsChoice{DnsRoute::kNone,
                   "auto: no systemd-resolved on the system bus, no resolvconf, and "
                   "/etc/resolv.conf is not a plain writable file: the link's DNS servers are "
                   "not used (uclink doctor explains)",
                   true};
}

ResolvedLinkSettings PlanResolvedLink(int ifindex, const std::vector<std::string>& servers,
                                      bool holds_default_route) {
  ResolvedLinkSettings settings;
  settings.ifindex = ifindex;
  for (const std::string& server : servers) {
    std::array<std::uint8_t, 4> address{};
    std::array<std::uint8_t, 16> address6{};
    if (::inet_pton(AF_INET, server.c_str(), address.data()) == 1) {
      settings.servers.push_back(address);
    } else if (::inet_pton(AF_INET6, server.c_str(), address6.data()) == 1) {
      settings.servers6.push_back(address6);
    }
  }
  if (holds_default_route) settings.routing_domains = {"."};
  settings.default_route = holds_default_route;
  return settings;
}

}  // namespace uclink::control
