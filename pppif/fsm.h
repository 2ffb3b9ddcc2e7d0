// The RFC 1661 option-negotiation automaton, written once for LCP and IPCP (the pppd fsm.h
// shape): states and events are named, transitions follow the RFC 1661 §4.1 table cell by cell,
// and everything protocol-specific sits behind FsmPolicy. Pure: packets go to a ControlSink and
// the restart timer is a deadline the owner polls.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "pppif/packet.h"

namespace uclink::pppif {

using FsmClock = std::chrono::steady_clock;

/// RFC 1661 §4.2 states.
enum class FsmState {
  kInitial,
  kStarting,
  kClosed,
  kStopped,
  kClosing,
  kStopping,
  kReqSent,
  kAckRcvd,
  kAckSent,
  kOpened,
};
const char* ToString(FsmState state);

/// RFC 1661 §4.3 events.
enum class FsmEvent {
  kUp,
  kDown,
  kOpen,
  kClose,
  kTimeoutPlus,   ///< TO+: restart timer expired, counter > 0
  kTimeoutMinus,  ///< TO-: restart timer expired, counter exhausted
  kRcrPlus,       ///< good Configure-Request
  kRcrMinus,      ///< Configure-Request answered with Nak or Reject
  kRca,           ///< Configure-Ack for the outstanding request
  kRcn,           ///< Configure-Nak or -Reject for the outstanding request
  kRtr,           ///< Terminate-Request
  kRta,           ///< Terminate-Ack
  kRuc,           ///< unknown code
  kRxjPlus,       ///< permitted Code-Reject or Protocol-Reject
  kRxjMinus,      ///< catastrophic Code-Reject or Protocol-Reject
  kRxr,           ///< Echo-Request, Echo-Reply or Discard-Request
};
const char* ToString(FsmEvent event);

/// The verdict on a peer's Configure-Request (RFC 1661 §5.2–5.4).
enum class Verdict { kAck, kNak, kReject };
const char* ToString(Verdict verdict);

/// Counters and timer of RFC 1661 §4.6.
struct FsmLimits {
  FsmClock::duration restart_timer = std::chrono::seconds(3);
  int max_configure = 10;
  int max_terminate = 2;
  int max_failure = 5;  ///< Naks sent before Rejecting; also Naks received before giving up
};

/// Protocol-specific behaviour (LCP, IPCP). Called synchronously from the FSM.
class FsmPolicy {
 public:
  /// Options for a new Configure-Request.
  virtual std::vector<std::uint8_t> BuildRequest() = 0;
  /// Judges the peer's options and writes the Ack/Nak/Reject option list to `reply`; nullopt
  /// when the list is malformed (the packet is then discarded). `nak_allowed` is false once
  /// Max-Failure Naks were sent: disagreeing options must then be Rejected (RFC 1661 §4.6).
  virtual std::optional<Verdict> CheckRequest(ByteSpan options, bool nak_allowed,
                                              std::vector<std::uint8_t>& reply) = 0;
  /// Ack/Nak/Reject of our outstanding request; false if it is invalid (then discarded).
  virtual bool OnAck(ByteSpan options) = 0;
  virtual bool OnNak(ByteSpan options) = 0;
  virtual bool OnReject(ByteSpan options) = 0;
  /// This-Layer-Up/-Down/-Started/-Finished (RFC 1661 §4.4).
  virtual void OnLayerUp() = 0;
  virtual void OnLayerDown() = 0;
  virtual void OnLayerStarted() = 0;
  virtual void OnLayerFinished() = 0;
  /// A Code-Reject named this code.
  virtual void OnCodeRejected(std::uint8_t /*code*/) {}
  /// LCP only (codes 8–13; see Fsm::Options::lcp_codes).
  virtual bool IsCatastrophic(std::uint16_t /*rejected_protocol*/) { return false; }
  virtual void OnProtocolRejected(std::uint16_t /*protocol*/) {}
  virtual std::uint32_t EchoMagic() { return 0; }
  virtual void OnEchoRequest(ByteSpan /*data*/) {}
  virtual void OnEchoReply(std::uint8_t /*id*/, ByteSpan /*data*/) {}

 protected:
  ~FsmPolicy() = default;
};

/// Where the FSM sends its packets (protocol number and a complete control packet).
class ControlSink {
 public:
  virtual void SendControl(std::uint16_t protocol, std::vector<std::uint8_t> packet) = 0;

 protected:
  ~ControlSink() = default;
};

/// What a received packet carried, as far as the transition actions need it.
struct Incoming {
  std::uint8_t id = 0;
  Verdict verdict = Verdict::kAck;
  std::vector<std::uint8_t> reply;  ///< RCR: the option list to Ack/Nak/Reject with
  ByteSpan packet;                  ///< RUC: the packet to Code-Reject; RXR: the packet itself
};

/// One control protocol's automaton.
class Fsm {
 public:
  struct Options {
    std::uint16_t protocol = 0;
    bool lcp_codes = false;         ///< handle codes 8–13 (RFC 1661 §5.7–5.9, RFC 1570)
    std::size_t max_packet = 1500;  ///< bound for Code-Reject/Protocol-Reject payloads
    FsmLimits limits;
  };

  Fsm(Options options, FsmPolicy& policy, ControlSink& sink);

  void Up(FsmClock::time_point now);
  void Down(FsmClock::time_point now);
  void Open(FsmClock::time_point now);
  void Close(FsmClock::time_point now);
  /// Feeds a received packet of this protocol (header included).
  void OnPacket(ByteSpan packet, FsmClock::time_point now);
  /// Fires TO+ / TO- if the restart timer is due.
  void OnTimer(FsmClock::time_point now);

  /// Applies one RFC 1661 §4.1 table cell. OnPacket() classifies packets into these events.
  void Dispatch(FsmEvent event, const Incoming& in, FsmClock::time_point now);

  /// Sends a packet outside the automaton (Echo-Request, Protocol-Reject) with a fresh id.
  std::uint8_t SendPacket(Code code, ByteSpan data);

  FsmState state() const { return state_; }
  std::optional<FsmClock::time_point> deadline() const { return deadline_; }
  int restart_count() const { return restart_count_; }
  /// True once Max-Failure Naks were received (negotiation does not converge).
  bool gave_up() const { return gave_up_; }

 private:
  void OnUp();
  void OnDown();
  void OnOpen();
  void OnClose();
  void OnTimeoutPlus();
  void OnTimeoutMinus();
  void OnRcr(bool good, const Incoming& in);
  void OnRca(const Incoming& in);
  void OnRcn(const Incoming& in);
  void OnRtr(const Incoming& in);
  void OnRta();
  void OnRxjMinus();
  void OnRxr(const Incoming& in);
  void ClassifyPacket(const ControlPacket& packet, ByteSpan raw, FsmClock::time_point now);
  void ClassifyExtended(const ControlPacket& packet, ByteSpan raw, FsmClock::time_point now);
  bool AcceptsReply(std::uint8_t id) const;

  // RFC 1661 §4.4 actions.
  void Irc(bool terminate);
  void Zrc();
  void Scr(bool retransmit);
  void Sca(const Incoming& in);
  void Scn(const Incoming& in);
  void Str();
  void Sta(std::uint8_t id);
  void Scj(const Incoming& in);
  void Ser(const Incoming& in);
  void Send(Code code, std::uint8_t id, ByteSpan data);
  void StartTimer();
  void SetState(FsmState next);

  Options options_;
  FsmPolicy& policy_;
  ControlSink& sink_;
  FsmState state_ = FsmState::kInitial;
  FsmClock::time_point now_{};
  std::optional<FsmClock::time_point> deadline_;
  int restart_count_ = 0;
  int naks_sent_ = 0;
  int naks_received_ = 0;
  bool gave_up_ = false;
  std::uint8_t next_id_ = 1;
  std::uint8_t request_id_ = 0;
  bool request_answered_ = true;
  std::vector<std::uint8_t> request_options_;
};

}  // namespace uclink::pppif
