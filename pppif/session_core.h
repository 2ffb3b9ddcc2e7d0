// The engine's view of the PPP protocol core: exactly the surface of pppif::Session, made virtual
// so the Asio engine, the one asynchronous seam, can be tested against a scripted fake.
// MakeSessionCore() wraps the real Session.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "pppif/session.h"

namespace uclink::pppif {

/// Bytes and packets in, actions out; see pppif/session.h for each call's meaning.
class SessionCore {
 public:
  virtual ~SessionCore() = default;

  /// Starts LCP negotiation.
  virtual void Open(Clock::time_point now) = 0;
  /// LCP Terminate-Request; Down{kLocalClose} follows.
  virtual void Close(Clock::time_point now) = 0;
  /// Bytes read from the line.
  virtual void OnLineBytes(std::span<const std::uint8_t> bytes, Clock::time_point now) = 0;
  /// EOF or an error on the line.
  virtual void OnLineClosed(Clock::time_point now) = 0;
  /// One IPv4 packet read from the TUN device.
  virtual void OnIpPacket(std::span<const std::uint8_t> packet, Clock::time_point now) = 0;
  /// The timer requested by the last SetTimer action fired.
  virtual void OnTimer(Clock::time_point now) = 0;
  /// Returns and clears the pending actions, in order.
  virtual std::vector<Action> TakeActions() = 0;

  virtual Phase phase() const = 0;
  virtual const Counters& counters() const = 0;
  virtual std::optional<IpConfig> ip() const = 0;
  /// The IPv6 side while IPV6CP is Opened (none unless SessionConfig::ipv6).
  virtual std::optional<Ipv6Link> ipv6() const { return std::nullopt; }
};

/// A SessionCore that forwards to a real pppif::Session built from `config`.
std::unique_ptr<SessionCore> MakeSessionCore(SessionConfig config);

}  // namespace uclink::pppif
