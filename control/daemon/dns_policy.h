// Which way the DNS servers IPCP negotiated (RFC 1877) reach the system, and what uclink asks
// systemd-resolved to set for its link. Pure: host facts in, a decision out; the daemon gathers
// the facts and performs the decision (control/daemon/dns_hand_off.h, resolved_client.h).
// docs/system-integration.md, "DNS".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/config/config.h"

namespace uclink::control {

/// What the host offers, read when the link comes up.
struct DnsHostFacts {
  /// org.freedesktop.resolve1 has an owner on the system bus; nullopt while not known yet.
  std::optional<bool> resolved_on_bus;
  bool resolvconf_installed = false;        ///< the resolvconf program is executable
  bool resolv_conf_plain_writable = false;  ///< /etc/resolv.conf is a regular file we may replace
};

/// The method actually used for one link.
enum class DnsRoute { kNone, kFile, kResolvconf, kResolved };
const char* ToString(DnsRoute route);

struct DnsChoice {
  DnsRoute route = DnsRoute::kNone;
  std::string why;    ///< one line for the log and `uclink doctor`
  bool warn = false;  ///< the user asked for DNS and gets none (or resolved is not there yet)
};

/// The decision for `configured`. "auto": resolved when it is on the bus, else resolvconf when
/// installed, else the file when it is a plain writable file, else none with a warning. An
/// explicit "resolved" stays resolved even while it is absent (it is applied once it appears).
/// With `resolved_on_bus` unknown, "auto" answers nullopt: wait for the bus's answer.
std::optional<DnsChoice> ChooseDns(DnsMethod configured, const DnsHostFacts& facts);

/// What uclink sets on its link through org.freedesktop.resolve1.Manager.
struct ResolvedLinkSettings {
  int ifindex = 0;
  std::vector<std::array<std::uint8_t, 4>> servers;  ///< SetLinkDNS, IPv4 in IPCP's order
  /// SetLinkDNS after the IPv4 ones: the router advertisement's RDNSS (RFC 8106).
  std::vector<std::array<std::uint8_t, 16>> servers6;
  /// SetLinkDomains, each sent as routing-only (the D-Bus flag, not a "~" in the name): "."
  /// — resolvectl shows it as "~." — routes every query here, and is set only while uclink
  /// holds the default route; otherwise none, so the link's servers answer only for the link.
  std::vector<std::string> routing_domains;
  bool default_route = false;  ///< SetLinkDefaultRoute
};

/// The settings for `servers` (dotted quads or IPv6 addresses; malformed ones are skipped) on
/// `ifindex`.
ResolvedLinkSettings PlanResolvedLink(int ifindex, const std::vector<std::string>& servers,
                                      bool holds_default_route);

}  // namespace uclink::control
