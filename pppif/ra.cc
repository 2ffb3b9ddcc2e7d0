#include "pppif/ra.h"

#include <arpa/inet.h>

#include <algorithm>

namespace uclink::pppif {
namespace {

constexpr std::size_t kIpv6Header = 40;
constexpr std::uint8_t kIcmpv6 = 58;                // RFC 4443 §1
constexpr std::uint8_t kRouterAdvertisement = 134;  // RFC 4861 §4.2
constexpr std::size_t kRaHeader = 16;               // type … retrans timer
constexpr std::uint8_t kOptPrefixInformation = 3;   // RFC 4861 §4.6.2
constexpr std::uint8_t kOptRdnss = 25;              // RFC 8106 §5.1

std::uint32_t U32(std::span<const std::uint8_t> b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         b[3];
}

Ipv6 ToIpv6(std::span<const std::uint8_t> b) {
  Ipv6 a{};
  std::copy_n(b.begin(), a.size(), a.begin());
  return a;
}

// RFC 4861 §4.6.2: length 4 (32 octets).
void ReadPrefix(std::span<const std::uint8_t> option, RouterAdvert& ra) {
  if (option.size() != 32 || option[2] > 128) return;
  ra.prefixes.push_back({.prefix = ToIpv6(option.subspan(16, 16)),
                         .length = option[2],
                         .on_link = (option[3] & 0x80) != 0,
                         .autonomous = (option[3] & 0x40) != 0,
                         .valid_lifetime = U32(option.subspan(4)),
                         .preferred_lifetime = U32(option.subspan(8))});
}

// RFC 8106 §5.1: length 1 + 2 per address, at least 3; reserved(2), lifetime(4), addresses.
void ReadRdnss(std::span<const std::uint8_t> option, RouterAdvert& ra) {
  if (option.size() < 24 || (option.size() - 8) % 16 != 0) return;
  const std::uint32_t lifetime = U32(option.subspan(4));
  for (std::size_t at = 8; at + 16 <= option.size(); at += 16) {
    ra.dns.push_back({ToIpv6(option.subspan(at, 16)), lifetime});
  }
}

}  // namespace

std::optional<RouterAdvert> ParseRouterAdvert(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv6Header + kRaHeader || (packet[0] >> 4) != 6) return std::nullopt;
  const std::size_t payload = (std::size_t{packet[4]} << 8) | packet[5];
  // RFC 4861 §6.1.2: ICMPv6 without extension headers in practice, hop limit 255 (never
  // forwarded), link-local source (fe80::/10).
  if (packet[6] != kIcmpv6 || packet[7] != 255 || packet[8] != 0xfe || (packet[9] & 0xc0) != 0x80 ||
      payload < kRaHeader || kIpv6Header + payload > packet.size()) {
    return std::nullopt;
  }
  const std::span<const std::uint8_t> icmp = packet.subspan(kIpv6Header, payload);
  if (icmp[0] != kRouterAdvertisement || icmp[1] != 0) return std::nullopt;
  RouterAdvert ra;
  ra.source = ToIpv6(packet.subspan(8, 16));
  ra.router_lifetime = static_cast<std::uint16_t>((icmp[6] << 8) | icmp[7]);
  std::span<const std::uint8_t> options = icmp.subspan(kRaHeader);
  while (!options.empty()) {
    // RFC 4861 §4.6: length in units of 8 octets; 0 (or past the end) invalidates the packet.
    if (options.size() < 2 || options[1] == 0 || options[1] * 8u > options.size()) {
      return std::nullopt;
    }
    const std::span<const std::uint8_t> option = options.first(options[1] * 8u);
    if (option[0] == kOptPrefixInformation) ReadPrefix(option, ra);
    if (option[0] == kOptRdnss) ReadRdnss(option, ra);
    options = options.subspan(option.size());
  }
  return ra;
}

std::string FormatIpv6(const Ipv6& address) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return text;
}

}  // namespace uclink::pppif
