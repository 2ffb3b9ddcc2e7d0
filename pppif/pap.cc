#include "pppif/pap.h"

#include <algorithm>
#include <utility>

namespace uclink::pppif {

const char* ToString(AuthStatus status) {
  switch (status) {
    case AuthStatus::kInProgress:
      return "in progress";
    case AuthStatus::kSucceeded:
      return "succeeded";
    case AuthStatus::kFailed:
      return "failed";
  }
  return "?";
}

namespace {

// RFC 1334 §2.2: code 1 Authenticate-Request, 2 Ack, 3 Nak.
constexpr std::uint8_t kAuthenticateRequest = 1;
constexpr std::uint8_t kAuthenticateAck = 2;
constexpr std::uint8_t kAuthenticateNak = 3;

// The peer's Msg-Length/Message, kept printable so it is safe in a status line.
std::string PeerMessage(ByteSpan data) {
  if (data.empty()) return {};
  const std::size_t length = std::min<std::size_t>(data[0], data.size() - 1);
  std::string text;
  for (std::size_t i = 0; i < length; ++i) {
    const char c = static_cast<char>(data[1 + i]);
    text.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  }
  return text;
}

}  // namespace

PapClient::PapClient(Credentials credentials, FsmClock::duration restart, int max_requests,
                     ControlSink& sink)
    : credentials_(std::move(credentials)),
      restart_(restart),
      max_requests_(max_requests),
      sink_(sink) {}

void PapClient::Start(FsmClock::time_point now) { SendRequest(now); }

void PapClient::SendRequest(FsmClock::time_point now) {
  // RFC 1334 §2.2.1: Peer-ID and Password, each with a one-octet length (so at most 255).
  const std::string& user = credentials_.username;
  const std::string& pass = credentials_.password;
  const std::size_t user_len = std::min<std::size_t>(user.size(), 255);
  const std::size_t pass_len = std::min<std::size_t>(pass.size(), 255);
  std::vector<std::uint8_t> data;
  data.push_back(static_cast<std::uint8_t>(user_len));
  data.insert(data.end(), user.begin(), user.begin() + user_len);
  data.push_back(static_cast<std::uint8_t>(pass_len));
  data.insert(data.end(), pass.begin(), pass.begin() + pass_len);
  ++id_;
  ++sent_;
  sink_.SendControl(kProtoPap, BuildControlPacket(kAuthenticateRequest, id_, data));
  deadline_ = now + restart_;
}

void PapClient::OnPacket(ByteSpan packet, FsmClock::time_point) {
  const std::optional<ControlPacket> p = ParseControlPacket(packet);
  if (!p || status_ != AuthStatus::kInProgress || p->id != id_) return;
  if (p->code == kAuthenticateAck) return Finish(AuthStatus::kSucceeded, {});
  if (p->code == kAuthenticateNak) {
    return Finish(AuthStatus::kFailed, "PAP rejected: " + PeerMessage(p->data));
  }
}

void PapClient::OnTimer(FsmClock::time_point now) {
  if (!deadline_ || now < *deadline_ || status_ != AuthStatus::kInProgress) return;
  if (sent_ >= max_requests_) return Finish(AuthStatus::kFailed, "PAP: no answer");
  SendRequest(now);
}

void PapClient::Finish(AuthStatus status, std::string failure) {
  status_ = status;
  failure_ = std::move(failure);
  deadline_.reset();
}

}  // namespace uclink::pppif
