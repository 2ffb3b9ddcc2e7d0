// The daemon's side of interface.dns = "auto" and "resolved": when the link comes up it reads
// what the host offers, lets control/daemon/dns_policy.h decide, and performs the decision —
// systemd-resolved over D-Bus (resolved_client.h), or the resolvconf program or the resolv.conf
// file (pppif/dns.h). It puts resolved's settings back whenever resolved restarts, and takes
// everything back when the link goes down. A failure here is a log line and a `uclink doctor`
// finding, never a reason to take the link down (docs/system-integration.md, "DNS").
// interface.dns = "none" | "file" | "resolvconf" stay with the PPP backend, as before.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/config/config.h"
#include "control/daemon/dns_policy.h"
#include "control/daemon/resolved_client.h"
#include "pppif/dns.h"

namespace uclink::control {

/// Where the host facts are read (tests point them into a temp dir).
struct DnsHostPaths {
  std::string system_bus_socket = "/run/dbus/system_bus_socket";
  std::string resolvconf_program = "/sbin/resolvconf";
  std::string resolv_conf = "/etc/resolv.conf";
};

/// resolvconf installed, /etc/resolv.conf a plain file we may rename over; `resolved_on_bus`
/// is left unknown (the bus answers that).
DnsHostFacts ReadLocalDnsFacts(const DnsHostPaths& paths);

class DnsHandOff {
 public:
  explicit DnsHandOff(boost::asio::io_context& io, DnsHostPaths paths = {});
  ~DnsHandOff();
  DnsHandOff(const DnsHandOff&) = delete;
  DnsHandOff& operator=(const DnsHandOff&) = delete;

  /// The configured method; takes effect at the next LinkUp.
  void set_method(DnsMethod method) { method_ = method; }
  /// True for the methods this class performs ("auto", "resolved").
  static bool Handles(DnsMethod method) {
    return method == DnsMethod::kAuto || method == DnsMethod::kResolved;
  }

  /// The link is up with these servers (dotted quads, IPCP's order).
  void LinkUp(const std::string& ifname, const std::vector<std::string>& servers,
              bool holds_default_route);
  /// The router advertisement's RDNSS servers (RFC 8106) changed, or IPv6 went (empty): they
  /// follow IPCP's in whatever method is in use.
  void Ipv6Servers(const std::vector<std::string>& servers);
  /// The link went down: revert whatever was set.
  void LinkDown();

  /// The method in use for the current link ("" when none is up or not decided yet).
  std::string route() const { return route_ ? ToString(*route_) : ""; }

 private:
  struct Link {
    std::string ifname;
    int ifindex = 0;
    std::vector<std::string> servers;   ///< IPCP's (RFC 1877)
    std::vector<std::string> servers6;  ///< the RA's RDNSS (RFC 8106)
    bool default_route = false;
    std::vector<std::string> All() const;
  };

  void EnsureResolvedClient();
  void Decide();
  void Apply(const char* reason);
  void ApplyResolved(const char* reason);
  void ApplyFallback();
  void OnPresence(bool present);

  boost::asio::io_context& io_;
  DnsHostPaths paths_;
  DnsMethod method_ = DnsMethod::kAuto;
  std::unique_ptr<ResolvedClient> resolved_;  // created on the first link-up that needs it
  std::unique_ptr<pppif::DnsConfigurator> fallback_;
  std::optional<Link> link_;
  std::optional<DnsRoute> route_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::control
