// Backend selection (control/daemon/backend_factory.h): every branch of auto | pppd | userspace
// with the environment's paths pointed at files the test creates, so no kernel PPP is needed;
// and the mapping of configuration keys into each backend's options.
#include "control/daemon/backend_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

namespace uclink::control {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
namespace fs = std::filesystem;

class BackendFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "backend_factory";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // A regular file opens read-write like a working /dev/ppp; /bin/true stands in for pppd and
    // the hook (only their presence is checked before a link starts).
    std::ofstream((dir_ / "ppp").string()).put('\0');
    env_.pppd_path = "/bin/true";
    env_.ppp_device = (dir_ / "ppp").string();
    env_.pppd_hook_path = "/bin/true";
    env_.runtime_dir = dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<pppif::PppBackend> Make(BackendChoice choice) {
    config_.connection.backend = choice;
    return MakePppBackend(io_, config_, env_, ec_, &selection_);
  }

  boost::asio::io_context io_;
  fs::path dir_;
  BackendEnvironment env_;
  Config config_;
  std::error_code ec_;
  BackendSelection selection_;
};

TEST_F(BackendFactoryTest, AutoChoosesPppdWhenPppdAndThePppDeviceAreThere) {
  auto backend = Make(BackendChoice::kAuto);
  ASSERT_TRUE(backend) << ec_.message();
  EXPECT_FALSE(ec_);
  EXPECT_EQ(selection_.chosen, "pppd");
  EXPECT_NE(dynamic_cast<pppif::PppdBackend*>(backend.get()), nullptr);
}

TEST_F(BackendFactoryTest, AutoFallsBackToUserspaceWhenTheKernelHasNoPpp) {
  env_.ppp_device = (dir_ / "absent").string();
  auto backend = Make(BackendChoice::kAuto);
  ASSERT_TRUE(backend) << ec_.message();
  EXPECT_FALSE(ec_);
  EXPECT_EQ(selection_.chosen, "userspace");
  EXPECT_NE(dynamic_cast<pppif::UserspacePppBackend*>(backend.get()), nullptr);
  EXPECT_THAT(selection_.why, HasSubstr("pppd not used"));
  EXPECT_THAT(selection_.why, HasSubstr("this kernel has no PPP"));
}

TEST_F(BackendFactoryTest, AutoFallsBackToUserspaceWhenPppdIsNotInstalled) {
  env_.pppd_path = (dir_ / "no-pppd").string();
  auto backend = Make(BackendChoice::kAuto);
  ASSERT_TRUE(backend) << ec_.message();
  EXPECT_EQ(selection_.chosen, "userspace");
  EXPECT_THAT(selection_.why, HasSubstr("install the ppp package"));
}

TEST_F(BackendFactoryTest, ForcedPppdWithoutKernelPppFailsAndNamesTheFix) {
  env_.ppp_device = (dir_ / "absent").string();
  EXPECT_FALSE(Make(BackendChoice::kPppd));
  EXPECT_EQ(ec_, BackendErrc::kNoKernelPpp);
  EXPECT_THAT(selection_.why, HasSubstr(env_.ppp_device + ": No such file or directory"));
  EXPECT_THAT(selection_.why, HasSubstr("this kernel has no PPP"));
  EXPECT_THAT(selection_.why, HasSubstr("use backend = userspace or auto"));
  EXPECT_THAT(selection_.chosen, IsEmpty());
}

TEST_F(BackendFactoryTest, ForcedPppdWithoutPppdBinaryFailsAsNotInstalled) {
  env_.pppd_path = (dir_ / "no-pppd").string();
  EXPECT_FALSE(Make(BackendChoice::kPppd));
  EXPECT_EQ(ec_, BackendErrc::kPppdNotInstalled);
  EXPECT_THAT(selection_.why, HasSubstr(env_.pppd_path));
}

TEST_F(BackendFactoryTest, ForcedPppdWithAPppDeviceThatDoesNotOpenSaysSo) {
  env_.ppp_device = dir_.string();  // a directory: open(O_RDWR) fails with EISDIR, even as root
  EXPECT_FALSE(Make(BackendChoice::kPppd));
  EXPECT_EQ(ec_, BackendErrc::kPppDeviceUnusable);
  EXPECT_THAT(selection_.why, HasSubstr(env_.ppp_device + ": Is a directory"));
}

TEST_F(BackendFactoryTest, ForcedPppdWithoutTheHookFails) {
  env_.pppd_hook_path = (dir_ / "no-hook").string();
  EXPECT_FALSE(Make(BackendChoice::kPppd));
  EXPECT_EQ(ec_, BackendErrc::kPppdHookMissing);
  EXPECT_THAT(selection_.why, HasSubstr("UCLINK_PPPD_HOOK"));
}

TEST_F(BackendFactoryTest, ForcedPppdWithAnInterfaceNamePppdRefusesIsAnOptionsError) {
  config_.interface.name = "far-too-long-for-ifnamsiz";
  EXPECT_FALSE(Make(BackendChoice::kPppd));
  EXPECT_EQ(ec_, BackendErrc::kPppdOptions);
  EXPECT_THAT(selection_.why, HasSubstr("pppd backend:"));
}

TEST_F(BackendFactoryTest, ForcedUserspaceIgnoresAWorkingPppd) {
  auto backend = Make(BackendChoice::kUserspace);
  ASSERT_TRUE(backend) << ec_.message();
  EXPECT_EQ(selection_.chosen, "userspace");
  EXPECT_NE(dynamic_cast<pppif::UserspacePppBackend*>(backend.get()), nullptr);
}

TEST_F(BackendFactoryTest, CheckPppdUsableAcceptsAWorkingEnvironment) {
  std::string why = "unchanged";
  EXPECT_FALSE(CheckPppdUsable(env_, &why));
  EXPECT_EQ(why, "unchanged");
}

TEST(BackendOptionsTest, PppdOptionsCarryInterfaceEchoCredentialsMtuRouteAndDns) {
  Config config;
  config.modem.baud = 57600;
  config.interface.name = "wwan7";
  config.interface.mtu = 1400;
  config.interface.route_metric = 123;
  config.interface.dns = DnsMethod::kResolvconf;
  config.monitor.echo_interval = std::chrono::seconds(11);
  config.monitor.echo_failures = 6;
  config.network.username = "alice";
  config.network.password = "s3cret";
  BackendEnvironment env;
  env.pppd_path = "/opt/ppp/pppd";
  env.pppd_hook_path = "/opt/uclink/hook";
  env.runtime_dir = "/run/test";
  const pppif::PppdBackendOptions options = PppdOptionsFor(config, env);
  EXPECT_EQ(options.pppd.pppd_path, "/opt/ppp/pppd");
  EXPECT_EQ(options.pppd.hook_path, "/opt/uclink/hook");
  EXPECT_EQ(options.pppd.baud, 57600);
  EXPECT_EQ(options.pppd.ifname, "wwan7");
  EXPECT_EQ(options.pppd.mtu, 1400);
  EXPECT_EQ(options.pppd.mru, 1400);
  EXPECT_EQ(options.pppd.lcp_echo_interval_s, 11);
  EXPECT_EQ(options.pppd.lcp_echo_failure, 6);
  EXPECT_EQ(options.pppd.username, "alice");
  EXPECT_EQ(options.password, "s3cret");
  EXPECT_EQ(options.runtime_dir, "/run/test");
  EXPECT_EQ(options.default_route_metric, 123u);
  EXPECT_EQ(options.dns.method, pppif::DnsMethod::kResolvconfProgram);
}

TEST(BackendOptionsTest, PppdPasswordStaysOutOfPppdOptions) {
  Config config;
  config.network.password = "s3cret";
  const pppif::PppdBackendOptions options = PppdOptionsFor(config, BackendEnvironment{});
  EXPECT_THAT(options.pppd.user_options, IsEmpty());
  EXPECT_THAT(options.pppd.secrets_file, IsEmpty());  // written per session by Start()
}

TEST(BackendOptionsTest, NegotiatedMtuLeavesPppdDefaults) {
  Config config;  // interface.mtu = 0
  const pppif::PppdBackendOptions options = PppdOptionsFor(config, BackendEnvironment{});
  EXPECT_FALSE(options.pppd.mtu.has_value());
  EXPECT_FALSE(options.pppd.mru.has_value());
}

TEST(BackendOptionsTest, UserspaceOptionsCarryTheSameKeys) {
  Config config;
  config.interface.name = "wwan7";
  config.interface.mtu = 1400;
  config.interface.route_metric = 123;
  config.interface.dns = DnsMethod::kResolvConfFile;
  config.monitor.echo_interval = std::chrono::seconds(11);
  config.monitor.echo_failures = 6;
  config.network.username = "alice";
  config.network.password = "s3cret";
  const pppif::UserspaceBackendOptions options = UserspaceOptionsFor(config);
  EXPECT_EQ(options.tun.name, "wwan7");
  EXPECT_EQ(options.session.mru, 1400);
  EXPECT_EQ(options.session.echo_interval, std::chrono::seconds(11));
  EXPECT_EQ(options.session.echo_failures, 6);
  EXPECT_EQ(options.session.username, "alice");
  EXPECT_EQ(options.session.password, "s3cret");
  EXPECT_EQ(options.default_route_metric, 123u);
  EXPECT_EQ(options.dns.method, pppif::DnsMethod::kResolvConfFile);
}

TEST(BackendOptionsTest, NoDefaultRouteMeansNoMetricForEitherBackend) {
  Config config;
  config.interface.default_route = false;
  EXPECT_FALSE(PppdOptionsFor(config, BackendEnvironment{}).default_route_metric.has_value());
  EXPECT_FALSE(UserspaceOptionsFor(config).default_route_metric.has_value());
}

TEST(BackendEnvironmentTest, ProcessEnvironmentOverridesTheDefaults) {
  ::setenv("UCLINK_PPPD", "/x/pppd", 1);
  ::setenv("UCLINK_PPP_DEVICE", "/x/ppp", 1);
  ::setenv("UCLINK_PPPD_HOOK", "/x/hook", 1);
  ::setenv("UCLINK_RUNTIME_DIR", "/x/run", 1);
  const BackendEnvironment env = BackendEnvironment::FromProcessEnvironment();
  for (const char* name :
       {"UCLINK_PPPD", "UCLINK_PPP_DEVICE", "UCLINK_PPPD_HOOK", "UCLINK_RUNTIME_DIR"}) {
    ::unsetenv(name);
  }
  EXPECT_EQ(env.pppd_path, "/x/pppd");
  EXPECT_EQ(env.ppp_device, "/x/ppp");
  EXPECT_EQ(env.pppd_hook_path, "/x/hook");
  EXPECT_EQ(env.runtime_dir, "/x/run");
}

TEST(BackendEnvironmentTest, DefaultsAreTheSystemPaths) {
  const BackendEnvironment env = BackendEnvironment::FromProcessEnvironment();
  EXPECT_EQ(env.pppd_path, "/usr/sbin/pppd");
  EXPECT_EQ(env.ppp_device, "/dev/ppp");
}

// ---- where the pppd hook is found -----------------------------------------------------------

class PppdHookLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "hook_lookup";
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bin");
    fs::create_directories(dir_ / "libexec");
    installed_ = (dir_ / "libexec" / "pppd-hook").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Install(const fs::path& path, fs::perms perms = fs::perms::owner_all) {
    std::ofstream(path.string()) << "#!/bin/sh\n";
    fs::permissions(path, perms);
  }

  fs::path dir_;
  std::string installed_;
};

TEST_F(PppdHookLookupTest, HookNextToTheExecutableComesFirst) {
  Install(dir_ / "bin" / "pppd-hook");
  Install(installed_);
  EXPECT_EQ(LocatePppdHook((dir_ / "bin").string(), installed_),
            (dir_ / "bin" / "pppd-hook").string());
}

TEST_F(PppdHookLookupTest, InstalledHookIsUsedWhenNoneIsNextToTheExecutable) {
  Install(installed_);
  EXPECT_EQ(LocatePppdHook((dir_ / "bin").string(), installed_), installed_);
}

TEST_F(PppdHookLookupTest, NonExecutableFileNextToTheExecutableIsSkipped) {
  Install(dir_ / "bin" / "pppd-hook", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(LocatePppdHook((dir_ / "bin").string(), installed_), installed_);
}

TEST_F(PppdHookLookupTest, NoHookAnywhereNamesTheInstalledPath) {
  // CheckPppdUsable then reports the standard place as missing.
  EXPECT_EQ(LocatePppdHook((dir_ / "bin").string(), installed_), installed_);
  EXPECT_EQ(LocatePppdHook("", installed_), installed_);
}

TEST_F(PppdHookLookupTest, ExecutableDirectoryIsThisTestsDirectory) {
  const std::string exe_dir = ExecutableDirectory();
  ASSERT_FALSE(exe_dir.empty());
  EXPECT_TRUE(fs::exists(fs::path(exe_dir) / "backend_factory_test"));
}

TEST(BackendEnvironmentTest, HookVariableStillOverridesTheLookup) {
  ::setenv("UCLINK_PPPD_HOOK", "/x/hook", 1);
  const BackendEnvironment env = BackendEnvironment::FromProcessEnvironment();
  ::unsetenv("UCLINK_PPPD_HOOK");
  EXPECT_EQ(env.pppd_hook_path, "/x/hook");
}

TEST(BackendEnvironmentTest, WithoutTheVariableTheHookIsLookedUp) {
  const BackendEnvironment env = BackendEnvironment::FromProcessEnvironment();
  EXPECT_EQ(env.pppd_hook_path, LocatePppdHook(ExecutableDirectory()));
}

// ---- which reloads rebuild the backend -------------------------------------------------------

TEST(BackendSettingsTest, BackendChoiceAndLinkKeysDiffer) {
  const Config base;
  std::vector<std::function<void(Config&)>> changes = {
      [](Config& c) { c.connection.backend = BackendChoice::kPppd; },
      [](Config& c) { c.modem.baud = 57600; },
      [](Config& c) { c.interface.name = "wwan9"; },
      [](Config& c) { c.interface.default_route = false; },
      [](Config& c) { c.interface.route_metric = 5; },
      [](Config& c) { c.interface.dns = DnsMethod::kResolvconf; },
      [](Config& c) { c.interface.mtu = 1400; },
      [](Config& c) { c.monitor.echo_interval = Seconds(7); },
      [](Config& c) { c.monitor.echo_failures = 9; },
      [](Config& c) { c.network.username = "u"; },
      [](Config& c) { c.network.password = "p"; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Config changed;
    changes[i](changed);
    EXPECT_TRUE(BackendSettingsDiffer(base, changed)) << "change " << i;
  }
}

TEST(BackendSettingsTest, ManagerOnlyKeysDoNotRebuild) {
  Config changed;
  changed.network.apn = "other";
  changed.monitor.csq_interval = Seconds(99);
  changed.backoff.initial = Seconds(1);
  changed.connection.mode = ModeChoice::kInband;
  changed.monitor.probe = "tcp:10.0.2.2:80";
  EXPECT_FALSE(BackendSettingsDiffer(Config{}, changed));
}

TEST(BackendErrcTest, EveryCodeHasItsOwnMessage) {
  const BackendErrc all[] = {BackendErrc::kPppdNotInstalled,  BackendErrc::kNoKernelPpp,
                             BackendErrc::kPppDeviceUnusable, BackendErrc::kPppdHookMissing,
                             BackendErrc::kPppdOptions,       BackendErrc::kUserspaceUnavailable};
  std::set<std::string> messages;
  for (BackendErrc errc : all) {
    std::error_code ec = errc;
    EXPECT_EQ(ec.category().name(), std::string("uclink.backend"));
    EXPECT_EQ(ec.message(), ToString(errc));
    messages.insert(ec.message());
  }
  EXPECT_EQ(messages.size(), std::size(all));
}

}  // namespace
}  // namespace uclink::control
