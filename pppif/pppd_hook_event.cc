#include "pppif/pppd_hook_event.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "pppif/pppd_errc.h"

namespace uclink::pppif {
namespace {

constexpr std::string_view kVersionLine = "uclink-pppd-hook/1";
constexpr std::size_t kMaxDatagram = 1024;

bool IsPrintableWord(std::string_view text) {
  return !text.empty() && text.size() <= 255 && std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f;
  });
}

DecodedHookEvent Malformed() {
  DecodedHookEvent result;
  result.error = PppdErrc::kMalformedHookEvent;
  return result;
}

// Applies one `key=value` line to `event`; false when the key or value is not acceptable.
bool ApplyField(std::string_view key, std::string_view value, PppdHookEvent& event) {
  auto address = [&](Ipv4& out) {
    auto parsed = ParseIpv4(value);
    if (parsed) out = *parsed;
    return parsed.has_value();
  };
  auto optional_address = [&](std::optional<Ipv4>& out) {
    out = ParseIpv4(value);
    return out.has_value();
  };
  if (key == "event") {
    if (value == "up") event.kind = HookEventKind::kIpUp;
    if (value == "down") event.kind = HookEventKind::kIpDown;
    return value == "up" || value == "down";
  }
  if (key == "local") return address(event.local);
  if (key == "remote") return address(event.remote);
  if (key == "dns1") return optional_address(event.dns1);
  if (key == "dns2") return optional_address(event.dns2);
  std::string* text = key == "ifname"    ? &event.ifname
                      : key == "tty"     ? &event.tty
                      : key == "ipparam" ? &event.ipparam
                                         : nullptr;
  if (text == nullptr || !IsPrintableWord(value)) return false;
  *text = std::string(value);
  return true;
}

}  // namespace

const char* ToString(HookEventKind kind) {
  switch (kind) {
    case HookEventKind::kIpUp:
      return "up";
    case HookEventKind::kIpDown:
      return "down";
  }
  return "unknown";
}

std::optional<Ipv4> ParseIpv4(std::string_view text) {
  Ipv4 out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::size_t end = text.find('.');
    std::string_view part = i + 1 < out.size() ? text.substr(0, end) : text;
    if (i + 1 < out.size() && end == std::string_view::npos) return std::nullopt;
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size() || value > 255) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(value);
    if (i + 1 < out.size()) text.remove_prefix(end + 1);
  }
  return out;
}

DecodedHookEvent HookEventFromInvocation(std::span<const std::string_view> args,
                                         const EnvLookup& env) {
  // pppd passes six arguments when ipparam is set, which uclink always does.
  if (args.size() < 6) return Malformed();
  DecodedHookEvent result;
  PppdHookEvent& event = result.event;
  event.kind = env("CONNECT_TIME") ? HookEventKind::kIpDown : HookEventKind::kIpUp;
  event.ifname = std::string(args[0]);
  event.tty = std::string(args[1]);
  event.ipparam = std::string(args[5]);
  auto local = ParseIpv4(args[3]);
  auto remote = ParseIpv4(args[4]);
  if (!local || !remote || !IsPrintableWord(event.ifname) || !IsPrintableWord(event.tty) ||
      !IsPrintableWord(event.ipparam)) {
    return Malformed();
  }
  event.local = *local;
  event.remote = *remote;
  // DNS1/DNS2 are only as good as the peer's IPCP; an unparsable value is left out, not fatal.
  if (auto dns1 = env("DNS1")) event.dns1 = ParseIpv4(*dns1);
  if (auto dns2 = env("DNS2")) event.dns2 = ParseIpv4(*dns2);
  return result;
}

std::string EncodeHookEvent(const PppdHookEvent& e) {
  std::string out(kVersionLine);
  out += "\nevent=" + std::string(ToString(e.kind));
  out += "\nifname=" + e.ifname;
  // tty is optional on decode; an empty value would not decode again (found by pppd_fuzz).
  if (!e.tty.empty()) out += "\ntty=" + e.tty;
  out += "\nlocal=" + FormatIpv4(e.local) + "\nremote=" + FormatIpv4(e.remote);
  if (e.dns1) out += "\ndns1=" + FormatIpv4(*e.dns1);
  if (e.dns2) out += "\ndns2=" + FormatIpv4(*e.dns2);
  out += "\nipparam=" + e.ipparam + "\n";
  return out;
}

DecodedHookEvent DecodeHookEvent(std::string_view datagram) {
  if (datagram.size() > kMaxDatagram) return Malformed();
  if (!datagram.empty() && datagram.back() == '\n') datagram.remove_suffix(1);
  std::size_t eol = datagram.find('\n');
  if (datagram.substr(0, eol) != kVersionLine || eol == std::string_view::npos) return Malformed();
  datagram.remove_prefix(eol + 1);
  DecodedHookEvent result;
  std::set<std::string_view> seen;
  while (!datagram.empty()) {
    eol = datagram.find('\n');
    std::string_view line = datagram.substr(0, eol);
    datagram.remove_prefix(eol == std::string_view::npos ? datagram.size() : eol + 1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return Malformed();
    std::string_view key = line.substr(0, eq);
    if (!seen.insert(key).second || !ApplyField(key, line.substr(eq + 1), result.event)) {
      return Malformed();
    }
  }
  for (std::string_view required : {"event", "ifname", "local", "remote", "ipparam"}) {
    if (!seen.contains(required)) return Malformed();
  }
  return result;
}

}  // namespace uclink::pppif
