// The PppBackend that runs pppd on kernel PPP (/dev/ppp) behind a pty bridge: uclink
// keeps the serial port, pppd gets the pty slave, PppdBridge copies bytes and spots NO CARRIER,
// //pppif:pppd_hook reports ip-up/ip-down over a datagram socket, pppd's exit status becomes the
// DownReason. The Asio shell around the pure pieces in pppif/pppd_*.h. pppd runs with
// nodefaultroute and without its own resolv.conf handling (BuildPppdArgv): on ip-up this backend
// adds the default route and hands DNS over through pppif/netlink.h and pppif/dns.h, exactly as
// the userspace backend does, and takes both back on ip-down or when pppd exits.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pppif/backend.h"
#include "pppif/dns.h"
#include "pppif/netlink.h"
#include "pppif/pppd_exit.h"
#include "pppif/pppd_ipv6.h"
#include "pppif/pppd_options.h"

namespace uclink::pppif {

/// Configuration of the pppd backend. `pppd.tty`, `pppd.secrets_file` and `pppd.event_socket`
/// are filled in by Start(); everything else is passed through BuildPppdArgv.
struct PppdBackendOptions {
  PppdOptions pppd;
  std::string password;  ///< PAP/CHAP secret: goes to the 0600 secrets file only, never logged
  std::string runtime_dir = "/run/uclink";  ///< parent of the per-session private directory
  /// Stop(): SIGTERM first (pppd sends LCP Terminate-Request, exits 5), SIGKILL after this;
  /// a live peer answers within a round trip, and 5 s is what NetworkManager gives pppd too.
  std::chrono::milliseconds stop_timeout{5000};
  /// How long a mid-frame NO CARRIER waits for a flag (pppif/pppd_bridge.h).
  std::chrono::milliseconds no_carrier_confirm{500};
  /// Per-direction bound on bytes queued for writing; reading the source pauses above it.
  std::size_t queue_high_water = 64 * 1024;
  /// Add 0.0.0.0/0 via pppd's interface with this metric from ip-up to ip-down.
  std::optional<std::uint32_t> default_route_metric;
  /// Where the DNS servers from ip-up (usepeerdns: DNS1/DNS2) go.
  DnsOptions dns;
};

/// The kernel PPP channel device pppd opens (ppp_generic).
inline constexpr const char* kPppDevicePath = "/dev/ppp";

/// Whether the pppd backend can run here: pppd is executable and `ppp_device` opens read-write
/// (what backend = "auto" asks: docs/configuration.md). `why_not` is the failing step's errno.
bool PppdBackendAvailable(const std::string& pppd_path, std::error_code& why_not,
                          const std::string& ppp_device = kPppDevicePath);

/// The DownReason a pppd termination means, given what the bridge and Stop() saw.
DownReason DownReasonFor(const PppdTermination& termination, bool carrier_lost,
                         bool stop_requested);

class PppdBackend final : public PppBackend {
 public:
  /// Validates the static argv; opens the rtnetlink socket when a default route is configured,
  /// in the calling thread's network namespace (the io_context thread must be in the same one:
  /// pppd's interface is looked up by name there).
  static std::unique_ptr<PppdBackend> Create(boost::asio::io_context& io,
                                             PppdBackendOptions options, std::error_code& ec);
  /// Kills a running pppd (SIGKILL, reaped) and removes the private directory; no callbacks.
  ~PppdBackend() override;

  /// Creates the pty and private directory, binds the event socket, spawns pppd and starts the
  /// bridge with `leftover` first. Errors: InterfaceErrc::kAlreadyStarted, PppdErrc (argv,
  /// secrets), system_category (pty, spawn); no callback follows an error.
  std::error_code Start(int line_fd, std::vector<std::uint8_t> leftover) override;
  /// SIGTERM to pppd; on_down(kLocalClose) follows when it exits (SIGKILL after stop_timeout).
  void Stop() override;
  /// Pauses the pty bridge: the port is neither read nor written; pppd keeps running.
  void Suspend() override;
  void Resume(int line_fd, std::vector<std::uint8_t> leftover) override;
  BackendStatus status() const override;
  std::string_view name() const override { return "pppd"; }
  /// Module bytes that followed NO CARRIER (result codes for the AT channel) of the last link:
  /// the bridge reads the port for pppd and keeps what came after it (bounded).
  std::vector<std::uint8_t> TakeAtChannelBytes() override;
  /// pppd's argv of the current or last link (contains no secret).
  const std::vector<std::string>& last_argv() const { return last_argv_; }
  /// How pppd ended last time.
  const PppdTermination& last_termination() const { return last_termination_; }
  /// Why the default route of the current or last link could not be added (the link stays up).
  std::error_code route_error() const { return route_error_; }
  /// The DNS hand-off error of the current or last link, if any (the link stays up without DNS).
  std::error_code dns_error() const { return dns_error_; }

 private:
  struct Run;
  PppdBackend(boost::asio::io_context& io, PppdBackendOptions options,
              std::unique_ptr<RouteNetlink> netlink);
  void Finish(const std::shared_ptr<Run>& run, const PppdTermination& termination);
  // ip-up: default route and DNS for `ip` on `ifname`, then on_up.
  void OnIpUp(const IpConfig& ip, const std::string& ifname);
  // Removes what OnIpUp added; idempotent (ip-down, pppd exit, destruction).
  void UndoRouteAndDns();

  boost::asio::io_context& io_;
  PppdBackendOptions options_;
  std::unique_ptr<RouteNetlink> netlink_;  // null without default_route_metric
  DnsConfigurator dns_;
  PppdIpv6 ipv6_;  // with pppd.ipv6: follows the interface's IPv6 addresses after ip-up
  std::optional<DefaultRoute> route_;  // the route OnIpUp added
  std::error_code route_error_, dns_error_;
  std::shared_ptr<Run> run_;
  BackendStatus status_;
  std::vector<std::uint8_t> at_channel_bytes_;
  std::vector<std::string> last_argv_;
  PppdTermination last_termination_;
};

}  // namespace uclink::pppif
