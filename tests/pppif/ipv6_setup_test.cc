// The IPv6 side of the PPP interface against the real kernel, in a network namespace the test
// creates: the IPV6CP link-local address and ::/0 go on and come off, the kernel solicits a
// router over the TUN device, and a Router Advertisement written into it makes the kernel form
// prefix::<our Interface-Identifier> by SLAAC (docs/ppp-engine.md, "IPv6").
#include "pppif/ipv6_setup.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "pppif/address_events.h"
#include "pppif/netlink.h"
#include "pppif/ra.h"
#include "pppif/tun.h"
#include "tests/pppif/e2e/netns_fixture.h"

namespace uclink::pppif {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::array<std::uint8_t, 8> kOurId{0x02, 0, 0, 0, 0, 0, 0, 0x11};
constexpr std::array<std::uint8_t, 8> kPeerId{0x02, 0, 0, 0, 0, 0, 0, 0x22};
constexpr std::uint32_t kMetric = 700;

// RFC 4443 §2.3: the ICMPv6 checksum over the pseudo-header and the message.
void SetIcmpv6Checksum(Bytes& packet) {
  std::uint32_t sum = 0;
  auto add16 = [&sum](std::uint8_t hi, std::uint8_t lo) { sum += (hi << 8) | lo; };
  for (std::size_t i = 8; i < 40; i += 2) add16(packet[i], packet[i + 1]);
  const std::size_t length = packet.size() - 40;
  sum += static_cast<std::uint32_t>(length);
  sum += 58;
  packet[42] = packet[43] = 0;
  for (std::size_t i = 40; i < packet.size(); i += 2) {
    add16(packet[i], i + 1 < packet.size() ? packet[i + 1] : 0);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const std::uint16_t checksum = static_cast<std::uint16_t>(~sum);
  packet[42] = static_cast<std::uint8_t>(checksum >> 8);
  packet[43] = static_cast<std::uint8_t>(checksum);
}

// An RA from fe80::<peer id> advertising 2001:db8:1::/`prefix_length` (L and A set).
Bytes RouterAdvert(int prefix_length, std::uint32_t valid, std::uint32_t preferred) {
  Bytes p(40 + 16 + 32, 0);
  p[0] = 0x60;
  p[5] = 16 + 32;
  p[6] = 58;
  p[7] = 255;
  const Ipv6 source = LinkLocalFor(kPeerId);
  std::copy(source.begin(), source.end(), p.begin() + 8);
  p[24] = 0xff;
  p[25] = 0x02;
  p[39] = 0x01;
  p[40] = 134;
  p[44] = 64;
  p[46] = 0x07;  // router lifetime 1800
  p[47] = 0x08;
  std::uint8_t* o = p.data() + 56;
  o[0] = 3;
  o[1] = 4;
  o[2] = static_cast<std::uint8_t>(prefix_length);
  o[3] = 0xc0;
  for (int i = 0; i < 4; ++i) {
    o[4 + i] = static_cast<std::uint8_t>(valid >> (24 - 8 * i));
    o[8 + i] = static_cast<std::uint8_t>(preferred >> (24 - 8 * i));
  }
  const std::uint8_t prefix[] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
  std::copy(std::begin(prefix), std::end(prefix), o + 16);
  SetIcmpv6Checksum(p);
  return p;
}

bool WaitReadable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// RFC 4861 §6.3.7: the kernel solicits a router once the link-local address is ready (within
// rtr_solicit_delay, 1 s); bounded wait. Before that, the kernel cannot form a SLAAC address
// (no usable identifier yet), so tests advertise only after it, as radvd answers an RS.
bool AwaitRouterSolicitation(int tun_fd) {
  std::uint8_t buffer[2048];
  for (int i = 0; i < 20 && WaitReadable(tun_fd, 5000); ++i) {
    const ssize_t got = ::read(tun_fd, buffer, sizeof buffer);
    if (got >= 48 && (buffer[0] >> 4) == 6 && buffer[6] == 58 && buffer[40] == 133) return true;
  }
  return false;
}

using Ipv6SetupTest = testing::NetNamespaceTest;

TEST_F(Ipv6SetupTest, LinkLocalAndDefaultRouteGoOnAndComeOff) {
  ns_->Run([&] {
    std::error_code ec;
    TunDevice tun = TunDevice::Open({}, ec);
    ASSERT_FALSE(ec) << ec.message();
    auto netlink = RouteNetlink::Connect(ec);
    ASSERT_TRUE(netlink);
    Ipv6InterfaceSetup setup(*netlink);
    ec = setup.Apply({.ifindex = tun.ifindex(),
                      .ifname = tun.name(),
                      .link_local = LinkLocalFor(kOurId),
                      .peer = LinkLocalFor(kPeerId),
                      .default_route_metric = kMetric});
    ASSERT_FALSE(ec) << ec.message();
    std::vector<Ipv6AddressEntry> addresses = netlink->QueryIpv6Addresses(tun.ifindex(), ec);
    // Only ours: the kernel made no link-local address of its own.
    ASSERT_EQ(addresses.size(), 1u);
    EXPECT_EQ(FormatIpv6(addresses[0].address), "fe80::200:0:0:11");
    EXPECT_EQ(addresses[0].prefix_length, 64);
    EXPECT_TRUE(addresses[0].link_local);
    const std::vector<DefaultRoute> routes = netlink->QueryIpv6DefaultRoutes(ec);
    EXPECT_NE(std::find(routes.begin(), routes.end(), DefaultRoute{tun.ifindex(), kMetric}),
              routes.end());
    EXPECT_FALSE(setup.Undo());
    EXPECT_TRUE(netlink->QueryIpv6Addresses(tun.ifindex(), ec).empty());
    EXPECT_TRUE(netlink->QueryIpv6DefaultRoutes(ec).empty());
  });
}

TEST_F(Ipv6SetupTest, KernelSolicitsARouterAndFormsTheGlobalAddressFromTheAdvertisement) {
  ns_->Run([&] {
    std::error_code ec;
    TunDevice tun = TunDevice::Open({}, ec);
    ASSERT_FALSE(ec) << ec.message();
    auto netlink = RouteNetlink::Connect(ec);
    auto events = Ipv6AddressEvents::Open(ec);
    ASSERT_TRUE(netlink && events) << ec.message();
    Ipv6InterfaceSetup setup(*netlink);
    ASSERT_FALSE(setup.Apply({.ifindex = tun.ifindex(),
                              .ifname = tun.name(),
                              .link_local = LinkLocalFor(kOurId),
                              .peer = LinkLocalFor(kPeerId),
                              .default_route_metric = std::nullopt}));
    ASSERT_TRUE(AwaitRouterSolicitation(tun.fd())) << "no Router Solicitation on " << tun.name();
    events->Drain();
    // A /64 prefix: the kernel forms 2001:db8:1::<our identifier>.
    const Bytes ra = RouterAdvert(64, 86400, 14400);
    ASSERT_EQ(::write(tun.fd(), ra.data(), ra.size()), static_cast<ssize_t>(ra.size()));
    std::optional<Ipv6AddressEntry> global;
    for (int i = 0; i < 20 && !global && WaitReadable(events->fd(), 5000); ++i) {
      events->Drain();
      for (const Ipv6AddressEntry& a : netlink->QueryIpv6Addresses(tun.ifindex(), ec)) {
        if (!a.link_local) global = a;
      }
    }
    ASSERT_TRUE(global) << "no SLAAC address";
    EXPECT_EQ(FormatIpv6(global->address), "2001:db8:1:0:200::11");
    EXPECT_EQ(global->prefix_length, 64);
  });
}

TEST_F(Ipv6SetupTest, KernelIgnoresAPrefixOfTheWrongLengthAndAbsurdLifetimes) {
  // ip-sysctl / RFC 4862 §5.5.3: SLAAC needs prefix length + 64-bit identifier = 128, and a
  // preferred lifetime above the valid lifetime makes the prefix option invalid.
  ns_->Run([&] {
    std::error_code ec;
    TunDevice tun = TunDevice::Open({}, ec);
    auto netlink = RouteNetlink::Connect(ec);
    ASSERT_TRUE(netlink);
    Ipv6InterfaceSetup setup(*netlink);
    auto events = Ipv6AddressEvents::Open(ec);
    ASSERT_TRUE(events);
    ASSERT_FALSE(setup.Apply({.ifindex = tun.ifindex(),
                              .ifname = tun.name(),
                              .link_local = LinkLocalFor(kOurId),
                              .peer = std::nullopt,
                              .default_route_metric = std::nullopt}));
    ASSERT_TRUE(AwaitRouterSolicitation(tun.fd()));
    for (const Bytes& ra : {RouterAdvert(56, 86400, 14400), RouterAdvert(64, 100, 200)}) {
      ASSERT_EQ(::write(tun.fd(), ra.data(), ra.size()), static_cast<ssize_t>(ra.size()));
    }
    // A valid RA written after them is processed after them: its address proves they were read.
    const Bytes good = RouterAdvert(64, 86400, 14400);
    Bytes other = good;
    other[56 + 16 + 5] = 0x02;  // 2001:db8:2::/64
    SetIcmpv6Checksum(other);
    ASSERT_EQ(::write(tun.fd(), other.data(), other.size()), static_cast<ssize_t>(other.size()));
    std::vector<std::string> globals;
    for (int i = 0; i < 20 && globals.empty(); ++i) {
      for (const Ipv6AddressEntry& a : netlink->QueryIpv6Addresses(tun.ifindex(), ec)) {
        if (!a.link_local) globals.push_back(FormatIpv6(a.address));
      }
      if (globals.empty() && !WaitReadable(events->fd(), 5000)) break;
      events->Drain();
    }
    EXPECT_EQ(globals, std::vector<std::string>{"2001:db8:2:0:200::11"});
  });
}

}  // namespace
}  // namespace uclink::pppif
