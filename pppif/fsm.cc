#include "pppif/fsm.h"

#include <algorithm>
#include <utility>

namespace uclink::pppif {

const char* ToString(FsmState state) {
  switch (state) {
    case FsmState::kInitial:
      return "Initial";
    case FsmState::kStarting:
      return "Starting";
    case FsmState::kClosed:
      return "Closed";
    case FsmState::kStopped:
      return "Stopped";
    case FsmState::kClosing:
      return "Closing";
    case FsmState::kStopping:
      return "Stopping";
    case FsmState::kReqSent:
      return "Req-Sent";
    case FsmState::kAckRcvd:
      return "Ack-Rcvd";
    case FsmState::kAckSent:
      return "Ack-Sent";
    case FsmState::kOpened:
      return "Opened";
  }
  return "?";
}

const char* ToString(FsmEvent event) {
  switch (event) {
    case FsmEvent::kUp:
      return "Up";
    case FsmEvent::kDown:
      return "Down";
    case FsmEvent::kOpen:
      return "Open";
    case FsmEvent::kClose:
      return "Close";
    case FsmEvent::kTimeoutPlus:
      return "TO+";
    case FsmEvent::kTimeoutMinus:
      return "TO-";
    case FsmEvent::kRcrPlus:
      return "RCR+";
    case FsmEvent::kRcrMinus:
      return "RCR-";
    case FsmEvent::kRca:
      return "RCA";
    case FsmEvent::kRcn:
      return "RCN";
    case FsmEvent::kRtr:
      return "RTR";
    case FsmEvent::kRta:
      return "RTA";
    case FsmEvent::kRuc:
      return "RUC";
    case FsmEvent::kRxjPlus:
      return "RXJ+";
    case FsmEvent::kRxjMinus:
      return "RXJ-";
    case FsmEvent::kRxr:
      return "RXR";
  }
  return "?";
}

const char* ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAck:
      return "Ack";
    case Verdict::kNak:
      return "Nak";
    case Verdict::kReject:
      return "Reject";
  }
  return "?";
}

Fsm::Fsm(Options options, FsmPolicy& policy, ControlSink& sink)
    : options_(std::move(options)), policy_(policy), sink_(sink) {}

void Fsm::Up(FsmClock::time_point now) { Dispatch(FsmEvent::kUp, {}, now); }
void Fsm::Down(FsmClock::time_point now) { Dispatch(FsmEvent::kDown, {}, now); }
void Fsm::Open(FsmClock::time_point now) { Dispatch(FsmEvent::kOpen, {}, now); }
void Fsm::Close(FsmClock::time_point now) { Dispatch(FsmEvent::kClose, {}, now); }

void Fsm::OnTimer(FsmClock::time_point now) {
  if (!deadline_ || now < *deadline_) return;
  deadline_.reset();
  Dispatch(restart_count_ > 0 ? FsmEvent::kTimeoutPlus : FsmEvent::kTimeoutMinus, {}, now);
}

void Fsm::OnPacket(ByteSpan packet, FsmClock::time_point now) {
  const std::optional<ControlPacket> parsed = ParseControlPacket(packet);
  if (!parsed) return;  // RFC 1661 §5: bad length, silently discarded
  // RFC 1661 §4.2: in Initial and Starting the lower layer is not up; nothing is received.
  if (state_ == FsmState::kInitial || state_ == FsmState::kStarting) return;
  const std::size_t length = parsed->data.size() + 4;
  ClassifyPacket(*parsed, packet.first(length), now);
}

bool Fsm::AcceptsReply(std::uint8_t id) const {
  // RFC 1661 §5.2: replies must match the outstanding request's id; like pppd (seen_ack) a
  // second reply to the same request is ignored instead of restarting negotiation.
  const bool waiting =
      state_ == FsmState::kReqSent || state_ == FsmState::kAckRcvd || state_ == FsmState::kAckSent;
  return waiting && !request_answered_ && id == request_id_;
}

void Fsm::ClassifyPacket(const ControlPacket& p, ByteSpan raw, FsmClock::time_point now) {
  Incoming in{.id = p.id, .packet = raw};
  const bool replies_only = state_ == FsmState::kClosed || state_ == FsmState::kStopped ||
                            state_ == FsmState::kClosing || state_ == FsmState::kStopping;
  switch (static_cast<Code>(p.code)) {
    case Code::kConfigureRequest: {
      if (state_ == FsmState::kClosed || state_ == FsmState::kClosing ||
          state_ == FsmState::kStopping) {
        return Dispatch(FsmEvent::kRcrPlus, in, now);  // answered by sta or ignored
      }
      const bool nak_allowed = naks_sent_ < options_.limits.max_failure;
      const std::optional<Verdict> verdict = policy_.CheckRequest(p.data, nak_allowed, in.reply);
      if (!verdict) return;
      in.verdict = *verdict;
      return Dispatch(*verdict == Verdict::kAck ? FsmEvent::kRcrPlus : FsmEvent::kRcrMinus, in,
                      now);
    }
    case Code::kConfigureAck:
      if (replies_only) return Dispatch(FsmEvent::kRca, in, now);
      if (!AcceptsReply(p.id) || !policy_.OnAck(p.data)) return;
      request_answered_ = true;
      naks_received_ = 0;
      return Dispatch(FsmEvent::kRca, in, now);
    case Code::kConfigureNak:
    case Code::kConfigureReject: {
      if (replies_only) return Dispatch(FsmEvent::kRcn, in, now);
      if (!AcceptsReply(p.id)) return;
      const bool nak = p.code == static_cast<std::uint8_t>(Code::kConfigureNak);
      if (!(nak ? policy_.OnNak(p.data) : policy_.OnReject(p.data))) return;
      request_answered_ = true;
      // A peer that Naks forever is bounded by Max-Failure (docs/ppp.md, "Pitfalls:
      // Nak-stalling").
      if (nak && ++naks_received_ > options_.limits.max_failure) {
        gave_up_ = true;
        deadline_.reset();
        policy_.OnLayerFinished();
        SetState(FsmState::kStopped);
        return;
      }
      return Dispatch(FsmEvent::kRcn, in, now);
    }
    case Code::kTerminateRequest:
      return Dispatch(FsmEvent::kRtr, in, now);
    case Code::kTerminateAck:
      return Dispatch(FsmEvent::kRta, in, now);
    case Code::kCodeReject: {
      if (p.data.empty()) return;
      const std::uint8_t rejected = p.data[0];
      policy_.OnCodeRejected(rejected);
      // RFC 1661 §5.6: rejecting a code this protocol needs (1–7) is catastrophic.
      const bool fatal = rejected >= 1 && rejected <= 7;
      return Dispatch(fatal ? FsmEvent::kRxjMinus : FsmEvent::kRxjPlus, in, now);
    }
    case Code::kProtocolReject:
    case Code::kEchoRequest:
    case Code::kEchoReply:
    case Code::kDiscardRequest:
    case Code::kIdentification:
    case Code::kTimeRemaining:
      break;
  }
  ClassifyExtended(p, raw, now);
}

void Fsm::ClassifyExtended(const ControlPacket& p, ByteSpan raw, FsmClock::time_point now) {
  Incoming in{.id = p.id, .packet = raw};
  if (!options_.lcp_codes || p.code > static_cast<std::uint8_t>(Code::kTimeRemaining)) {
    return Dispatch(FsmEvent::kRuc, in, now);  // also IPCP codes > 7 (RFC 1332 §2)
  }
  switch (static_cast<Code>(p.code)) {
    case Code::kProtocolReject: {
      // RFC 1661 §5.7: only meaningful in Opened; the data starts with the rejected protocol.
      if (state_ != FsmState::kOpened || p.data.size() < 2) return;
      const std::uint16_t protocol = ReadU16(p.data);
      policy_.OnProtocolRejected(protocol);
      return Dispatch(policy_.IsCatastrophic(protocol) ? FsmEvent::kRxjMinus : FsmEvent::kRxjPlus,
                      in, now);
    }
    case Code::kEchoRequest:
    case Code::kEchoReply:
    case Code::kDiscardRequest:
      return Dispatch(FsmEvent::kRxr, in, now);
    case Code::kIdentification:
    case Code::kTimeRemaining:
      return;  // RFC 1570 §1: informational; answering with Code-Reject only causes storms
    case Code::kConfigureRequest:
    case Code::kConfigureAck:
    case Code::kConfigureNak:
    case Code::kConfigureReject:
    case Code::kTerminateRequest:
    case Code::kTerminateAck:
    case Code::kCodeReject:
      return;  // handled by ClassifyPacket
  }
}

void Fsm::Dispatch(FsmEvent event, const Incoming& in, FsmClock::time_point now) {
  now_ = now;
  switch (event) {
    case FsmEvent::kUp:
      return OnUp();
    case FsmEvent::kDown:
      return OnDown();
    case FsmEvent::kOpen:
      return OnOpen();
    case FsmEvent::kClose:
      return OnClose();
    case FsmEvent::kTimeoutPlus:
      return OnTimeoutPlus();
    case FsmEvent::kTimeoutMinus:
      return OnTimeoutMinus();
    case FsmEvent::kRcrPlus:
      return OnRcr(true, in);
    case FsmEvent::kRcrMinus:
      return OnRcr(false, in);
    case FsmEvent::kRca:
      return OnRca(in);
    case FsmEvent::kRcn:
      return OnRcn(in);
    case FsmEvent::kRtr:
      return OnRtr(in);
    case FsmEvent::kRta:
      return OnRta();
    case FsmEvent::kRuc:
      if (state_ == FsmState::kInitial || state_ == FsmState::kStarting) return;
      return Scj(in);
    case FsmEvent::kRxjPlus:
      if (state_ == FsmState::kAckRcvd) SetState(FsmState::kReqSent);
      return;
    case FsmEvent::kRxjMinus:
      return OnRxjMinus();
    case FsmEvent::kRxr:
      return OnRxr(in);
  }
}

void Fsm::OnUp() {
  switch (state_) {
    case FsmState::kInitial:
      return SetState(FsmState::kClosed);
    case FsmState::kStarting:
      Irc(false);
      Scr(false);
      return SetState(FsmState::kReqSent);
    case FsmState::kClosed:
    case FsmState::kStopped:
    case FsmState::kClosing:
    case FsmState::kStopping:
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
    case FsmState::kOpened:
      return;  // illegal: the lower layer is already up
  }
}

void Fsm::OnDown() {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
      return;  // illegal
    case FsmState::kClosed:
    case FsmState::kClosing:
      return SetState(FsmState::kInitial);
    case FsmState::kStopped:
      policy_.OnLayerStarted();
      return SetState(FsmState::kStarting);
    case FsmState::kStopping:
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
      return SetState(FsmState::kStarting);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      return SetState(FsmState::kStarting);
  }
}

void Fsm::OnOpen() {
  switch (state_) {
    case FsmState::kInitial:
      policy_.OnLayerStarted();
      return SetState(FsmState::kStarting);
    case FsmState::kClosed:
      Irc(false);
      Scr(false);
      return SetState(FsmState::kReqSent);
    case FsmState::kClosing:
      return SetState(FsmState::kStopping);
    case FsmState::kStarting:
    case FsmState::kStopped:
    case FsmState::kStopping:
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
    case FsmState::kOpened:
      return;  // already opening or open ("r": no restart option implemented)
  }
}

void Fsm::OnClose() {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kClosed:
    case FsmState::kClosing:
      return;
    case FsmState::kStarting:
      policy_.OnLayerFinished();
      return SetState(FsmState::kInitial);
    case FsmState::kStopped:
      return SetState(FsmState::kClosed);
    case FsmState::kStopping:
      return SetState(FsmState::kClosing);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      [[fallthrough]];
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
      Irc(true);
      Str();
      return SetState(FsmState::kClosing);
  }
}

void Fsm::OnTimeoutPlus() {
  switch (state_) {
    case FsmState::kClosing:
    case FsmState::kStopping:
      return Str();
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
      Scr(true);
      return SetState(FsmState::kReqSent);
    case FsmState::kAckSent:
      return Scr(true);
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosed:
    case FsmState::kStopped:
    case FsmState::kOpened:
      return;  // illegal: no timer runs here
  }
}

void Fsm::OnTimeoutMinus() {
  switch (state_) {
    case FsmState::kClosing:
      policy_.OnLayerFinished();
      return SetState(FsmState::kClosed);
    case FsmState::kStopping:
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
      policy_.OnLayerFinished();
      return SetState(FsmState::kStopped);
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosed:
    case FsmState::kStopped:
    case FsmState::kOpened:
      return;  // illegal
  }
}

void Fsm::OnRcr(bool good, const Incoming& in) {
  auto answer = [&] { good ? Sca(in) : Scn(in); };
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosing:
    case FsmState::kStopping:
      return;
    case FsmState::kClosed:
      return Sta(in.id);
    case FsmState::kStopped:
      Irc(false);
      Scr(false);
      answer();
      return SetState(good ? FsmState::kAckSent : FsmState::kReqSent);
    case FsmState::kReqSent:
      answer();
      return SetState(good ? FsmState::kAckSent : FsmState::kReqSent);
    case FsmState::kAckRcvd:
      answer();
      if (!good) return;
      SetState(FsmState::kOpened);
      return policy_.OnLayerUp();
    case FsmState::kAckSent:
      answer();
      return SetState(good ? FsmState::kAckSent : FsmState::kReqSent);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      Scr(false);
      answer();
      return SetState(good ? FsmState::kAckSent : FsmState::kReqSent);
  }
}

void Fsm::OnRca(const Incoming& in) {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosing:
    case FsmState::kStopping:
      return;
    case FsmState::kClosed:
    case FsmState::kStopped:
      return Sta(in.id);  // tell the confused peer we are not open
    case FsmState::kReqSent:
      Irc(false);
      return SetState(FsmState::kAckRcvd);
    case FsmState::kAckRcvd:  // x: crossed connection
      Scr(false);
      return SetState(FsmState::kReqSent);
    case FsmState::kAckSent:
      Irc(false);
      SetState(FsmState::kOpened);
      return policy_.OnLayerUp();
    case FsmState::kOpened:
      policy_.OnLayerDown();
      Scr(false);
      return SetState(FsmState::kReqSent);
  }
}

void Fsm::OnRcn(const Incoming& in) {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosing:
    case FsmState::kStopping:
      return;
    case FsmState::kClosed:
    case FsmState::kStopped:
      return Sta(in.id);
    case FsmState::kReqSent:
      Irc(false);
      return Scr(false);
    case FsmState::kAckRcvd:
      Scr(false);
      return SetState(FsmState::kReqSent);
    case FsmState::kAckSent:
      Irc(false);
      return Scr(false);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      Scr(false);
      return SetState(FsmState::kReqSent);
  }
}

void Fsm::OnRtr(const Incoming& in) {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
      return;
    case FsmState::kClosed:
    case FsmState::kStopped:
    case FsmState::kClosing:
    case FsmState::kStopping:
      return Sta(in.id);
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
      Sta(in.id);
      return SetState(FsmState::kReqSent);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      Zrc();
      Sta(in.id);
      return SetState(FsmState::kStopping);
  }
}

void Fsm::OnRta() {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosed:
    case FsmState::kStopped:
    case FsmState::kAckSent:
      return;
    case FsmState::kClosing:
      policy_.OnLayerFinished();
      return SetState(FsmState::kClosed);
    case FsmState::kStopping:
      policy_.OnLayerFinished();
      return SetState(FsmState::kStopped);
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
      return SetState(FsmState::kReqSent);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      Scr(false);
      return SetState(FsmState::kReqSent);
  }
}

void Fsm::OnRxjMinus() {
  switch (state_) {
    case FsmState::kInitial:
    case FsmState::kStarting:
      return;
    case FsmState::kClosed:
    case FsmState::kClosing:
      policy_.OnLayerFinished();
      return SetState(FsmState::kClosed);
    case FsmState::kStopped:
    case FsmState::kStopping:
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
      policy_.OnLayerFinished();
      return SetState(FsmState::kStopped);
    case FsmState::kOpened:
      policy_.OnLayerDown();
      Irc(true);
      Str();
      return SetState(FsmState::kStopping);
  }
}

void Fsm::OnRxr(const Incoming& in) {
  if (state_ == FsmState::kOpened) Ser(in);  // RFC 1661 §5.8: other states discard silently
}

void Fsm::Irc(bool terminate) {
  restart_count_ = terminate ? options_.limits.max_terminate : options_.limits.max_configure;
}

void Fsm::Zrc() {
  restart_count_ = 0;
  StartTimer();
}

void Fsm::Scr(bool retransmit) {
  // pppd keeps the id on retransmission so a late Ack still matches (RFC 1661 §5.1 allows it).
  if (!retransmit || request_answered_) {
    request_options_ = policy_.BuildRequest();
    request_id_ = next_id_++;
  }
  request_answered_ = false;
  Send(Code::kConfigureRequest, request_id_, request_options_);
  --restart_count_;
  StartTimer();
}

void Fsm::Sca(const Incoming& in) {
  naks_sent_ = 0;
  Send(Code::kConfigureAck, in.id, in.reply);
}

void Fsm::Scn(const Incoming& in) {
  const bool reject = in.verdict == Verdict::kReject;
  if (!reject) ++naks_sent_;
  Send(reject ? Code::kConfigureReject : Code::kConfigureNak, in.id, in.reply);
}

void Fsm::Str() {
  Send(Code::kTerminateRequest, next_id_++, {});
  --restart_count_;
  StartTimer();
}

void Fsm::Sta(std::uint8_t id) { Send(Code::kTerminateAck, id, {}); }

void Fsm::Scj(const Incoming& in) {
  // RFC 1661 §5.6: the rejected packet, truncated to fit the peer's MRU.
  const std::size_t room = options_.max_packet > 4 ? options_.max_packet - 4 : 0;
  Send(Code::kCodeReject, next_id_++, in.packet.first(std::min(in.packet.size(), room)));
}

void Fsm::Ser(const Incoming& in) {
  const std::optional<ControlPacket> p = ParseControlPacket(in.packet);
  if (!p) return;
  switch (static_cast<Code>(p->code)) {
    case Code::kEchoRequest: {
      policy_.OnEchoRequest(p->data);
      // RFC 1661 §5.8: reply carries our magic and the request's data after its magic.
      std::vector<std::uint8_t> data(4);
      const std::uint32_t magic = policy_.EchoMagic();
      for (int i = 0; i < 4; ++i) data[i] = static_cast<std::uint8_t>(magic >> (24 - 8 * i));
      if (p->data.size() > 4) data.insert(data.end(), p->data.begin() + 4, p->data.end());
      return Send(Code::kEchoReply, p->id, data);
    }
    case Code::kEchoReply:
      return policy_.OnEchoReply(p->id, p->data);
    case Code::kConfigureRequest:
    case Code::kConfigureAck:
    case Code::kConfigureNak:
    case Code::kConfigureReject:
    case Code::kTerminateRequest:
    case Code::kTerminateAck:
    case Code::kCodeReject:
    case Code::kProtocolReject:
    case Code::kDiscardRequest:
    case Code::kIdentification:
    case Code::kTimeRemaining:
      return;  // Discard-Request: nothing to do (RFC 1661 §5.9)
  }
}

std::uint8_t Fsm::SendPacket(Code code, ByteSpan data) {
  const std::uint8_t id = next_id_++;
  Send(code, id, data);
  return id;
}

void Fsm::Send(Code code, std::uint8_t id, ByteSpan data) {
  sink_.SendControl(options_.protocol,
                    BuildControlPacket(static_cast<std::uint8_t>(code), id, data));
}

void Fsm::StartTimer() { deadline_ = now_ + options_.limits.restart_timer; }

void Fsm::SetState(FsmState next) {
  // RFC 1661 §4.1: the restart timer only runs in states that have TO events.
  switch (next) {
    case FsmState::kClosing:
    case FsmState::kStopping:
    case FsmState::kReqSent:
    case FsmState::kAckRcvd:
    case FsmState::kAckSent:
      break;
    case FsmState::kInitial:
    case FsmState::kStarting:
    case FsmState::kClosed:
    case FsmState::kStopped:
    case FsmState::kOpened:
      deadline_.reset();
      break;
  }
  state_ = next;
}

}  // namespace uclink::pppif
