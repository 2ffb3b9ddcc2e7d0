// The data-path health probe's target (`[monitor] probe`, docs/state-machine.md: "connected but no
// data"): "tcp:HOST:PORT" (a TCP connect) or "dns:SERVER[:NAME]" (one DNS query over UDP).
// Addresses are IPv4 literals: the probe runs through the PPP interface, and resolving a host
// name would go through the system resolver, not through that interface.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uclink::control {

/// What the probe does.
enum class ProbeKind {
  kTcp,  ///< connect() to address:port; success once the handshake completes
  kDns,  ///< an A query for `name` to address:53; success on any answer with our id
};
const char* ToString(ProbeKind kind);

/// A parsed `monitor.probe` value.
struct ProbeTarget {
  ProbeKind kind = ProbeKind::kTcp;
  std::array<std::uint8_t, 4> address{};
  std::uint16_t port = 0;  ///< 53 for DNS
  std::string name;        ///< DNS only; default kDefaultProbeName
  /// "tcp:10.0.2.2:80" / "dns:10.0.2.3:example.com": for logs and last_error.
  std::string ToString() const;
};

/// The name a "dns:SERVER" probe asks for when none is given.
inline constexpr std::string_view kDefaultProbeName = "example.com";

/// Parses "tcp:A.B.C.D:PORT" or "dns:A.B.C.D[:NAME]"; nullopt with `error` set when malformed.
std::optional<ProbeTarget> ParseProbeTarget(std::string_view text, std::string* error);

}  // namespace uclink::control
