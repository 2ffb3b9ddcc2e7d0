// uclinkd's resolved client when resolved misbehaves (control/daemon/resolved_client.h,
// dns_hand_off.h): absent, answering errors, never answering (bounded), restarting. A stand-in
// resolve1 service, written with sd-bus in a thread of this test, owns the name on a private
// system bus (dbus-daemon) in the test's own mount namespace.
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "control/daemon/dns_hand_off.h"
#include "control/daemon/resolved_client.h"
#include "tests/control/integration/system_bus.h"

namespace uclink::control {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

enum class Behaviour { kAnswer, kError, kHang };

// org.freedesktop.resolve1 as far as uclinkd uses it, answering as told.
class FakeResolved {
 public:
  explicit FakeResolved(Behaviour behaviour) : behaviour_(behaviour) {
    thread_ = std::thread([this] { Run(); });
    std::unique_lock<std::mutex> lock(mutex_);
    ready_cv_.wait_for(lock, 10s, [this] { return ready_; });
  }
  ~FakeResolved() {
    stop_ = true;
    thread_.join();
  }
  bool ready() const { return ready_ && owns_; }
  int calls() const { return calls_; }

 private:
  static int Handle(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<FakeResolved*>(userdata);
    ++self->calls_;
    switch (self->behaviour_) {
      case Behaviour::kAnswer:
        return sd_bus_reply_method_return(m, "");
      case Behaviour::kError:
        return sd_bus_reply_method_errorf(m, "org.freedesktop.resolve1.NoSuchLink",
                                          "Link not known");
      case Behaviour::kHang:
        return 1;  // handled, never answered
    }
    return 1;
  }

  void Run() {
    static const sd_bus_vtable kVtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("SetLinkDNS", "ia(iay)", "", &Handle, 0),
        SD_BUS_METHOD("SetLinkDomains", "ia(sb)", "", &Handle, 0),
        SD_BUS_METHOD("SetLinkDefaultRoute", "ib", "", &Handle, 0),
        SD_BUS_METHOD("RevertLink", "i", "", &Handle, 0),
        SD_BUS_VTABLE_END};
    sd_bus* bus = nullptr;
    owns_ = sd_bus_open_system(&bus) >= 0 &&
            sd_bus_add_object_vtable(bus, nullptr, "/org/freedesktop/resolve1",
                                     "org.freedesktop.resolve1.Manager", kVtable, this) >= 0 &&
            sd_bus_request_name(bus, "org.freedesktop.resolve1", 0) >= 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_ = true;
    }
    ready_cv_.notify_all();
    while (owns_ && !stop_) {
      if (sd_bus_process(bus, nullptr) == 0) sd_bus_wait(bus, 50000);  // re-checks stop_
    }
    if (bus) sd_bus_flush_close_unref(bus);
  }

  Behaviour behaviour_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_cv_;
  bool ready_ = false;
  std::atomic<bool> owns_{false};
  std::atomic<bool> stop_{false};
  std::atomic<int> calls_{0};
};

class ResolvedErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = new std::string(std::string(tmp ? tmp : "/tmp") + "/resolved-errors");
    fs::create_directories(*dir_);
    ASSERT_EQ(::unshare(CLONE_NEWNS), 0);
    ASSERT_EQ(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
    std::error_code ignored;
    fs::create_directories("/run/dbus", ignored);
    ASSERT_EQ(::mount("tmpfs", "/run/dbus", "tmpfs", 0, "mode=0755"), 0);
    const testing::SystemBus bus = testing::StartSystemBus(*dir_ + "/bus.conf");
    bus_pid_ = bus.pid;
    ASSERT_TRUE(bus.ready) << bus.error.message();
  }
  static void TearDownTestSuite() {
    if (bus_pid_ > 0) {
      ::kill(bus_pid_, SIGTERM);
      ::waitpid(bus_pid_, nullptr, 0);
    }
  }
  void SetUp() override {
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_)));
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  // Runs the loop until `done` or the bound.
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    return done();
  }

  static inline std::string* dir_ = nullptr;
  static inline pid_t bus_pid_ = -1;
  boost::asio::io_context io_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
};

ResolvedLinkSettings Settings() { return PlanResolvedLink(1, {"192.0.2.53"}, true); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A plain resolv.conf at `resolv_conf` holding one server, and no resolvconf program: with
// resolved absent, "auto" picks the file.
DnsHostPaths PlainFileHost(const std::string& resolv_conf) {
  std::ofstream(resolv_conf) << "nameserver 198.51.100.1\n";
  DnsHostPaths paths;
  paths.resolv_conf = resolv_conf;
  paths.resolvconf_program = resolv_conf + ".no-resolvconf";
  return paths;
}

TEST_F(ResolvedErrorsTest, AbsentResolvedIsReportedAndACallFailsWithTheBusError) {
  ResolvedClient client(io_, 2s);
  std::optional<bool> presence;
  client.set_on_presence([&](bool present) { presence = present; });
  std::string why;
  ASSERT_TRUE(client.Start(&why)) << why;
  ASSERT_TRUE(RunUntil([&] { return presence.has_value(); }, 5s));
  EXPECT_FALSE(*presence);
  std::optional<std::string> result;
  client.Apply(Settings(), [&](const std::string& error) { result = error; });
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }, 5s));
  EXPECT_NE(result->find("SetLinkDNS: org.freedesktop.DBus.Error.ServiceUnknown"),
            std::string::npos)
      << *result;
}

TEST_F(ResolvedErrorsTest, AnErrorAnswerIsPassedOnWithItsName) {
  FakeResolved fake(Behaviour::kError);
  ASSERT_TRUE(fake.ready());
  ResolvedClient client(io_, 2s);
  std::optional<bool> presence;
  client.set_on_presence([&](bool present) { presence = present; });
  ASSERT_TRUE(client.Start(nullptr));
  ASSERT_TRUE(RunUntil([&] { return presence.has_value(); }, 5s));
  EXPECT_TRUE(*presence);
  std::optional<std::string> result;
  client.Apply(Settings(), [&](const std::string& error) { result = error; });
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }, 5s));
  EXPECT_EQ(*result, "SetLinkDNS: org.freedesktop.resolve1.NoSuchLink: Link not known");
  EXPECT_EQ(fake.calls(), 3) << "all three calls were made";
}

TEST_F(ResolvedErrorsTest, ACallNeverAnsweredEndsAtItsBound) {
  FakeResolved fake(Behaviour::kHang);
  ASSERT_TRUE(fake.ready());
  ResolvedClient client(io_, 300ms);
  ASSERT_TRUE(client.Start(nullptr));
  std::optional<std::string> result;
  bool loop_ran_meanwhile = false;
  boost::asio::steady_timer tick(io_, 50ms);
  tick.async_wait([&](boost::system::error_code) { loop_ran_meanwhile = !result.has_value(); });
  client.Apply(Settings(), [&](const std::string& error) { result = error; });
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }, 10s)) << "the bound did not fire";
  EXPECT_TRUE(loop_ran_meanwhile) << "the call blocked the loop";
  // sd-bus ends an unanswered call with NoReply ("Method call timed out"); the three calls time
  // out together, so any of them may be the one reported.
  EXPECT_NE(result->find(": org.freedesktop.DBus.Error.NoReply"), std::string::npos) << *result;
}

TEST_F(ResolvedErrorsTest, ANewOwnerIsReportedEveryTimeResolvedComesBack) {
  ResolvedClient client(io_, 2s);
  std::vector<bool> seen;
  client.set_on_presence([&](bool present) { seen.push_back(present); });
  ASSERT_TRUE(client.Start(nullptr));
  ASSERT_TRUE(RunUntil([&] { return seen.size() == 1; }, 5s));  // absent at first
  for (int round = 0; round < 2; ++round) {
    {
      FakeResolved fake(Behaviour::kAnswer);
      ASSERT_TRUE(fake.ready());
      ASSERT_TRUE(RunUntil([&] { return seen.size() == 2u + 2u * round; }, 5s));
    }
    ASSERT_TRUE(RunUntil([&] { return seen.size() == 3u + 2u * round; }, 5s));
  }
  EXPECT_EQ(seen, (std::vector<bool>{false, true, false, true, false}));
}

TEST_F(ResolvedErrorsTest, AutoWithResolvedAbsentFallsBackToThePlainFile) {
  const std::string resolv_conf = *dir_ + "/resolv.conf";
  {
    DnsHandOff dns(io_, PlainFileHost(resolv_conf));
    dns.set_method(DnsMethod::kAuto);
    dns.LinkUp("lo", {"192.0.2.53"}, true);
    ASSERT_TRUE(RunUntil([&] { return dns.route() == "file"; }, 5s)) << log_.str();
    EXPECT_NE(ReadFile(resolv_conf).find("nameserver 192.0.2.53"), std::string::npos)
        << ReadFile(resolv_conf);
    dns.LinkDown();
  }
  EXPECT_EQ(ReadFile(resolv_conf), "nameserver 198.51.100.1\n")
      << "restored when the link went down";
}

// An IPv6 link's RDNSS servers arrive after IPCP's (docs/ppp-engine.md, "IPv6"), or alone when
// IPCP brought none: both end up in the file, and the original comes back at link down.
TEST_F(ResolvedErrorsTest, RdnssServersJoinTheFileAndALinkWithoutIpcpServersWaitsForThem) {
  const std::string resolv_conf = *dir_ + "/resolv6.conf";
  const auto read = [&] { return ReadFile(resolv_conf); };
  DnsHandOff dns(io_, PlainFileHost(resolv_conf));
  dns.set_method(DnsMethod::kAuto);
  dns.LinkUp("lo", {}, true);
  EXPECT_EQ(dns.route(), "") << "nothing to hand over yet";
  dns.Ipv6Servers({"2001:db8::53"});
  ASSERT_TRUE(RunUntil([&] { return dns.route() == "file"; }, 5s)) << log_.str();
  EXPECT_NE(read().find("nameserver 2001:db8::53\n"), std::string::npos) << read();
  dns.LinkDown();
  EXPECT_EQ(read(), "nameserver 198.51.100.1\n");

  dns.LinkUp("lo", {"192.0.2.53"}, true);
  ASSERT_TRUE(RunUntil([&] { return dns.route() == "file"; }, 5s)) << log_.str();
  dns.Ipv6Servers({"2001:db8::54"});
  EXPECT_NE(read().find("nameserver 192.0.2.53\nnameserver 2001:db8::54\n"), std::string::npos)
      << read();
  dns.LinkDown();
  EXPECT_EQ(read(), "nameserver 198.51.100.1\n");
}

TEST_F(ResolvedErrorsTest, ExplicitResolvedAnsweringErrorsOnlyLogs) {
  FakeResolved fake(Behaviour::kError);
  ASSERT_TRUE(fake.ready());
  DnsHandOff dns(io_);
  dns.set_method(DnsMethod::kResolved);
  dns.LinkUp("lo", {"192.0.2.53"}, true);
  ASSERT_TRUE(
      RunUntil([&] { return log_.str().find("the link stays up") != std::string::npos; }, 5s))
      << log_.str();
  EXPECT_NE(log_.str().find("NoSuchLink"), std::string::npos) << log_.str();
}

}  // namespace
}  // namespace uclink::control
