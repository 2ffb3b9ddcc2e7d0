#include "control/config/probe_target.h"

#include <algorithm>
#include <charconv>

namespace uclink::control {
namespace {

// Parses a decimal number in [0, max]; nullopt for empty text, signs, junk or overflow.
std::optional<unsigned> Decimal(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

std::optional<std::array<std::uint8_t, 4>> Ipv4(std::string_view text) {
  std::array<std::uint8_t, 4> address{};
  for (int i = 0; i < 4; ++i) {
    const std::size_t dot = i < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos) return std::nullopt;
    const std::optional<unsigned> part = Decimal(text.substr(0, dot), 255);
    if (!part) return std::nullopt;
    address[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(*part);
    text.remove_prefix(std::min(text.size(), dot + 1));
  }
  return address;
}

// RFC 1035 §2.3.4: labels of 1..63 letters, digits or hyphens, 253 characters in all.
bool ValidDnsName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

std::optional<ProbeTarget> Invalid(std::string* error, std::string text) {
  if (error) *error = std::move(text);
  return std::nullopt;
}

}  // namespace

const char* ToString(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kTcp:
      return "tcp";
    case ProbeKind::kDns:
      return "dns";
  }
  return "?";
}

std::string ProbeTarget::ToString() const {
  std::string text = std::string(control::ToString(kind)) + ":";
  for (std::size_t i = 0; i < address.size(); ++i) {
    text += (i ? "." : "") + std::to_string(address[i]);
  }
  return text + ":" + (kind == ProbeKind::kTcp ? std::to_string(port) : name);
}

std::optional<ProbeTarget> ParseProbeTarget(std::string_view text, std::string* error) {
  ProbeTarget target;
  std::string_view rest;
  if (text.starts_with("tcp:")) {
    target.kind = ProbeKind::kTcp;
    rest = text.substr(4);
  } else if (text.starts_with("dns:")) {
    target.kind = ProbeKind::kDns;
    rest = text.substr(4);
  } else {
    return Invalid(error, "must be \"tcp:HOST:PORT\", \"dns:SERVER[:NAME]\" or \"\" (off)");
  }
  const std::size_t colon = rest.find(':');
  const std::optional<std::array<std::uint8_t, 4>> address = Ipv4(rest.substr(0, colon));
  if (!address) return Invalid(error, "the host must be an IPv4 address such as 10.0.2.2");
  target.address = *address;
  const std::string_view after =
      colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
  if (target.kind == ProbeKind::kTcp) {
    const std::optional<unsigned> port = Decimal(after, 65535);
    if (!port || *port == 0) return Invalid(error, "tcp needs a port 1..65535: tcp:HOST:PORT");
    target.port = static_cast<std::uint16_t>(*port);
    return target;
  }
  target.port = 53;
  target.name = colon == std::string_view::npos ? std::string(kDefaultProbeName) : after;
  if (!ValidDnsName(target.name)) return Invalid(error, "the DNS name is not a valid host name");
  return target;
}

}  // namespace uclink::control
