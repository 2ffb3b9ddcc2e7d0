// PppdBackend's Asio shell against a fake pppd (testdata/fake_pppd.py: this host has no kernel
// PPP; the real pppd runs in the VM tier, tests/vm). The bridge, the hook socket, exit mapping,
// Stop and cleanup are real.
#include "pppif/pppd_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pppif/interface_errc.h"
#include "pppif/netlink.h"
#include "pppif/pppd_errc.h"
#include "pppif/tun.h"
#include "tests/pppif/e2e/netns.h"

namespace uclink::pppif {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Absolute(const char* runfile) {
  return (std::filesystem::current_path() / runfile).string();
}

class PppdBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, line_), 0);
    options_.pppd.pppd_path = Absolute("tests/pppif/testdata/fake_pppd.py");
    options_.pppd.hook_path = Absolute("pppif/pppd_hook");
    options_.pppd.ipparam = "test-link";
    options_.runtime_dir = "/tmp";  // short: a socket path must fit sockaddr_un (108 bytes)
    options_.stop_timeout = 3s;
  }
  void TearDown() override {
    backend_.reset();
    ::close(line_[0]);
    ::close(line_[1]);
  }

  void CreateBackend() {
    std::error_code ec;
    backend_ = PppdBackend::Create(io_, options_, ec);
    ASSERT_TRUE(backend_) << ec.message();
    backend_->set_on_up([this](const IpConfig& ip, const std::string& ifname) {
      up_ = ip;
      ifname_ = ifname;
    });
    backend_->set_on_down([this](DownReason reason, const std::string& detail) {
      down_ = reason;
      detail_ = detail;
    });
  }

  // Runs the io_context until `done` holds; bounded so a broken backend fails, not hangs.
  template <typename Predicate>
  bool RunUntil(Predicate done) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_one_for(100ms);
    }
    return done();
  }

  // Reads from the modem side of the line while running the backend until `want` was seen.
  bool ModemReceives(const std::string& want) {
    std::string seen;
    return RunUntil([&] {
      char buffer[256];
      ssize_t n = ::recv(line_[1], buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n > 0) seen.append(buffer, static_cast<std::size_t>(n));
      return seen.find(want) != std::string::npos;
    });
  }

  // Like ModemReceives, but gives up after `bound` (for "nothing comes back").
  bool ModemReceivesWithin(const std::string& want, std::chrono::milliseconds bound) {
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_one_for(20ms);
      char buffer[256];
      ssize_t n = ::recv(line_[1], buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n > 0) seen.append(buffer, static_cast<std::size_t>(n));
      if (seen.find(want) != std::string::npos) return true;
    }
    return false;
  }

  void ModemSends(const std::string& bytes) {
    ASSERT_EQ(::send(line_[1], bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  }

  boost::asio::io_context io_;
  int line_[2] = {-1, -1};  // [0] for the backend, [1] plays the module
  PppdBackendOptions options_;
  std::unique_ptr<PppdBackend> backend_;
  std::optional<IpConfig> up_;
  std::string ifname_;
  std::optional<DownReason> down_;
  std::string detail_;
};

TEST_F(PppdBackendTest, IpUpFromTheHookReportsAddressesDnsAndInterface) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
  EXPECT_EQ(ifname_, "ppp9");
  EXPECT_EQ(up_->local, (Ipv4{10, 9, 0, 2}));
  EXPECT_EQ(up_->peer, (Ipv4{10, 9, 0, 1}));
  EXPECT_EQ(up_->dns1, (Ipv4{10, 9, 0, 53}));
  EXPECT_EQ(up_->dns2, (Ipv4{10, 9, 0, 54}));
  EXPECT_TRUE(backend_->status().running);
  EXPECT_EQ(backend_->status().phase, Phase::kRunning);
}

TEST_F(PppdBackendTest, BytesAfterConnectReachPppdBeforeLaterOnes) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {'A', 'B', 'C'}));
  ModemSends("DEF");
  // The fake echoes what it reads: the CONNECT leftovers must come back first, in order.
  EXPECT_TRUE(ModemReceives("ABCDEF"));
}

TEST_F(PppdBackendTest, PppdBytesReachTheModem) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  EXPECT_TRUE(ModemReceives("PPPD-HELLO"));
}

TEST_F(PppdBackendTest, StopTerminatesPppdAndReportsLocalClose) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
  backend_->Stop();
  ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
  EXPECT_EQ(*down_, DownReason::kLocalClose);
  EXPECT_EQ(backend_->last_termination().exit_status, 5);
  EXPECT_FALSE(backend_->status().running);
}

TEST_F(PppdBackendTest, NoCarrierFromTheModemEndsTheLinkAsNoCarrier) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
  ModemSends("\x7e\r\nNO CARRIER\r\n");
  ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
  EXPECT_EQ(*down_, DownReason::kNoCarrier);
  // The pty was closed: pppd saw a hang-up (pppd(8) exit 16).
  EXPECT_EQ(backend_->last_termination().exit_status, 16);
  EXPECT_EQ(backend_->TakeAtChannelBytes(), std::vector<std::uint8_t>{'\n'});
}

// A monitoring slice (docs/state-machine.md): while suspended the bridge leaves the port alone, so
// the AT channel's bytes never reach pppd; Resume bridges again, CONNECT leftovers first.
TEST_F(PppdBackendTest, SuspendedBridgeLeavesTheLineAloneUntilResume) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  ASSERT_TRUE(ModemReceives("PPPD-HELLO"));
  backend_->Suspend();
  EXPECT_TRUE(backend_->status().suspended);
  ModemSends("\r\nOK\r\n");
  // The fake pppd echoes what reaches it: nothing may come back while suspended.
  EXPECT_FALSE(ModemReceivesWithin("OK", 300ms));
  char buffer[16];
  EXPECT_EQ(::recv(line_[0], buffer, sizeof(buffer), MSG_DONTWAIT), 6);  // still for the AT side
  backend_->Resume(line_[0], {'X', 'Y'});
  EXPECT_FALSE(backend_->status().suspended);
  ModemSends("Z");
  EXPECT_TRUE(ModemReceives("XYZ"));
}

TEST_F(PppdBackendTest, StopWhileSuspendedEndsAsLocalClose) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
  backend_->Suspend();
  backend_->Stop();
  ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
  EXPECT_EQ(*down_, DownReason::kLocalClose);
  EXPECT_FALSE(backend_->status().suspended);
}

TEST_F(PppdBackendTest, AuthenticationFailureExitIsReportedAsAuthFailed) {
  options_.pppd.user_options = {"fake-exit=19"};
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
  EXPECT_EQ(*down_, DownReason::kAuthFailed);
  EXPECT_THAT(detail_, HasSubstr("19"));
}

TEST_F(PppdBackendTest, PasswordGoesToAFileNotTheCommandLine) {
  options_.pppd.username = "gprs";
  options_.password = "top-secret";
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  const auto& argv = backend_->last_argv();
  EXPECT_THAT(argv, Contains("file"));
  for (const auto& word : argv) EXPECT_THAT(word, Not(HasSubstr("top-secret")));
}

TEST_F(PppdBackendTest, PrivateDirectoryIsRemovedWhenTheLinkEnds) {
  options_.password = "x";
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  const auto& argv = backend_->last_argv();
  auto file = std::find(argv.begin(), argv.end(), "file");
  ASSERT_NE(file, argv.end());
  std::filesystem::path secrets = *(file + 1);
  EXPECT_TRUE(std::filesystem::exists(secrets));
  backend_->Stop();
  ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
  EXPECT_FALSE(std::filesystem::exists(secrets.parent_path()));
}

TEST_F(PppdBackendTest, SecondStartWhileRunningIsRefused) {
  CreateBackend();
  ASSERT_FALSE(backend_->Start(line_[0], {}));
  EXPECT_EQ(backend_->Start(line_[0], {}), InterfaceErrc::kAlreadyStarted);
}

TEST_F(PppdBackendTest, ReservedUserOptionIsRefusedAtCreate) {
  options_.pppd.user_options = {"connect", "/bin/sh"};
  std::error_code ec;
  EXPECT_FALSE(PppdBackend::Create(io_, options_, ec));
  EXPECT_EQ(ec, PppdErrc::kReservedOption);
}

TEST_F(PppdBackendTest, MissingPppdBinaryIsASpawnError) {
  options_.pppd.pppd_path = "/nonexistent/pppd";
  CreateBackend();
  EXPECT_EQ(backend_->Start(line_[0], {}), std::errc::no_such_file_or_directory);
}

// Default route and DNS on ip-up, through pppif/netlink.h and pppif/dns.h (pppd runs with
// nodefaultroute: uclink applies both itself). Each test runs in a network namespace it
// creates, with a TUN device named like the fake pppd's interface (ppp9) standing in for the
// kernel's ppp unit, so the route really goes into a routing table.
class PppdRouteAndDnsTest : public PppdBackendTest {
 protected:
  void SetUp() override {
    if (const std::string reason = testing::NetAdminUnavailableReason(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    PppdBackendTest::SetUp();
    resolv_conf_ = std::filesystem::path(::testing::TempDir()) / "pppd-resolv.conf";
    std::ofstream(resolv_conf_) << "nameserver 192.0.2.1\n";
    options_.default_route_metric = kMetric;
    options_.dns.method = DnsMethod::kResolvConfFile;
    options_.dns.resolv_conf_path = resolv_conf_.string();
    std::error_code ec;
    ns_ = testing::NetNamespace::Create(ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  void TearDown() override {
    if (ns_) ns_->Run([&] { PppdBackendTest::TearDown(); });
    tun_.Close();
    std::filesystem::remove(resolv_conf_);
  }

  // Creates ppp9 (up) and the checking netlink socket inside the namespace.
  void CreateInterface() {
    std::error_code ec;
    tun_ = TunDevice::Open({.name = "ppp9"}, ec);
    ASSERT_FALSE(ec) << ec.message();
    netlink_ = RouteNetlink::Connect(ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_FALSE(netlink_->SetUp(tun_.ifindex(), true));
  }

  std::vector<DefaultRoute> Routes() {
    std::error_code ec;
    std::vector<DefaultRoute> routes = netlink_->QueryDefaultRoutes(ec);
    EXPECT_FALSE(ec) << ec.message();
    return routes;
  }

  std::string ResolvConf() {
    std::ifstream file(resolv_conf_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  static constexpr std::uint32_t kMetric = 77;
  std::unique_ptr<testing::NetNamespace> ns_;
  TunDevice tun_;
  std::unique_ptr<RouteNetlink> netlink_;
  std::filesystem::path resolv_conf_;
};

TEST_F(PppdRouteAndDnsTest, IpUpAddsTheDefaultRouteWithTheMetricAndPublishesDns) {
  ns_->Run([&] {
    CreateInterface();
    CreateBackend();
    ASSERT_FALSE(backend_->Start(line_[0], {}));
    ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
    EXPECT_THAT(Routes(), Contains(DefaultRoute{tun_.ifindex(), kMetric}));
    EXPECT_FALSE(backend_->route_error()) << backend_->route_error().message();
    EXPECT_THAT(ResolvConf(), HasSubstr("nameserver 10.9.0.53\nnameserver 10.9.0.54\n"));
  });
}

TEST_F(PppdRouteAndDnsTest, StopRemovesTheRouteAndRestoresResolvConf) {
  ns_->Run([&] {
    CreateInterface();
    CreateBackend();
    ASSERT_FALSE(backend_->Start(line_[0], {}));
    ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
    backend_->Stop();
    ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
    EXPECT_THAT(Routes(), Not(Contains(DefaultRoute{tun_.ifindex(), kMetric})));
    EXPECT_EQ(ResolvConf(), "nameserver 192.0.2.1\n");
  });
}

TEST_F(PppdRouteAndDnsTest, PppdEndingWithoutIpDownStillLosesRouteAndDns) {
  ns_->Run([&] {
    CreateInterface();
    CreateBackend();
    ASSERT_FALSE(backend_->Start(line_[0], {}));
    ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
    // NO CARRIER: the bridge hangs up the pty, the fake exits 16 without running ip-down.
    ModemSends("\x7e\r\nNO CARRIER\r\n");
    ASSERT_TRUE(RunUntil([&] { return down_.has_value(); }));
    EXPECT_THAT(Routes(), Not(Contains(DefaultRoute{tun_.ifindex(), kMetric})));
    EXPECT_EQ(ResolvConf(), "nameserver 192.0.2.1\n");
  });
}

TEST_F(PppdRouteAndDnsTest, MissingInterfaceIsARouteErrorAndTheLinkStaysUp) {
  ns_->Run([&] {
    CreateBackend();  // no ppp9 in this namespace
    ASSERT_FALSE(backend_->Start(line_[0], {}));
    ASSERT_TRUE(RunUntil([&] { return up_.has_value(); }));
    EXPECT_EQ(backend_->route_error(), std::errc::no_such_device);
    EXPECT_TRUE(backend_->status().running);
    EXPECT_FALSE(down_.has_value());
  });
}

TEST(PppdDownReasonTest, ExitStatusesMapToDownReasons) {
  auto exited = [](int status) { return PppdTermination{.exit_status = status}; };
  EXPECT_EQ(DownReasonFor(exited(0), false, false), DownReason::kPeerTerminated);
  EXPECT_EQ(DownReasonFor(exited(15), false, false), DownReason::kEchoTimeout);
  EXPECT_EQ(DownReasonFor(exited(16), false, false), DownReason::kLineClosed);
  EXPECT_EQ(DownReasonFor(exited(17), false, false), DownReason::kLoopback);
  EXPECT_EQ(DownReasonFor(exited(19), false, false), DownReason::kAuthFailed);
  EXPECT_EQ(DownReasonFor(exited(11), false, false), DownReason::kAuthFailed);
  EXPECT_EQ(DownReasonFor(exited(10), false, false), DownReason::kNegotiationFailed);
  EXPECT_EQ(DownReasonFor(exited(4), false, false), DownReason::kNegotiationFailed);
  EXPECT_EQ(DownReasonFor(exited(99), false, false), DownReason::kNegotiationFailed);
}

TEST(PppdDownReasonTest, NoCarrierSeenByTheBridgeWinsOverHangup) {
  EXPECT_EQ(DownReasonFor(PppdTermination{.exit_status = 16}, true, false), DownReason::kNoCarrier);
}

TEST(PppdDownReasonTest, OurStopIsLocalCloseWhateverTheStatus) {
  EXPECT_EQ(DownReasonFor(PppdTermination{.exit_status = 5}, false, true), DownReason::kLocalClose);
  EXPECT_EQ(DownReasonFor(PppdTermination{.exit_status = std::nullopt, .signal = 9}, false, true),
            DownReason::kLocalClose);
}

}  // namespace
}  // namespace uclink::pppif
