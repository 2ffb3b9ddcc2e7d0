// Control-protocol packets (RFC 1661 §5) and their option lists (RFC 1661 §6): parsing that never
// reads past the input, and builders. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace uclink::pppif {

using ByteSpan = std::span<const std::uint8_t>;

/// Protocol numbers (RFC 1700).
inline constexpr std::uint16_t kProtoIpv4 = 0x0021;
inline constexpr std::uint16_t kProtoPap = 0xC023;
inline constexpr std::uint16_t kProtoChap = 0xC223;
inline constexpr std::uint16_t kProtoIpcp = 0x8021;
inline constexpr std::uint16_t kProtoIpv6 = 0x0057;    ///< RFC 5072 §3
inline constexpr std::uint16_t kProtoIpv6cp = 0x8057;  ///< RFC 5072 §2

/// RFC 1661 §5 and RFC 1570 §1 codes.
enum class Code : std::uint8_t {
  kConfigureRequest = 1,
  kConfigureAck = 2,
  kConfigureNak = 3,
  kConfigureReject = 4,
  kTerminateRequest = 5,
  kTerminateAck = 6,
  kCodeReject = 7,
  kProtocolReject = 8,
  kEchoRequest = 9,
  kEchoReply = 10,
  kDiscardRequest = 11,
  kIdentification = 12,
  kTimeRemaining = 13,
};

/// A control packet: code, identifier and the data after the 4-byte header.
struct ControlPacket {
  std::uint8_t code = 0;
  std::uint8_t id = 0;
  ByteSpan data;
};

/// Parses code/id/length; nullopt when the length field is < 4 or exceeds the input. Octets
/// past the length are padding and ignored (RFC 1661 §5).
std::optional<ControlPacket> ParseControlPacket(ByteSpan bytes);

/// Builds code, id, big-endian length and data.
std::vector<std::uint8_t> BuildControlPacket(std::uint8_t code, std::uint8_t id, ByteSpan data);

/// One configuration option (type, value without the 2-byte TLV header).
struct Option {
  std::uint8_t type = 0;
  ByteSpan value;
};

/// Splits an option list; nullopt when any length is < 2 or runs past the end.
std::optional<std::vector<Option>> ParseOptions(ByteSpan bytes);

/// Appends type, length and value.
void AppendOption(std::vector<std::uint8_t>& out, std::uint8_t type, ByteSpan value);
void AppendOptionU16(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint16_t value);
void AppendOptionU32(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint32_t value);

/// Big-endian readers; the span must be long enough.
std::uint16_t ReadU16(ByteSpan bytes);
std::uint32_t ReadU32(ByteSpan bytes);

}  // namespace uclink::pppif
