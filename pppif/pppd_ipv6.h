// The pppd backend's IPv6 side (docs/ppp-engine.md, "IPv6"): pppd +ipv6 negotiates IPV6CP and
// sets the link-local address on the kernel's ppp interface, and the kernel runs SLAAC there; so
// the backend reads both from rtnetlink, woken by address notifications
// (pppif/address_events.h), and adds ::/0 with the IPv4 metric rule. The RA itself never passes
// through uclink on this path, so no RDNSS is read (left to the system resolver).
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
#include "pppif/netlink.h"

namespace uclink::pppif {

/// IPv6 status of a link from its interface's addresses: the link-local one (and its peer when
/// the kernel reports one), the global ones; nullopt without a link-local address (IPV6CP not
/// Opened).
std::optional<Ipv6Status> Ipv6StatusFrom(const std::vector<Ipv6AddressEntry>& addresses);

class PppdIpv6 {
 public:
  using Changed = std::function<void(const std::optional<Ipv6Status>& ipv6)>;

  PppdIpv6(boost::asio::io_context& io, Changed changed);
  ~PppdIpv6();
  PppdIpv6(const PppdIpv6&) = delete;
  PppdIpv6& operator=(const PppdIpv6&) = delete;

  /// Starts following `ifname` (after ip-up); adds ::/0 with `metric` when given. Errors
  /// (netlink) leave IPv6 unreported; the IPv4 link is unaffected.
  std::error_code Start(const std::string& ifname, std::optional<std::uint32_t> metric);
  /// Stops following, removes the route, reports nullopt if IPv6 was reported.
  void Stop();
  const std::optional<Ipv6Status>& status() const { return status_; }

 private:
  void Watch();
  void Refresh();

  boost::asio::io_context& io_;
  Changed changed_;
  std::unique_ptr<RouteNetlink> netlink_;
  std::unique_ptr<Ipv6AddressEvents> events_;
  boost::asio::posix::stream_descriptor watch_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  int ifindex_ = 0;
  std::optional<std::uint32_t> route_metric_;  // the ::/0 route added
  std::optional<Ipv6Status> status_;
};

}  // namespace uclink::pppif
