// The simulator's own view of the PPP frames it bridges in data mode: a minimal HDLC-like
// deframer (RFC 1662 §4) and the LCP code of a frame. A real module terminates the call when the
// PPP session ends (LCP Terminate-Request/-Ack, RFC 1661 §5.5); the simulator watches both
// directions for that. Deliberately independent of pppif/: a client bug must not hide here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace uclink::sim {

/// RFC 1662 §C.2 FCS-16 over `bytes` (initial 0xFFFF, not yet complemented).
std::uint16_t Fcs16(std::string_view bytes, std::uint16_t fcs = 0xFFFF);

/// Splits an async-HDLC byte stream into frames: flag 0x7E, escape 0x7D (next byte ^ 0x20),
/// FCS-16 checked and removed. Frames with a bad FCS, shorter than 4 bytes or longer than
/// kMaxFrame are dropped (RFC 1662 §4.3: silently discarded).
class HdlcDeframer {
 public:
  /// Longest frame kept (LCP MRU is at most 65535, but slirp and pppd use 1500).
  static constexpr std::size_t kMaxFrame = 4096;
  using FrameHandler = std::function<void(std::string_view frame)>;

  /// Feeds bytes; calls `on_frame` with each good frame (address/control kept, FCS removed).
  void Feed(std::string_view bytes, const FrameHandler& on_frame);
  /// Forgets a partial frame.
  void Reset();

 private:
  std::string frame_;
  bool escaped_ = false;
  bool overflow_ = false;
};

/// Which side of the data-mode bridge a frame came from.
enum class PppSide {
  kHost,     ///< the DTE (the client's PPP)
  kNetwork,  ///< the PPP peer process (slirp: the network)
};

/// Name of a PppSide value.
std::string_view ToString(PppSide side);

/// LCP packet codes the simulator acts on (RFC 1661 §5.5).
inline constexpr std::uint8_t kLcpTerminateRequest = 5;
inline constexpr std::uint8_t kLcpTerminateAck = 6;

/// The PPP protocol number of a deframed frame, with or without the FF 03 header and with or
/// without protocol-field compression (RFC 1661 §6.5: an odd first byte is a 1-byte field);
/// nullopt when the frame is too short.
std::optional<std::uint16_t> PppProtocol(std::string_view frame);

/// RFC 1661 §2: protocols 0x0001..0x3FFF carry network-layer packets (IPv4 0x0021, IPv6 0x0057,
/// Van Jacobson 0x002D/0x002F); 0x8xxx are their control protocols, 0xCxxx link control.
bool CarriesNetworkData(std::uint16_t protocol);

/// The async-HDLC encoding of a deframed frame (RFC 1662 §4): FCS-16 appended, 0x7E, 0x7D and
/// every control character escaped (an ACCM of all ones is valid whatever was negotiated),
/// between flags.
std::string EncodeHdlcFrame(std::string_view frame);

/// The LCP code of a deframed frame (protocol 0xC021), with or without the FF 03 header;
/// nullopt for any other protocol or a frame too short to hold an LCP header.
std::optional<std::uint8_t> LcpCode(std::string_view frame);

}  // namespace uclink::sim
