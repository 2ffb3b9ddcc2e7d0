// The one IPv4 address type of pppif: IPCP's negotiated addresses, the session's, the pppd
// hook's and the interface shell's are the same type, so values pass between them unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace uclink::pppif {

/// An IPv4 address in network byte order.
using Ipv4 = std::array<std::uint8_t, 4>;

/// Dotted-quad text, e.g. "10.0.2.15".
inline std::string FormatIpv4(const Ipv4& address) {
  return std::to_string(address[0]) + "." + std::to_string(address[1]) + "." +
         std::to_string(address[2]) + "." + std::to_string(address[3]);
}

}  // namespace uclink::pppif
