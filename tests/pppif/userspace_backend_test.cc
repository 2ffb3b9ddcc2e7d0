// UserspacePppBackend lifecycle without a PPP peer: the line is a socketpair whose far end stays
// silent or closes. (Negotiation, traffic and DNS against a real peer: e2e/slirp_e2e_test.)
// The backend is created and started on a thread inside a test namespace; its io_context runs
// on the test thread.
#include "pppif/userspace_backend.h"

#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "pppif/interface_errc.h"
#include "tests/pppif/e2e/netns_fixture.h"

namespace uclink::pppif {
namespace {

using namespace std::chrono_literals;

class UserspaceBackendTest : public testing::NetNamespaceTest {
 protected:
  void SetUp() override {
    NetNamespaceTest::SetUp();
    if (ns_ == nullptr) return;
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    line_ = pair[0];
    modem_ = pair[1];
  }

  void TearDown() override {
    if (backend_) ns_->Run([&] { backend_.reset(); });
    if (line_ >= 0) ::close(line_);
    if (modem_ >= 0) ::close(modem_);
  }

  std::error_code CreateAndStart(UserspaceBackendOptions options) {
    return ns_->Run([&] {
      std::error_code ec;
      backend_ = UserspacePppBackend::Create(io_, std::move(options), ec);
      if (ec) return ec;
      backend_->set_on_down([this](DownReason reason, const std::string& detail) {
        downs_.push_back({reason, detail});
      });
      return backend_->Start(line_, {});
    });
  }

  bool RunUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(10ms);
    }
    return true;
  }

  unsigned IfIndex(const std::string& name) {
    return ns_->Run([&] { return ::if_nametoindex(name.c_str()); });
  }

  boost::asio::io_context io_;
  std::unique_ptr<UserspacePppBackend> backend_;
  std::vector<std::pair<DownReason, std::string>> downs_;
  int line_ = -1, modem_ = -1;
};

TEST_F(UserspaceBackendTest, StartCreatesTheTunDeviceAndReportsRunning) {
  ASSERT_FALSE(CreateAndStart({}));
  EXPECT_GT(IfIndex("ppp0"), 0u);
  const BackendStatus status = backend_->status();
  EXPECT_TRUE(status.running);
  EXPECT_EQ(status.ifname, "ppp0");
  EXPECT_FALSE(status.ip.has_value());
}

TEST_F(UserspaceBackendTest, SecondStartIsRefused) {
  ASSERT_FALSE(CreateAndStart({}));
  EXPECT_EQ(ns_->Run([&] { return backend_->Start(line_, {}); }), InterfaceErrc::kAlreadyStarted);
}

TEST_F(UserspaceBackendTest, BadInterfaceNameFailsStartWithoutACallback) {
  UserspaceBackendOptions options;
  options.tun.name = "bad name";
  EXPECT_EQ(CreateAndStart(options), InterfaceErrc::kBadInterfaceName);
  io_.run_for(20ms);
  EXPECT_TRUE(downs_.empty());
  EXPECT_FALSE(backend_->status().running);
}

TEST_F(UserspaceBackendTest, LineEofEndsTheLinkAndRemovesTheTunDevice) {
  ASSERT_FALSE(CreateAndStart({}));
  ::close(std::exchange(modem_, -1));
  ASSERT_TRUE(RunUntil([&] { return !downs_.empty(); }));
  EXPECT_EQ(downs_[0].first, DownReason::kLineClosed) << downs_[0].second;
  EXPECT_EQ(IfIndex("ppp0"), 0u);
  EXPECT_FALSE(backend_->status().running);
  EXPECT_EQ(backend_->status().last_down, DownReason::kLineClosed);
}

// The silent peer never acknowledges Terminate-Request: the engine's stop bound ends the link.
TEST_F(UserspaceBackendTest, StopDuringNegotiationEndsWithLocalClose) {
  UserspaceBackendOptions options;
  options.engine.stop_timeout = 100ms;
  ASSERT_FALSE(CreateAndStart(options));
  backend_->Stop();
  ASSERT_TRUE(RunUntil([&] { return !downs_.empty(); }));
  EXPECT_EQ(downs_[0].first, DownReason::kLocalClose) << downs_[0].second;
  EXPECT_EQ(IfIndex("ppp0"), 0u);
}

TEST_F(UserspaceBackendTest, ConfiguredInterfaceNameIsUsed) {
  UserspaceBackendOptions options;
  options.tun.name = "gprs0";
  ASSERT_FALSE(CreateAndStart(options));
  EXPECT_GT(IfIndex("gprs0"), 0u);
  EXPECT_EQ(backend_->status().ifname, "gprs0");
}

}  // namespace
}  // namespace uclink::pppif
