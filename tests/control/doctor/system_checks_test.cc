// Host checks against a fake tree (FakeHost): each scenario builds only the files it needs.
#include "control/doctor/system_checks.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/doctor/fake_host.h"

namespace uclink::control::doctor {
namespace {

using testing::FakeHost;
using ::testing::HasSubstr;

class SystemChecksTest : public ::testing::Test {
 protected:
  // A stand-in serial port: a plain file is enough for the lock, busy and permission checks.
  std::string Port() { return host_.Write("dev/ttyUSB0", ""); }

  FakeHost host_;
  Config config_;
};

// --- port ---------------------------------------------------------------------------------

TEST_F(SystemChecksTest, MissingPortFailsAndSaysWhereToLook) {
  const CheckResult check = CheckPortExists(host_.root() + "/dev/ttyUSB9");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("ttyUSB9 does not exist"));
  EXPECT_THAT(check.fix, HasSubstr("dmesg"));
}

TEST_F(SystemChecksTest, PlainFileIsNotASerialPort) {
  const CheckResult check = CheckPortExists(Port());
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("not a character device"));
}

TEST_F(SystemChecksTest, CharacterDeviceBehindASymlinkPassesAndNamesTheDevice) {
  const std::string link = host_.root() + "/uc8088";
  std::filesystem::create_symlink("/dev/null", link);
  const CheckResult check = CheckPortExists(link);
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_THAT(check.finding, HasSubstr("(/dev/null)"));
}

// --- port_lock ----------------------------------------------------------------------------

TEST_F(SystemChecksTest, NoLockFileIsOk) {
  EXPECT_EQ(CheckPortLock(host_.env(), Port()).status, CheckStatus::kOk);
}

TEST_F(SystemChecksTest, LockOfALiveProcessFailsAndNamesIt) {
  host_.AddProcess(4242, "minicom");
  host_.Write("run/lock/LCK..ttyUSB0", "      4242\n");
  const CheckResult check = CheckPortLock(host_.env(), Port());
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("PID 4242 (minicom)"));
  EXPECT_THAT(check.fix, HasSubstr("kill 4242"));
}

TEST_F(SystemChecksTest, LockOfAGoneProcessIsStaleAndOnlyWarns) {
  host_.Write("run/lock/LCK..ttyUSB0", "      4243\n");
  const CheckResult check = CheckPortLock(host_.env(), Port());
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("PID 4243 is gone"));
  EXPECT_THAT(check.fix, HasSubstr("rm " + host_.env().lock_dir + "/LCK..ttyUSB0"));
}

TEST_F(SystemChecksTest, BinaryPidLockIsRead) {
  host_.AddProcess(4244, "cu");
  const int pid = 4244;
  host_.Write("run/lock/LCK..ttyUSB0", std::string(reinterpret_cast<const char*>(&pid), 4));
  const CheckResult check = CheckPortLock(host_.env(), Port());
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("PID 4244 (cu)"));
}

TEST_F(SystemChecksTest, LockOnTheRealNameOfASymlinkedPortIsFound) {
  const std::string port = Port();
  const std::string link = host_.root() + "/modem";
  std::filesystem::create_symlink(port, link);
  host_.AddProcess(4245, "pppd");
  host_.Write("run/lock/LCK..ttyUSB0", "      4245\n");
  const CheckResult check = CheckPortLock(host_.env(), link);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("(pppd)"));
}

// --- port_busy ----------------------------------------------------------------------------

TEST_F(SystemChecksTest, PortNobodyHoldsIsNotBusy) {
  host_.AddProcess(10, "bash");
  host_.AddFd(10, 0, "/dev/null");
  EXPECT_EQ(CheckPortBusy(host_.env(), Port()).status, CheckStatus::kOk);
}

TEST_F(SystemChecksTest, ProcessHoldingThePortIsNamedWithPidAndCommand) {
  const std::string port = Port();
  host_.AddProcess(4242, "minicom");
  host_.AddFd(4242, 3, port);
  const CheckResult check = CheckPortBusy(host_.env(), port);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("open in PID 4242 (minicom)"));
  EXPECT_THAT(check.fix, HasSubstr("kill 4242"));
}

TEST_F(SystemChecksTest, OwnDescriptorsDoNotMakeThePortBusy) {
  const std::string port = Port();
  host_.AddProcess(1, "uclink");
  host_.AddFd(1, 5, port);  // env.self_pid is 1
  EXPECT_EQ(CheckPortBusy(host_.env(), port).status, CheckStatus::kOk);
}

TEST_F(SystemChecksTest, ModemManagerHoldingThePortGetsTheUdevFix) {
  const std::string port = Port();
  host_.AddProcess(700, "ModemManager");
  host_.AddFd(700, 9, port);
  const CheckResult check = CheckPortBusy(host_.env(), port);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.fix, HasSubstr("ID_MM_DEVICE_IGNORE"));
}

// A real pty pair; the fake /proc says who holds which end.
class PtyPort {
 public:
  PtyPort() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    ::grantpt(master_);
    ::unlockpt(master_);
    path_ = ::ptsname(master_);
    index_ = std::stoi(path_.substr(path_.rfind('/') + 1));
  }
  ~PtyPort() { ::close(master_); }
  const std::string& path() const { return path_; }
  int index() const { return index_; }

 private:
  int master_ = -1;
  std::string path_;
  int index_ = 0;
};

TEST_F(SystemChecksTest, HolderOfThePtyMasterIsTheModuleNotACompetitor) {
  PtyPort pty;
  host_.AddProcess(500, "uclink-sim");
  host_.AddFd(500, 7, "/dev/ptmx",
              "pos:\t0\nflags:\t02\ntty-index:\t" + std::to_string(pty.index()) + "\n");
  host_.AddFd(500, 8, pty.path());
  const CheckResult check = CheckPortBusy(host_.env(), pty.path());
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_THAT(check.finding, HasSubstr("PID 500 (uclink-sim) is the pty's other end"));
}

TEST_F(SystemChecksTest, HolderOfAnotherPtyMasterStillMakesThePortBusy) {
  PtyPort pty;
  host_.AddProcess(501, "screen");
  host_.AddFd(501, 7, "/dev/ptmx", "tty-index:\t" + std::to_string(pty.index() + 1000) + "\n");
  host_.AddFd(501, 8, pty.path());
  const CheckResult check = CheckPortBusy(host_.env(), pty.path());
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("PID 501 (screen)"));
}

// --- port_permission ----------------------------------------------------------------------

class PermissionTest : public SystemChecksTest {
 protected:
  void SetUp() override {
    // The sandbox may not allow chown: the fake /etc/group names whatever group the file got.
    port_ = Port();
    ASSERT_EQ(::chmod(port_.c_str(), 0660), 0);
    struct stat st {};
    ASSERT_EQ(::stat(port_.c_str(), &st), 0);
    gid_ = st.st_gid;
    const gid_t own = gid_ == 1000 ? 1001 : 1000;
    const uid_t uid = st.st_uid == 1000 ? 1001 : 1000;
    host_.Write("etc/group",
                "dialout:x:" + std::to_string(gid_) + ":\nalice:x:" + std::to_string(own) + ":\n");
    host_.env().credentials = {uid, own, {own}, "alice"};
  }
  std::string port_;
  gid_t gid_ = 0;
};

TEST_F(PermissionTest, RootMayAlwaysOpenThePort) {
  host_.env().credentials = {0, 0, {}, "root"};
  EXPECT_EQ(CheckPortPermission(host_.env(), port_).status, CheckStatus::kOk);
}

TEST_F(PermissionTest, MemberOfTheOwningGroupMayOpenThePort) {
  host_.env().credentials.groups.push_back(gid_);
  const CheckResult check = CheckPortPermission(host_.env(), port_);
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_THAT(check.finding, HasSubstr("dialout"));
}

TEST_F(PermissionTest, OutsiderIsToldToJoinTheNamedGroup) {
  const CheckResult check = CheckPortPermission(host_.env(), port_);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("owner group dialout"));
  EXPECT_EQ(check.fix, "sudo usermod -aG dialout alice, then log out and back in");
}

TEST_F(PermissionTest, MemberAddedAfterLoginIsToldToLogInAgain) {
  host_.Write("etc/group", "dialout:x:" + std::to_string(gid_) + ":bob,alice\n");
  const CheckResult check = CheckPortPermission(host_.env(), port_);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.fix, HasSubstr("newgrp dialout"));
}

TEST_F(PermissionTest, DeviceWithoutGroupAccessNeedsAUdevRule) {
  ASSERT_EQ(::chmod(port_.c_str(), 0600), 0);
  host_.env().credentials.groups.push_back(gid_);
  const CheckResult check = CheckPortPermission(host_.env(), port_);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.fix, HasSubstr("MODE=\"0660\""));
}

// --- modemmanager -------------------------------------------------------------------------

TEST_F(SystemChecksTest, NoModemManagerIsOk) {
  host_.AddProcess(10, "systemd");
  EXPECT_EQ(CheckModemManager(host_.env(), "/dev/null").status, CheckStatus::kOk);
}

TEST_F(SystemChecksTest, RunningModemManagerWithoutIgnoreRuleWarnsWithTheRule) {
  host_.AddProcess(700, "ModemManager");
  const CheckResult check = CheckModemManager(host_.env(), "/dev/null");
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("PID 700"));
  EXPECT_THAT(check.fix, HasSubstr("KERNEL==\"null\", ENV{ID_MM_DEVICE_IGNORE}=\"1\""));
}

TEST_F(SystemChecksTest, PortMarkedIgnoredInTheUdevDatabaseIsOk) {
  host_.AddProcess(700, "ModemManager");
  host_.Write("run/udev/data/c1:3", "I:1234\nE:ID_MM_DEVICE_IGNORE=1\nG:systemd\n");  // /dev/null
  const CheckResult check = CheckModemManager(host_.env(), "/dev/null");
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_THAT(check.finding, HasSubstr("ID_MM_DEVICE_IGNORE=1"));
}

TEST_F(SystemChecksTest, ModemManagerIgnoresPseudoTerminals) {
  PtyPort pty;
  host_.AddProcess(700, "ModemManager");
  EXPECT_EQ(CheckModemManager(host_.env(), pty.path()).status, CheckStatus::kOk);
}

// --- pppd, tun, cap_net_admin -------------------------------------------------------------

class BackendTest : public SystemChecksTest {
 protected:
  void InstallPppd() {
    const std::string pppd = host_.Write("usr/sbin/pppd", "#!/bin/sh\n");
    ::chmod(pppd.c_str(), 0755);
  }
  // /dev/null stands in for a usable character device.
  void UsableDevice(std::string* path) { *path = "/dev/null"; }
};

TEST_F(BackendTest, PppdAndDevPppUsableIsOk) {
  InstallPppd();
  UsableDevice(&host_.env().dev_ppp);
  EXPECT_EQ(CheckPppd(host_.env(), config_).status, CheckStatus::kOk);
}

TEST_F(BackendTest, MissingPppdOnlyWarnsBecauseTheUserspaceEngineIsUsed) {
  UsableDevice(&host_.env().dev_ppp);
  const CheckResult check = CheckPppd(host_.env(), config_);
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("userspace PPP engine is used"));
  EXPECT_THAT(check.fix, HasSubstr("apt install ppp"));
}

TEST_F(BackendTest, MissingDevPppWarnsAndNamesTheKernelModule) {
  InstallPppd();
  const CheckResult check = CheckPppd(host_.env(), config_);
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("does not exist"));
  EXPECT_THAT(check.fix, HasSubstr("modprobe ppp_generic"));
}

TEST_F(BackendTest, NonDeviceDevPppIsUnusable) {
  InstallPppd();
  host_.Write("dev/ppp", "");
  EXPECT_THAT(CheckPppd(host_.env(), config_).finding, HasSubstr("not a character device"));
}

TEST_F(BackendTest, MissingPppdFailsWhenTheConfigurationDemandsIt) {
  config_.connection.backend = BackendChoice::kPppd;
  EXPECT_EQ(CheckPppd(host_.env(), config_).status, CheckStatus::kFail);
}

TEST_F(BackendTest, InbandModeNeedsNoPppBackend) {
  config_.connection.mode = ModeChoice::kInband;
  EXPECT_EQ(CheckPppd(host_.env(), config_).status, CheckStatus::kOk);
  EXPECT_EQ(CheckTun(host_.env(), config_).status, CheckStatus::kOk);
  EXPECT_EQ(CheckCapNetAdmin(host_.env(), config_).status, CheckStatus::kOk);
}

TEST_F(BackendTest, UsableTunIsOk) {
  UsableDevice(&host_.env().dev_tun);
  EXPECT_EQ(CheckTun(host_.env(), config_).status, CheckStatus::kOk);
}

TEST_F(BackendTest, MissingTunFailsWhenNoPppBackendCanRun) {
  const CheckResult check = CheckTun(host_.env(), config_);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.fix, HasSubstr("modprobe tun"));
}

TEST_F(BackendTest, MissingTunOnlyWarnsWhenPppdCanRun) {
  InstallPppd();
  UsableDevice(&host_.env().dev_ppp);
  EXPECT_EQ(CheckTun(host_.env(), config_).status, CheckStatus::kWarn);
}

TEST_F(BackendTest, MissingTunFailsWhenTheUserspaceEngineIsDemanded) {
  InstallPppd();
  UsableDevice(&host_.env().dev_ppp);
  config_.connection.backend = BackendChoice::kUserspace;
  EXPECT_EQ(CheckTun(host_.env(), config_).status, CheckStatus::kFail);
}

TEST_F(BackendTest, TunIsNotNeededWithThePppdBackend) {
  config_.connection.backend = BackendChoice::kPppd;
  EXPECT_EQ(CheckTun(host_.env(), config_).status, CheckStatus::kOk);
}

TEST_F(BackendTest, EffectiveCapNetAdminIsOk) {
  host_.Write("proc/self/status", "Name:\tuclink\nCapEff:\t0000000000001000\n");
  EXPECT_EQ(CheckCapNetAdmin(host_.env(), config_).status, CheckStatus::kOk);
}

TEST_F(BackendTest, MissingCapNetAdminFailsAndNamesTheUnitSetting) {
  host_.Write("proc/self/status", "CapEff:\t0000000000000400\n");  // CAP_NET_BIND_SERVICE only
  const CheckResult check = CheckCapNetAdmin(host_.env(), config_);
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.fix, HasSubstr("AmbientCapabilities=CAP_NET_ADMIN"));
}

TEST_F(BackendTest, CapabilityMaskWithTheTopBitSetIsRead) {
  host_.Write("proc/self/status", "CapEff:\tffffffffffffffff\n");
  EXPECT_EQ(CheckCapNetAdmin(host_.env(), config_).status, CheckStatus::kOk);
}

TEST_F(BackendTest, UnreadableCapabilitiesOnlyWarn) {
  EXPECT_EQ(CheckCapNetAdmin(host_.env(), config_).status, CheckStatus::kWarn);
}

}  // namespace
}  // namespace uclink::control::doctor
