// The userspace backend's IPv6 side (docs/ppp-engine.md, "IPv6"): when the engine reports
// IPV6CP Opened it configures the interface (pppif/ipv6_setup.h), then follows the addresses the
// kernel forms by SLAAC through rtnetlink notifications (pppif/address_events.h) and reports
// every change as an Ipv6Status.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "pppif/address_events.h"
#include "pppif/backend.h"
#include "pppif/ipv6_setup.h"
#include "pppif/netlink.h"
#include "pppif/session.h"

namespace uclink::pppif {

class UserspaceIpv6 {
 public:
  using Changed = std::function<void(const std::optional<Ipv6Status>& ipv6)>;

  UserspaceIpv6(boost::asio::io_context& io, RouteNetlink& netlink,
                std::optional<std::uint32_t> default_route_metric, Changed changed);
  ~UserspaceIpv6();
  UserspaceIpv6(const UserspaceIpv6&) = delete;
  UserspaceIpv6& operator=(const UserspaceIpv6&) = delete;

  /// The engine's on_ipv6: IPV6CP Opened or new RDNSS servers (a value), or IPV6CP down.
  /// Returns the setup error, if any (IPv6 then stays off; the IPv4 link is unaffected).
  std::error_code OnLink(const std::optional<Ipv6Link>& link, int ifindex,
                         const std::string& ifname);
  /// Removes what OnLink configured and stops watching, without reporting.
  void Reset();
  const std::optional<Ipv6Status>& status() const { return status_; }

 private:
  void Watch();
  void Refresh();
  void Publish(std::optional<Ipv6Status> next);

  boost::asio::io_context& io_;
  RouteNetlink& netlink_;
  std::optional<std::uint32_t> metric_;
  Changed changed_;
  Ipv6InterfaceSetup setup_;
  std::unique_ptr<Ipv6AddressEvents> events_;
  boost::asio::posix::stream_descriptor watch_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  int ifindex_ = 0;
  std::optional<Ipv6Status> status_;
};

}  // namespace uclink::pppif
