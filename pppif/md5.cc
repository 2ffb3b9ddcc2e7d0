#include "pppif/md5.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace uclink::pppif {
namespace {

// RFC 1321 §3.4: per-round shift amounts and T[i] = floor(2^32 × |sin(i + 1)|).
constexpr std::uint8_t kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                     5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                     4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                     6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
constexpr std::uint32_t kSine[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

std::uint32_t LoadLe32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

}  // namespace

void Md5::Block(const std::uint8_t* block) {
  std::uint32_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = LoadLe32(block + 4 * i);
  std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  for (int i = 0; i < 64; ++i) {
    std::uint32_t f;
    int g;
    if (i < 16) {  // RFC 1321 §3.4 round 1: F(X,Y,Z) = XY v not(X) Z
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {  // round 2: G(X,Y,Z) = XZ v Y not(Z)
      f = (d & b) | (~d & c);
      g = (5 * i + 1) % 16;
    } else if (i < 48) {  // round 3: H(X,Y,Z) = X xor Y xor Z
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {  // round 4: I(X,Y,Z) = Y xor (X v not(Z))
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    const std::uint32_t rotated = std::rotl(a + f + kSine[i] + m[g], kShift[i]);
    a = d;
    d = c;
    c = b;
    b += rotated;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
}

void Md5::Update(std::span<const std::uint8_t> bytes) {
  std::size_t used = length_ % 64;
  length_ += bytes.size();
  std::size_t i = 0;
  if (used != 0) {
    const std::size_t take = std::min(bytes.size(), 64 - used);
    std::memcpy(buffer_.data() + used, bytes.data(), take);
    i = take;
    if (used + take < 64) return;
    Block(buffer_.data());
  }
  for (; i + 64 <= bytes.size(); i += 64) Block(bytes.data() + i);
  if (i < bytes.size()) std::memcpy(buffer_.data(), bytes.data() + i, bytes.size() - i);
}

std::array<std::uint8_t, 16> Md5::Final() {
  // RFC 1321 §3.1-3.2: a 1 bit, zeros up to 56 mod 64, then the bit length little-endian.
  const std::uint64_t bits = length_ * 8;
  std::uint8_t pad[72] = {0x80};
  const std::size_t used = length_ % 64;
  const std::size_t pad_size = (used < 56 ? 56 : 120) - used;
  for (int k = 0; k < 8; ++k) pad[pad_size + k] = static_cast<std::uint8_t>(bits >> (8 * k));
  Update(std::span<const std::uint8_t>(pad, pad_size + 8));
  std::array<std::uint8_t, 16> digest{};
  for (int w = 0; w < 4; ++w) {
    for (int k = 0; k < 4; ++k) digest[4 * w + k] = static_cast<std::uint8_t>(state_[w] >> (8 * k));
  }
  return digest;
}

std::array<std::uint8_t, 16> Md5Digest(std::span<const std::uint8_t> bytes) {
  Md5 md5;
  md5.Update(bytes);
  return md5.Final();
}

}  // namespace uclink::pppif
