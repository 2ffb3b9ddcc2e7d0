// The LCP Terminate-Request a connection manager sends on a line that may still be in PPP data
// mode from an earlier run: the UC8088 manual documents no "+++" escape, so asking the module's
// PPP peer to terminate is the way back to AT mode (docs/state-machine.md, "Lessons: keep each
// probe short"). Pure; the daemon writes the bytes.
#pragma once

#include <cstdint>
#include <vector>

namespace uclink::pppif {

/// An LCP Terminate-Request (RFC 1661 §5.5, no data) with `identifier`, in RFC 1662 HDLC framing
/// as on a link where nothing has been negotiated: default ACCM, address and control present,
/// two-byte protocol, leading and closing flag.
std::vector<std::uint8_t> BuildLcpTerminateRequest(std::uint8_t identifier);

}  // namespace uclink::pppif
