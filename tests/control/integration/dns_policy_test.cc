// interface.dns: which method "auto" picks from what the host offers, and what uclink asks
// systemd-resolved to set (control/daemon/dns_policy.h; docs/system-integration.md, "DNS").
#include "control/daemon/dns_policy.h"

#include <gtest/gtest.h>

namespace uclink::control {
namespace {

DnsHostFacts Facts(std::optional<bool> resolved, bool resolvconf, bool file) {
  DnsHostFacts facts;
  facts.resolved_on_bus = resolved;
  facts.resolvconf_installed = resolvconf;
  facts.resolv_conf_plain_writable = file;
  return facts;
}

TEST(DnsPolicyTest, AutoIsTheDefault) { EXPECT_EQ(Config{}.interface.dns, DnsMethod::kAuto); }

TEST(DnsPolicyTest, AutoPrefersResolvedThenResolvconfThenTheFile) {
  EXPECT_EQ(ChooseDns(DnsMethod::kAuto, Facts(true, true, true))->route, DnsRoute::kResolved);
  EXPECT_EQ(ChooseDns(DnsMethod::kAuto, Facts(false, true, true))->route, DnsRoute::kResolvconf);
  EXPECT_EQ(ChooseDns(DnsMethod::kAuto, Facts(false, false, true))->route, DnsRoute::kFile);
}

TEST(DnsPolicyTest, AutoWithNothingUsableIsNoneWithAWarningThatPointsAtDoctor) {
  const std::optional<DnsChoice> choice = ChooseDns(DnsMethod::kAuto, Facts(false, false, false));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->route, DnsRoute::kNone);
  EXPECT_TRUE(choice->warn);
  EXPECT_NE(choice->why.find("doctor"), std::string::npos) << choice->why;
}

TEST(DnsPolicyTest, AutoWaitsForTheBusAnswerBeforeFallingBack) {
  EXPECT_FALSE(ChooseDns(DnsMethod::kAuto, Facts(std::nullopt, true, true)));
}

TEST(DnsPolicyTest, ExplicitResolvedStaysResolvedWhileAbsentAndWarns) {
  const std::optional<DnsChoice> absent = ChooseDns(DnsMethod::kResolved, Facts(false, true, true));
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->route, DnsRoute::kResolved);
  EXPECT_TRUE(absent->warn);
  const std::optional<DnsChoice> unknown =
      ChooseDns(DnsMethod::kResolved, Facts(std::nullopt, false, false));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->route, DnsRoute::kResolved);
  EXPECT_FALSE(ChooseDns(DnsMethod::kResolved, Facts(true, false, false))->warn);
}

TEST(DnsPolicyTest, ExplicitMethodsIgnoreTheHost) {
  EXPECT_EQ(ChooseDns(DnsMethod::kNone, Facts(true, true, true))->route, DnsRoute::kNone);
  EXPECT_EQ(ChooseDns(DnsMethod::kResolvConfFile, Facts(true, true, false))->route,
            DnsRoute::kFile);
  EXPECT_EQ(ChooseDns(DnsMethod::kResolvconf, Facts(true, false, true))->route,
            DnsRoute::kResolvconf);
}

TEST(DnsPolicyTest, TheDefaultRouteOwnerGetsEveryQueryThroughTheTildeDotDomain) {
  const ResolvedLinkSettings settings = PlanResolvedLink(7, {"10.64.0.53", "10.64.0.54"}, true);
  EXPECT_EQ(settings.ifindex, 7);
  ASSERT_EQ(settings.servers.size(), 2u);
  EXPECT_EQ(settings.servers[0], (std::array<std::uint8_t, 4>{10, 64, 0, 53}));
  EXPECT_EQ(settings.servers[1], (std::array<std::uint8_t, 4>{10, 64, 0, 54}));
  // The root domain, routing-only: what resolvectl shows as "~.".
  EXPECT_EQ(settings.routing_domains, std::vector<std::string>{"."});
  EXPECT_TRUE(settings.default_route);
}

TEST(DnsPolicyTest, WithoutTheDefaultRouteNoRoutingDomainAndNoDefaultRoute) {
  const ResolvedLinkSettings settings = PlanResolvedLink(3, {"10.0.2.3"}, false);
  EXPECT_TRUE(settings.routing_domains.empty());
  EXPECT_FALSE(settings.default_route);
}

TEST(DnsPolicyTest, RdnssServersGoToSetLinkDnsAsIpv6AfterTheIpv4Ones) {
  const ResolvedLinkSettings settings = PlanResolvedLink(3, {"10.0.2.3", "2001:db8::53"}, true);
  ASSERT_EQ(settings.servers.size(), 1u);
  ASSERT_EQ(settings.servers6.size(), 1u);
  EXPECT_EQ(settings.servers6[0], (std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                                                0, 0, 0, 0, 0, 0, 0, 0x53}));
}

TEST(DnsPolicyTest, MalformedServersAreSkipped) {
  const ResolvedLinkSettings settings = PlanResolvedLink(3, {"10.0.2.3", "x", "300.1.1.1"}, true);
  EXPECT_EQ(settings.servers.size(), 1u);
}

TEST(DnsPolicyTest, ConfigAcceptsAutoAndResolvedAndNamesThemInErrors) {
  EXPECT_EQ(ParseConfig("[interface]\ndns = \"resolved\"\n").config.interface.dns,
            DnsMethod::kResolved);
  EXPECT_EQ(ParseConfig("[interface]\ndns = \"auto\"\n").config.interface.dns, DnsMethod::kAuto);
  const ConfigResult bad = ParseConfig("[interface]\ndns = \"dbus\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.issues[0].ToString().find("auto, resolved"), std::string::npos);
}

TEST(DnsPolicyTest, HooksKeysHaveDefaultsAndBounds) {
  EXPECT_EQ(Config{}.hooks.dir, "/etc/uclink/dispatcher.d");
  EXPECT_EQ(Config{}.hooks.timeout, std::chrono::seconds(20));
  EXPECT_FALSE(ParseConfig("[hooks]\ntimeout_s = 0\n").ok());
  EXPECT_FALSE(ParseConfig("[hooks]\ndir = \"relative\"\n").ok());
  const ConfigResult ok = ParseConfig("[hooks]\ndir = \"/srv/hooks\"\ntimeout_s = 3\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.config.hooks.dir, "/srv/hooks");
  EXPECT_EQ(ok.config.hooks.timeout, std::chrono::seconds(3));
}

}  // namespace
}  // namespace uclink::control
