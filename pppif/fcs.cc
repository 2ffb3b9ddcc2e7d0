#include "pppif/fcs.h"

#include <array>
#include <bit>
#include <cstring>

namespace uclink::pppif {
namespace {

using Table = std::array<std::array<std::uint16_t, 256>, 16>;

// Table k advances a byte through k further zero bytes, so sixteen bytes can be folded at once
// ("slice-by-16", 8 KiB of tables); table 0 is the classic RFC 1662 App. C.2 fcstab.
constexpr Table MakeTables() {
  Table t{};
  for (unsigned i = 0; i < 256; ++i) {
    std::uint16_t v = static_cast<std::uint16_t>(i);
    for (int bit = 0; bit < 8; ++bit)
      v = (v & 1) ? static_cast<std::uint16_t>((v >> 1) ^ 0x8408) : v >> 1;
    t[0][i] = v;
  }
  for (unsigned k = 1; k < 16; ++k) {
    for (unsigned i = 0; i < 256; ++i) {
      const std::uint16_t prev = t[k - 1][i];
      t[k][i] = static_cast<std::uint16_t>((prev >> 8) ^ t[0][prev & 0xFF]);
    }
  }
  return t;
}

constexpr Table kTables = MakeTables();

}  // namespace

std::uint16_t FcsUpdateByte(std::uint16_t fcs, std::uint8_t byte) {
  return static_cast<std::uint16_t>((fcs >> 8) ^ kTables[0][(fcs ^ byte) & 0xFF]);
}

std::uint16_t FcsUpdate(std::uint16_t fcs, std::span<const std::uint8_t> bytes) {
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  if constexpr (std::endian::native == std::endian::little) {
    const auto& t = kTables;
    // Bytes 2..15 index their tables straight from memory: the loads are cheaper than shifting
    // them out of two registers (3.0 vs 2.4 GB/s here, docs/ppp.md); only the two bytes the
    // register folds into need combining.
    while (n >= 16) {
      const auto lo = static_cast<std::uint16_t>((p[0] | p[1] << 8) ^ fcs);
      fcs = static_cast<std::uint16_t>(
          t[15][lo & 0xFF] ^ t[14][lo >> 8] ^ t[13][p[2]] ^ t[12][p[3]] ^ t[11][p[4]] ^
          t[10][p[5]] ^ t[9][p[6]] ^ t[8][p[7]] ^ t[7][p[8]] ^ t[6][p[9]] ^ t[5][p[10]] ^
          t[4][p[11]] ^ t[3][p[12]] ^ t[2][p[13]] ^ t[1][p[14]] ^ t[0][p[15]]);
      p += 16;
      n -= 16;
    }
    if (n >= 8) {
      std::uint64_t x;
      std::memcpy(&x, p, 8);
      x ^= fcs;
      fcs = static_cast<std::uint16_t>(
          t[7][x & 0xFF] ^ t[6][(x >> 8) & 0xFF] ^ t[5][(x >> 16) & 0xFF] ^ t[4][(x >> 24) & 0xFF] ^
          t[3][(x >> 32) & 0xFF] ^ t[2][(x >> 40) & 0xFF] ^ t[1][(x >> 48) & 0xFF] ^ t[0][x >> 56]);
      p += 8;
      n -= 8;
    }
  }
  for (; n > 0; --n, ++p) fcs = FcsUpdateByte(fcs, *p);
  return fcs;
}

}  // namespace uclink::pppif
