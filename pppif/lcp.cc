#include "pppif/lcp.h"

#include <algorithm>

namespace uclink::pppif {
namespace {

bool ValueIs(ByteSpan value, std::size_t size) { return value.size() == size; }

}  // namespace

std::uint32_t MagicSource::Next() {
  do {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
  } while (state_ == 0);
  return state_;
}

LcpPolicy::LcpPolicy(std::uint16_t mru, std::uint32_t magic, MagicSource& random,
                     LcpListener& listener)
    : random_(random),
      listener_(listener),
      mru_(std::max(mru, kMinMru)),
      want_mru_(mru_ != kDefaultMru) {  // RFC 1661 §5.1: do not send defaults
  result_.local_magic = magic != 0 ? magic : random_.Next();
}

std::vector<std::uint8_t> LcpPolicy::BuildRequest() {
  std::vector<std::uint8_t> out;
  if (want_mru_) AppendOptionU16(out, static_cast<std::uint8_t>(LcpOption::kMru), mru_);
  if (want_accm_) AppendOptionU32(out, static_cast<std::uint8_t>(LcpOption::kAccm), accm_);
  if (want_magic_) {
    AppendOptionU32(out, static_cast<std::uint8_t>(LcpOption::kMagicNumber), result_.local_magic);
  }
  if (want_pfc_) AppendOption(out, static_cast<std::uint8_t>(LcpOption::kPfc), {});
  if (want_acfc_) AppendOption(out, static_cast<std::uint8_t>(LcpOption::kAcfc), {});
  last_request_ = out;
  return out;
}

std::optional<Verdict> LcpPolicy::CheckRequest(ByteSpan options, bool nak_allowed,
                                               std::vector<std::uint8_t>& reply) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return std::nullopt;
  peer_ = LcpResult{};
  std::vector<std::uint8_t> naks, rejects;
  bool auth_seen = false;
  for (const Option& option : *parsed) CheckOption(option, naks, rejects, auth_seen);
  // RFC 1661 §5.3/5.4: one reply per request and Reject wins; past Max-Failure Naks become
  // Rejects (§4.6).
  if (!rejects.empty()) {
    reply = std::move(rejects);
    return Verdict::kReject;
  }
  if (!naks.empty()) {
    if (!nak_allowed) {
      // Magic-Number Naks are loop-back probes (RFC 1661 §6.4), exempt like in pppd.
      const std::optional<std::vector<Option>> nakked = ParseOptions(naks);
      for (const Option& option : *parsed) {
        if (option.type == static_cast<std::uint8_t>(LcpOption::kMagicNumber)) continue;
        const bool disagreed = std::any_of(nakked->begin(), nakked->end(),
                                           [&](const Option& n) { return n.type == option.type; });
        if (disagreed) AppendOption(reply, option.type, option.value);
      }
      if (!reply.empty()) return Verdict::kReject;
    }
    reply = std::move(naks);
    return Verdict::kNak;
  }
  acked_peer_ = peer_;
  reply.assign(options.begin(), options.end());
  return Verdict::kAck;
}

void LcpPolicy::CheckOption(const Option& option, std::vector<std::uint8_t>& naks,
                            std::vector<std::uint8_t>& rejects, bool& auth_seen) {
  const ByteSpan v = option.value;
  auto reject = [&] { AppendOption(rejects, option.type, v); };
  switch (static_cast<LcpOption>(option.type)) {
    case LcpOption::kMru:
      if (!ValueIs(v, 2)) return reject();
      if (ReadU16(v) < kMinMru) return AppendOptionU16(naks, option.type, kMinMru);
      peer_.peer_mru = ReadU16(v);
      return;
    case LcpOption::kAccm:
      if (!ValueIs(v, 4)) return reject();
      peer_.tx.accm = ReadU32(v);
      return;
    case LcpOption::kAuthProtocol: {
      if (auth_seen || v.size() < 2) return reject();  // RFC 1661 §6.2: at most one
      auth_seen = true;
      const std::uint16_t protocol = ReadU16(v);
      if (protocol == kProtoPap && v.size() == 2) {
        peer_.auth_protocol = kProtoPap;
      } else if (protocol == kProtoChap && v.size() == 3 && v[2] == kChapMd5) {
        peer_.auth_protocol = kProtoChap;
      } else {
        // GPRS networks commonly accept CHAP-MD5 (docs/ppp.md, "Pitfalls: Offer CHAP-MD5").
        const std::uint8_t chap[3] = {kProtoChap >> 8, kProtoChap & 0xFF, kChapMd5};
        AppendOption(naks, option.type, chap);
      }
      return;
    }
    case LcpOption::kMagicNumber: {
      if (!ValueIs(v, 4)) return reject();
      const std::uint32_t magic = ReadU32(v);
      if (magic == 0 || (want_magic_ && magic == result_.local_magic)) {
        // RFC 1661 §6.4: equal magics suggest a looped line; Nak with a fresh value and
        // pick a new one of our own. Repeated collisions mean a real loop.
        if (magic != 0) NoteLoopback();
        last_nak_magic_ = random_.Next();
        return AppendOptionU32(naks, option.type, last_nak_magic_);
      }
      peer_.peer_magic = magic;
      return;
    }
    case LcpOption::kPfc:
      if (!ValueIs(v, 0)) return reject();
      peer_.tx.pfc = true;
      return;
    case LcpOption::kAcfc:
      if (!ValueIs(v, 0)) return reject();
      peer_.tx.acfc = true;
      return;
  }
  // Quality, Callback, FCS-Alternatives, multilink...: docs/ppp.md, "Pitfalls: Options we reject".
  reject();
}

void LcpPolicy::NoteLoopback() {
  result_.local_magic = random_.Next();
  if (++loopback_naks_ >= kMaxLoopbackNaks) listener_.OnLoopback();
}

bool LcpPolicy::OnAck(ByteSpan options) {
  // RFC 1661 §5.2: the Ack must repeat our request exactly.
  if (!std::equal(options.begin(), options.end(), last_request_.begin(), last_request_.end())) {
    return false;
  }
  result_.rx_accm = want_accm_ ? accm_ : kDefaultAccm;
  if (!want_magic_) result_.local_magic = 0;
  return true;
}

bool LcpPolicy::OnNak(ByteSpan options) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return false;
  for (const Option& option : *parsed) {
    const ByteSpan v = option.value;
    switch (static_cast<LcpOption>(option.type)) {
      case LcpOption::kMru:
        if (!ValueIs(v, 2)) break;
        // The peer suggests an MRU; take it if it is sane and not above what we accept.
        if (ReadU16(v) >= kMinMru && ReadU16(v) <= mru_) {
          mru_ = ReadU16(v);
          want_mru_ = mru_ != kDefaultMru;
        } else {
          want_mru_ = false;
        }
        break;
      case LcpOption::kAccm:
        if (ValueIs(v, 4)) accm_ |= ReadU32(v);  // escaping more is always legal
        break;
      case LcpOption::kMagicNumber:
        if (!ValueIs(v, 4)) break;
        // RFC 1661 §6.4: the value of our own last Nak coming back raises the loop-back
        // suspicion; a different one proves the link is not looped. Either way pick anew.
        if (last_nak_magic_ != 0 && ReadU32(v) == last_nak_magic_) {
          NoteLoopback();
        } else {
          loopback_naks_ = 0;
          result_.local_magic = random_.Next();
        }
        break;
      case LcpOption::kAuthProtocol:
      case LcpOption::kPfc:
      case LcpOption::kAcfc:
        break;  // nothing to renegotiate: we never ask to authenticate the peer
    }
  }
  return true;
}

bool LcpPolicy::OnReject(ByteSpan options) {
  const std::optional<std::vector<Option>> parsed = ParseOptions(options);
  if (!parsed) return false;
  for (const Option& option : *parsed) {
    switch (static_cast<LcpOption>(option.type)) {
      case LcpOption::kMru:
        want_mru_ = false;
        break;
      case LcpOption::kAccm:
        want_accm_ = false;
        break;
      case LcpOption::kMagicNumber:
        want_magic_ = false;
        break;
      case LcpOption::kPfc:
        want_pfc_ = false;
        break;
      case LcpOption::kAcfc:
        want_acfc_ = false;
        break;
      case LcpOption::kAuthProtocol:
        break;
    }
  }
  return true;
}

void LcpPolicy::OnLayerUp() {
  // Our side comes from the Ack (OnAck), the peer's from the request we Acked last.
  result_.tx = acked_peer_.tx;
  result_.peer_mru = acked_peer_.peer_mru;
  result_.peer_magic = acked_peer_.peer_magic;
  result_.auth_protocol = acked_peer_.auth_protocol;
  listener_.OnLcpUp();
}

void LcpPolicy::OnProtocolRejected(std::uint16_t protocol) {
  listener_.OnProtocolRejected(protocol);
}

void LcpPolicy::OnEchoRequest(ByteSpan data) {
  // An Echo-Request carrying our own magic came back to us (RFC 1661 §5.8).
  if (data.size() >= 4 && result_.local_magic != 0 && ReadU32(data) == result_.local_magic) {
    NoteLoopback();
  }
}

void LcpPolicy::OnEchoReply(std::uint8_t id, ByteSpan data) {
  // RFC 1661 §6.4: a reply with our own magic is our request looped back, not an answer.
  if (data.size() >= 4 && result_.local_magic != 0 && ReadU32(data) == result_.local_magic) {
    return;
  }
  listener_.OnEchoReply(id, data);
}

}  // namespace uclink::pppif
