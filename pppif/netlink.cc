#include "pppif/netlink.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

#include "pppif/netlink_handles.h"

namespace uclink::pppif {
namespace {

class NetlinkErrorCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "libnl"; }
  std::string message(int value) const override { return ::nl_geterror(value); }
};

NlAddrPtr HostAddress(const Ipv4& address) {
  NlAddrPtr result(::nl_addr_build(AF_INET, address.data(), address.size()));
  if (result) ::nl_addr_set_prefixlen(result.get(), 32);
  return result;
}

std::optional<Ipv4> ToIpv4(nl_addr* address) {
  if (address == nullptr || ::nl_addr_get_family(address) != AF_INET ||
      ::nl_addr_get_len(address) != 4) {
    return std::nullopt;
  }
  Ipv4 result;
  std::memcpy(result.data(), ::nl_addr_get_binary_addr(address), result.size());
  return result;
}

// A point-to-point /32 address object; peer is IFA_ADDRESS, local is IFA_LOCAL (rtnetlink(7)).
AddrPtr PeerAddressObject(int ifindex, const Ipv4& local, const Ipv4& peer, std::error_code& ec) {
  AddrPtr addr(::rtnl_addr_alloc());
  NlAddrPtr local_addr = HostAddress(local);
  NlAddrPtr peer_addr = HostAddress(peer);
  if (!addr || !local_addr || !peer_addr) {
    ec = FromNl(-NLE_NOMEM);
    return nullptr;
  }
  ::rtnl_addr_set_ifindex(addr.get(), ifindex);
  ::rtnl_addr_set_family(addr.get(), AF_INET);
  ec = FromNl(::rtnl_addr_set_local(addr.get(), local_addr.get()));
  if (!ec) ec = FromNl(::rtnl_addr_set_peer(addr.get(), peer_addr.get()));
  ::rtnl_addr_set_prefixlen(addr.get(), 32);
  return ec ? nullptr : std::move(addr);
}

// 0.0.0.0/0 dev IFINDEX metric M, scope link: what `ip route add default dev ppp0 metric M`
// creates. No gateway: on a point-to-point link every destination is the peer.
RoutePtr DefaultRouteObject(int ifindex, std::uint32_t metric, std::error_code& ec) {
  RoutePtr route(::rtnl_route_alloc());
  const Ipv4 any{};
  NlAddrPtr dst(::nl_addr_build(AF_INET, any.data(), any.size()));
  rtnl_nexthop* hop = ::rtnl_route_nh_alloc();
  if (!route || !dst || hop == nullptr) {
    if (hop != nullptr) ::rtnl_route_nh_free(hop);
    ec = FromNl(-NLE_NOMEM);
    return nullptr;
  }
  ::nl_addr_set_prefixlen(dst.get(), 0);
  ::rtnl_route_set_family(route.get(), AF_INET);
  ::rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  ::rtnl_route_set_scope(route.get(), RT_SCOPE_LINK);
  ::rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
  ::rtnl_route_set_type(route.get(), RTN_UNICAST);
  ::rtnl_route_set_priority(route.get(), metric);
  ec = FromNl(::rtnl_route_set_dst(route.get(), dst.get()));
  ::rtnl_route_nh_set_ifindex(hop, ifindex);
  ::rtnl_route_add_nexthop(route.get(), hop);  // the route owns the hop from here on
  return ec ? nullptr : std::move(route);
}

}  // namespace

const std::error_category& NetlinkCategory() {
  static const NetlinkErrorCategory kCategory;
  return kCategory;
}

std::unique_ptr<RouteNetlink> RouteNetlink::Connect(std::error_code& ec) {
  nl_sock* socket = ::nl_socket_alloc();
  if (socket == nullptr) {
    ec = FromNl(-NLE_NOMEM);
    return nullptr;
  }
  ec = FromNl(::nl_connect(socket, NETLINK_ROUTE));
  if (ec) {
    ::nl_socket_free(socket);
    return nullptr;
  }
  return std::unique_ptr<RouteNetlink>(new RouteNetlink(socket));
}

RouteNetlink::~RouteNetlink() { ::nl_socket_free(socket_); }

namespace {

// Fetches the link, lets `edit` fill a change request, and sends it (RTM_NEWLINK/SETLINK).
template <typename Edit>
std::error_code ChangeLink(nl_sock* socket, int ifindex, Edit edit) {
  rtnl_link* raw = nullptr;
  if (const int err = ::rtnl_link_get_kernel(socket, ifindex, nullptr, &raw); err < 0) {
    return FromNl(err);
  }
  LinkPtr current(raw);
  LinkPtr change(::rtnl_link_alloc());
  if (!change) return FromNl(-NLE_NOMEM);
  if (std::error_code ec = edit(change.get()); ec) return ec;
  return FromNl(::rtnl_link_change(socket, current.get(), change.get(), 0));
}

}  // namespace

std::error_code RouteNetlink::SetMtu(int ifindex, unsigned mtu) {
  return ChangeLink(socket_, ifindex, [mtu](rtnl_link* change) {
    ::rtnl_link_set_mtu(change, mtu);
    return std::error_code();
  });
}

std::error_code RouteNetlink::SetUp(int ifindex, bool up) {
  return ChangeLink(socket_, ifindex, [up](rtnl_link* change) {
    if (up) {
      ::rtnl_link_set_flags(change, IFF_UP);
    } else {
      ::rtnl_link_unset_flags(change, IFF_UP);
    }
    return std::error_code();
  });
}

std::error_code RouteNetlink::DisableIpv6AddressGeneration(int ifindex) {
  return ChangeLink(socket_, ifindex, [](rtnl_link* change) {
    return FromNl(::rtnl_link_inet6_set_addr_gen_mode(change, IN6_ADDR_GEN_MODE_NONE));
  });
}

std::error_code RouteNetlink::AddPeerAddress(int ifindex, Ipv4 local, Ipv4 peer) {
  std::error_code ec;
  AddrPtr addr = PeerAddressObject(ifindex, local, peer, ec);
  if (ec) return ec;
  return FromNl(::rtnl_addr_add(socket_, addr.get(), 0));
}

std::error_code RouteNetlink::DeletePeerAddress(int ifindex, Ipv4 local, Ipv4 peer) {
  std::error_code ec;
  AddrPtr addr = PeerAddressObject(ifindex, local, peer, ec);
  if (ec) return ec;
  return FromNl(::rtnl_addr_delete(socket_, addr.get(), 0));
}

std::error_code RouteNetlink::AddDefaultRoute(int ifindex, std::uint32_t metric) {
  std::error_code ec;
  RoutePtr route = DefaultRouteObject(ifindex, metric, ec);
  if (ec) return ec;
  return FromNl(::rtnl_route_add(socket_, route.get(), NLM_F_EXCL));
}

std::error_code RouteNetlink::DeleteDefaultRoute(int ifindex, std::uint32_t metric) {
  std::error_code ec;
  RoutePtr route = DefaultRouteObject(ifindex, metric, ec);
  if (ec) return ec;
  return FromNl(::rtnl_route_delete(socket_, route.get(), 0));
}

std::optional<LinkState> RouteNetlink::QueryLink(int ifindex, std::error_code& ec) {
  rtnl_link* raw = nullptr;
  ec = FromNl(::rtnl_link_get_kernel(socket_, ifindex, nullptr, &raw));
  if (ec) return std::nullopt;
  LinkPtr link(raw);
  const char* name = ::rtnl_link_get_name(link.get());
  return LinkState{.name = name != nullptr ? name : "",
                   .mtu = ::rtnl_link_get_mtu(link.get()),
                   .up = (::rtnl_link_get_flags(link.get()) & IFF_UP) != 0};
}

std::error_code ForEachAddress(nl_sock* socket, int ifindex, int family,
                               const std::function<void(rtnl_addr*)>& visit) {
  nl_cache* raw = nullptr;
  if (std::error_code ec = FromNl(::rtnl_addr_alloc_cache(socket, &raw)); ec) return ec;
  CachePtr cache(raw);
  for (nl_object* object = ::nl_cache_get_first(cache.get()); object != nullptr;
       object = ::nl_cache_get_next(object)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(object);
    if (::rtnl_addr_get_ifindex(addr) == ifindex && ::rtnl_addr_get_family(addr) == family) {
      visit(addr);
    }
  }
  return {};
}

std::vector<DefaultRoute> DefaultRoutesOf(nl_sock* socket, int family, std::error_code& ec) {
  std::vector<DefaultRoute> result;
  nl_cache* raw = nullptr;
  ec = FromNl(::rtnl_route_alloc_cache(socket, family, 0, &raw));
  if (ec) return result;
  CachePtr cache(raw);
  for (nl_object* object = ::nl_cache_get_first(cache.get()); object != nullptr;
       object = ::nl_cache_get_next(object)) {
    auto* route = reinterpret_cast<rtnl_route*>(object);
    nl_addr* dst = ::rtnl_route_get_dst(route);
    if (::rtnl_route_get_table(route) != RT_TABLE_MAIN || dst == nullptr ||
        ::nl_addr_get_prefixlen(dst) != 0 || ::rtnl_route_get_nnexthops(route) < 1) {
      continue;
    }
    result.push_back({::rtnl_route_nh_get_ifindex(::rtnl_route_nexthop_n(route, 0)),
                      ::rtnl_route_get_priority(route)});
  }
  return result;
}

std::vector<AddressEntry> RouteNetlink::QueryAddresses(int ifindex, std::error_code& ec) {
  std::vector<AddressEntry> result;
  ec = ForEachAddress(socket_, ifindex, AF_INET, [&](rtnl_addr* addr) {
    std::optional<Ipv4> local = ToIpv4(::rtnl_addr_get_local(addr));
    if (!local) return;
    std::optional<Ipv4> peer = ToIpv4(::rtnl_addr_get_peer(addr));
    // Without a peer the kernel reports IFA_ADDRESS == IFA_LOCAL; libnl then has no peer.
    if (peer == local) peer.reset();
    result.push_back({*local, peer, ::rtnl_addr_get_prefixlen(addr)});
  });
  return result;
}

std::vector<DefaultRoute> RouteNetlink::QueryDefaultRoutes(std::error_code& ec) {
  return DefaultRoutesOf(socket_, AF_INET, ec);
}

std::error_code InterfaceSetup::Apply(const InterfaceSettings& settings) {
  if (applied_) Undo();
  applied_ = settings;
  const int ifindex = settings.ifindex;
  std::error_code ec = netlink_.SetMtu(ifindex, settings.mtu);
  // Best effort: a kernel without IPv6 refuses the attribute, and the link still works.
  if (!ec) netlink_.DisableIpv6AddressGeneration(ifindex);
  if (!ec) ec = netlink_.AddPeerAddress(ifindex, settings.local, settings.peer);
  if (!ec) address_added_ = true;
  if (!ec) ec = netlink_.SetUp(ifindex, true);
  if (!ec) link_up_ = true;
  if (!ec && settings.default_route_metric) {
    ec = netlink_.AddDefaultRoute(ifindex, *settings.default_route_metric);
    if (!ec) route_added_ = true;
  }
  if (ec) Undo();
  return ec;
}

std::error_code InterfaceSetup::Undo() {
  if (!applied_) return {};
  const InterfaceSettings& s = *applied_;
  std::error_code first;
  auto note = [&first](std::error_code ec) {
    if (ec && !first) first = ec;
  };
  if (route_added_) note(netlink_.DeleteDefaultRoute(s.ifindex, *s.default_route_metric));
  if (address_added_) note(netlink_.DeletePeerAddress(s.ifindex, s.local, s.peer));
  if (link_up_) note(netlink_.SetUp(s.ifindex, false));
  route_added_ = address_added_ = link_up_ = false;
  applied_.reset();
  return first;
}

}  // namespace uclink::pppif
