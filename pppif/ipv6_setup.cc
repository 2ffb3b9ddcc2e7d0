#include "pppif/ipv6_setup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace uclink::pppif {

Ipv6 LinkLocalFor(const std::array<std::uint8_t, 8>& interface_id) {
  Ipv6 address{0xfe, 0x80};
  std::copy(interface_id.begin(), interface_id.end(), address.begin() + 8);
  return address;
}

Ipv6InterfaceSetup::Ipv6InterfaceSetup(RouteNetlink& netlink, std::string sysctl_root)
    : netlink_(netlink), sysctl_root_(std::move(sysctl_root)) {}

// ip-sysctl(7) "conf/interface/*": per-interface switches, written before the link-local address
// exists so the router solicitation that its arrival triggers is already governed by them.
std::error_code Ipv6InterfaceSetup::WriteSwitch(const std::string& ifname, const char* name,
                                                const char* value) {
  const std::string path = sysctl_root_ + "/" + ifname + "/" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return {errno, std::system_category()};
  const ssize_t written = ::write(fd, value, std::strlen(value));
  const int error = errno;
  ::close(fd);
  if (written < 0) return {error, std::system_category()};
  return {};
}

std::error_code Ipv6InterfaceSetup::Apply(const Ipv6Settings& settings) {
  if (applied_) Undo();
  applied_ = settings;
  const int ifindex = settings.ifindex;
  // The link-local address is the one IPV6CP negotiated (RFC 5072 §5), so the kernel makes none
  // of its own (on a TUN device it would pick a random one). SLAAC still forms global
  // addresses: for a link without a hardware address the kernel takes the identifier of this
  // link-local address (docs/ppp-engine.md, "IPv6: what the kernel accepts from an RA").
  std::error_code ec = netlink_.DisableIpv6AddressGeneration(ifindex);
  // accept_ra 2: RAs count even on a host that forwards; accept_ra_defrtr 0: ::/0 is ours, with
  // the IPv4 metric rule, not the RA's router with metric 1024.
  if (!ec) ec = WriteSwitch(settings.ifname, "accept_ra", "2");
  if (!ec) ec = WriteSwitch(settings.ifname, "autoconf", "1");
  if (!ec) ec = WriteSwitch(settings.ifname, "accept_ra_defrtr", "0");
  if (!ec) ec = netlink_.AddIpv6LinkLocal(ifindex, settings.link_local);
  if (!ec) address_added_ = true;
  if (!ec) ec = netlink_.SetUp(ifindex, true);
  if (!ec && settings.default_route_metric) {
    ec = netlink_.AddIpv6DefaultRoute(ifindex, *settings.default_route_metric);
    if (!ec) route_added_ = true;
  }
  if (ec) Undo();
  return ec;
}

std::error_code Ipv6InterfaceSetup::Undo() {
  if (!applied_) return {};
  const Ipv6Settings& s = *applied_;
  std::error_code first;
  auto note = [&first](std::error_code ec) {
    if (ec && !first) first = ec;
  };
  if (route_added_) note(netlink_.DeleteIpv6DefaultRoute(s.ifindex, *s.default_route_metric));
  if (address_added_) note(netlink_.DeleteIpv6LinkLocal(s.ifindex, s.link_local));
  route_added_ = address_added_ = false;
  applied_.reset();
  return first;
}

}  // namespace uclink::pppif
