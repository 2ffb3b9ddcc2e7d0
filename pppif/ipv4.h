// The IPv4 address type shared by the interface shell (identical to the alias in
// pppif/session.h, so values pass between them unchanged).
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
