// An interface's traffic counters as the kernel keeps them (rtnetlink link statistics,
// IFLA_STATS64 through libnl-route-3): what the data-usage ledger samples while PPP runs
// (docs/data-budget.md). Works the same for pppd's ppp0 and our TUN device.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

struct nl_sock;

namespace uclink::pppif {

/// Bytes and packets the interface received from and handed to the link since it was created.
struct LinkStats {
  std::uint64_t rx_bytes = 0, tx_bytes = 0;
  std::uint64_t rx_packets = 0, tx_packets = 0;
};

/// One NETLINK_ROUTE socket for reading link statistics (one round trip per read).
class LinkStatsReader {
 public:
  static std::unique_ptr<LinkStatsReader> Connect(std::error_code& ec);
  ~LinkStatsReader();
  LinkStatsReader(const LinkStatsReader&) = delete;
  LinkStatsReader& operator=(const LinkStatsReader&) = delete;

  /// The counters of interface `ifname`; nullopt with `ec` set when it does not exist (any
  /// more: the link went down and its interface was removed).
  std::optional<LinkStats> Read(const std::string& ifname, std::error_code& ec);

 private:
  explicit LinkStatsReader(nl_sock* socket) : socket_(socket) {}
  nl_sock* socket_;
};

}  // namespace uclink::pppif
