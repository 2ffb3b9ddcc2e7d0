// pppd argv construction: NetworkManager's recipe, the overrides of Debian's /etc/ppp/options,
// and no secret on the command line.
#include "pppif/pppd_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pppif/pppd_errc.h"

namespace uclink::pppif {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

PppdOptions Minimal() {
  PppdOptions options;
  options.tty = "/dev/pts/7";
  options.ipparam = "uclink-1";
  return options;
}

// Returns the word that follows `option` in argv, or "" when absent.
std::string ValueOf(const std::vector<std::string>& argv, const std::string& option) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) return argv[i + 1];
  }
  return "";
}

TEST(PppdOptionsTest, StartsWithBinaryLineAndExplicitSpeed) {
  auto result = BuildPppdArgv(Minimal());
  ASSERT_FALSE(result.error) << result.error.message();
  ASSERT_GE(result.argv.size(), 3u);
  // A pty slave has speed 0; pppd refuses it with "need explicit baud rate" (seen in the VM).
  EXPECT_THAT(std::vector<std::string>(result.argv.begin(), result.argv.begin() + 3),
              ElementsAre("/usr/sbin/pppd", "/dev/pts/7", "115200"));
}

TEST(PppdOptionsTest, CarriesTheNetworkManagerModemRecipe) {
  auto argv = BuildPppdArgv(Minimal()).argv;
  EXPECT_THAT(argv, IsSupersetOf({"nodetach", "noauth", "noipdefault", "nodefaultroute",
                                  "usepeerdns", "novj", "nobsdcomp", "nodeflate"}));
  EXPECT_EQ(ValueOf(argv, "ipparam"), "uclink-1");
  EXPECT_EQ(ValueOf(argv, "idle"), "0");
}

TEST(PppdOptionsTest, OverridesDebianOptionsFileForAPtyLine) {
  // /etc/ppp/options on Debian: auth, crtscts, lock, modem. Each needs its opposite.
  auto argv = BuildPppdArgv(Minimal()).argv;
  EXPECT_THAT(argv, IsSupersetOf({"noauth", "nocrtscts", "nolock", "local"}));
  EXPECT_THAT(argv, Not(Contains("modem")));
}

TEST(PppdOptionsTest, Ipv6AddsIpv6cpOnlyWhenThePdpTypeAsksForIt) {
  // pppd 2.4.9 runs IPV6CP only with +ipv6; with pdp_type IP the argv stays as it was.
  EXPECT_THAT(BuildPppdArgv(Minimal()).argv, Not(Contains("+ipv6")));
  auto options = Minimal();
  options.ipv6 = true;
  EXPECT_THAT(BuildPppdArgv(options).argv, IsSupersetOf({"+ipv6", "ipv6cp-accept-local"}));
}

TEST(PppdOptionsTest, EchoSettingsComeFromConfiguration) {
  auto options = Minimal();
  options.lcp_echo_interval_s = 10;
  options.lcp_echo_failure = 3;
  auto argv = BuildPppdArgv(options).argv;
  EXPECT_EQ(ValueOf(argv, "lcp-echo-interval"), "10");
  EXPECT_EQ(ValueOf(argv, "lcp-echo-failure"), "3");
}

TEST(PppdOptionsTest, ZeroEchoIntervalIsPassedToOverrideTheSystemDefault) {
  auto options = Minimal();
  options.lcp_echo_interval_s = 0;
  EXPECT_EQ(ValueOf(BuildPppdArgv(options).argv, "lcp-echo-interval"), "0");
}

TEST(PppdOptionsTest, InterfaceUnitMtuAndMruAreOptional) {
  auto bare = BuildPppdArgv(Minimal()).argv;
  EXPECT_THAT(bare, Not(Contains("ifname")));
  EXPECT_THAT(bare, Not(Contains("mtu")));
  auto options = Minimal();
  options.ifname = "gprs0";
  options.unit = 3;
  options.mtu = 1400;
  options.mru = 1500;
  auto argv = BuildPppdArgv(options).argv;
  EXPECT_EQ(ValueOf(argv, "ifname"), "gprs0");
  EXPECT_EQ(ValueOf(argv, "unit"), "3");
  EXPECT_EQ(ValueOf(argv, "mtu"), "1400");
  EXPECT_EQ(ValueOf(argv, "mru"), "1500");
}

TEST(PppdOptionsTest, UserNameIsAnArgumentAndThePasswordOnlyAFilePath) {
  auto options = Minimal();
  options.username = "gprs";
  options.secrets_file = "/run/uclink/uclink-pppd.Ab12Cd/secrets.options";
  auto argv = BuildPppdArgv(options).argv;
  EXPECT_EQ(ValueOf(argv, "user"), "gprs");
  EXPECT_EQ(ValueOf(argv, "file"), options.secrets_file);
  EXPECT_THAT(argv, Contains("hide-password"));
  EXPECT_THAT(argv, Not(Contains("password")));
}

TEST(PppdOptionsTest, HookServesBothScriptsAndLearnsTheSocketThroughSet) {
  auto options = Minimal();
  options.hook_path = "/usr/lib/uclink/pppd_hook";
  options.event_socket = "/run/uclink/uclink-pppd.Ab12Cd/events.sock";
  auto argv = BuildPppdArgv(options).argv;
  EXPECT_EQ(ValueOf(argv, "ip-up-script"), "/usr/lib/uclink/pppd_hook");
  EXPECT_EQ(ValueOf(argv, "ip-down-script"), "/usr/lib/uclink/pppd_hook");
  EXPECT_EQ(ValueOf(argv, "set"), "UCLINK_PPPD_EVENTS=/run/uclink/uclink-pppd.Ab12Cd/events.sock");
}

TEST(PppdOptionsTest, UserOptionsAreAppendedLast) {
  auto options = Minimal();
  options.user_options = {"ipcp-accept-remote", "mtu", "1280"};
  auto argv = BuildPppdArgv(options).argv;
  ASSERT_GE(argv.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(argv.end() - 3, argv.end()),
              ElementsAre("ipcp-accept-remote", "mtu", "1280"));
}

TEST(PppdOptionsTest, RefusesUserOptionsThatWouldExposeAPassword) {
  for (const char* word : {"password", "show-password", "record"}) {
    auto options = Minimal();
    options.user_options = {word, "x"};
    EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kReservedOption) << word;
  }
}

TEST(PppdOptionsTest, RefusesUserOptionsThatTakeTheLineOrSupervisionAway) {
  for (const char* word : {"connect", "pty", "notty", "detach", "updetach", "persist", "modem",
                           "ip-up-script", "ipparam", "set", "file", "call"}) {
    auto options = Minimal();
    options.user_options = {word};
    EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kReservedOption) << word;
  }
}

TEST(PppdOptionsTest, RefusesRelativeOrSpacedTty) {
  auto options = Minimal();
  options.tty = "pts/7";
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadTty);
  options.tty = "/dev/pts/7 debug";
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadTty);
}

TEST(PppdOptionsTest, RefusesInterfaceNamesLongerThanIfnamsiz) {
  auto options = Minimal();
  options.ifname = "abcdefghijklmnop";  // 16 bytes
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadInterfaceName);
  options.ifname = "abcdefghijklmno";  // 15 bytes
  EXPECT_FALSE(BuildPppdArgv(options).error);
}

TEST(PppdOptionsTest, RefusesIpparamTheHookCouldNotReportVerbatim) {
  auto options = Minimal();
  options.ipparam = "two words";
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadIpparam);
  options.ipparam = "";
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadIpparam);
}

TEST(PppdOptionsTest, RefusesOutOfRangeNumbers) {
  auto options = Minimal();
  options.mtu = 64;
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadMtu);
  options = Minimal();
  options.lcp_echo_failure = -1;
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadEcho);
  options = Minimal();
  options.baud = 0;
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadBaud);
  options = Minimal();
  options.unit = -1;
  EXPECT_EQ(BuildPppdArgv(options).error, PppdErrc::kBadUnit);
}

TEST(PppdOptionsTest, ErrorMessageNamesTheFieldNotTheValue) {
  auto options = Minimal();
  options.username = "has space";
  auto error = BuildPppdArgv(options).error;
  EXPECT_EQ(error, PppdErrc::kBadUsername);
  EXPECT_THAT(error.message(), HasSubstr("bad-username"));
  EXPECT_THAT(error.message(), Not(HasSubstr("has space")));
}

}  // namespace
}  // namespace uclink::pppif
