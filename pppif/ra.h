// Router Advertisement reader (RFC 4861 §4.2) for the IPv6 packets the userspace engine carries:
// the kernel runs SLAAC from the same RA itself, but it does not apply the Recursive DNS Server
// option (RFC 8106 §5.1), so the engine reads it here. Pure; never reads past its input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace uclink::pppif {

using Ipv6 = std::array<std::uint8_t, 16>;

/// RFC 4861 §4.6.2 Prefix Information, as advertised (the kernel judges it: docs/ppp-engine.md,
/// "IPv6: what the kernel accepts from an RA").
struct RaPrefix {
  Ipv6 prefix{};
  int length = 0;
  bool on_link = false;     ///< L flag
  bool autonomous = false;  ///< A flag: usable for SLAAC
  std::uint32_t valid_lifetime = 0;
  std::uint32_t preferred_lifetime = 0;
  bool operator==(const RaPrefix&) const = default;
};

/// RFC 8106 §5.1 Recursive DNS Server option: each address with the option's lifetime (seconds;
/// 0 = stop using it, 0xffffffff = infinity).
struct RaDnsServer {
  Ipv6 address{};
  std::uint32_t lifetime = 0;
  bool operator==(const RaDnsServer&) const = default;
};

/// What uclink reads from one Router Advertisement.
struct RouterAdvert {
  Ipv6 source{};
  std::uint16_t router_lifetime = 0;  ///< seconds; 0: not a default router (RFC 4861 §4.2)
  std::vector<RaPrefix> prefixes;
  std::vector<RaDnsServer> dns;
  bool operator==(const RouterAdvert&) const = default;
};

/// Reads `packet` (a whole IPv6 packet) as a Router Advertisement; nullopt when it is anything
/// else or fails RFC 4861 §6.1.2's validity checks that need no state: ICMPv6 (next header 58,
/// no extension headers), type 134 code 0, hop limit 255, link-local source, ICMP length ≥ 16,
/// every option length non-zero and inside the packet. The checksum is the kernel's business
/// (it gets the same packet). A malformed RDNSS or prefix option is skipped, not fatal.
std::optional<RouterAdvert> ParseRouterAdvert(std::span<const std::uint8_t> packet);

/// RFC 5952 text of an address, e.g. "2001:db8::1".
std::string FormatIpv6(const Ipv6& address);

}  // namespace uclink::pppif
