// Configuration as a specification: defaults, what the file may say, and how mistakes read.
#include "control/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "control/config/probe_target.h"

namespace uclink::control {
namespace {

using ::testing::HasSubstr;

TEST(ConfigTest, EmptyFileGivesTheDocumentedDefaults) {
  ConfigResult r = ParseConfig("");
  ASSERT_TRUE(r.ok());
  const Config& c = r.config;
  EXPECT_EQ(c.modem.port, "/dev/ttyUSB0");
  EXPECT_EQ(c.modem.baud, 115200);
  EXPECT_EQ(c.modem.flow_control, FlowControl::kNone);
  EXPECT_FALSE(c.modem.escape_supported);
  EXPECT_EQ(c.network.cid, 1);
  EXPECT_EQ(c.connection.backend, BackendChoice::kAuto);
  EXPECT_EQ(c.connection.mode, ModeChoice::kAuto);
  EXPECT_EQ(c.monitor.csq_interval, Seconds(15));
  EXPECT_EQ(c.monitor.cgreg_interval, Seconds(30));
  EXPECT_EQ(c.monitor.registration_lost_grace, Seconds(15));
  EXPECT_EQ(c.backoff.initial, Seconds(5));
  EXPECT_EQ(c.backoff.max, Seconds(600));
  EXPECT_EQ(c.backoff.reset_after, Seconds(60));
  EXPECT_EQ(c.interface.route_metric, 700);
  EXPECT_TRUE(c.interface.default_route);
  EXPECT_EQ(c.control.socket, "/run/uclink/uclinkd.sock");
}

TEST(ConfigTest, FileValuesReplaceDefaults) {
  ConfigResult r = ParseConfig(R"(
[modem]
port = "/dev/ttyS2"
baud = 57600
flow_control = "rtscts"
[network]
apn = "cmnet"
cid = 2
[connection]
backend = "pppd"
mode = "inband"
[monitor]
csq_interval_s = 5
)");
  ASSERT_TRUE(r.ok()) << r.issues[0].ToString();
  EXPECT_EQ(r.config.modem.port, "/dev/ttyS2");
  EXPECT_EQ(r.config.modem.baud, 57600);
  EXPECT_EQ(r.config.modem.flow_control, FlowControl::kRtsCts);
  EXPECT_EQ(r.config.network.apn, "cmnet");
  EXPECT_EQ(r.config.network.cid, 2);
  EXPECT_EQ(r.config.connection.backend, BackendChoice::kPppd);
  EXPECT_EQ(r.config.connection.mode, ModeChoice::kInband);
  EXPECT_EQ(r.config.monitor.csq_interval, Seconds(5));
}

TEST(ConfigTest, CidOutsideTheManualsRangeNamesKeyAndLine) {
  ConfigResult r = ParseConfig("[network]\napn = \"x\"\ncid = 3\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "network.cid");
  EXPECT_EQ(r.issues[0].line, 3);
  EXPECT_THAT(r.issues[0].ToString(), HasSubstr("network.cid (line 3)"));
}

TEST(ConfigTest, WrongTypeNamesKeyAndLine) {
  ConfigResult r = ParseConfig("[modem]\n\nbaud = \"fast\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "modem.baud");
  EXPECT_EQ(r.issues[0].line, 3);
  EXPECT_THAT(r.issues[0].message, HasSubstr("integer"));
}

TEST(ConfigTest, MisspelledKeyIsReported) {
  ConfigResult r = ParseConfig("[network]\napnn = \"cmnet\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "network.apnn");
  EXPECT_EQ(r.issues[0].message, "unknown key");
}

TEST(ConfigTest, UnknownSectionIsReported) {
  ConfigResult r = ParseConfig("[modme]\nport = \"/dev/x\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "modme");
}

TEST(ConfigTest, UnknownModeListsTheChoices) {
  ConfigResult r = ParseConfig("[connection]\nmode = \"fast\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_THAT(r.issues[0].message, HasSubstr("auto, ppp, inband"));
}

TEST(ConfigTest, SyntaxErrorGivesTheLine) {
  ConfigResult r = ParseConfig("[modem]\nport = \n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "(syntax)");
  EXPECT_EQ(r.issues[0].line, 2);
}

TEST(ConfigTest, ApnWithAQuoteIsRefusedBecauseItIsQuotedInCgdcont) {
  ConfigResult r = ParseConfig("[network]\napn = 'a\"b'\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "network.apn");
}

TEST(ConfigTest, BackoffMaxBelowInitialIsRefused) {
  ConfigResult r = ParseConfig("[backoff]\ninitial_s = 30\nmax_s = 10\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "backoff.max_s");
  EXPECT_EQ(r.issues[0].line, 3);
}

TEST(ConfigTest, DataPortNeedsAnAtPort) {
  ConfigResult r = ParseConfig("[modem]\ndata_port = \"/dev/ttyUSB1\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "modem.data_port");
}

TEST(ConfigTest, LongInterfaceNameIsRefused) {
  ConfigResult r = ParseConfig("[interface]\nname = \"a-very-long-interface\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "interface.name");
}

TEST(ConfigTest, MissingDefaultFileMeansDefaults) {
  ConfigResult r = LoadConfigFile("/nonexistent/uclink.toml", /*missing_ok=*/true);
  EXPECT_TRUE(r.ok());
}

TEST(ConfigTest, MissingExplicitFileIsAnError) {
  ConfigResult r = LoadConfigFile("/nonexistent/uclink.toml", /*missing_ok=*/false);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_THAT(r.issues[0].message, HasSubstr("cannot be read"));
}

TEST(OverridesTest, FlagsReplaceFileValues) {
  Config c = ParseConfig("[network]\napn = \"file\"\n").config;
  ConfigOverrides flags;
  flags.apn = "flag";
  flags.port = "/dev/pts/7";
  flags.mode = "ppp";
  flags.cid = 2;
  EXPECT_TRUE(ApplyOverrides(flags, &c).empty());
  EXPECT_EQ(c.network.apn, "flag");
  EXPECT_EQ(c.modem.port, "/dev/pts/7");
  EXPECT_EQ(c.connection.mode, ModeChoice::kPpp);
  EXPECT_EQ(c.network.cid, 2);
}

TEST(OverridesTest, BadFlagValueNamesTheFlag) {
  Config c;
  ConfigOverrides flags;
  flags.baud = 1234;
  std::vector<ConfigIssue> issues = ApplyOverrides(flags, &c);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "--baud");
}

TEST(OverridesTest, UnknownBackendIsRefused) {
  Config c;
  ConfigOverrides flags;
  flags.backend = "slip";
  std::vector<ConfigIssue> issues = ApplyOverrides(flags, &c);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "--backend");
}

// ---- the data-path probe ([monitor] probe) ---------------------------------------------------

TEST(ProbeConfigTest, OffByDefault) {
  ConfigResult r = ParseConfig("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.monitor.probe, "");
  EXPECT_EQ(r.config.monitor.probe_interval, Seconds(60));
  EXPECT_EQ(r.config.monitor.probe_timeout, Seconds(5));
  EXPECT_EQ(r.config.monitor.probe_failures, 3);
}

TEST(ProbeConfigTest, TcpAndDnsTargetsAreAccepted) {
  ConfigResult r = ParseConfig(R"(
[monitor]
probe = "dns:10.0.2.3:example.org"
probe_interval_s = 20
probe_timeout_s = 3
probe_failures = 2
)");
  ASSERT_TRUE(r.ok()) << r.issues[0].ToString();
  EXPECT_EQ(r.config.monitor.probe, "dns:10.0.2.3:example.org");
  EXPECT_EQ(r.config.monitor.probe_interval, Seconds(20));
  EXPECT_EQ(r.config.monitor.probe_timeout, Seconds(3));
  EXPECT_EQ(r.config.monitor.probe_failures, 2);
}

TEST(ProbeConfigTest, MalformedTargetNamesKeyAndLine) {
  ConfigResult r = ParseConfig("[monitor]\ncsq_interval_s = 5\nprobe = \"tcp:example.com:80\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "monitor.probe");
  EXPECT_EQ(r.issues[0].line, 3);
  EXPECT_THAT(r.issues[0].message, HasSubstr("IPv4"));
}

TEST(ProbeConfigTest, TimeoutLongerThanTheIntervalIsRefused) {
  ConfigResult r = ParseConfig("[monitor]\nprobe_interval_s = 5\nprobe_timeout_s = 10\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "monitor.probe_timeout_s");
  EXPECT_EQ(r.issues[0].line, 3);
}

TEST(ProbeConfigTest, ZeroFailuresIsRefused) {
  ConfigResult r = ParseConfig("[monitor]\nprobe_failures = 0\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].key, "monitor.probe_failures");
}

TEST(ProbeTargetTest, TcpNeedsAddressAndPort) {
  std::string error;
  std::optional<ProbeTarget> t = ParseProbeTarget("tcp:10.0.2.2:8080", &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->kind, ProbeKind::kTcp);
  EXPECT_EQ(t->address, (std::array<std::uint8_t, 4>{10, 0, 2, 2}));
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->ToString(), "tcp:10.0.2.2:8080");
  EXPECT_FALSE(ParseProbeTarget("tcp:10.0.2.2", &error));
  EXPECT_THAT(error, HasSubstr("port"));
  EXPECT_FALSE(ParseProbeTarget("tcp:10.0.2.2:0", &error));
  EXPECT_FALSE(ParseProbeTarget("tcp:10.0.2.2:65536", &error));
}

TEST(ProbeTargetTest, DnsNameIsOptional) {
  std::optional<ProbeTarget> t = ParseProbeTarget("dns:10.0.2.3", nullptr);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, ProbeKind::kDns);
  EXPECT_EQ(t->port, 53);
  EXPECT_EQ(t->name, kDefaultProbeName);
  EXPECT_EQ(ParseProbeTarget("dns:8.8.8.8:uclink.test", nullptr)->name, "uclink.test");
}

// The control socket's connection limits (docs/configuration.md, [control]).
TEST(ConfigTest, ControlConnectionLimitsHaveDefaultsAndBounds) {
  ConfigResult defaults = ParseConfig("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.config.control.idle_timeout, Seconds(30));
  EXPECT_EQ(defaults.config.control.max_connections_per_uid, 16);

  ConfigResult set = ParseConfig("[control]\nidle_timeout_s = 5\nmax_connections_per_uid = 64\n");
  ASSERT_TRUE(set.ok()) << set.issues[0].ToString();
  EXPECT_EQ(set.config.control.idle_timeout, Seconds(5));
  EXPECT_EQ(set.config.control.max_connections_per_uid, 64);

  ConfigResult zero = ParseConfig("[control]\nidle_timeout_s = 0\n");
  ASSERT_EQ(zero.issues.size(), 1u);
  EXPECT_EQ(zero.issues[0].key, "control.idle_timeout_s");
  EXPECT_EQ(zero.issues[0].line, 2);

  ConfigResult too_many = ParseConfig("[control]\nmax_connections_per_uid = 65\n");
  ASSERT_EQ(too_many.issues.size(), 1u);
  EXPECT_EQ(too_many.issues[0].key, "control.max_connections_per_uid");
  EXPECT_THAT(too_many.issues[0].message, HasSubstr("between 1 and 64"));
}

// Every problem at once: a wrong type does not hide a range error elsewhere in the file.
TEST(ConfigTest, TypeAndRangeErrorsAreReportedTogether) {
  ConfigResult r = ParseConfig("[modem]\nbaud = \"fast\"\n[network]\ncid = 7\n");
  ASSERT_EQ(r.issues.size(), 2u);
  EXPECT_EQ(r.issues[0].ToString(), "modem.baud (line 2): must be an integer");
  EXPECT_EQ(r.issues[1].key, "network.cid");
  EXPECT_EQ(r.issues[1].line, 4);
}

// A path that exists but can never answer AT is a configuration error, not a port to retry.
TEST(ConfigTest, PortThatIsNoSerialDeviceNamesKeyAndLine) {
  const std::string dir = std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp";
  const std::string file = dir + "/not-a-port";
  std::ofstream(file) << "x";
  const struct {
    std::string path, says;
  } cases[] = {{dir, "is a directory"},
               {file, "is a regular file"},
               {"/dev/null", "\"mem\" device, not a serial port"}};
  for (const auto& c : cases) {
    ConfigResult r = ParseConfig("[modem]\nport = \"" + c.path + "\"\n");
    ASSERT_EQ(r.issues.size(), 1u) << c.path;
    EXPECT_EQ(r.issues[0].key, "modem.port");
    EXPECT_EQ(r.issues[0].line, 2);
    EXPECT_THAT(r.issues[0].message, HasSubstr(c.says));
  }
  Config config;
  ConfigOverrides flags;
  flags.at_port = "/dev/null";
  std::vector<ConfigIssue> issues = ApplyOverrides(flags, &config);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "--at-port");
}

TEST(ConfigTest, MissingPortAndTerminalsPass) {
  // Not plugged in yet: the manager waits for it. /dev/ptmx is a terminal (class tty).
  EXPECT_TRUE(ParseConfig("[modem]\nport = \"/dev/ttyUSB97\"\n").ok());
  EXPECT_TRUE(ParseConfig("[modem]\nport = \"/dev/ptmx\"\n").ok());
}

TEST(ConfigTest, UnknownControlGroupIsAConfigurationError) {
  ConfigResult r = ParseConfig("[control]\ngroup = \"nosuchgroup-uclink\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].ToString(),
            "control.group (line 2): no such group \"nosuchgroup-uclink\" on this system "
            "(getent group)");
  EXPECT_TRUE(ParseConfig("[control]\ngroup = \"root\"\n").ok());
}

TEST(ProbeTargetTest, MalformedTextsAreRefused) {
  for (const char* text : {"", "tcp", "udp:1.2.3.4:5", "tcp:1.2.3:80", "tcp:1.2.3.4.5:80",
                           "tcp:256.1.1.1:80", "tcp:1.2.3.4:-1", "tcp:1.2.3.4:80x",
                           "dns:1.2.3.4:", "dns:1.2.3.4:a..b", "dns:1.2.3.4:bad name", "dns:"}) {
    std::string error;
    EXPECT_FALSE(ParseProbeTarget(text, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(EnumNamesTest, EveryChoiceRoundTrips) {
  for (auto v : {ModeChoice::kAuto, ModeChoice::kPpp, ModeChoice::kInband}) {
    EXPECT_EQ(ModeChoiceFromString(ToString(v)), v);
  }
  for (auto v : {BackendChoice::kAuto, BackendChoice::kPppd, BackendChoice::kUserspace}) {
    EXPECT_EQ(BackendChoiceFromString(ToString(v)), v);
  }
  for (auto v : {DnsMethod::kNone, DnsMethod::kResolvConfFile, DnsMethod::kResolvconf}) {
    EXPECT_EQ(DnsMethodFromString(ToString(v)), v);
  }
  for (auto v : {FlowControl::kNone, FlowControl::kRtsCts}) {
    EXPECT_EQ(FlowControlFromString(ToString(v)), v);
  }
}

TEST(ConfigTest, AutoApnRoamingAndProviderDatabase) {
  ConfigResult r = ParseConfig("[network]\napn = \"auto\"\nroaming = \"deny\"\n");
  ASSERT_TRUE(r.ok()) << r.issues.front().ToString();
  EXPECT_TRUE(r.config.network.AutoApn());
  EXPECT_EQ(r.config.network.roaming, RoamingPolicy::kDeny);
  EXPECT_EQ(r.config.network.provider_db,
            "/usr/share/mobile-broadband-provider-info/serviceproviders.xml");
  EXPECT_EQ(ParseConfig("").config.network.roaming, RoamingPolicy::kAllow);
  EXPECT_FALSE(ParseConfig("").config.network.AutoApn());  // "" stays the module's default
}

TEST(ConfigTest, BadRoamingAndEmptyProviderDatabaseNameTheKey) {
  ConfigResult roaming = ParseConfig("[network]\nroaming = \"sometimes\"\n");
  ASSERT_EQ(roaming.issues.size(), 1u);
  EXPECT_EQ(roaming.issues[0].ToString(), "network.roaming (line 2): must be one of allow, deny");
  ConfigResult db = ParseConfig("[network]\napn = \"auto\"\nprovider_db = \"\"\n");
  ASSERT_EQ(db.issues.size(), 1u);
  EXPECT_EQ(db.issues[0].key, "network.provider_db");
}

TEST(ConfigTest, PdpTypeDefaultsToIpAndAcceptsIpv6) {
  EXPECT_EQ(ParseConfig("").config.network.pdp_type, ::uclink::chat::PdpType::kIp);
  ConfigResult r = ParseConfig("[network]\npdp_type = \"IPV6\"\n");
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(r.config.network.pdp_type, ::uclink::chat::PdpType::kIpv6);
}

TEST(ConfigTest, PdpTypeWithoutANetworkProtocolNamesKeyAndLine) {
  // Manual §2.11 lists PPP, X.25 and OSPIH too, but a PPP link carries only IP and IPv6;
  // lower case is refused because the module wants upper case (manual §2.11.4).
  for (const char* type : {"PPP", "X.25", "ipv6", "IPV4V6"}) {
    ConfigResult r = ParseConfig(std::string("[network]\n\npdp_type = \"") + type + "\"\n");
    ASSERT_EQ(r.issues.size(), 1u) << type;
    EXPECT_EQ(r.issues[0].key, "network.pdp_type");
    EXPECT_EQ(r.issues[0].line, 3);
    EXPECT_THAT(r.issues[0].message, HasSubstr("IP, IPV6"));
  }
}

}  // namespace
}  // namespace uclink::control

namespace uclink::control {
namespace {

TEST(RecoveryConfigTest, CommandsAreArgvArraysWithTheirDefaults) {
  const ConfigResult r = ParseConfig(
      "[recovery]\n"
      "reset_command = [\"gpioset\", \"gpiochip0\", \"17=0\"]\n"
      "escalate_command = [\"systemctl\", \"reboot\"]\n"
      "fail_after = 2\n");
  ASSERT_TRUE(r.ok()) << r.issues[0].ToString();
  EXPECT_EQ(r.config.recovery.reset_command,
            (std::vector<std::string>{"gpioset", "gpiochip0", "17=0"}));
  EXPECT_EQ(r.config.recovery.escalate_command, (std::vector<std::string>{"systemctl", "reboot"}));
  EXPECT_EQ(r.config.recovery.reset_after, 6);
  EXPECT_EQ(r.config.recovery.reset_timeout, Seconds(30));
  EXPECT_EQ(r.config.recovery.reset_settle, Seconds(30));
  EXPECT_EQ(r.config.recovery.max_resets_per_hour, 4);
  EXPECT_EQ(r.config.recovery.escalate_after_resets, 3);
  EXPECT_EQ(r.config.recovery.escalate_min_interval, Seconds(86400));
  EXPECT_TRUE(ParseConfig("").config.recovery.reset_command.empty());
}

TEST(RecoveryConfigTest, AShellStringOrMixedArrayNamesKeyAndLine) {
  const ConfigResult shell = ParseConfig("[recovery]\n\nreset_command = \"gpioset x 17=0\"\n");
  ASSERT_EQ(shell.issues.size(), 1u);
  EXPECT_THAT(shell.issues[0].ToString(),
              HasSubstr("recovery.reset_command (line 3): must be an array of strings"));
  const ConfigResult mixed = ParseConfig("[recovery]\nescalate_command = [\"reboot\", 1]\n");
  ASSERT_EQ(mixed.issues.size(), 1u);
  EXPECT_EQ(mixed.issues[0].line, 2);
  const ConfigResult empty = ParseConfig("[recovery]\nreset_command = [\"\"]\n");
  ASSERT_EQ(empty.issues.size(), 1u);
  EXPECT_THAT(empty.issues[0].message, HasSubstr("empty strings"));
}

TEST(RecoveryConfigTest, RangesNameKeyAndLine) {
  const ConfigResult r = ParseConfig(
      "[recovery]\nmax_resets_per_hour = 0\nescalate_min_interval_s = 60\nreset_timeout_s = 0\n"
      "reset_after = 0\n");
  ASSERT_EQ(r.issues.size(), 4u);
  std::vector<std::string> text;
  for (const ConfigIssue& issue : r.issues) text.push_back(issue.ToString());
  EXPECT_THAT(text, ::testing::Contains(HasSubstr("recovery.max_resets_per_hour (line 2)")));
  EXPECT_THAT(text, ::testing::Contains(HasSubstr("recovery.escalate_min_interval_s (line 3)")));
  EXPECT_THAT(text, ::testing::Contains(HasSubstr("recovery.reset_timeout_s (line 4)")));
  EXPECT_THAT(text, ::testing::Contains(HasSubstr("recovery.reset_after (line 5)")));
}

}  // namespace
}  // namespace uclink::control
