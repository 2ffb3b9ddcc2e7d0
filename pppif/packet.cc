#include "pppif/packet.h"

namespace uclink::pppif {

std::optional<ControlPacket> ParseControlPacket(ByteSpan bytes) {
  if (bytes.size() < 4) return std::nullopt;
  const std::size_t length = ReadU16(bytes.subspan(2));
  if (length < 4 || length > bytes.size()) return std::nullopt;
  return ControlPacket{bytes[0], bytes[1], bytes.subspan(4, length - 4)};
}

std::vector<std::uint8_t> BuildControlPacket(std::uint8_t code, std::uint8_t id, ByteSpan data) {
  const std::size_t length = data.size() + 4;
  std::vector<std::uint8_t> out;
  out.reserve(length);
  out.push_back(code);
  out.push_back(id);
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::optional<std::vector<Option>> ParseOptions(ByteSpan bytes) {
  std::vector<Option> options;
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (bytes.size() - i < 2) return std::nullopt;
    const std::size_t length = bytes[i + 1];
    if (length < 2 || length > bytes.size() - i) return std::nullopt;
    options.push_back(Option{bytes[i], bytes.subspan(i + 2, length - 2)});
    i += length;
  }
  return options;
}

void AppendOption(std::vector<std::uint8_t>& out, std::uint8_t type, ByteSpan value) {
  out.push_back(type);
  out.push_back(static_cast<std::uint8_t>(value.size() + 2));
  out.insert(out.end(), value.begin(), value.end());
}

void AppendOptionU16(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint16_t value) {
  const std::uint8_t v[2] = {static_cast<std::uint8_t>(value >> 8),
                             static_cast<std::uint8_t>(value)};
  AppendOption(out, type, v);
}

void AppendOptionU32(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint32_t value) {
  const std::uint8_t v[4] = {
      static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
      static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
  AppendOption(out, type, v);
}

std::uint16_t ReadU16(ByteSpan b) { return static_cast<std::uint16_t>(b[0] << 8 | b[1]); }

std::uint32_t ReadU32(ByteSpan b) {
  return static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
         static_cast<std::uint32_t>(b[2]) << 8 | b[3];
}

}  // namespace uclink::pppif
