// The authenticatee side of PPP authentication (RFC 1334 PAP, RFC 1994 CHAP-MD5). Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "pppif/fsm.h"
#include "pppif/packet.h"

namespace uclink::pppif {

enum class AuthStatus { kInProgress, kSucceeded, kFailed };
const char* ToString(AuthStatus status);

/// Credentials come from configuration and are never logged or put in any status text.
struct Credentials {
  std::string username;
  std::string password;
};

/// One authentication protocol run as the authenticated peer.
class AuthClient {
 public:
  virtual ~AuthClient() = default;
  /// Starts the phase (RFC 1661 §3.5) once LCP is Opened.
  virtual void Start(FsmClock::time_point now) = 0;
  /// A packet of this protocol arrived.
  virtual void OnPacket(ByteSpan packet, FsmClock::time_point now) = 0;
  /// Retransmission or give-up when the deadline is due.
  virtual void OnTimer(FsmClock::time_point now) = 0;
  virtual std::optional<FsmClock::time_point> deadline() const = 0;
  virtual AuthStatus status() const = 0;
  /// Why it failed, for the Down detail (peer message or timeout; never a credential).
  virtual const std::string& failure() const = 0;
};

}  // namespace uclink::pppif
