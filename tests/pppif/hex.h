// Test helpers: hex text to bytes and back, so vectors read like the captures in docs/ppp.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::pppif::testing {

/// Parses hex digit pairs; spaces are ignored ("ff 03 c0 21").
std::vector<std::uint8_t> Hex(std::string_view text);

/// Formats bytes as lower-case pairs separated by spaces.
std::string ToHex(const std::vector<std::uint8_t>& bytes);

/// A decoded frame as the tests compare it: "pppp: info" (the protocol in four hex digits).
std::string FrameText(std::uint16_t protocol, std::span<const std::uint8_t> info);

/// Bytes of a text (for modem result text in the data stream).
std::vector<std::uint8_t> Text(std::string_view text);

}  // namespace uclink::pppif::testing
