#include "pppif/ipv6cp.h"

#include <arpa/inet.h>

#include <algorithm>

namespace uclink::pppif {
namespace {

constexpr std::uint8_t kIdentifier = static_cast<std::uint8_t>(Ipv6cpOption::kInterfaceIdentifier);

InterfaceId ToId(ByteSpan v) {
  InterfaceId id{};
  std::copy_n(v.begin(), id.size(), id.begin());
  return id;
}

void AppendId(std::vector<std::uint8_t>& out, const InterfaceId& id) {
  AppendOption(out, kIdentifier, id);
}

}  // namespace

bool IsZero(const InterfaceId& id) {
  return std::all_of(id.begin(), id.end(), [](std::uint8_t b) { return b == 0; });
}

std::string FormatLinkLocal(const InterfaceId& id) {
  std::uint8_t address[16] = {0xfe, 0x80};
  std::copy(id.begin(), id.end(), address + 8);
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, address, text, sizeof text);
  return text;
}

Ipv6cpPolicy::Ipv6cpPolicy(InterfaceId local, MagicSource& random, Ipv6cpListener& listener)
    : random_(random), listener_(listener), local_(local) {
  if (IsZero(local_)) local_ = Draw(InterfaceId{});
}

InterfaceId Ipv6cpPolicy::Draw(const InterfaceId& avoid) {
  InterfaceId id{};
  // MagicSource never returns 0, so the identifier is never zero; a repeat of `avoid` (a 2^-64
  // chance) is drawn again, a bounded number of times.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::uint32_t high = random_.Next(), low = random_.Next();
    for (int i = 0; i < 4; ++i) {
      id[i] = static_cast<std::uint8_t>(high >> (24 - 8 * i));
      id[4 + i] = static_cast<std::uint8_t>(low >> (24 - 8 * i));
    }
    if (id != avoid) break;
  }
  return id;
}

std::vector<std::uint8_t> Ipv6cpPolicy::BuildRequest() {
  std::vector<std::uint8_t> out;
  if (asked_) AppendId(out, local_);
  last_request_ = out;
  return out;
}

std::optional<Verdict> Ipv6cpPolicy::CheckRequest(ByteSpan options, bool nak_allowed,
                                                  std::vector<std::uint8_t>& reply) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return std::nullopt;
  std::vector<std::uint8_t> naks, rejects;
  std::optional<InterfaceId> asked;
  for (const Option& option : *parsed) {
    if (option.type != kIdentifier || option.value.size() != 8 || asked) {
      // RFC 5072 §4.2 header compression, unknown options, a malformed or repeated identifier.
      AppendOption(rejects, option.type, option.value);
      continue;
    }
    asked = ToId(option.value);
    peer_seen_ = asked;
    // RFC 5072 §4.1: a zero identifier asks us to suggest one; one equal to ours collides. Either
    // way, Nak with a non-zero identifier different from ours.
    if (IsZero(*asked) || *asked == local_) AppendId(naks, Draw(local_));
  }
  if (!rejects.empty()) {
    reply = std::move(rejects);
    return Verdict::kReject;
  }
  if (!naks.empty()) {
    if (!nak_allowed) {
      // RFC 1661 §4.6: after Max-Failure Naks the disagreeing option is Rejected; the peer then
      // stops asking, and its link-local address stays unknown.
      AppendId(reply, *asked);
      return Verdict::kReject;
    }
    reply = std::move(naks);
    return Verdict::kNak;
  }
  peer_asked_ = asked;
  reply.assign(options.begin(), options.end());
  return Verdict::kAck;
}

bool Ipv6cpPolicy::OnAck(ByteSpan options) {
  if (!std::equal(options.begin(), options.end(), last_request_.begin(), last_request_.end())) {
    return false;  // RFC 1661 §5.2: an Ack must repeat the request exactly
  }
  result_.local = local_;
  return true;
}

bool Ipv6cpPolicy::OnNak(ByteSpan options) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return false;
  for (const Option& option : *parsed) {
    // RFC 1661 §5.3: hints for options we did not ask for are ignored.
    if (option.type != kIdentifier || option.value.size() != 8 || !asked_) continue;
    const InterfaceId suggested = ToId(option.value);
    // RFC 5072 §4.1: take the suggestion unless it is zero or the peer's own identifier (a
    // collision we would only be Nak'd for again); then draw a fresh one ourselves.
    const InterfaceId peer = peer_seen_.value_or(InterfaceId{});
    local_ = IsZero(suggested) || suggested == peer ? Draw(peer) : suggested;
  }
  return true;
}

bool Ipv6cpPolicy::OnReject(ByteSpan options) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return false;
  for (const Option& option : *parsed) {
    // RFC 5072 §4.1: a peer that Rejects the identifier leaves ours un-negotiated; we keep using
    // it (pppd does the same).
    if (option.type == kIdentifier) asked_ = false;
  }
  return true;
}

void Ipv6cpPolicy::OnLayerUp() {
  result_.local = local_;
  result_.peer = peer_asked_;
  listener_.OnIpv6cpUp();
}

}  // namespace uclink::pppif
