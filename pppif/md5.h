// MD5 (RFC 1321), the digest CHAP algorithm 5 mandates (RFC 1994 §4.1). Pure and small: linking
// libcrypto for 16 bytes per authentication cost uclinkd about 1.4 MB of resident memory
// (docs/PERFORMANCE.md). Not for any other use: MD5 is broken as a general-purpose hash.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace uclink::pppif {

/// Incremental MD5: Update() any number of times, then Final() once.
class Md5 {
 public:
  void Update(std::span<const std::uint8_t> bytes);
  /// The digest of everything passed to Update(); the object must not be used afterwards.
  std::array<std::uint8_t, 16> Final();

 private:
  void Block(const std::uint8_t* block);

  std::array<std::uint32_t, 4> state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::array<std::uint8_t, 64> buffer_{};
  std::uint64_t length_ = 0;  // bytes so far
};

/// One-shot MD5 of `bytes`.
std::array<std::uint8_t, 16> Md5Digest(std::span<const std::uint8_t> bytes);

}  // namespace uclink::pppif
