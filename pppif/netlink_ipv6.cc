// The IPv6 requests of RouteNetlink: the link-local address IPV6CP negotiated, the ::/0 route,
// and reading the addresses the kernel formed by SLAAC (docs/ppp-engine.md, "IPv6").
#include <linux/rtnetlink.h>
#include <netlink/route/nexthop.h>
#include <sys/socket.h>

#include <cstring>

#include "pppif/netlink.h"
#include "pppif/netlink_handles.h"

namespace uclink::pppif {
namespace {

constexpr int kLinkLocalPrefix = 64;  // RFC 4291 §2.5.6: fe80::/64

NlAddrPtr Address6(const Ipv6& address, int prefix_length) {
  NlAddrPtr result(::nl_addr_build(AF_INET6, address.data(), address.size()));
  if (result) ::nl_addr_set_prefixlen(result.get(), prefix_length);
  return result;
}

std::optional<Ipv6> ToIpv6(nl_addr* address) {
  if (address == nullptr || ::nl_addr_get_family(address) != AF_INET6 ||
      ::nl_addr_get_len(address) != 16) {
    return std::nullopt;
  }
  Ipv6 result;
  std::memcpy(result.data(), ::nl_addr_get_binary_addr(address), result.size());
  return result;
}

// fe80::<id>/64 without IFA_ADDRESS: libnl 3's rtnl_addr_set_peer() takes IPv4 peers only
// (NLE_AF_NOSUPPORT), and on a point-to-point link the fe80::/64 route reaches the peer anyway.
AddrPtr LinkLocalObject(int ifindex, const Ipv6& local, std::error_code& ec) {
  AddrPtr addr(::rtnl_addr_alloc());
  NlAddrPtr local_addr = Address6(local, kLinkLocalPrefix);
  if (!addr || !local_addr) {
    ec = FromNl(-NLE_NOMEM);
    return nullptr;
  }
  ::rtnl_addr_set_ifindex(addr.get(), ifindex);
  ::rtnl_addr_set_family(addr.get(), AF_INET6);
  ec = FromNl(::rtnl_addr_set_local(addr.get(), local_addr.get()));
  return ec ? nullptr : std::move(addr);
}

// ::/0 dev IFINDEX metric M: `ip -6 route add default dev ppp0 metric M`.
RoutePtr DefaultRoute6Object(int ifindex, std::uint32_t metric, std::error_code& ec) {
  RoutePtr route(::rtnl_route_alloc());
  NlAddrPtr dst = Address6(Ipv6{}, 0);
  rtnl_nexthop* hop = ::rtnl_route_nh_alloc();
  if (!route || !dst || hop == nullptr) {
    if (hop != nullptr) ::rtnl_route_nh_free(hop);
    ec = FromNl(-NLE_NOMEM);
    return nullptr;
  }
  ::rtnl_route_set_family(route.get(), AF_INET6);
  ::rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);  // IPv6 routes carry no other scope
  ::rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  ::rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
  ::rtnl_route_set_type(route.get(), RTN_UNICAST);
  ::rtnl_route_set_priority(route.get(), metric);
  ec = FromNl(::rtnl_route_set_dst(route.get(), dst.get()));
  ::rtnl_route_nh_set_ifindex(hop, ifindex);
  ::rtnl_route_add_nexthop(route.get(), hop);
  return ec ? nullptr : std::move(route);
}

}  // namespace

std::error_code RouteNetlink::AddIpv6LinkLocal(int ifindex, const Ipv6& local) {
  std::error_code ec;
  AddrPtr addr = LinkLocalObject(ifindex, local, ec);
  if (ec) return ec;
  return FromNl(::rtnl_addr_add(socket_, addr.get(), 0));
}

std::error_code RouteNetlink::DeleteIpv6LinkLocal(int ifindex, const Ipv6& local) {
  std::error_code ec;
  AddrPtr addr = LinkLocalObject(ifindex, local, ec);
  if (ec) return ec;
  return FromNl(::rtnl_addr_delete(socket_, addr.get(), 0));
}

std::error_code RouteNetlink::AddIpv6DefaultRoute(int ifindex, std::uint32_t metric) {
  std::error_code ec;
  RoutePtr route = DefaultRoute6Object(ifindex, metric, ec);
  if (ec) return ec;
  return FromNl(::rtnl_route_add(socket_, route.get(), NLM_F_EXCL));
}

std::error_code RouteNetlink::DeleteIpv6DefaultRoute(int ifindex, std::uint32_t metric) {
  std::error_code ec;
  RoutePtr route = DefaultRoute6Object(ifindex, metric, ec);
  if (ec) return ec;
  return FromNl(::rtnl_route_delete(socket_, route.get(), 0));
}

std::vector<Ipv6AddressEntry> RouteNetlink::QueryIpv6Addresses(int ifindex, std::error_code& ec) {
  std::vector<Ipv6AddressEntry> result;
  ec = ForEachAddress(socket_, ifindex, AF_INET6, [&](rtnl_addr* addr) {
    const std::optional<Ipv6> local = ToIpv6(::rtnl_addr_get_local(addr));
    if (!local) return;
    const bool link_local = (*local)[0] == 0xfe && ((*local)[1] & 0xc0) == 0x80;
    std::optional<Ipv6> peer = ToIpv6(::rtnl_addr_get_peer(addr));
    if (peer == local) peer.reset();
    result.push_back({*local, ::rtnl_addr_get_prefixlen(addr), link_local, peer});
  });
  return result;
}

std::vector<DefaultRoute> RouteNetlink::QueryIpv6DefaultRoutes(std::error_code& ec) {
  return DefaultRoutesOf(socket_, AF_INET6, ec);
}

}  // namespace uclink::pppif
