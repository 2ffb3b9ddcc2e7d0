// The PppBackend for systems without kernel PPP: our Session on a TUN device, configured through
// rtnetlink, DNS handed off per DnsOptions (docs/ppp-engine.md).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pppif/backend.h"
#include "pppif/dns.h"
#include "pppif/engine.h"
#include "pppif/netlink.h"
#include "pppif/session.h"
#include "pppif/tun.h"
#include "pppif/userspace_ipv6.h"

namespace uclink::pppif {

/// Everything the userspace backend needs from configuration.
struct UserspaceBackendOptions {
  SessionConfig session;
  EngineOptions engine;
  TunOptions tun;  ///< empty name: ppp0 when free, else the next free pppN
  /// Add 0.0.0.0/0 via the PPP interface with this metric while the link is up.
  std::optional<std::uint32_t> default_route_metric;
  DnsOptions dns;
};

/// Userspace PPP on TUN. The TUN device exists from Start() until on_down; addresses, route and
/// DNS exist from on_up until just before on_down.
class UserspacePppBackend final : public PppBackend {
 public:
  /// Opens the rtnetlink socket now, in the calling thread's network namespace; TUN devices are
  /// created there too (Start() must run on a thread in the same namespace).
  static std::unique_ptr<UserspacePppBackend> Create(boost::asio::io_context& io,
                                                     UserspaceBackendOptions options,
                                                     std::error_code& ec);
  /// Drops a running link without callbacks: undoes DNS and interface settings, closes TUN.
  ~UserspacePppBackend() override;

  /// Creates the TUN device and starts the engine; kAlreadyStarted while running, or the TUN
  /// error (system_category) with no callback to follow.
  std::error_code Start(int line_fd, std::vector<std::uint8_t> leftover) override;
  void Stop() override;
  /// Pauses the engine's line I/O and keepalive timer (Engine::Suspend); TUN keeps its state.
  void Suspend() override;
  void Resume(int line_fd, std::vector<std::uint8_t> leftover) override;
  BackendStatus status() const override;
  std::string_view name() const override { return "userspace"; }
  /// Always empty: the engine keeps no bytes for the AT side; it stops at NO CARRIER
  /// (HdlcSink::OnNoCarrier) and the link ends.
  std::vector<std::uint8_t> TakeAtChannelBytes() override { return {}; }

  /// The engine's I/O counters of the current or last link (nullptr before the first Start()).
  const EngineCounters* engine_counters() const;
  /// The DNS hand-off error of the current link, if any (the link stays up without DNS).
  std::error_code dns_error() const { return dns_error_; }
  /// The IPv6 setup error of the current link, if any (the IPv4 link stays up without IPv6).
  std::error_code ipv6_error() const { return ipv6_error_; }

 private:
  UserspacePppBackend(boost::asio::io_context& io, UserspaceBackendOptions options,
                      std::unique_ptr<RouteNetlink> netlink);

  void OnEngineUp(const IpConfig& ip, const std::string& ifname);
  void OnEngineDown(DownReason reason, const std::string& detail);
  void OnEngineIpv6(const std::optional<Ipv6Link>& link, const std::string& ifname);
  // Removes DNS and interface settings and closes TUN.
  void Teardown();
  void OnIpv6Changed(const std::optional<Ipv6Status>& ipv6);

  boost::asio::io_context& io_;
  UserspaceBackendOptions options_;
  std::unique_ptr<RouteNetlink> netlink_;
  InterfaceSetup setup_;
  DnsConfigurator dns_;
  TunDevice tun_;
  UserspaceIpv6 ipv6_;
  std::unique_ptr<Engine> engine_;
  bool running_ = false;
  std::string ifname_;
  std::string setup_failure_;
  std::error_code dns_error_;
  std::vector<Ipv4> dns4_;         ///< IPCP's servers, while up
  std::vector<std::string> dns6_;  ///< the RA's RDNSS servers, while IPv6 is up
  std::error_code ipv6_error_;
  std::optional<DownReason> last_down_;
  std::string last_detail_;
};

}  // namespace uclink::pppif
