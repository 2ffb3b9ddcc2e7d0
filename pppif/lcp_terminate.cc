#include "pppif/lcp_terminate.h"

#include "pppif/hdlc.h"
#include "pppif/packet.h"

namespace uclink::pppif {

std::vector<std::uint8_t> BuildLcpTerminateRequest(std::uint8_t identifier) {
  const std::vector<std::uint8_t> packet =
      BuildControlPacket(static_cast<std::uint8_t>(Code::kTerminateRequest), identifier, {});
  std::vector<std::uint8_t> frame;
  // TxFraming{}: the default ACCM and no ACFC/PFC (RFC 1662 §7.1, RFC 1661 §5: LCP packets
  // that end a link are sent as if no options were negotiated).
  AppendFrame(kProtoLcp, packet, TxFraming{}, /*leading_flag=*/true, frame);
  return frame;
}

}  // namespace uclink::pppif
