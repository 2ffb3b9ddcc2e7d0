#include "pppif/address_events.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace uclink::pppif {

std::unique_ptr<Ipv6AddressEvents> Ipv6AddressEvents::Open(std::error_code& ec) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    ec = {errno, std::system_category()};
    return nullptr;
  }
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = RTMGRP_IPV6_IFADDR;  // rtnetlink(7)
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    ec = {errno, std::system_category()};
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<Ipv6AddressEvents>(new Ipv6AddressEvents(fd));
}

Ipv6AddressEvents::~Ipv6AddressEvents() { ::close(fd_); }

std::size_t Ipv6AddressEvents::Drain() {
  std::size_t count = 0;
  alignas(nlmsghdr) std::uint8_t buffer[8192];
  // Bounded: the kernel queues at most the socket's receive buffer.
  for (int i = 0; i < 1024; ++i) {
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got > 0 || (got < 0 && errno == ENOBUFS)) {
      ++count;
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    break;  // EAGAIN: drained
  }
  return count;
}

}  // namespace uclink::pppif
