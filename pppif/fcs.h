// FCS-16 of RFC 1662 (CRC-16/X-25): reflected polynomial 0x8408, init 0xFFFF, sent complemented,
// least significant byte first. Pure; slice-by-16 tables computed at compile time.
#pragma once

#include <cstdint>
#include <span>

namespace uclink::pppif {

/// RFC 1662 App. C.2 PPPINITFCS16: the register value before the first byte.
inline constexpr std::uint16_t kFcsInit = 0xFFFF;
/// RFC 1662 App. C.2 PPPGOODFCS16: the register after a whole frame including its FCS.
inline constexpr std::uint16_t kFcsGood = 0xF0B8;

/// Advances the FCS register over `bytes` (slice-by-16 on little-endian hosts).
std::uint16_t FcsUpdate(std::uint16_t fcs, std::span<const std::uint8_t> bytes);

/// Advances the FCS register over one byte (the RFC 1662 App. C.2 table step).
std::uint16_t FcsUpdateByte(std::uint16_t fcs, std::uint8_t byte);

/// The value transmitted after a frame: ~FcsUpdate(kFcsInit, bytes), low byte first on the wire.
inline std::uint16_t FcsOf(std::span<const std::uint8_t> bytes) {
  return static_cast<std::uint16_t>(~FcsUpdate(kFcsInit, bytes));
}

}  // namespace uclink::pppif
