// interface.dns = "auto" against the real systemd-resolved (docs/system-integration.md, "DNS"):
// online → `resolvectl dns uclink0` shows the servers IPCP gave; resolved killed and started
// again with its saved state gone → they are back within 2 s of its return; disconnected →
// resolved lists them nowhere. resolved is never installed here (that would rewire the host's
// /etc/resolv.conf): tools/setup.sh extracts Debian's package into a cache directory, and this
// test runs it in its own mount and network namespace, with tmpfs over /run/dbus and
// /run/systemd, its own system bus (dbus-daemon) and passwd/group copies that add the
// systemd-resolve user. Every wait is bounded and wakes on an event (a bus signal, an inotify
// event in resolved's runtime directory, a pidfd).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>

#include "control/daemon/dns_hand_off.h"
#include "process/spawn.h"
#include "tests/control/integration/system_bus.h"
#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string ResolvedRoot() {
  const char* cache = std::getenv("UCLINK_RESOLVED_CACHE");
  return std::string(cache ? cache : "/var/cache/uclink/systemd-resolved") + "/root";
}

int MsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

// Runs argv with stdout+stderr captured (bounded; killed by its pid past the bound).
std::string Capture(const std::vector<std::string>& argv, std::chrono::milliseconds bound = 5s) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return "";
  process::SpawnOptions options;
  options.redirects = {process::Null(0), process::FromFd(1, out[1]), process::FromFd(2, out[1])};
  const process::Spawned child = process::Spawn(argv, options);
  ::close(out[1]);
  std::string text;
  const auto deadline = Clock::now() + bound;
  char buffer[4096];
  for (;;) {
    pollfd entry{out[0], POLLIN, 0};
    if (!child || ::poll(&entry, 1, MsLeft(deadline)) <= 0) break;
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (child) {
    ::kill(child.pid, SIGKILL);  // normally exited already; unreaped, so still its pid
    ::waitpid(child.pid, nullptr, 0);
  }
  return text;
}

// The private system bus and resolved of this test.
class ResolvedSandbox {
 public:
  ~ResolvedSandbox() {
    if (bus_) sd_bus_flush_close_unref(bus_);
    StopResolved();
    Stop(dbus_pid_);
  }

  // Call inside the test's network namespace; unshare(CLONE_NEWNS) applies to this process.
  bool Setup(const std::string& dir, std::string* why) {
    if (::access((ResolvedRoot() + "/lib/systemd/systemd-resolved").c_str(), X_OK) != 0) {
      *why = ResolvedRoot() + ": no extracted systemd-resolved; run tools/setup.sh";
      return false;
    }
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      *why = std::string("private mount namespace: ") + std::strerror(errno);
      return false;
    }
    std::error_code ignored;
    for (const char* run : {"/run/dbus", "/run/systemd"}) {
      fs::create_directories(run, ignored);
      if (::mount("tmpfs", run, "tmpfs", 0, "mode=0755") != 0) {
        *why = std::string("tmpfs on ") + run + ": " + std::strerror(errno);
        return false;
      }
    }
    if (!BindWithLine(dir, "/etc/passwd", "systemd-resolve:x:991:991::/:/usr/sbin/nologin", why) ||
        !BindWithLine(dir, "/etc/group", "systemd-resolve:x:991:", why)) {
      return false;
    }
    // sysfs of this network namespace: resolved reads link properties from it.
    if (::mount("sysfs", "/sys", "sysfs", 0, nullptr) != 0) {
      *why = std::string("sysfs: ") + std::strerror(errno);
      return false;
    }
    const testing::SystemBus bus =
        testing::StartSystemBus(dir + "/system-bus.conf", dir + "/dbus.log");
    dbus_pid_ = bus.pid;
    if (!bus.ready) {
      *why = "dbus-daemon did not start: " + bus.error.message();
      return false;
    }
    if (sd_bus_open_system(&bus_) < 0 ||
        sd_bus_add_match(bus_, nullptr,
                         "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',"
                         "arg0='org.freedesktop.resolve1'",
                         &OnOwnerChanged, this) < 0) {
      *why = "the test's own bus connection failed";
      return false;
    }
    log_ = dir + "/resolved.log";
    return true;
  }

  bool StartResolved() {
    process::SpawnOptions options;
    options.redirects = {process::Null(0), process::AppendTo(1, log_), process::AppendTo(2, log_)};
    owner_seen_ = false;
    const process::Spawned resolved =
        process::Spawn({ResolvedRoot() + "/lib/systemd/systemd-resolved"}, options);
    resolved_pid_ = resolved.pid;
    return static_cast<bool>(resolved);
  }
  void StopResolved(int signal = SIGTERM) {
    Stop(resolved_pid_, signal);
    resolved_pid_ = -1;
  }

  // Waits for NameOwnerChanged giving org.freedesktop.resolve1 an owner.
  bool WaitForName(std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    while (!owner_seen_ && Clock::now() < deadline) {
      const int r = sd_bus_process(bus_, nullptr);
      if (r < 0) return false;
      if (r == 0) sd_bus_wait(bus_, static_cast<std::uint64_t>(MsLeft(deadline)) * 1000u);
    }
    return owner_seen_;
  }

  std::string Resolvectl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {ResolvedRoot() + "/usr/bin/resolvectl", "--no-pager"};
    argv.insert(argv.end(), args.begin(), args.end());
    return Capture(argv);
  }
  // The servers `resolvectl dns <link>` lists ("" when none or no such link).
  std::string LinkDns(const std::string& link) {
    const std::string text = Resolvectl({"dns", link});
    const auto colon = text.find("): ");
    if (colon == std::string::npos) return "";
    std::string servers = text.substr(colon + 3);
    while (!servers.empty() && (servers.back() == '\n' || servers.back() == ' ')) {
      servers.pop_back();
    }
    return servers;
  }
  // Waits until `done()`; wakes on every change in resolved's runtime directory (it rewrites its
  // resolv.conf and saved link state on each change), and at least every 100 ms.
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds bound) {
    const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    ::inotify_add_watch(watch, "/run/systemd/resolve",
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
    const auto deadline = Clock::now() + bound;
    bool matched = false;
    while (!(matched = done()) && Clock::now() < deadline) {
      pollfd entry{watch, POLLIN, 0};
      if (::poll(&entry, 1, std::min(100, MsLeft(deadline))) > 0) {
        char drain[4096];
        while (::read(watch, drain, sizeof drain) > 0) {
        }
      }
    }
    ::close(watch);
    return matched;
  }
  bool WaitForLinkDns(const std::string& link, const std::string& expected,
                      std::chrono::milliseconds bound) {
    return WaitUntil([&] { return LinkDns(link) == expected; }, bound);
  }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  static int OnOwnerChanged(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char *name = nullptr, *old_owner = nullptr, *new_owner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) >= 0 && new_owner &&
        *new_owner) {
      static_cast<ResolvedSandbox*>(userdata)->owner_seen_ = true;
    }
    return 0;
  }

  // A copy of `file` with `line` added, bind-mounted over it in this mount namespace only.
  static bool BindWithLine(const std::string& dir, const std::string& file, const std::string& line,
                           std::string* why) {
    const std::string copy = dir + "/" + fs::path(file).filename().string();
    std::error_code ec;
    fs::copy_file(file, copy, fs::copy_options::overwrite_existing, ec);
    std::ofstream(copy, std::ios::app) << line << "\n";
    if (ec || ::mount(copy.c_str(), file.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      *why = "bind " + copy + " over " + file + ": " + std::strerror(errno);
      return false;
    }
    return true;
  }

  // Signals `pid` (ours, unreaped) and reaps it; SIGKILL after 5 s.
  static void Stop(pid_t pid, int signal = SIGTERM) {
    if (pid <= 0) return;
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    ::kill(pid, signal);
    pollfd entry{pidfd, POLLIN, 0};
    if (pidfd < 0 || ::poll(&entry, 1, 5000) != 1) ::kill(pid, SIGKILL);
    if (pidfd >= 0) ::close(pidfd);
    ::waitpid(pid, nullptr, 0);
  }

  pid_t dbus_pid_ = -1;
  pid_t resolved_pid_ = -1;
  sd_bus* bus_ = nullptr;
  bool owner_seen_ = false;
  std::string log_;
};

std::string Joined(const nlohmann::json& list) {
  std::string text;
  if (!list.is_array()) return text;
  for (const auto& item : list) text += (text.empty() ? "" : " ") + item.get<std::string>();
  return text;
}

TEST(ResolvedTest, ServersFollowTheLinkAndSurviveAResolvedRestart) {
  const std::string dir =
      fs::path(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp").string();
  // The network namespace first: sysfs shows the links of the namespace that mounts it.
  ASSERT_TRUE(EnterPrivateNamespaces());
  ResolvedSandbox sandbox;
  std::string why;
  ASSERT_TRUE(sandbox.Setup(dir, &why)) << why;
  ASSERT_TRUE(sandbox.StartResolved());
  ASSERT_TRUE(sandbox.WaitForName(15s)) << sandbox.Log();

  // The default interface.dns ("auto") finds resolved on the bus.
  UclinkRig rig(FastRecoveryConfig());
  ASSERT_TRUE(rig.StartSim());
  ASSERT_TRUE(rig.StartDaemon());
  ASSERT_EQ(rig.Call("connect")["error"], nullptr);
  ASSERT_TRUE(rig.WaitForState("online", 60s)) << rig.DaemonLog();
  const std::string servers = Joined(rig.Status()["interface"]["dns"]);
  ASSERT_FALSE(servers.empty()) << "the simulator's peer offers DNS servers (RFC 1877)";
  ASSERT_TRUE(sandbox.WaitForLinkDns("uclink0", servers, 5s))
      << "resolvectl: " << sandbox.Resolvectl({"status", "uclink0"}) << "\n"
      << rig.DaemonLog();
  // uclink holds the default route: every query may go to the link ("~.", DefaultRoute). The
  // three calls are answered in order; the domain is the last of them.
  EXPECT_TRUE(sandbox.WaitUntil(
      [&] {
        return sandbox.Resolvectl({"domain", "uclink0"}).find("~.") != std::string::npos;
      },
      5s))
      << sandbox.Resolvectl({"domain", "uclink0"});
  const std::string status = sandbox.Resolvectl({"status", "uclink0"});
  EXPECT_NE(status.find("+DefaultRoute"), std::string::npos) << status;

  // resolved dies and comes back without what it had saved (the state it keeps under /run is
  // gone after a reboot of /run or a failed read): only uclink can put the servers back.
  sandbox.StopResolved(SIGKILL);
  std::error_code ignored;
  fs::remove_all("/run/systemd/resolve/netif", ignored);
  ASSERT_TRUE(sandbox.StartResolved());
  ASSERT_TRUE(sandbox.WaitForName(15s)) << sandbox.Log();
  EXPECT_TRUE(sandbox.WaitForLinkDns("uclink0", servers, 2s))
      << "not back within 2 s of resolved's return: " << sandbox.Resolvectl({"status", "uclink0"})
      << "\n"
      << rig.DaemonLog();
  EXPECT_NE(rig.DaemonLog().find("systemd-resolved (re)appeared on the bus"), std::string::npos);
  EXPECT_EQ(rig.State(), "online") << "an integration failure never takes the link down";

  // Disconnected: resolved lists the servers for no link any more.
  ASSERT_EQ(rig.Call("disconnect")["error"], nullptr);
  ASSERT_TRUE(rig.WaitForState("idle", 30s)) << rig.DaemonLog();
  EXPECT_TRUE(sandbox.WaitForLinkDns("uclink0", "", 5s));
  const std::string all = sandbox.Resolvectl({"dns"});
  std::istringstream each(servers);
  for (std::string server; each >> server;) EXPECT_EQ(all.find(server), std::string::npos) << all;
  EXPECT_EQ(rig.StopDaemon(), 0) << rig.DaemonLog();

  // An IPv6 link's RDNSS servers (RFC 8106) reach resolved as AF_INET6 entries after IPCP's
  // (docs/ppp-engine.md, "IPv6"). The simulator carries no IPv6, so the hand-off runs here, on
  // its own loop thread, for a veth link of this namespace.
  ASSERT_EQ(
      Capture({"/usr/sbin/ip", "link", "add", "rdnss0", "type", "veth", "peer", "name", "rdnss1"}),
      "");
  ASSERT_EQ(Capture({"/usr/sbin/ip", "link", "set", "rdnss0", "up"}), "");
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread loop([&io] { io.run(); });
  auto dns = std::make_unique<DnsHandOff>(io);
  boost::asio::post(io, [&dns] {
    dns->set_method(DnsMethod::kResolved);
    dns->LinkUp("rdnss0", {"192.0.2.53"}, false);
    dns->Ipv6Servers({"2001:db8::53"});
  });
  EXPECT_TRUE(sandbox.WaitForLinkDns("rdnss0", "192.0.2.53 2001:db8::53", 5s))
      << sandbox.Resolvectl({"status", "rdnss0"});
  boost::asio::post(io, [&dns] { dns.reset(); });
  guard.reset();
  loop.join();
}

}  // namespace
}  // namespace uclink::control::testing
