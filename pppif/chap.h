// CHAP with MD5 as the authenticated peer (RFC 1994 §4).
#pragma once

#include <array>

#include "pppif/auth.h"

namespace uclink::pppif {

/// RFC 1994 §4.1: MD5 over Identifier ‖ secret ‖ Challenge-Value (pppd chap-md5.c order).
std::array<std::uint8_t, 16> ChapMd5Response(std::uint8_t id, std::string_view secret,
                                             ByteSpan challenge);

class ChapClient final : public AuthClient {
 public:
  /// Fails when no Challenge, or no result after our Response, arrives within `wait`.
  ChapClient(Credentials credentials, FsmClock::duration wait, ControlSink& sink);

  void Start(FsmClock::time_point now) override;
  void OnPacket(ByteSpan packet, FsmClock::time_point now) override;
  void OnTimer(FsmClock::time_point now) override;
  std::optional<FsmClock::time_point> deadline() const override { return deadline_; }
  AuthStatus status() const override { return status_; }
  const std::string& failure() const override { return failure_; }

 private:
  void Respond(const ControlPacket& challenge, FsmClock::time_point now);

  Credentials credentials_;
  FsmClock::duration wait_;
  ControlSink& sink_;
  std::optional<std::uint8_t> answered_id_;
  std::optional<FsmClock::time_point> deadline_;
  AuthStatus status_ = AuthStatus::kInProgress;
  std::string failure_;
};

}  // namespace uclink::pppif
