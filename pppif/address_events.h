// Notifications of IPv6 address changes (rtnetlink group RTNLGRP_IPV6_IFADDR): the kernel forms
// and removes SLAAC addresses on its own, so the backend learns of them here instead of polling
// (docs/ppp-engine.md, "IPv6"). The descriptor is non-blocking; an Asio shell waits on it.
#pragma once

#include <cstddef>
#include <memory>
#include <system_error>

namespace uclink::pppif {

class Ipv6AddressEvents {
 public:
  /// Opens and binds the socket in the calling thread's network namespace.
  static std::unique_ptr<Ipv6AddressEvents> Open(std::error_code& ec);
  ~Ipv6AddressEvents();
  Ipv6AddressEvents(const Ipv6AddressEvents&) = delete;
  Ipv6AddressEvents& operator=(const Ipv6AddressEvents&) = delete;

  /// Readable when a notification waits.
  int fd() const { return fd_; }
  /// Reads every pending notification (their content does not matter: the caller re-reads the
  /// link's addresses); returns how many datagrams were read. An overrun socket (ENOBUFS) counts
  /// as one: something changed.
  std::size_t Drain();

 private:
  explicit Ipv6AddressEvents(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace uclink::pppif
