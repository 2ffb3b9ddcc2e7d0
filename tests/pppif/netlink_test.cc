// RouteNetlink and InterfaceSetup against the kernel: each test creates a network namespace and a
// TUN device in it, configures it over rtnetlink and reads the result back over rtnetlink.
#include "pppif/netlink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "pppif/tun.h"
#include "tests/pppif/e2e/netns_fixture.h"

namespace uclink::pppif {
namespace {

constexpr Ipv4 kLocal{10, 0, 2, 15};
constexpr Ipv4 kPeer{10, 0, 2, 2};

// One namespace, one TUN device (ppp0) and one rtnetlink socket inside it per test.
class NetlinkTest : public testing::NetNamespaceTest {
 protected:
  void SetUp() override {
    NetNamespaceTest::SetUp();
    if (ns_ == nullptr) return;
    std::error_code ec;
    ns_->Run([&] {
      tun_ = TunDevice::Open({}, ec);
      if (!ec) netlink_ = RouteNetlink::Connect(ec);
    });
    ASSERT_FALSE(ec) << ec.message();
    ifindex_ = tun_.ifindex();
  }

  LinkState Link() {
    std::error_code ec;
    std::optional<LinkState> link = netlink_->QueryLink(ifindex_, ec);
    EXPECT_FALSE(ec) << ec.message();
    return link.value_or(LinkState{});
  }

  std::vector<AddressEntry> Addresses() {
    std::error_code ec;
    std::vector<AddressEntry> addresses = netlink_->QueryAddresses(ifindex_, ec);
    EXPECT_FALSE(ec) << ec.message();
    return addresses;
  }

  std::vector<DefaultRoute> Routes() {
    std::error_code ec;
    std::vector<DefaultRoute> routes = netlink_->QueryDefaultRoutes(ec);
    EXPECT_FALSE(ec) << ec.message();
    return routes;
  }

  // /proc/thread-self/net follows the reading thread's namespace.
  std::string Ipv6AddressesInNamespace() {
    return ns_->Run([] {
      std::ifstream file("/proc/thread-self/net/if_inet6");
      std::stringstream text;
      text << file.rdbuf();
      return text.str();
    });
  }

  TunDevice tun_;
  std::unique_ptr<RouteNetlink> netlink_;
  int ifindex_ = 0;
};

TEST_F(NetlinkTest, QueryLinkReportsTheTunDevice) {
  const LinkState link = Link();
  EXPECT_EQ(link.name, "ppp0");
  EXPECT_EQ(link.mtu, 1500u);
  EXPECT_FALSE(link.up);
}

TEST_F(NetlinkTest, SetMtuChangesTheLinkMtu) {
  ASSERT_FALSE(netlink_->SetMtu(ifindex_, 1400));
  EXPECT_EQ(Link().mtu, 1400u);
}

TEST_F(NetlinkTest, SetUpThenDownTogglesIffUp) {
  ASSERT_FALSE(netlink_->SetUp(ifindex_, true));
  EXPECT_TRUE(Link().up);
  ASSERT_FALSE(netlink_->SetUp(ifindex_, false));
  EXPECT_FALSE(Link().up);
}

TEST_F(NetlinkTest, PeerAddressIsAPointToPointSlash32) {
  ASSERT_FALSE(netlink_->AddPeerAddress(ifindex_, kLocal, kPeer));
  EXPECT_EQ(Addresses(), (std::vector<AddressEntry>{{kLocal, kPeer, 32}}));
}

TEST_F(NetlinkTest, DeletePeerAddressRemovesIt) {
  ASSERT_FALSE(netlink_->AddPeerAddress(ifindex_, kLocal, kPeer));
  ASSERT_FALSE(netlink_->DeletePeerAddress(ifindex_, kLocal, kPeer));
  EXPECT_TRUE(Addresses().empty());
}

TEST_F(NetlinkTest, DefaultRouteCarriesItsMetricAndIsRemoved) {
  ASSERT_FALSE(netlink_->SetUp(ifindex_, true));
  ASSERT_FALSE(netlink_->AddDefaultRoute(ifindex_, 700));
  EXPECT_EQ(Routes(), (std::vector<DefaultRoute>{{ifindex_, 700}}));
  ASSERT_FALSE(netlink_->DeleteDefaultRoute(ifindex_, 700));
  EXPECT_TRUE(Routes().empty());
}

TEST_F(NetlinkTest, UnknownInterfaceIsALibnlError) {
  const std::error_code ec = netlink_->SetMtu(ifindex_ + 1000, 1400);
  EXPECT_TRUE(ec);
  EXPECT_EQ(&ec.category(), &NetlinkCategory());
  EXPECT_FALSE(ec.message().empty());
}

TEST_F(NetlinkTest, DisablingIpv6AddressGenerationKeepsTheLinkWithoutIpv6Addresses) {
  ASSERT_FALSE(netlink_->DisableIpv6AddressGeneration(ifindex_));
  ASSERT_FALSE(netlink_->SetUp(ifindex_, true));
  EXPECT_EQ(Ipv6AddressesInNamespace().find("ppp0"), std::string::npos);
}

TEST_F(NetlinkTest, ApplyConfiguresMtuAddressLinkAndRoute) {
  InterfaceSetup setup(*netlink_);
  ASSERT_FALSE(setup.Apply({.ifindex = ifindex_,
                            .local = kLocal,
                            .peer = kPeer,
                            .mtu = 1492,
                            .default_route_metric = 50}));
  const LinkState link = Link();
  EXPECT_EQ(link.mtu, 1492u);
  EXPECT_TRUE(link.up);
  EXPECT_EQ(Addresses(), (std::vector<AddressEntry>{{kLocal, kPeer, 32}}));
  EXPECT_EQ(Routes(), (std::vector<DefaultRoute>{{ifindex_, 50}}));
}

TEST_F(NetlinkTest, ApplyWithoutMetricLeavesRoutingAlone) {
  InterfaceSetup setup(*netlink_);
  ASSERT_FALSE(setup.Apply({.ifindex = ifindex_, .local = kLocal, .peer = kPeer, .mtu = 1500}));
  EXPECT_TRUE(Routes().empty());
}

TEST_F(NetlinkTest, UndoRemovesOnlyWhatApplyAdded) {
  const Ipv4 admin{192, 168, 7, 1};
  ASSERT_FALSE(netlink_->AddPeerAddress(ifindex_, admin, {192, 168, 7, 2}));
  InterfaceSetup setup(*netlink_);
  ASSERT_FALSE(setup.Apply({.ifindex = ifindex_,
                            .local = kLocal,
                            .peer = kPeer,
                            .mtu = 1500,
                            .default_route_metric = 50}));
  ASSERT_FALSE(setup.Undo());
  EXPECT_EQ(Addresses(), (std::vector<AddressEntry>{{admin, Ipv4{192, 168, 7, 2}, 32}}));
  EXPECT_TRUE(Routes().empty());
  EXPECT_FALSE(Link().up);
}

TEST_F(NetlinkTest, UndoTwiceIsHarmless) {
  InterfaceSetup setup(*netlink_);
  ASSERT_FALSE(setup.Apply({.ifindex = ifindex_, .local = kLocal, .peer = kPeer, .mtu = 1500}));
  EXPECT_FALSE(setup.Undo());
  EXPECT_FALSE(setup.Undo());
}

// The same default route already exists (NLM_F_EXCL): Apply fails at its last step and must
// leave no address and no link-up behind (setting the link down also flushes the old route).
TEST_F(NetlinkTest, FailedApplyUndoesItsEarlierSteps) {
  ASSERT_FALSE(netlink_->SetUp(ifindex_, true));
  ASSERT_FALSE(netlink_->AddDefaultRoute(ifindex_, 50));
  InterfaceSetup setup(*netlink_);
  EXPECT_TRUE(setup.Apply({.ifindex = ifindex_,
                           .local = kLocal,
                           .peer = kPeer,
                           .mtu = 1500,
                           .default_route_metric = 50}));
  EXPECT_TRUE(Addresses().empty());
  EXPECT_FALSE(Link().up);
}

}  // namespace
}  // namespace uclink::pppif
