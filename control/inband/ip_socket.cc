#include "control/inband/ip_socket.h"

#include <algorithm>

#include "chat/at_args.h"
#include "chat/commands/text_params.h"
#include "chat/urc_table.h"

namespace uclink::control::inband {

std::string_view ToString(IpSocket::State state) {
  switch (state) {
    case IpSocket::State::kIdle:
      return "idle";
    case IpSocket::State::kOpening:
      return "opening";
    case IpSocket::State::kOpen:
      return "open";
    case IpSocket::State::kClosing:
      return "closing";
    case IpSocket::State::kClosed:
      return "closed";
  }
  return "?";
}

namespace {

// The <mode> field of `+IPRECV=" TCP", 3, ` or `+IPCLOSE="TCP"`: the first parameter.
std::optional<chat::SocketMode> ModeOfLine(std::string_view line) {
  const auto sep = line.find_first_of(":=");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(sep + 1);
  rest = rest.substr(0, rest.find(','));
  std::string field;
  for (char c : rest) {
    if (c != '"' && c != ' ') field += c;
  }
  return chat::SocketModeFromString(field);
}

}  // namespace

IpSocket::IpSocket(IpSocketOptions options) : options_(std::move(options)) {
  options_.max_part = std::clamp<std::size_t>(options_.max_part, 1, chat::kMaxIpSendData);
}

std::size_t IpSocket::pending_bytes() const {
  std::size_t n = 0;
  for (const Part& p : parts_) n += p.bytes.size();
  return n;
}

void IpSocket::TransitionTo(State next) { state_ = next; }

void IpSocket::Open(chat::TimePoint) {
  if (state_ != State::kIdle) return;
  auto text = chat::EncodeIpcreate(options_.mode, options_.host, options_.port);
  if (!text) return Finish(ErrorOf(text.error()));
  chat::AtCommand command = chat::AtCommand::FromText(*text);
  // Manual §2.22: only TCP answers CONNECT OK / CONNECT FAIL after OK; UDP ends with OK.
  command.awaits_connect_result = options_.mode == chat::SocketMode::kTcp;
  last_command_ = command.text;
  TransitionTo(State::kOpening);
  Submit(std::move(command));
}

void IpSocket::Send(std::string_view bytes) {
  if (done()) return;
  if (state_ != State::kOpen && state_ != State::kOpening) {
    return Finish(MakeError(Errc::kNotOpen, "the socket is not open"));
  }
  if (bytes.empty()) {
    Emit(SentAction{0});
    return;
  }
  std::vector<std::size_t> sizes;
  if (options_.encoding == PayloadEncoding::kInline) {
    chat::PartPlan plan =
        chat::PlanInlineParts(chat::TextParam::kIpsendData, bytes, options_.max_part);
    if (plan.refused) {
      return FailAndRelease(
          UnsendableError(*plan.refused, "AT+IPSEND's quoted <data> (manual §2.23)"));
    }
    sizes = std::move(plan.sizes);
  } else {
    for (std::size_t off = 0; off < bytes.size(); off += options_.max_part) {
      sizes.push_back(std::min(options_.max_part, bytes.size() - off));
    }
  }
  std::size_t off = 0;
  for (std::size_t size : sizes) {
    parts_.push_back(Part{std::string(bytes.substr(off, size)), false, 0});
    off += size;
  }
  parts_.back().last_of_send = true;
  parts_.back().send_size = bytes.size();
  SendNext();
}

void IpSocket::Close() {
  if (done()) return;
  close_requested_ = true;
  if (state_ == State::kIdle) return Succeed();
  SendNext();
}

void IpSocket::SendNext() {
  if (awaiting_reply() || state_ != State::kOpen) return;
  if (!parts_.empty()) {
    const Part& part = parts_.front();
    chat::AtCommand command;
    if (options_.encoding == PayloadEncoding::kPrompt) {
      command = chat::AtCommand::FromText(chat::CommandText("+IPSEND")
                                              .Quoted(chat::ToString(options_.mode))
                                              .Int(static_cast<std::int64_t>(part.bytes.size()))
                                              .Take());
      command.payload = part.bytes;
    } else {
      auto text = chat::EncodeIpsend(options_.mode, part.bytes);
      if (!text) return FailAndRelease(ErrorOf(text.error()));
      command = chat::AtCommand::FromText(*text);
    }
    last_command_ = "AT+IPSEND";
    return Submit(std::move(command));
  }
  if (close_requested_) {
    TransitionTo(State::kClosing);
    last_command_ = "AT+IPCLOSE";
    Submit(*chat::EncodeIpclose(options_.mode));
  }
}

void IpSocket::FailAndRelease(ServiceError error) {
  parts_.clear();
  // Nothing was created yet, or the module already dropped the client: no IPCLOSE needed.
  if (state_ == State::kIdle || state_ == State::kClosed) return Finish(std::move(error));
  pending_error_ = std::move(error);
  close_requested_ = true;
  if (state_ == State::kOpen) SendNext();
}

void IpSocket::OnReply(const chat::AtReply& reply, chat::TimePoint) {
  ReplyArrived();
  switch (state_) {
    case State::kOpening:
      return OnOpenReply(reply);
    case State::kOpen:
      return OnSendReply(reply);
    case State::kClosing:
      TransitionTo(State::kClosed);
      if (pending_error_) return Finish(std::move(pending_error_));
      if (!reply.ok()) return Finish(ModuleFailure(last_command_, reply));
      return Succeed();
    case State::kClosed:
      // The peer closed while a command was in flight (see OnUrc).
      if (pending_error_) return Finish(std::move(pending_error_));
      return;
    case State::kIdle:
      return;
  }
}

void IpSocket::OnOpenReply(const chat::AtReply& reply) {
  if (reply.ok() &&
      (options_.mode == chat::SocketMode::kUdp || reply.final == chat::FinalKind::kConnectOk)) {
    TransitionTo(State::kOpen);
    if (pending_error_) {  // a refused Send() while opening
      close_requested_ = true;
    } else {
      Emit(ReadyAction{});
    }
    return SendNext();
  }
  TransitionTo(State::kClosed);
  if (pending_error_) return Finish(std::move(pending_error_));
  if (reply.final == chat::FinalKind::kConnectFail) {
    return Finish(MakeError(Errc::kConnectFailed, "CONNECT FAIL: the module could not connect to " +
                                                      options_.host + ":" +
                                                      std::to_string(options_.port) +
                                                      " (three attempts, UC8088 manual §2.22)"));
  }
  // ERROR with "+CME ERROR: 3" after IPCREATE: usually the client is already in use.
  Finish(ModuleFailure(last_command_, reply));
}

void IpSocket::OnSendReply(const chat::AtReply& reply) {
  if (!reply.ok()) return FailAndRelease(ModuleFailure(last_command_, reply));
  Part part = std::move(parts_.front());
  parts_.pop_front();
  std::optional<std::size_t> confirmed;
  for (const std::string& line : reply.info) {
    if (auto n = chat::DecodeIpsend(line)) confirmed = *n;
  }
  if (!confirmed) {
    return FailAndRelease(
        MakeError(Errc::kProtocol, "AT+IPSEND answered OK without +IPSEND=<n> (manual §2.25.1)"));
  }
  if (*confirmed != part.bytes.size()) {
    return FailAndRelease(MakeError(Errc::kShortSend, "the module confirmed " +
                                                          std::to_string(*confirmed) + " of " +
                                                          std::to_string(part.bytes.size()) +
                                                          " bytes (+IPSEND, manual §2.25.1)"));
  }
  if (part.last_of_send) Emit(SentAction{part.send_size});
  SendNext();
}

void IpSocket::OnUrc(const chat::Urc& urc, chat::TimePoint) {
  if (done()) return;
  if (urc.kind == chat::UrcKind::kIpReceive) {
    // The URC's line is the header up to the length's comma: `+IPRECV="TCP", 3, `.
    if (ModeOfLine(urc.line) != options_.mode) return;
    if (state_ == State::kOpen || state_ == State::kClosing) Emit(DataAction{urc.payload});
    return;
  }
  // uclink-sim reports a TCP peer's close as `+IPCLOSE="TCP"`; the manual names no such URC.
  if (chat::UrcTable::HasPrefix(urc.line, "+IPCLOSE")) {
    if (ModeOfLine(urc.line) != options_.mode || state_ != State::kOpen) return;
    TransitionTo(State::kClosed);
    parts_.clear();
    if (awaiting_reply()) {
      // The IPSEND in flight will fail; its reply must not reach a closed socket's logic.
      pending_error_ = MakeError(Errc::kPeerClosed, "the peer closed the connection");
      return;
    }
    if (close_requested_ && !pending_error_) return Succeed();
    Finish(MakeError(Errc::kPeerClosed, "the peer closed the connection"));
  }
}

void IpSocket::OnTimer(chat::TimePoint) {}

}  // namespace uclink::control::inband
