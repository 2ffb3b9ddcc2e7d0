#include "pppif/userspace_ipv6.h"

#include "pppif/ra.h"

namespace uclink::pppif {

namespace asio = boost::asio;

UserspaceIpv6::UserspaceIpv6(asio::io_context& io, RouteNetlink& netlink,
                             std::optional<std::uint32_t> default_route_metric, Changed changed)
    : io_(io),
      netlink_(netlink),
      metric_(default_route_metric),
      changed_(std::move(changed)),
      setup_(netlink),
      watch_(io) {}

UserspaceIpv6::~UserspaceIpv6() { Reset(); }

std::error_code UserspaceIpv6::OnLink(const std::optional<Ipv6Link>& link, int ifindex,
                                      const std::string& ifname) {
  if (!link) {
    Reset();
    Publish(std::nullopt);
    return {};
  }
  Ipv6Status next = status_.value_or(Ipv6Status{});
  next.dns.clear();
  for (const Ipv6& server : link->dns) next.dns.push_back(FormatIpv6(server));
  const Ipv6 local = LinkLocalFor(link->local_id);
  if (!setup_.applied() || setup_.applied()->link_local != local) {
    std::error_code ec;
    // Watch first, so no address the kernel forms after the setup goes unnoticed.
    if (!events_) events_ = Ipv6AddressEvents::Open(ec);
    if (events_ && !watch_.is_open()) {
      boost::system::error_code assign_error;
      watch_.assign(events_->fd(), assign_error);
      if (!assign_error) Watch();
    }
    ec = setup_.Apply(
        {.ifindex = ifindex,
         .ifname = ifname,
         .link_local = local,
         .peer = link->peer_id ? std::optional(LinkLocalFor(*link->peer_id)) : std::nullopt,
         .default_route_metric = metric_});
    if (ec) {
      Reset();
      return ec;
    }
    ifindex_ = ifindex;
    next.link_local = FormatIpv6(local);
    next.peer_link_local.reset();
    if (link->peer_id) next.peer_link_local = FormatIpv6(LinkLocalFor(*link->peer_id));
  }
  status_ = next;  // Refresh compares against the addresses only
  Refresh();
  if (changed_) changed_(status_);
  return {};
}

void UserspaceIpv6::Reset() {
  alive_ = std::make_shared<int>(0);       // pending waits hold the old token, now expired
  if (watch_.is_open()) watch_.release();  // events_ owns the descriptor
  events_.reset();
  setup_.Undo();
  ifindex_ = 0;
}

void UserspaceIpv6::Watch() {
  watch_.async_wait(
      asio::posix::descriptor_base::wait_read,
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired() || !events_) return;
        events_->Drain();
        const std::optional<Ipv6Status> before = status_;
        Refresh();
        if (status_ != before && changed_) changed_(status_);
        Watch();
      });
}

// Global addresses are the kernel's (SLAAC); the link-local one is ours and already shown.
void UserspaceIpv6::Refresh() {
  if (!status_ || ifindex_ == 0) return;
  std::error_code ec;
  std::vector<Ipv6Address> globals;
  for (const Ipv6AddressEntry& entry : netlink_.QueryIpv6Addresses(ifindex_, ec)) {
    if (!entry.link_local) globals.push_back({FormatIpv6(entry.address), entry.prefix_length});
  }
  if (!ec) status_->addresses = std::move(globals);
}

void UserspaceIpv6::Publish(std::optional<Ipv6Status> next) {
  const bool changed = next != status_;
  status_ = std::move(next);
  if (changed && changed_) changed_(status_);
}

}  // namespace uclink::pppif
