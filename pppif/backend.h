// How the connection manager runs PPP once the module answered CONNECT to AT+CGDATA="PPP",1
// (UC8088 manual §2.15): it hands the line descriptor, and the bytes chat/ already read past
// CONNECT, to a PppBackend, then waits for on_up / on_down.
//
// Implementations: UserspacePppBackend (pppif/userspace_backend.h: our PPP client on a TUN
// device, for systems without kernel PPP) and, later, one that runs pppd on /dev/ppp.
//
// Contract, common to every implementation:
//   - Start() begins negotiation at once; errors it can detect synchronously (no TUN device, a
//     second Start while running) are returned and no callback follows.
//   - on_up(ip, ifname) fires when IPCP is Opened and the interface is configured (addresses,
//     MTU, link up, default route and DNS if configured); it may fire again after a
//     renegotiation.
//   - on_down(reason, detail) fires exactly once per successful Start(), after the interface
//     configuration is undone and the backend no longer touches the line descriptor. The line
//     then belongs to chat/ again (typically "+++"/ATH or waiting for NO CARRIER).
//   - Stop() asks for a clean LCP Terminate; on_down(kLocalClose, ...) follows within a bound.
//     While suspended, Stop() sends nothing (the line is not ours): on_down(kLocalClose) follows
//     at once and the caller hangs up from command mode.
//   - Suspend() / Resume() bracket a monitoring slice on a single port (docs/state-machine.md):
//     after Suspend() the backend neither reads nor writes the line and does not hold it (the AT
//     channel may adopt the descriptor for "+++", AT+CSQ, ATO); the link, the interface and the
//     PPP state stay as they are, frames to send wait (bounded) and keepalive timers are paused.
//     Resume(fd, leftover) takes the line back after CONNECT to ATO (possibly a new descriptor
//     for the same port) and feeds `leftover` first. A failure to take the line back ends the
//     link through on_down.
//   - Callbacks run on the io_context thread, never from inside Start() or Stop().
//   - The caller keeps ownership of line_fd and must keep it open until on_down.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "pppif/session.h"

namespace uclink::pppif {

/// One IPv6 address with its prefix length, as text ("2001:db8:1::11", 64).
struct Ipv6Address {
  std::string address;
  int prefix_len = 0;
  bool operator==(const Ipv6Address&) const = default;
};

/// The IPv6 side of the link (docs/ppp-engine.md, "IPv6"): the link-local addresses IPV6CP
/// formed, the global ones the kernel formed by SLAAC, and the RA's RDNSS servers.
struct Ipv6Status {
  std::string link_local;
  std::optional<std::string> peer_link_local;
  std::vector<Ipv6Address> addresses;  ///< global (not fe80::/10)
  std::vector<std::string> dns;
  bool operator==(const Ipv6Status&) const = default;
};

/// A backend's state for `uclink status` and monitoring.
struct BackendStatus {
  bool running = false;    ///< between a successful Start() and on_down
  bool suspended = false;  ///< between Suspend() and Resume(): the line is lent to the AT side
  Phase phase = Phase::kDead;
  std::string ifname;                   ///< empty before the first Start()
  std::optional<IpConfig> ip;           ///< while IPCP is Opened
  std::optional<Ipv6Status> ipv6;       ///< while IPV6CP is Opened (pdp_type IPV6)
  Counters counters;                    ///< bytes, frames, FCS errors, echo RTT, magic numbers
  std::optional<DownReason> last_down;  ///< why the previous link ended
  std::string last_detail;              ///< its detail text
};

/// Runs the PPP link over a line descriptor in data mode.
class PppBackend {
 public:
  using UpHandler = std::function<void(const IpConfig& ip, const std::string& ifname)>;
  using DownHandler = std::function<void(DownReason reason, const std::string& detail)>;
  using Ipv6Handler = std::function<void(const std::optional<Ipv6Status>& ipv6)>;

  virtual ~PppBackend() = default;

  /// Sets the handler for "link up and interface configured".
  void set_on_up(UpHandler handler) { on_up_ = std::move(handler); }
  /// Sets the handler for "link finished".
  void set_on_down(DownHandler handler) { on_down_ = std::move(handler); }
  /// Sets the handler for "the IPv6 side changed": IPV6CP up, an address formed or gone, new
  /// RDNSS servers (a value), or IPv6 gone (nullopt). Fires before on_down when IPv6 was up.
  void set_on_ipv6(Ipv6Handler handler) { on_ipv6_ = std::move(handler); }

  /// Starts PPP on `line_fd`; `leftover` holds the bytes read after CONNECT, fed first.
  virtual std::error_code Start(int line_fd, std::vector<std::uint8_t> leftover) = 0;
  /// Clean close (LCP Terminate); on_down follows. No effect when not running.
  virtual void Stop() = 0;
  /// Stops touching the line until Resume(); the link stays up. No effect unless running.
  virtual void Suspend() = 0;
  /// Takes the line back after ATO → CONNECT; `leftover` are the bytes read after CONNECT.
  /// No effect unless suspended.
  virtual void Resume(int line_fd, std::vector<std::uint8_t> leftover) = 0;
  /// The current state, negotiated parameters and counters.
  virtual BackendStatus status() const = 0;
  /// Which backend this is, as `uclink status` shows it: "pppd" or "userspace".
  virtual std::string_view name() const = 0;
  /// Takes the module's bytes that followed NO CARRIER on the last link (result codes, URCs
  /// such as "+CGREG: 0") and that the backend read but the AT channel must still see; empty
  /// when it kept none.
  virtual std::vector<std::uint8_t> TakeAtChannelBytes() = 0;

 protected:
  void NotifyUp(const IpConfig& ip, const std::string& ifname) {
    if (auto handler = on_up_; handler) handler(ip, ifname);
  }
  void NotifyDown(DownReason reason, const std::string& detail) {
    if (auto handler = on_down_; handler) handler(reason, detail);
  }
  void NotifyIpv6(const std::optional<Ipv6Status>& ipv6) {
    if (auto handler = on_ipv6_; handler) handler(ipv6);
  }

 private:
  UpHandler on_up_;
  DownHandler on_down_;
  Ipv6Handler on_ipv6_;
};

}  // namespace uclink::pppif
