// MD5 for CHAP (pppif/md5.h): the RFC 1321 §A.5 test suite, and every split of the input across
// Update() calls around the 64-byte block and the 56-byte padding boundary.
#include "pppif/md5.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace uclink::pppif {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string HexDigest(const std::array<std::uint8_t, 16>& digest) {
  std::string out;
  for (std::uint8_t b : digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

TEST(Md5Test, Rfc1321TestSuiteDigests) {
  const std::pair<std::string_view, std::string_view> suite[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  for (const auto& [input, expected] : suite) {
    EXPECT_EQ(HexDigest(Md5Digest(Bytes(input))), expected) << '"' << input << '"';
  }
}

TEST(Md5Test, AnySplitAcrossUpdatesGivesTheSameDigest) {
  // Lengths around one and two blocks put the padding on both sides of the 56-byte boundary.
  for (std::size_t size : {55, 56, 63, 64, 65, 119, 120, 128}) {
    std::string input;
    for (std::size_t i = 0; i < size; ++i) input += static_cast<char>('A' + i % 26);
    const std::string whole = HexDigest(Md5Digest(Bytes(input)));
    for (std::size_t cut = 0; cut <= size; ++cut) {
      Md5 md5;
      md5.Update(Bytes(std::string_view(input).substr(0, cut)));
      md5.Update(Bytes(std::string_view(input).substr(cut)));
      ASSERT_EQ(HexDigest(md5.Final()), whole) << "size " << size << " cut " << cut;
    }
  }
}

}  // namespace
}  // namespace uclink::pppif
