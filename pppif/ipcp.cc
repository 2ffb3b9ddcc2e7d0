#include "pppif/ipcp.h"

#include <algorithm>

namespace uclink::pppif {
namespace {

constexpr Ipv4 kZero{};

Ipv4 ToIpv4(ByteSpan v) { return Ipv4{v[0], v[1], v[2], v[3]}; }

void AppendAddress(std::vector<std::uint8_t>& out, IpcpOption type, const Ipv4& address) {
  AppendOption(out, static_cast<std::uint8_t>(type), address);
}

}  // namespace

IpcpPolicy::IpcpPolicy(Ipv4 peer_placeholder, IpcpListener& listener)
    : placeholder_(peer_placeholder), listener_(listener) {}

IpcpPolicy::Wanted* IpcpPolicy::Find(std::uint8_t type) {
  switch (static_cast<IpcpOption>(type)) {
    case IpcpOption::kIpAddress:
      return &address_;
    case IpcpOption::kPrimaryDns:
      return &dns1_;
    case IpcpOption::kSecondaryDns:
      return &dns2_;
    case IpcpOption::kIpAddresses:
    case IpcpOption::kCompression:
    case IpcpOption::kPrimaryNbns:
    case IpcpOption::kSecondaryNbns:
      return nullptr;
  }
  return nullptr;
}

std::vector<std::uint8_t> IpcpPolicy::BuildRequest() {
  // RFC 1332 §3.3 / RFC 1877 §1: 0.0.0.0 asks the peer to supply the value in a Nak.
  std::vector<std::uint8_t> out;
  if (address_.asked) AppendAddress(out, IpcpOption::kIpAddress, address_.value);
  if (dns1_.asked) AppendAddress(out, IpcpOption::kPrimaryDns, dns1_.value);
  if (dns2_.asked) AppendAddress(out, IpcpOption::kSecondaryDns, dns2_.value);
  last_request_ = out;
  return out;
}

std::optional<Verdict> IpcpPolicy::CheckRequest(ByteSpan options, bool nak_allowed,
                                                std::vector<std::uint8_t>& reply) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return std::nullopt;
  std::vector<std::uint8_t> naks, rejects;
  bool address_seen = false;
  Ipv4 asked{};
  for (const Option& option : *parsed) {
    const bool is_address = option.type == static_cast<std::uint8_t>(IpcpOption::kIpAddress);
    if (!is_address || option.value.size() != 4 || address_seen) {
      // VJ (slirp asks for it), deprecated IP-Addresses, NBNS, unknown (RFC 1332 §3.1, §3.2):
      // docs/ppp.md, "Pitfalls: Reject VJ and the old options".
      AppendOption(rejects, option.type, option.value);
      continue;
    }
    address_seen = true;
    asked = ToIpv4(option.value);
    // RFC 1332 §3.3: suggest an address; Acking 0.0.0.0 makes slirp terminate IPCP (docs/ppp.md,
    // "Pitfalls: A peer asking for 0.0.0.0 is Nak'd").
    if (asked == kZero) AppendAddress(naks, IpcpOption::kIpAddress, placeholder_);
  }
  if (!rejects.empty()) {
    reply = std::move(rejects);
    return Verdict::kReject;
  }
  if (!naks.empty()) {
    if (!nak_allowed) {
      AppendAddress(reply, IpcpOption::kIpAddress, kZero);
      return Verdict::kReject;
    }
    reply = std::move(naks);
    return Verdict::kNak;
  }
  peer_gave_address_ = address_seen;
  peer_asked_ = asked;
  reply.assign(options.begin(), options.end());
  return Verdict::kAck;
}

bool IpcpPolicy::OnAck(ByteSpan options) {
  if (!std::equal(options.begin(), options.end(), last_request_.begin(), last_request_.end())) {
    return false;  // RFC 1661 §5.2: an Ack must repeat the request exactly
  }
  // Only values in the final Ack count; 0.0.0.0 means "none" (docs/ppp.md, "Pitfalls: Only the
  // final Ack counts").
  result_.local = address_.asked ? address_.value : kZero;
  result_.dns1.reset();
  result_.dns2.reset();
  if (dns1_.asked && dns1_.value != kZero) result_.dns1 = dns1_.value;
  if (dns2_.asked && dns2_.value != kZero) result_.dns2 = dns2_.value;
  return true;
}

bool IpcpPolicy::OnNak(ByteSpan options) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return false;
  for (const Option& option : *parsed) {
    Wanted* wanted = Find(option.type);
    // RFC 1661 §5.3 hints we did not ask for (NBNS...) are ignored, never looped on (docs/ppp.md,
    // "Pitfalls: Nak'd options we did not ask for are ignored").
    if (wanted == nullptr || !wanted->asked || option.value.size() != 4) continue;
    wanted->value = ToIpv4(option.value);
  }
  return true;
}

bool IpcpPolicy::OnReject(ByteSpan options) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return false;
  for (const Option& option : *parsed) {
    if (Wanted* wanted = Find(option.type)) wanted->asked = false;
  }
  return true;
}

void IpcpPolicy::OnLayerUp() {
  result_.peer = peer_gave_address_ ? peer_asked_ : placeholder_;
  listener_.OnIpcpUp();
}

}  // namespace uclink::pppif
