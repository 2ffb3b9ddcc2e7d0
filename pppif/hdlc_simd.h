// Sixteen-bytes-at-a-time RFC 1662 escaping and unescaping with SSSE3 (PSHUFB), used by
// pppif/hdlc.cc when the CPU has it. Internal to //pppif:hdlc; the portable word loops in hdlc.cc
// remain the reference and the path on every other CPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace uclink::pppif::simd {

/// True when this build targets x86-64 and the CPU executes SSSE3 (checked once).
bool Ssse3Available();

/// Escapes (RFC 1662 §4.2: 7E, 7D and the control characters flagged in `accm` become 7D and
/// the byte XOR 0x20) the whole 16-byte blocks of `p[0, n)` to `out`; returns the input bytes
/// consumed (a multiple of 16) and advances `out`. Writes below out + 2 × consumed.
/// Call only when Ssse3Available().
std::size_t EscapeBlocks(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                         std::uint8_t*& out);

/// Unescapes whole 16-byte blocks of `p[0, n)` (which holds no flag) to `out` exactly as
/// HdlcDeframer does byte by byte: every 7D vanishes and the next byte that is not itself 7D is
/// XORed with 0x20; `escaped` carries a 7D across calls. Stops before the first block holding a
/// control character flagged in `accm` (those are dropped without ending an escape: the caller's
/// byte loop handles that block). Returns the input bytes consumed and adds the bytes written
/// to `written`; writes below out + consumed. Call only when Ssse3Available().
std::size_t UnescapeBlocks(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                           std::uint32_t& escaped, std::uint8_t* out, std::size_t& written);

}  // namespace uclink::pppif::simd
