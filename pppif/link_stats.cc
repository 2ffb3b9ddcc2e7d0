#include "pppif/link_stats.h"

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "pppif/netlink.h"

namespace uclink::pppif {
namespace {

std::error_code FromNl(int rc) {
  return rc < 0 ? std::error_code(-rc, NetlinkCategory()) : std::error_code();
}

}  // namespace

std::unique_ptr<LinkStatsReader> LinkStatsReader::Connect(std::error_code& ec) {
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
  return std::unique_ptr<LinkStatsReader>(new LinkStatsReader(socket));
}

LinkStatsReader::~LinkStatsReader() { ::nl_socket_free(socket_); }

std::optional<LinkStats> LinkStatsReader::Read(const std::string& ifname, std::error_code& ec) {
  rtnl_link* link = nullptr;
  ec = FromNl(::rtnl_link_get_kernel(socket_, 0, ifname.c_str(), &link));
  if (ec) return std::nullopt;
  // libnl fills these from IFLA_STATS64 when the kernel sends it (every kernel since 2.6.35),
  // so they are 64-bit counters; the ledger still copes with 32-bit ones that wrap.
  LinkStats stats{::rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES),
                  ::rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES),
                  ::rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS),
                  ::rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS)};
  ::rtnl_link_put(link);
  return stats;
}

}  // namespace uclink::pppif
