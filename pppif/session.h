// The userspace PPP client as one pure object: line bytes and IP packets in, actions out.
// Layers underneath (RFC 1662 framing, the RFC 1661 automaton, LCP/PAP/CHAP/IPCP policies) are
// private to pppif/; the Asio shell (pppif/engine.h) only sees this interface.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "pppif/ipv4.h"

namespace uclink::pppif {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

/// What the caller configures; credentials are used for PAP/CHAP and never logged.
struct SessionConfig {
  std::uint16_t mru = 1500;
  std::string username;
  std::string password;
  std::chrono::seconds echo_interval{30};  ///< 0 disables LCP echo keepalive.
  int echo_failures = 4;
  std::chrono::seconds restart_timer{3};  ///< RFC 1661 §4.6
  int max_configure = 10;
  int max_terminate = 2;
  int max_failure_lcp = 5;
  int max_failure_ipcp = 100;     ///< docs/ppp.md, "Pitfalls: Nak-stalling"
  std::uint32_t magic = 0;        ///< first LCP Magic-Number; 0 = drawn from random_seed
  std::uint32_t random_seed = 0;  ///< seeds magic numbers; 0 = std::random_device
  /// Address we Nak a peer with when it asks for 0.0.0.0 for itself (docs/ppp.md, "Pitfalls: A
  /// peer asking for 0.0.0.0 is Nak'd"), and the peer address reported when it gives none
  /// (pppd's default remote).
  Ipv4 peer_placeholder{10, 64, 64, 64};
  std::chrono::seconds auth_timeout{30};  ///< CHAP wait for Challenge/result
  int pap_max_requests = 10;              ///< PAP retransmits every restart_timer
  /// Negotiate IPV6CP (RFC 5072) and carry IPv6 (network.pdp_type "IPV6"). false: IPV6CP and
  /// IPv6 frames are Protocol-Rejected (RFC 1661 §5.7). IPCP runs either way.
  bool ipv6 = false;
  /// Our first IPV6CP Interface-Identifier; all zero: drawn from random_seed (RFC 5072 §4.1).
  std::array<std::uint8_t, 8> interface_id{};
  int max_failure_ipv6cp = 5;  ///< RFC 1661 §4.6 default: Naks before giving up on IPv6
};

/// Why the link went down; each is reported distinctly.
enum class DownReason {
  kEchoTimeout,        ///< LCP echo requests went unanswered
  kNoCarrier,          ///< "NO CARRIER" text seen in the data stream
  kLineClosed,         ///< EOF or error on the line
  kPeerTerminated,     ///< peer sent LCP Terminate-Request
  kLocalClose,         ///< Close() was called
  kNegotiationFailed,  ///< Max-Configure / Max-Failure exhausted, or a protocol rejected
  kAuthFailed,         ///< PAP Nak or CHAP Failure
  kLoopback,           ///< magic-number loop-back detected
};
const char* ToString(DownReason reason);

/// Negotiated parameters once IPCP is Opened: only values the peer Acked.
struct IpConfig {
  Ipv4 local{};
  Ipv4 peer{};
  std::optional<Ipv4> dns1;
  std::optional<Ipv4> dns2;
  std::uint16_t mtu = 1500;  ///< from the peer's MRU
};

/// The IPv6 side once IPV6CP is Opened (docs/ppp-engine.md, "IPv6"): the negotiated
/// Interface-Identifiers and the DNS servers of the last Router Advertisement's RDNSS option.
struct Ipv6Link {
  std::array<std::uint8_t, 8> local_id{};
  std::optional<std::array<std::uint8_t, 8>> peer_id;  ///< nullopt: the peer asked for none
  std::vector<std::array<std::uint8_t, 16>> dns;       ///< RFC 8106 RDNSS, lifetime > 0
  bool operator==(const Ipv6Link&) const = default;
};

/// Counters exposed for status and monitoring.
struct Counters {
  std::uint64_t line_bytes_in = 0, line_bytes_out = 0;
  std::uint64_t frames_in = 0, frames_out = 0;
  std::uint64_t ip_packets_in = 0, ip_packets_out = 0;
  std::uint64_t fcs_errors = 0, dropped = 0;
  std::uint64_t framing_errors = 0;  ///< runt, aborted, oversized or bad-header frames
  std::uint64_t echo_requests_sent = 0;
  std::uint64_t looped_frames = 0;  ///< our own LCP echoes or IPv4 packets received back
  std::uint64_t ipv6_dropped = 0;   ///< IPv6 frames or packets while IPV6CP is not Opened
  std::optional<std::chrono::microseconds> echo_rtt;
  std::uint32_t local_magic = 0, peer_magic = 0;
};

enum class Phase { kDead, kEstablish, kAuthenticate, kNetwork, kRunning, kTerminate };
const char* ToString(Phase phase);

namespace action {
/// Write these bytes to the line with one write (one or more complete HDLC frames).
struct WriteLine {
  Bytes bytes;
};
/// Hand this IP packet (IPv4, or IPv6 once IPV6CP is Opened) to the TUN device.
struct DeliverIp {
  Bytes packet;
};
/// Call OnTimer() at (or after) this time; replaces any earlier request.
struct SetTimer {
  Clock::time_point deadline;
};
/// IPCP reached Opened: configure the interface.
struct Up {
  IpConfig ip;
};
/// IPV6CP reached Opened (`link` set), its DNS servers changed, or it left Opened (nullopt).
struct Ipv6 {
  std::optional<Ipv6Link> link;
};
/// The link is finished; the session is in kDead and must not be fed further.
struct Down {
  DownReason reason;
  std::string detail;
};
}  // namespace action

using Action = std::variant<action::WriteLine, action::DeliverIp, action::SetTimer, action::Up,
                            action::Down, action::Ipv6>;

/// A PPP client session (authenticatee only). One instance per data-mode call.
class Session {
 public:
  explicit Session(SessionConfig config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Starts LCP negotiation (RFC 1661 Open + Up).
  void Open(Clock::time_point now);
  /// Closes gracefully: LCP Terminate-Request; Down{kLocalClose} follows.
  void Close(Clock::time_point now);
  /// Bytes read from the line (any split).
  void OnLineBytes(std::span<const std::uint8_t> bytes, Clock::time_point now);
  /// The line reported EOF or an error.
  void OnLineClosed(Clock::time_point now);
  /// An IP packet read from the TUN device: IPv4 is dropped until IPCP is Opened, IPv6 until
  /// IPV6CP is (and always without SessionConfig::ipv6).
  void OnIpPacket(std::span<const std::uint8_t> packet, Clock::time_point now);
  /// The timer requested by SetTimer fired.
  void OnTimer(Clock::time_point now);

  /// Returns and clears the actions accumulated since the last call, in order.
  std::vector<Action> TakeActions();

  Phase phase() const;
  const Counters& counters() const;
  std::optional<IpConfig> ip() const;
  /// The IPv6 side while IPV6CP is Opened.
  std::optional<Ipv6Link> ipv6() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uclink::pppif
