#include "pppif/hdlc_simd.h"

#include <array>

#if defined(__x86_64__)
#include <immintrin.h>
#define UCLINK_SSSE3 __attribute__((target("ssse3")))
#endif

namespace uclink::pppif::simd {

#if defined(__x86_64__)
namespace {

// PSHUFB index that yields zero; padding in the shuffle tables (never counted as output).
constexpr std::uint8_t kZero = 0x80;

// Escape: for an 8-bit mask of the bytes that need escaping, the shuffle that spreads the eight
// (already XORed) bytes of the low half over 8 + popcount(mask) bytes, taking each inserted 7D
// from the high half (which holds 7D in every byte).
struct ExpandTable {
  std::array<std::array<std::uint8_t, 16>, 256> shuffle{};
  std::array<std::uint8_t, 256> size{};
};

constexpr ExpandTable MakeExpandTable() {
  ExpandTable t{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned o = 0;
    for (unsigned j = 0; j < 8; ++j) {
      if ((mask >> j) & 1U) t.shuffle[mask][o++] = 8;  // any byte of the 7D half
      t.shuffle[mask][o++] = static_cast<std::uint8_t>(j);
    }
    t.size[mask] = static_cast<std::uint8_t>(o);
    for (; o < 16; ++o) t.shuffle[mask][o] = kZero;
  }
  return t;
}

// Unescape: for an 8-bit mask of the 7D bytes, the shuffle that packs the other bytes to the
// front of the low half.
struct CompactTable {
  std::array<std::array<std::uint8_t, 8>, 256> shuffle{};
  std::array<std::uint8_t, 256> size{};
};

constexpr CompactTable MakeCompactTable() {
  CompactTable t{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned o = 0;
    for (unsigned j = 0; j < 8; ++j) {
      if (((mask >> j) & 1U) == 0) t.shuffle[mask][o++] = static_cast<std::uint8_t>(j);
    }
    t.size[mask] = static_cast<std::uint8_t>(o);
    for (; o < 8; ++o) t.shuffle[mask][o] = kZero;
  }
  return t;
}

constexpr ExpandTable kExpand = MakeExpandTable();
constexpr CompactTable kCompact = MakeCompactTable();

static_assert(kExpand.size[0x81] == 10 && kExpand.shuffle[0x81][0] == 8 &&
              kExpand.shuffle[0x81][1] == 0 && kExpand.shuffle[0x81][8] == 8);
static_assert(kCompact.size[0x05] == 6 && kCompact.shuffle[0x05][0] == 1 &&
              kCompact.shuffle[0x05][1] == 3);

// 0xFF in the bytes that are control characters flagged in an ACCM, via two 16-entry PSHUFB
// lookups (characters 0x00-0x0F and 0x10-0x1F) selected by the byte's range.
struct AccmLookup {
  __m128i low;   // 0xFF at index i when ACCM bit i is set
  __m128i high;  // 0xFF at index i when ACCM bit 16 + i is set
};

UCLINK_SSSE3 AccmLookup MakeAccmLookup(std::uint32_t accm) {
  alignas(16) std::uint8_t low[16];
  alignas(16) std::uint8_t high[16];
  for (unsigned i = 0; i < 16; ++i) {
    low[i] = ((accm >> i) & 1U) != 0 ? 0xFF : 0x00;
    high[i] = ((accm >> (16 + i)) & 1U) != 0 ? 0xFF : 0x00;
  }
  return {_mm_load_si128(reinterpret_cast<const __m128i*>(low)),
          _mm_load_si128(reinterpret_cast<const __m128i*>(high))};
}

// x <= limit, unsigned, per byte (SSE2 has no unsigned compare; min does it).
UCLINK_SSSE3 inline __m128i AtMost(__m128i x, std::uint8_t limit) {
  return _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(static_cast<char>(limit))), x);
}

UCLINK_SSSE3 inline __m128i FlaggedControls(__m128i x, const AccmLookup& accm) {
  const __m128i index = _mm_and_si128(x, _mm_set1_epi8(0x0F));
  const __m128i low = AtMost(x, 0x0F);
  const __m128i bit = _mm_or_si128(_mm_and_si128(low, _mm_shuffle_epi8(accm.low, index)),
                                   _mm_andnot_si128(low, _mm_shuffle_epi8(accm.high, index)));
  return _mm_and_si128(AtMost(x, 0x1F), bit);
}

// Writes the low eight bytes of `x` with the bytes of `mask` escaped; returns the size written
// (up to 16 bytes are stored).
UCLINK_SSSE3 inline unsigned ExpandHalf(__m128i x, unsigned mask, std::uint8_t* out) {
  const __m128i source = _mm_unpacklo_epi64(x, _mm_set1_epi8(0x7D));
  const __m128i shuffle = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kExpand.shuffle[mask]));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(source, shuffle));
  return kExpand.size[mask];
}

// Writes the low eight bytes of `x` without the bytes of `mask`; returns the size written
// (eight bytes are stored).
UCLINK_SSSE3 inline unsigned CompactHalf(__m128i x, unsigned mask, std::uint8_t* out) {
  const __m128i shuffle =
      _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&kCompact.shuffle[mask]));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(x, shuffle));
  return kCompact.size[mask];
}

UCLINK_SSSE3 std::size_t EscapeBlocksSsse3(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                                           std::uint8_t*& out) {
  const AccmLookup lookup = MakeAccmLookup(accm);
  std::uint8_t* o = out;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7E)),
                                                      _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7D))),
                                         FlaggedControls(x, lookup));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o), x);
      o += 16;
      continue;
    }
    x = _mm_xor_si128(x, _mm_and_si128(special, _mm_set1_epi8(0x20)));
    o += ExpandHalf(x, mask & 0xFF, o);
    o += ExpandHalf(_mm_srli_si128(x, 8), mask >> 8, o);
  }
  out = o;
  return i;
}

UCLINK_SSSE3 std::size_t UnescapeBlocksSsse3(const std::uint8_t* p, std::size_t n,
                                             std::uint32_t accm, std::uint32_t& escaped,
                                             std::uint8_t* out, std::size_t& written) {
  const AccmLookup lookup = MakeAccmLookup(accm);
  // Byte 0 of `carry` marks the first byte of the next block as escaped.
  __m128i carry = _mm_cvtsi32_si128(escaped != 0 ? 0xFF : 0);
  std::size_t w = 0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    if (_mm_movemask_epi8(FlaggedControls(x, lookup)) != 0) break;
    const __m128i escapes = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7D));
    // A byte after a 7D is escaped unless it is a 7D itself, which restarts the escape.
    const __m128i after =
        _mm_andnot_si128(escapes, _mm_or_si128(_mm_slli_si128(escapes, 1), carry));
    x = _mm_xor_si128(x, _mm_and_si128(after, _mm_set1_epi8(0x20)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(escapes));
    carry = _mm_cvtsi32_si128((mask & 0x8000U) != 0 ? 0xFF : 0);
    w += CompactHalf(x, mask & 0xFF, out + w);
    w += CompactHalf(_mm_srli_si128(x, 8), mask >> 8, out + w);
  }
  escaped = static_cast<std::uint32_t>(_mm_cvtsi128_si32(carry) != 0);
  written += w;
  return i;
}

}  // namespace

bool Ssse3Available() {
  static const bool kAvailable = __builtin_cpu_supports("ssse3") != 0;
  return kAvailable;
}

std::size_t EscapeBlocks(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                         std::uint8_t*& out) {
  return EscapeBlocksSsse3(p, n, accm, out);
}

std::size_t UnescapeBlocks(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                           std::uint32_t& escaped, std::uint8_t* out, std::size_t& written) {
  return UnescapeBlocksSsse3(p, n, accm, escaped, out, written);
}

#else  // not x86-64: the portable loops in hdlc.cc do all the work.

bool Ssse3Available() { return false; }

std::size_t EscapeBlocks(const std::uint8_t*, std::size_t, std::uint32_t, std::uint8_t*&) {
  return 0;
}

std::size_t UnescapeBlocks(const std::uint8_t*, std::size_t, std::uint32_t, std::uint32_t&,
                           std::uint8_t*, std::size_t&) {
  return 0;
}

#endif

}  // namespace uclink::pppif::simd
