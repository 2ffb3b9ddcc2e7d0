// TunDevice: naming (ppp0 when free, else the next pppN), name validation, IFF_NO_PI packets,
// and cleanup. Every test runs in a network namespace it creates, so fixed names cannot clash
// with the host or with other tests.
#include "pppif/tun.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>

#include "pppif/interface_errc.h"
#include "pppif/netlink.h"
#include "tests/pppif/e2e/netns_fixture.h"

namespace uclink::pppif {
namespace {

class TunDeviceTest : public testing::NetNamespaceTest {
 protected:
  TunDevice OpenInNamespace(const TunOptions& options, std::error_code& ec) {
    return ns_->Run([&] { return TunDevice::Open(options, ec); });
  }
};

TEST(InterfaceNameTest, AcceptsKernelNamesAndOneTemplate) {
  EXPECT_TRUE(IsValidInterfaceName("ppp0"));
  EXPECT_TRUE(IsValidInterfaceName("uc-link_1.a"));
  EXPECT_TRUE(IsValidInterfaceName("ppp%d"));
  EXPECT_TRUE(IsValidInterfaceName("abcdefghijklmno"));  // 15 bytes: IFNAMSIZ - 1
}

TEST(InterfaceNameTest, RejectsWhatTheKernelOrAShellWouldMisread) {
  EXPECT_FALSE(IsValidInterfaceName(""));
  EXPECT_FALSE(IsValidInterfaceName("abcdefghijklmnop"));  // 16 bytes
  EXPECT_FALSE(IsValidInterfaceName("."));
  EXPECT_FALSE(IsValidInterfaceName(".."));
  EXPECT_FALSE(IsValidInterfaceName("ppp/0"));
  EXPECT_FALSE(IsValidInterfaceName("ppp 0"));
  EXPECT_FALSE(IsValidInterfaceName("ppp:0"));
  EXPECT_FALSE(IsValidInterfaceName("ppp%d%d"));
  EXPECT_FALSE(IsValidInterfaceName("ppp%s"));
  EXPECT_FALSE(IsValidInterfaceName("ppp%"));
}

// std::error_code treats value 0 as success, so every InterfaceErrc must convert to a true code.
TEST(InterfaceErrcTest, EveryCodeIsAnErrorWithANameAndAMeaning) {
  for (InterfaceErrc errc : {InterfaceErrc::kBadInterfaceName, InterfaceErrc::kResolvconfFailed,
                             InterfaceErrc::kAlreadyStarted, InterfaceErrc::kInterfaceSetup}) {
    const std::error_code ec = errc;
    EXPECT_TRUE(ec) << ToString(errc);
    EXPECT_STRNE(ToString(errc), "unknown-error");
    EXPECT_EQ(ec.message(), Describe(errc));
  }
}

TEST_F(TunDeviceTest, DefaultNameIsPpp0WhenFree) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({}, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(tun.is_open());
  EXPECT_EQ(tun.name(), "ppp0");
  EXPECT_GT(tun.ifindex(), 0);
}

TEST_F(TunDeviceTest, DefaultNameTakesNextFreePppNWhenPpp0IsTaken) {
  std::error_code ec;
  TunDevice first = OpenInNamespace({}, ec);
  ASSERT_FALSE(ec) << ec.message();
  TunDevice second = OpenInNamespace({}, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(first.name(), "ppp0");
  EXPECT_EQ(second.name(), "ppp1");
}

TEST_F(TunDeviceTest, ConfiguredNameIsUsed) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({.name = "uclink7"}, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(tun.name(), "uclink7");
}

TEST_F(TunDeviceTest, InvalidNameFailsWithoutOpeningTheDevice) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({.name = "no/slash"}, ec);
  EXPECT_EQ(ec, InterfaceErrc::kBadInterfaceName);
  EXPECT_FALSE(tun.is_open());
}

TEST_F(TunDeviceTest, NameOfANonTunDeviceIsRefused) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({.name = "lo"}, ec);
  EXPECT_TRUE(ec);
  EXPECT_FALSE(tun.is_open());
}

TEST_F(TunDeviceTest, ClosingRemovesTheInterface) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({}, ec);
  ASSERT_FALSE(ec) << ec.message();
  tun.Close();
  EXPECT_EQ(ns_->Run([] { return ::if_nametoindex("ppp0"); }), 0u);
}

TEST_F(TunDeviceTest, DescriptorIsNonBlockingAndCloseOnExec) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({}, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_NE(::fcntl(tun.fd(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(tun.fd(), F_GETFD) & FD_CLOEXEC, 0);
}

// IFF_NO_PI: a read returns the bare IPv4 packet, first byte 0x45, with no 4-byte header
// (docs/ppp.md, "Pitfalls: Trim to the IPv4 total length").
TEST_F(TunDeviceTest, ReadReturnsABareIpv4Packet) {
  std::error_code ec;
  TunDevice tun = OpenInNamespace({}, ec);
  ASSERT_FALSE(ec) << ec.message();
  const Ipv4 local{10, 9, 0, 1};
  const Ipv4 peer{10, 9, 0, 2};
  ns_->Run([&] {
    std::unique_ptr<RouteNetlink> netlink = RouteNetlink::Connect(ec);
    if (!ec) ec = netlink->AddPeerAddress(tun.ifindex(), local, peer);
    if (!ec) ec = netlink->SetUp(tun.ifindex(), true);
    if (ec) return;
    const int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    std::memcpy(&to.sin_addr, peer.data(), 4);
    const char payload[] = "probe";
    ::sendto(udp, payload, 5, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ::close(udp);
  });
  ASSERT_FALSE(ec) << ec.message();
  // The kernel may emit IPv6 chatter on a fresh link first; look at up to 16 packets.
  std::array<std::uint8_t, 2048> packet{};
  ssize_t size = -1;
  for (int i = 0; i < 16 && (size < 0 || (packet[0] >> 4) != 4); ++i) {
    pollfd ready{tun.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&ready, 1, 5000), 1);
    size = ::read(tun.fd(), packet.data(), packet.size());
  }
  ASSERT_EQ(size, 20 + 8 + 5);  // IPv4 header + UDP header + "probe"
  EXPECT_EQ(packet[0], 0x45);
  EXPECT_EQ(packet[9], IPPROTO_UDP);
  EXPECT_EQ(0, std::memcmp(&packet[16], peer.data(), 4));  // destination address
}

TEST(TunDeviceAdoptTest, AdoptedDescriptorIsClosedWithTheDevice) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair), 0);
  {
    TunDevice tun = TunDevice::Adopt(pair[0], "fake0", 0);
    EXPECT_EQ(tun.fd(), pair[0]);
    TunDevice moved = std::move(tun);
    EXPECT_FALSE(tun.is_open());
    EXPECT_EQ(moved.name(), "fake0");
  }
  EXPECT_EQ(::fcntl(pair[0], F_GETFD), -1);
  ::close(pair[1]);
}

}  // namespace
}  // namespace uclink::pppif
