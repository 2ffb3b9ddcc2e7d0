// The IPv6 side of the PPP interface once IPV6CP is Opened (docs/ppp-engine.md, "IPv6"): the
// kernel's per-interface switches for SLAAC, the negotiated link-local address, and ::/0.
// Remembers each completed step, so Undo() removes exactly what Apply() added.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "pppif/netlink.h"

namespace uclink::pppif {

/// What uclink sets for IPv6 on the PPP interface.
struct Ipv6Settings {
  int ifindex = 0;
  std::string ifname;
  Ipv6 link_local{};                                  ///< fe80::<our Interface-Identifier>
  std::optional<Ipv6> peer;                           ///< fe80::<the peer's>, when it gave one
  std::optional<std::uint32_t> default_route_metric;  ///< nullopt: leave routing alone
};

/// fe80::<id> for an IPV6CP Interface-Identifier (RFC 5072 §5).
Ipv6 LinkLocalFor(const std::array<std::uint8_t, 8>& interface_id);

class Ipv6InterfaceSetup {
 public:
  /// `sysctl_root`: where the per-interface IPv6 switches live (tests point it elsewhere).
  explicit Ipv6InterfaceSetup(RouteNetlink& netlink,
                              std::string sysctl_root = "/proc/sys/net/ipv6/conf");
  Ipv6InterfaceSetup(const Ipv6InterfaceSetup&) = delete;
  Ipv6InterfaceSetup& operator=(const Ipv6InterfaceSetup&) = delete;

  /// Switches (accept_ra 2, autoconf 1, accept_ra_defrtr 0, no kernel-made link-local), then
  /// the link-local address, link up, and ::/0 when asked. Stops at the first failing step and
  /// undoes the earlier ones.
  std::error_code Apply(const Ipv6Settings& settings);
  /// Removes the route and the link-local address; idempotent; attempts every step.
  std::error_code Undo();
  /// The settings applied, if any.
  const std::optional<Ipv6Settings>& applied() const { return applied_; }

 private:
  std::error_code WriteSwitch(const std::string& ifname, const char* name, const char* value);

  RouteNetlink& netlink_;
  std::string sysctl_root_;
  std::optional<Ipv6Settings> applied_;
  bool address_added_ = false;
  bool route_added_ = false;
};

}  // namespace uclink::pppif
