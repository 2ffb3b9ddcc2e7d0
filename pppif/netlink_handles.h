// libnl plumbing shared by pppif/netlink.cc and pppif/netlink_ipv6.cc: owning handles for
// libnl's reference-counted objects and the NLE_* → std::error_code conversion. Private to pppif.
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <functional>
#include <memory>
#include <system_error>
#include <vector>

#include "pppif/netlink.h"

namespace uclink::pppif {

// libnl returns negative NLE_* numbers; error_code values are positive.
inline std::error_code FromNl(int result) {
  if (result >= 0) return {};
  return {-result, NetlinkCategory()};
}

// Owning handles for libnl's reference-counted objects.
struct LinkPut {
  void operator()(rtnl_link* link) const { ::rtnl_link_put(link); }
};
struct AddrPut {
  void operator()(rtnl_addr* addr) const { ::rtnl_addr_put(addr); }
};
struct RoutePut {
  void operator()(rtnl_route* route) const { ::rtnl_route_put(route); }
};
struct NlAddrPut {
  void operator()(nl_addr* addr) const { ::nl_addr_put(addr); }
};
struct CacheFree {
  void operator()(nl_cache* cache) const { ::nl_cache_free(cache); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using AddrPtr = std::unique_ptr<rtnl_addr, AddrPut>;
using RoutePtr = std::unique_ptr<rtnl_route, RoutePut>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrPut>;
using CachePtr = std::unique_ptr<nl_cache, CacheFree>;

// Calls `visit` for each address of `family` on link `ifindex` (the kernel's address cache,
// filtered here: libnl's cache has no per-link query).
std::error_code ForEachAddress(nl_sock* socket, int ifindex, int family,
                               const std::function<void(rtnl_addr*)>& visit);
// The default routes of `family` in the main table (destination of prefix length 0, at least
// one next hop): the link of the first next hop and the metric.
std::vector<DefaultRoute> DefaultRoutesOf(nl_sock* socket, int family, std::error_code& ec);

}  // namespace uclink::pppif
