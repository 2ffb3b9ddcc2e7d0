// Interface configuration through rtnetlink (libnl-route-3): MTU, the point-to-point address,
// link state and an optional default route — no shelling out to ip(8). Each RouteNetlink owns one
// NETLINK_ROUTE socket, which stays bound to the network namespace of the thread that created it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "pppif/ipv4.h"

struct nl_sock;

namespace uclink::pppif {

/// libnl's error numbers (NLE_*), positive, with nl_geterror() as the message.
const std::error_category& NetlinkCategory();

/// What the kernel reports for a link.
struct LinkState {
  std::string name;
  unsigned mtu = 0;
  bool up = false;  ///< IFF_UP set administratively
};

/// One IPv4 address on a link.
struct AddressEntry {
  Ipv4 local{};
  std::optional<Ipv4> peer;  ///< set for point-to-point addresses
  int prefix_length = 0;
  bool operator==(const AddressEntry&) const = default;
};

/// An IPv6 address in network byte order (the alias of pppif/ra.h and pppif/session.h).
using Ipv6 = std::array<std::uint8_t, 16>;

/// One IPv6 address on a link.
struct Ipv6AddressEntry {
  Ipv6 address{};
  int prefix_length = 0;
  bool link_local = false;   ///< fe80::/10 (RFC 4291 §2.5.6)
  std::optional<Ipv6> peer;  ///< IFA_ADDRESS when it differs (pppd sets the peer's link-local)
  bool operator==(const Ipv6AddressEntry&) const = default;
};

/// One IPv4 default route (0.0.0.0/0) in the main table.
struct DefaultRoute {
  int ifindex = 0;
  std::uint32_t metric = 0;
  bool operator==(const DefaultRoute&) const = default;
};

/// One NETLINK_ROUTE socket and the requests uclink needs. Calls block for one netlink round
/// trip (microseconds; the kernel answers synchronously).
class RouteNetlink {
 public:
  /// Opens and connects the socket in the calling thread's network namespace.
  static std::unique_ptr<RouteNetlink> Connect(std::error_code& ec);
  ~RouteNetlink();
  RouteNetlink(const RouteNetlink&) = delete;
  RouteNetlink& operator=(const RouteNetlink&) = delete;

  /// Sets the link MTU (RTM_NEWLINK IFLA_MTU).
  std::error_code SetMtu(int ifindex, unsigned mtu);
  /// Sets or clears IFF_UP.
  std::error_code SetUp(int ifindex, bool up);
  /// Stops the kernel from generating IPv6 link-local addresses on the link, so it emits no
  /// router solicitations or MLD reports that PPP without IPV6CP would only drop (docs/ppp.md,
  /// "Pitfalls: IPv6 chatter").
  std::error_code DisableIpv6AddressGeneration(int ifindex);
  /// Adds `local` peer `peer`, both /32 (RTM_NEWADDR with IFA_LOCAL and IFA_ADDRESS).
  std::error_code AddPeerAddress(int ifindex, Ipv4 local, Ipv4 peer);
  /// Deletes the address added by AddPeerAddress.
  std::error_code DeletePeerAddress(int ifindex, Ipv4 local, Ipv4 peer);
  /// Adds 0.0.0.0/0 via the link (scope link, no gateway: the link is point-to-point).
  std::error_code AddDefaultRoute(int ifindex, std::uint32_t metric);
  /// Deletes the default route added by AddDefaultRoute.
  std::error_code DeleteDefaultRoute(int ifindex, std::uint32_t metric);

  /// Reads a link's name, MTU and IFF_UP; nullopt and `ec` set when it does not exist.
  std::optional<LinkState> QueryLink(int ifindex, std::error_code& ec);
  /// Lists the IPv4 addresses of a link.
  std::vector<AddressEntry> QueryAddresses(int ifindex, std::error_code& ec);
  /// Lists the IPv4 default routes of the main table.
  std::vector<DefaultRoute> QueryDefaultRoutes(std::error_code& ec);

  // IPv6 (pppif/netlink_ipv6.cc; docs/ppp-engine.md, "IPv6").
  /// Adds the link-local `local`/64 (RFC 5072 §5). No peer address: libnl 3 sets IPv4 peers
  /// only, and the fe80::/64 route reaches the peer of a point-to-point link anyway.
  std::error_code AddIpv6LinkLocal(int ifindex, const Ipv6& local);
  /// Deletes the address added by AddIpv6LinkLocal.
  std::error_code DeleteIpv6LinkLocal(int ifindex, const Ipv6& local);
  /// Adds ::/0 via the link with this metric (scope link: the link is point-to-point).
  std::error_code AddIpv6DefaultRoute(int ifindex, std::uint32_t metric);
  /// Deletes the route added by AddIpv6DefaultRoute.
  std::error_code DeleteIpv6DefaultRoute(int ifindex, std::uint32_t metric);
  /// Lists the IPv6 addresses of a link (link-local and those SLAAC formed).
  std::vector<Ipv6AddressEntry> QueryIpv6Addresses(int ifindex, std::error_code& ec);
  /// Lists the interface indexes that have an IPv6 default route (::/0) in the main table, with
  /// its metric.
  std::vector<DefaultRoute> QueryIpv6DefaultRoutes(std::error_code& ec);

 private:
  explicit RouteNetlink(nl_sock* socket) : socket_(socket) {}
  nl_sock* socket_;
};

/// Everything uclink sets on the PPP interface once IPCP is Opened.
struct InterfaceSettings {
  int ifindex = 0;
  Ipv4 local{};
  Ipv4 peer{};
  unsigned mtu = 1500;                                ///< the peer's MRU
  std::optional<std::uint32_t> default_route_metric;  ///< nullopt: leave routing alone
};

/// Applies InterfaceSettings and remembers each completed step, so Undo() removes exactly what
/// Apply() added (the teardown the issue asks for) and nothing the administrator set.
class InterfaceSetup {
 public:
  explicit InterfaceSetup(RouteNetlink& netlink) : netlink_(netlink) {}
  ~InterfaceSetup() = default;
  InterfaceSetup(const InterfaceSetup&) = delete;
  InterfaceSetup& operator=(const InterfaceSetup&) = delete;

  /// MTU, IPv6 address generation off, address/peer, link up, then the default route. Stops at
  /// the first failing step and undoes the earlier ones before returning its error.
  std::error_code Apply(const InterfaceSettings& settings);
  /// Removes the route and address and sets the link down; idempotent. Returns the first error
  /// but attempts every step.
  std::error_code Undo();

 private:
  RouteNetlink& netlink_;
  std::optional<InterfaceSettings> applied_;
  bool address_added_ = false;
  bool link_up_ = false;
  bool route_added_ = false;
};

}  // namespace uclink::pppif
