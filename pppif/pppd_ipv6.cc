#include "pppif/pppd_ipv6.h"

#include <net/if.h>

#include <cerrno>

#include "pppif/ra.h"

namespace uclink::pppif {

namespace asio = boost::asio;

std::optional<Ipv6Status> Ipv6StatusFrom(const std::vector<Ipv6AddressEntry>& addresses) {
  std::optional<Ipv6Status> status;
  for (const Ipv6AddressEntry& entry : addresses) {
    if (!entry.link_local || status) continue;
    status = Ipv6Status{.link_local = FormatIpv6(entry.address)};
    if (entry.peer) status->peer_link_local = FormatIpv6(*entry.peer);
  }
  if (!status) return std::nullopt;
  for (const Ipv6AddressEntry& entry : addresses) {
    if (!entry.link_local)
      status->addresses.push_back({FormatIpv6(entry.address), entry.prefix_length});
  }
  return status;
}

PppdIpv6::PppdIpv6(asio::io_context& io, Changed changed)
    : io_(io), changed_(std::move(changed)), watch_(io) {}

PppdIpv6::~PppdIpv6() {
  changed_ = nullptr;
  Stop();
}

std::error_code PppdIpv6::Start(const std::string& ifname, std::optional<std::uint32_t> metric) {
  Stop();
  std::error_code ec;
  const unsigned index = ::if_nametoindex(ifname.c_str());
  if (index == 0) return {errno, std::system_category()};
  netlink_ = RouteNetlink::Connect(ec);
  if (!ec) events_ = Ipv6AddressEvents::Open(ec);
  if (ec) {
    Stop();
    return ec;
  }
  ifindex_ = static_cast<int>(index);
  boost::system::error_code assign_error;
  watch_.assign(events_->fd(), assign_error);
  if (!assign_error) Watch();
  if (metric && !netlink_->AddIpv6DefaultRoute(ifindex_, *metric)) route_metric_ = metric;
  Refresh();
  return {};
}

void PppdIpv6::Stop() {
  alive_ = std::make_shared<int>(0);       // pending waits hold the old token, now expired
  if (watch_.is_open()) watch_.release();  // events_ owns the descriptor
  events_.reset();
  // Fails harmlessly when pppd already removed the interface (its routes went with it).
  if (route_metric_ && netlink_) netlink_->DeleteIpv6DefaultRoute(ifindex_, *route_metric_);
  route_metric_.reset();
  netlink_.reset();
  ifindex_ = 0;
  if (status_) {
    status_.reset();
    if (changed_) changed_(std::nullopt);
  }
}

void PppdIpv6::Watch() {
  watch_.async_wait(
      asio::posix::descriptor_base::wait_read,
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired() || !events_) return;
        events_->Drain();
        Refresh();
        Watch();
      });
}

void PppdIpv6::Refresh() {
  if (!netlink_) return;
  std::error_code ec;
  const std::vector<Ipv6AddressEntry> addresses = netlink_->QueryIpv6Addresses(ifindex_, ec);
  if (ec) return;
  std::optional<Ipv6Status> next = Ipv6StatusFrom(addresses);
  if (next == status_) return;
  status_ = std::move(next);
  if (changed_) changed_(status_);
}

}  // namespace uclink::pppif
