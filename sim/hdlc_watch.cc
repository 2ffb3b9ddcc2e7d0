#include "sim/hdlc_watch.h"

namespace uclink::sim {
namespace {

constexpr char kFlag = 0x7E;
constexpr char kEscape = 0x7D;
constexpr std::uint16_t kGoodFcs = 0xF0B8;  // RFC 1662 §C.2: FCS over data + FCS
constexpr std::uint16_t kLcpProtocol = 0xC021;

}  // namespace

std::string_view ToString(PppSide side) {
  switch (side) {
    case PppSide::kHost:
      return "host";
    case PppSide::kNetwork:
      return "network";
  }
  return "PppSide(?)";
}

std::uint16_t Fcs16(std::string_view bytes, std::uint16_t fcs) {
  // RFC 1662 §C.2, bitwise form of the table-driven code (polynomial 0x8408, reflected).
  for (char c : bytes) {
    fcs ^= static_cast<std::uint8_t>(c);
    for (int bit = 0; bit < 8; ++bit) {
      fcs = (fcs & 1) != 0 ? static_cast<std::uint16_t>((fcs >> 1) ^ 0x8408)
                           : static_cast<std::uint16_t>(fcs >> 1);
    }
  }
  return fcs;
}

void HdlcDeframer::Feed(std::string_view bytes, const FrameHandler& on_frame) {
  for (char c : bytes) {
    if (c == kFlag) {
      // A frame holds at least address/control or a protocol, plus the 2-byte FCS.
      if (!overflow_ && !escaped_ && frame_.size() >= 4 && Fcs16(frame_) == kGoodFcs) {
        frame_.resize(frame_.size() - 2);
        on_frame(frame_);
      }
      Reset();
      continue;
    }
    if (c == kEscape) {
      escaped_ = true;
      continue;
    }
    if (escaped_) {
      c = static_cast<char>(c ^ 0x20);
      escaped_ = false;
    }
    if (frame_.size() < kMaxFrame) {
      frame_.push_back(c);
    } else {
      overflow_ = true;
    }
  }
}

void HdlcDeframer::Reset() {
  frame_.clear();
  escaped_ = false;
  overflow_ = false;
}

std::optional<std::uint16_t> PppProtocol(std::string_view frame) {
  if (frame.size() >= 2 && frame[0] == '\xFF' && frame[1] == '\x03') frame.remove_prefix(2);
  if (frame.empty()) return std::nullopt;
  const auto first = static_cast<std::uint8_t>(frame[0]);
  if (first & 1) return first;  // compressed: the high byte 0x00 was left out
  if (frame.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>((first << 8) | static_cast<std::uint8_t>(frame[1]));
}

bool CarriesNetworkData(std::uint16_t protocol) { return protocol >= 0x0001 && protocol <= 0x3FFF; }

std::string EncodeHdlcFrame(std::string_view frame) {
  const std::uint16_t fcs = Fcs16(frame) ^ 0xFFFF;  // RFC 1662 §C.2: sent complemented, LSB first
  std::string body(frame);
  body.push_back(static_cast<char>(fcs & 0xFF));
  body.push_back(static_cast<char>(fcs >> 8));
  std::string out = "\x7E";
  for (char c : body) {
    const auto byte = static_cast<std::uint8_t>(c);
    if (byte == 0x7E || byte == 0x7D || byte < 0x20) {
      out.push_back('\x7D');
      out.push_back(static_cast<char>(byte ^ 0x20));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\x7E');
  return out;
}

std::optional<std::uint8_t> LcpCode(std::string_view frame) {
  // RFC 1661 §6.6: LCP frames always carry FF 03, but be lenient like a receiver may be.
  if (frame.size() >= 2 && frame[0] == '\xFF' && frame[1] == '\x03') frame.remove_prefix(2);
  if (frame.size() < 2) return std::nullopt;
  const std::uint16_t protocol = static_cast<std::uint16_t>(
      (static_cast<std::uint8_t>(frame[0]) << 8) | static_cast<std::uint8_t>(frame[1]));
  // RFC 1661 §2: LCP is never sent with a compressed (1-byte) protocol field.
  if (protocol != kLcpProtocol) return std::nullopt;
  frame.remove_prefix(2);
  if (frame.size() < 4) return std::nullopt;  // code, identifier, length(2)
  return static_cast<std::uint8_t>(frame[0]);
}

}  // namespace uclink::sim
