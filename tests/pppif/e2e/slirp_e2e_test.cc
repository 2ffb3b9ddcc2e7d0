// End to end against an independent PPP peer: UserspacePppBackend (Session + Engine +
// TUN + rtnetlink + DNS file) runs in a network namespace this test creates, and talks through a
// pty to slirp-fullbolt in the host namespace. Native sockets and curl inside the namespace reach
// servers on the host's 127.0.0.1 as 10.0.2.2; nothing else leaves the machine.
#include <gtest/gtest.h>
#include <net/if.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "pppif/netlink.h"
#include "pppif/userspace_backend.h"
#include "tests/pppif/e2e/clients.h"
#include "tests/pppif/e2e/host_servers.h"
#include "tests/pppif/e2e/namespaced_link.h"
#include "tests/pppif/e2e/netns.h"
#include "tests/pppif/e2e/slirp_peer.h"

namespace uclink::pppif::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint32_t kRouteMetric = 321;
// slirp hands this out as DNS (`dns` option); the alias itself is never queried here.
constexpr char kSlirpDns[] = "10.0.2.3";

class SlirpLinkTest : public ::testing::Test {
 protected:
  // Extra slirp options after `ppp nozeros`.
  virtual std::vector<std::string> SlirpOptions() const {
    return {std::string("dns ") + kSlirpDns};
  }
  // Whether to read what slirp sends before the backend starts and hand it over as the bytes
  // chat/ read after CONNECT.
  virtual bool TakeLeftover() const { return false; }
  // How long the link may take to reach IPCP Opened.
  virtual std::chrono::milliseconds UpBound() const { return 10s; }
  // The backend configuration (default route and DNS file are set by SetUp).
  virtual UserspaceBackendOptions BackendOptions() const { return {}; }
  // Runs inside the namespace before the link starts.
  virtual void PrepareNamespace() {}
  // Whether SetUp insists on IPCP reaching Opened.
  virtual bool ExpectUp() const { return true; }

  void SetUp() override {
    if (const std::string reason = NetAdminUnavailableReason(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    if (!SlirpAvailable()) GTEST_SKIP() << "slirp-fullbolt is not installed";
    const char* tmp = std::getenv("TEST_TMPDIR");
    work_dir_ = fs::path(tmp != nullptr ? tmp : "/tmp") /
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(work_dir_);
    fs::create_directories(work_dir_);
    resolv_conf_ = (work_dir_ / "resolv.conf").string();

    std::error_code ec;
    // Servers and slirp start on this (host-namespace) thread.
    tcp_echo_ = HostServer::Start(ServerRole::kTcpEcho, ec);
    ASSERT_FALSE(ec) << ec.message();
    udp_echo_ = HostServer::Start(ServerRole::kUdpEcho, ec);
    ASSERT_FALSE(ec) << ec.message();
    http_ = HostServer::Start(ServerRole::kHttp, ec);
    ASSERT_FALSE(ec) << ec.message();
    slirp_ = SlirpPeer::Start(work_dir_.string(), SlirpOptions(), ec);
    ASSERT_FALSE(ec) << ec.message();
    if (TakeLeftover()) leftover_ = ReadWhatSlirpSent();
    ns_ = NetNamespace::Create(ec);
    ASSERT_FALSE(ec) << ec.message();

    ns_->Run([&] { PrepareNamespace(); });
    UserspaceBackendOptions options = BackendOptions();
    options.default_route_metric = kRouteMetric;
    options.dns = {.method = DnsMethod::kResolvConfFile, .resolv_conf_path = resolv_conf_};
    link_ = NamespacedLink::Start(*ns_, slirp_->line_fd(), options, ec, leftover_);
    ASSERT_FALSE(ec) << ec.message();
    if (!ExpectUp()) return;
    ip_ = link_->WaitUp(UpBound());
    ASSERT_TRUE(ip_.has_value()) << "no IPCP up; slirp log:\n" << slirp_->Log();
  }

  void TearDown() override {
    link_.reset();
    slirp_.reset();
    ns_.reset();
    std::error_code ignored;
    fs::remove_all(work_dir_, ignored);
  }

  // Everything slirp wrote within 2 s of starting (its first LCP Configure-Request).
  Bytes ReadWhatSlirpSent() {
    Bytes bytes;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline && bytes.empty()) {
      pollfd ready{slirp_->line_fd(), POLLIN, 0};
      if (::poll(&ready, 1, 100) != 1) continue;
      std::uint8_t buffer[4096];
      const ssize_t n = ::read(slirp_->line_fd(), buffer, sizeof buffer);
      if (n > 0) bytes.insert(bytes.end(), buffer, buffer + n);
    }
    return bytes;
  }

  fs::path work_dir_;
  std::string resolv_conf_;
  Bytes leftover_;
  std::unique_ptr<HostServer> tcp_echo_, udp_echo_, http_;
  std::unique_ptr<SlirpPeer> slirp_;
  std::unique_ptr<NetNamespace> ns_;
  std::unique_ptr<NamespacedLink> link_;
  std::optional<IpConfig> ip_;
};

// slirp Naks us 10.0.2.15 (docs/ppp.md, "slirp-fullbolt as the test peer"); the interface carries
// it as a /32 with the peer, is up, has the peer's MRU as MTU and the configured default route.
TEST_F(SlirpLinkTest, InterfaceIsConfiguredFromIpcp) {
  EXPECT_EQ(ip_->local, (Ipv4{10, 0, 2, 15}));
  const std::string ifname = link_->ifname();
  EXPECT_EQ(ifname, "ppp0");
  ns_->Run([&] {
    std::error_code ec;
    std::unique_ptr<RouteNetlink> netlink = RouteNetlink::Connect(ec);
    ASSERT_FALSE(ec) << ec.message();
    const int ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
    const std::optional<LinkState> link = netlink->QueryLink(ifindex, ec);
    ASSERT_TRUE(link.has_value()) << ec.message();
    EXPECT_TRUE(link->up);
    EXPECT_EQ(link->mtu, ip_->mtu);
    EXPECT_EQ(netlink->QueryAddresses(ifindex, ec),
              (std::vector<AddressEntry>{{ip_->local, ip_->peer, 32}}));
    EXPECT_EQ(netlink->QueryDefaultRoutes(ec),
              (std::vector<DefaultRoute>{{ifindex, kRouteMetric}}));
  });
}

TEST_F(SlirpLinkTest, ResolvConfListsTheNegotiatedDns) {
  ASSERT_TRUE(ip_->dns1.has_value());
  EXPECT_EQ(FormatIpv4(*ip_->dns1), kSlirpDns);
  std::ifstream file(resolv_conf_);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_NE(text.str().find(std::string("nameserver ") + kSlirpDns + "\n"), std::string::npos)
      << text.str();
}

// A native TCP connection from the namespace to the host: 256 KiB in 16 KiB rounds, each echoed
// back byte for byte (the rounds keep every buffer on the path from filling up).
TEST_F(SlirpLinkTest, TcpBytesCrossTheLinkBothWays) {
  const std::vector<std::uint8_t> data = PatternBytes(256 * 1024, 5);
  constexpr std::size_t kRound = 16 * 1024;
  const bool same = ns_->Run([&] {
    TcpClient client(kSlirpHost, tcp_echo_->port(), 10s);
    if (!client.connected()) return false;
    for (std::size_t offset = 0; offset < data.size(); offset += kRound) {
      const std::vector<std::uint8_t> round(data.begin() + offset, data.begin() + offset + kRound);
      if (!client.SendAll(round) || client.ReceiveExactly(kRound) != round) return false;
    }
    return true;
  });
  EXPECT_TRUE(same);
  EXPECT_GT(link_->Status().counters.ip_packets_in, 0u);
}

TEST_F(SlirpLinkTest, UdpDatagramsCrossTheLinkBothWays) {
  for (std::size_t size : {1u, 100u, 512u, 1000u, 1400u}) {
    const std::vector<std::uint8_t> payload = PatternBytes(size, static_cast<std::uint32_t>(size));
    const std::vector<std::uint8_t> reply =
        ns_->Run([&] { return UdpRoundTrip(kSlirpHost, udp_echo_->port(), payload, 2s, 3); });
    EXPECT_EQ(reply, payload) << "datagram of " << size << " bytes";
  }
}

TEST_F(SlirpLinkTest, CurlFetchesFromAHostHttpServer) {
  int status = -1;
  const std::string body = ns_->Run([&] {
    return RunAndCapture({"/usr/bin/curl", "-sS", "--noproxy", "*", "--max-time", "10",
                          "http://10.0.2.2:" + std::to_string(http_->port()) + "/"},
                         20s, status);
  });
  EXPECT_EQ(status, 0);
  EXPECT_EQ(body, HttpBody());
}

// Link death: the peer process dies, the pty reports EIO/EOF, the engine reports Down and the
// backend removes everything it created.
TEST_F(SlirpLinkTest, KillingThePeerTakesTheLinkDownAndCleansUp) {
  const std::string ifname = link_->ifname();
  slirp_->Kill();
  const std::optional<LinkDown> down = link_->WaitDown(10s);
  ASSERT_TRUE(down.has_value());
  EXPECT_TRUE(down->reason == DownReason::kLineClosed || down->reason == DownReason::kNoCarrier ||
              down->reason == DownReason::kEchoTimeout)
      << ToString(down->reason) << ": " << down->detail;
  EXPECT_EQ(ns_->Run([&] { return ::if_nametoindex(ifname.c_str()); }), 0u);
  EXPECT_FALSE(fs::exists(resolv_conf_));
  EXPECT_FALSE(link_->Status().running);
}

TEST_F(SlirpLinkTest, StopTerminatesTheLinkWithinTheBound) {
  const auto start = std::chrono::steady_clock::now();
  link_->Stop();
  const std::optional<LinkDown> down = link_->WaitDown(10s);
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, DownReason::kLocalClose) << down->detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_FALSE(fs::exists(resolv_conf_));
}

// Keepalive: slirp is frozen (alive, silent). With echo every 1 s and 2 failures allowed, the
// session declares the link dead by echo timeout, not by line EOF.
class SlirpGoesSilentTest : public SlirpLinkTest {
 protected:
  UserspaceBackendOptions BackendOptions() const override {
    UserspaceBackendOptions options;
    options.session.echo_interval = 1s;
    options.session.echo_failures = 2;
    return options;
  }
};

TEST_F(SlirpGoesSilentTest, UnansweredEchoesTakeTheLinkDown) {
  slirp_->Freeze();
  const std::optional<LinkDown> down = link_->WaitDown(10s);
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, DownReason::kEchoTimeout) << down->detail;
  EXPECT_FALSE(fs::exists(resolv_conf_));
}

// The interface cannot be configured (a default route with the same metric already exists, so
// NLM_F_EXCL refuses ours): the backend ends the link instead of reporting it up, and says why.
class InterfaceSetupFailsTest : public SlirpLinkTest {
 protected:
  void PrepareNamespace() override {
    std::error_code ec;
    std::unique_ptr<RouteNetlink> netlink = RouteNetlink::Connect(ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_FALSE(netlink->AddDefaultRoute(static_cast<int>(::if_nametoindex("lo")), kRouteMetric));
  }
  bool ExpectUp() const override { return false; }
};

TEST_F(InterfaceSetupFailsTest, LinkEndsWithTheSetupErrorInsteadOfComingUp) {
  const std::optional<LinkDown> down = link_->WaitDown(10s);
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, DownReason::kLocalClose);
  EXPECT_NE(down->detail.find("interface-setup-failed"), std::string::npos) << down->detail;
  EXPECT_FALSE(link_->WaitUp(0ms).has_value());
  EXPECT_FALSE(fs::exists(resolv_conf_));
}

// slirp started with `initiate-options` speaks first, like a module that sends LCP right after
// CONNECT. Those bytes were read by chat/ along with CONNECT and arrive as leftover. If the engine
// dropped them, slirp would resend its Configure-Request only after its 3 s restart timer
// (docs/ppp.md, "slirp-fullbolt as the test peer"), so the bound below fails exactly when the
// leftover is lost.
class SlirpSpeaksFirstTest : public SlirpLinkTest {
 protected:
  std::vector<std::string> SlirpOptions() const override { return {"initiate-options"}; }
  bool TakeLeftover() const override { return true; }
  std::chrono::milliseconds UpBound() const override { return 2500ms; }
};

TEST_F(SlirpSpeaksFirstTest, BytesReadAfterConnectAreNotLost) {
  ASSERT_FALSE(leftover_.empty());
  EXPECT_EQ(leftover_.front(), 0x7E);  // a PPP flag: slirp's first frame
  EXPECT_EQ(ip_->local, (Ipv4{10, 0, 2, 15}));
}

}  // namespace
}  // namespace uclink::pppif::testing
