// PAP as the authenticated peer (RFC 1334 §2).
#pragma once

#include "pppif/auth.h"

namespace uclink::pppif {

class PapClient final : public AuthClient {
 public:
  /// Retransmits every `restart` up to `max_requests` times (pppd: 3 s × 10).
  PapClient(Credentials credentials, FsmClock::duration restart, int max_requests,
            ControlSink& sink);

  void Start(FsmClock::time_point now) override;
  void OnPacket(ByteSpan packet, FsmClock::time_point now) override;
  void OnTimer(FsmClock::time_point now) override;
  std::optional<FsmClock::time_point> deadline() const override { return deadline_; }
  AuthStatus status() const override { return status_; }
  const std::string& failure() const override { return failure_; }

 private:
  void SendRequest(FsmClock::time_point now);
  void Finish(AuthStatus status, std::string failure);

  Credentials credentials_;
  FsmClock::duration restart_;
  int max_requests_;
  ControlSink& sink_;
  int sent_ = 0;
  std::uint8_t id_ = 0;
  std::optional<FsmClock::time_point> deadline_;
  AuthStatus status_ = AuthStatus::kInProgress;
  std::string failure_;
};

}  // namespace uclink::pppif
