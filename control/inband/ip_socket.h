// The module's TCP or UDP client as a pure state machine: AT+IPCREATE (§2.22), AT+IPSEND
// (§2.23, each part's `+IPSEND=<n>` checked), AT+IPCLOSE (§2.24) and `+IPRECV` delivery (§2.25).
//
// Data that cannot travel inside IPSEND's quoted <data> (chat::TextParam::kIpsendData: quote,
// CR, LF, NUL, other control and non-ASCII bytes) is refused with the byte named
// (PayloadEncoding::kInline, the manual's form), or sent losslessly after the `>` prompt
// (kPrompt). Sends are split into parts of at most chat::kMaxIpSendData bytes, one IPSEND in
// flight.
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "chat/commands/ip.h"
#include "control/inband/operation.h"

namespace uclink::control::inband {

struct IpSocketOptions {
  chat::SocketMode mode = chat::SocketMode::kTcp;
  std::string host;
  int port = 0;
  PayloadEncoding encoding = PayloadEncoding::kInline;
  // Largest part of one AT+IPSEND (≤ chat::kMaxIpSendData).
  std::size_t max_part = chat::kMaxIpSendData;
};

class IpSocket : public Operation {
 public:
  enum class State { kIdle, kOpening, kOpen, kClosing, kClosed };

  explicit IpSocket(IpSocketOptions options);

  // Creates the socket: ReadyAction once CONNECT OK (TCP) or OK (UDP) arrived.
  void Open(chat::TimePoint now);
  // Queues bytes; SentAction per call once every part was confirmed. Refused bytes end the
  // operation only if nothing was sent yet; otherwise the socket is closed with the error.
  void Send(std::string_view bytes);
  // Closes the socket after queued sends: DoneAction without error.
  void Close();

  void OnReply(const chat::AtReply& reply, chat::TimePoint now) override;
  void OnUrc(const chat::Urc& urc, chat::TimePoint now) override;
  void OnTimer(chat::TimePoint now) override;

  State state() const { return state_; }
  // Bytes queued and not yet confirmed.
  std::size_t pending_bytes() const;

 private:
  struct Part {
    std::string bytes;
    bool last_of_send = false;  // emit SentAction after this part
    std::size_t send_size = 0;
  };

  void TransitionTo(State next);
  void SendNext();
  void FailAndRelease(ServiceError error);
  void OnOpenReply(const chat::AtReply& reply);
  void OnSendReply(const chat::AtReply& reply);

  IpSocketOptions options_;
  State state_ = State::kIdle;
  std::deque<Part> parts_;
  bool sending_ = false;
  bool close_requested_ = false;
  // The error to report once the client is released (AT+IPCLOSE done).
  ServiceError pending_error_;
  std::string last_command_;
};

std::string_view ToString(IpSocket::State state);

}  // namespace uclink::control::inband
