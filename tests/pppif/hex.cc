#include "tests/pppif/hex.h"

#include <cstdio>
#include <cstdlib>

namespace uclink::pppif::testing {
namespace {

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  std::fprintf(stderr, "bad hex digit '%c' in a test vector\n", c);
  std::abort();  // a typo in a vector is a broken test, not a test failure
}

}  // namespace

std::vector<std::uint8_t> Hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\n') continue;
    const int v = Nibble(c);
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) {
    std::fprintf(stderr, "odd number of hex digits in a test vector\n");
    std::abort();
  }
  return out;
}

std::string ToHex(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%02x" : " %02x", bytes[i]);
    out += buf;
  }
  return out;
}

std::string FrameText(std::uint16_t protocol, std::span<const std::uint8_t> info) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", protocol);
  return std::string(buf) + ": " + ToHex(std::vector<std::uint8_t>(info.begin(), info.end()));
}

std::vector<std::uint8_t> Text(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

}  // namespace uclink::pppif::testing
