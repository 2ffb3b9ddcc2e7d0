// `uclink doctor` on uclink's place in the system (control/doctor/integration_checks.h): port
// names that change, where DNS goes, the hooks directory; and a real process holding the port.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "control/doctor/integration_checks.h"
#include "control/doctor/system_checks.h"
#include "process/spawn.h"

namespace uclink::control::doctor {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DoctorIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ =
        fs::path(tmp ? tmp : "/tmp") /
        ("doctor-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "proc");
    fs::create_directories(root_ / "etc");
    env_.proc_dir = (root_ / "proc").string();
    env_.resolv_conf = (root_ / "etc/resolv.conf").string();
    env_.resolvconf_program = (root_ / "sbin/resolvconf").string();
    env_.system_bus_socket = (root_ / "run/dbus/system_bus_socket").string();
    env_.self_pid = 1;
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& text, mode_t mode = 0644) {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }
  void Process(int pid, const std::string& comm) {
    Write("proc/" + std::to_string(pid) + "/comm", comm + "\n");
  }

  fs::path root_;
  Environment env_;
};

TEST_F(DoctorIntegrationTest, EnumeratedUsbNamesWarnAndPointAtTheUdevRule) {
  const CheckResult usb = CheckPortName("/dev/ttyUSB2");
  EXPECT_EQ(usb.status, CheckStatus::kWarn);
  EXPECT_THAT(usb.finding, HasSubstr("can come back under another number"));
  EXPECT_THAT(usb.fix, HasSubstr("77-uclink.rules"));
  EXPECT_THAT(usb.fix, HasSubstr("/dev/uclink/modem"));
  EXPECT_EQ(CheckPortName("/dev/ttyACM0").status, CheckStatus::kWarn);
  EXPECT_EQ(CheckPortName("/dev/uclink/modem").status, CheckStatus::kOk);
  EXPECT_EQ(CheckPortName("/dev/ttyS1").status, CheckStatus::kOk);
  EXPECT_EQ(CheckPortName("/dev/serial/by-id/usb-UC8088-if00").status, CheckStatus::kOk);
}

TEST_F(DoctorIntegrationTest, AutoDnsWithResolvedRunningOnTheBusUsesIt) {
  Write("run/dbus/system_bus_socket", "");
  Process(321, "systemd-resolve");
  Write("etc/resolv.conf", "nameserver 192.0.2.1\n");
  const CheckResult dns = CheckDns(env_, Config{});
  EXPECT_EQ(dns.status, CheckStatus::kOk);
  EXPECT_THAT(dns.finding, HasSubstr("\"auto\" → resolved"));
}

TEST_F(DoctorIntegrationTest, AutoDnsFallsBackToResolvconfThenToThePlainFile) {
  Write("sbin/resolvconf", "#!/bin/sh\n", 0755);
  EXPECT_THAT(CheckDns(env_, Config{}).finding, HasSubstr("→ resolvconf"));
  fs::remove(root_ / "sbin/resolvconf");
  Write("etc/resolv.conf", "nameserver 192.0.2.1\n");
  EXPECT_THAT(CheckDns(env_, Config{}).finding, HasSubstr("→ file"));
}

TEST_F(DoctorIntegrationTest, AutoDnsWithNowhereToGoWarnsAndSaysWhatToDo) {
  // A symlink (to some other manager's file) is not ours to replace.
  fs::create_symlink("/run/elsewhere/resolv.conf", root_ / "etc/resolv.conf");
  const CheckResult dns = CheckDns(env_, Config{});
  EXPECT_EQ(dns.status, CheckStatus::kWarn);
  EXPECT_THAT(dns.finding, HasSubstr("→ none"));
  EXPECT_THAT(dns.fix, HasSubstr("systemd-resolved or resolvconf"));
  EXPECT_THAT(dns.fix, HasSubstr("interface.dns = \"none\""));
}

TEST_F(DoctorIntegrationTest, ExplicitResolvedThatIsNotRunningWarns) {
  Config config;
  config.interface.dns = DnsMethod::kResolved;
  const CheckResult dns = CheckDns(env_, config);
  EXPECT_EQ(dns.status, CheckStatus::kWarn);
  EXPECT_THAT(dns.fix, HasSubstr("systemctl enable --now systemd-resolved"));
}

TEST_F(DoctorIntegrationTest, HooksDirectoryFindings) {
  Config config;
  config.hooks.dir = (root_ / "hooks").string();
  EXPECT_EQ(CheckHooks(config).status, CheckStatus::kOk);
  EXPECT_THAT(CheckHooks(config).finding, HasSubstr("does not exist"));
  Write("hooks/10-fine", "#!/bin/sh\n", 0755);
  Write("hooks/20-group-writable", "#!/bin/sh\n", 0775);
  Write("hooks/30-plain", "text\n", 0644);
  const CheckResult hooks = CheckHooks(config);
  EXPECT_EQ(hooks.status, CheckStatus::kWarn);
  EXPECT_THAT(hooks.finding, HasSubstr("1 hook in"));
  EXPECT_THAT(hooks.finding, HasSubstr("20-group-writable: writable by group or others"));
  EXPECT_THAT(hooks.finding, HasSubstr("30-plain: not executable"));
  EXPECT_THAT(hooks.fix, HasSubstr("chown root:root"));
}

// A real process holds the port (a pty here): doctor names it with its pid.
TEST(DoctorPortHolderTest, AnotherProcessHoldingThePortIsNamed) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const std::string port = ::ptsname(master);
  process::SpawnOptions options;
  process::Redirect slave;
  slave.child_fd = 0;
  slave.path = port;
  slave.flags = O_RDWR | O_NOCTTY;
  options.redirects = {slave, process::Null(1), process::Null(2)};
  const process::Spawned holder = process::Spawn({"/bin/sleep", "60"}, options);
  ASSERT_TRUE(holder) << holder.error.message();
  // posix_spawn returns after the child's exec (glibc: CLONE_VFORK), its fd 0 already open.
  const CheckResult busy = CheckPortBusy(HostEnvironment(), port);
  EXPECT_EQ(busy.status, CheckStatus::kFail) << busy.finding;
  EXPECT_THAT(busy.finding, HasSubstr("PID " + std::to_string(holder.pid) + " (sleep)"));
  EXPECT_FALSE(busy.fix.empty());
  ::kill(holder.pid, SIGKILL);
  ::waitpid(holder.pid, nullptr, 0);
  ::close(master);
}

}  // namespace
}  // namespace uclink::control::doctor
