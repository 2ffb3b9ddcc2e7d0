#include "pppif/chap.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "pppif/md5.h"

namespace uclink::pppif {
namespace {

// RFC 1994 §4: 1 Challenge, 2 Response, 3 Success, 4 Failure.
constexpr std::uint8_t kChallenge = 1;
constexpr std::uint8_t kResponse = 2;
constexpr std::uint8_t kSuccess = 3;
constexpr std::uint8_t kFailure = 4;

}  // namespace

std::array<std::uint8_t, 16> ChapMd5Response(std::uint8_t id, std::string_view secret,
                                             ByteSpan challenge) {
  // MD5 is what RFC 1994 algorithm 5 mandates: MD5(Identifier ‖ secret ‖ Challenge Value).
  Md5 md5;
  md5.Update(std::span<const std::uint8_t>(&id, 1));
  md5.Update(std::span(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()));
  md5.Update(challenge);
  return md5.Final();
}

ChapClient::ChapClient(Credentials credentials, FsmClock::duration wait, ControlSink& sink)
    : credentials_(std::move(credentials)), wait_(wait), sink_(sink) {}

void ChapClient::Start(FsmClock::time_point now) { deadline_ = now + wait_; }

void ChapClient::OnPacket(ByteSpan packet, FsmClock::time_point now) {
  const std::optional<ControlPacket> p = ParseControlPacket(packet);
  if (!p) return;
  switch (p->code) {
    case kChallenge:
      // RFC 1994 §4.1: answer every Challenge, also periodic ones after Success.
      if (status_ != AuthStatus::kFailed) Respond(*p, now);
      return;
    case kSuccess:
      if (status_ == AuthStatus::kInProgress && answered_id_ == p->id) {
        status_ = AuthStatus::kSucceeded;
        deadline_.reset();
      }
      return;
    case kFailure:
      if (answered_id_ == p->id && status_ != AuthStatus::kFailed) {
        status_ = AuthStatus::kFailed;
        failure_ = "CHAP failure from peer";
        deadline_.reset();
      }
      return;
    default:
      return;  // RFC 1994 §4: unknown codes are silently discarded
  }
}

void ChapClient::Respond(const ControlPacket& challenge, FsmClock::time_point now) {
  if (challenge.data.empty()) return;
  const std::size_t size = challenge.data[0];
  if (size == 0 || size + 1 > challenge.data.size()) return;  // malformed Value-Size
  const auto digest =
      ChapMd5Response(challenge.id, credentials_.password, challenge.data.subspan(1, size));
  std::vector<std::uint8_t> data;
  data.push_back(static_cast<std::uint8_t>(digest.size()));
  data.insert(data.end(), digest.begin(), digest.end());
  data.insert(data.end(), credentials_.username.begin(), credentials_.username.end());
  answered_id_ = challenge.id;
  sink_.SendControl(kProtoChap, BuildControlPacket(kResponse, challenge.id, data));
  if (status_ == AuthStatus::kInProgress) deadline_ = now + wait_;
}

void ChapClient::OnTimer(FsmClock::time_point now) {
  if (!deadline_ || now < *deadline_ || status_ != AuthStatus::kInProgress) return;
  status_ = AuthStatus::kFailed;
  failure_ = answered_id_ ? "CHAP: no result" : "CHAP: no challenge";
  deadline_.reset();
}

}  // namespace uclink::pppif
