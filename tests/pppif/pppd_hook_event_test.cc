// The ip-up/ip-down helper's datagrams: built from pppd's script arguments and environment,
// encoded, decoded, and refused when malformed.
#include "pppif/pppd_hook_event.h"

#include <gtest/gtest.h>

#include <map>

#include "pppif/pppd_errc.h"

namespace uclink::pppif {
namespace {

// std::error_code treats value 0 as success, so no backend error may encode to it.
TEST(PppdErrcTest, EveryCodeIsAnError) {
#define UCLINK_X(name, wire, text) \
  EXPECT_TRUE(static_cast<bool>(make_error_code(PppdErrc::name))) << wire;
  UCLINK_PPPIF_PPPD_ERRORS(UCLINK_X)
#undef UCLINK_X
}

// pppd(8) SCRIPTS: interface-name tty-device speed local-IP remote-IP ipparam.
const std::vector<std::string_view> kArgs = {"ppp0",      "/dev/pts/3", "115200",
                                             "10.64.0.2", "10.64.0.1",  "uclink-1"};

EnvLookup EnvOf(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(PppdHookEventTest, IpUpCarriesInterfaceAddressesAndPeerDns) {
  auto decoded =
      HookEventFromInvocation(kArgs, EnvOf({{"DNS1", "10.64.0.53"}, {"DNS2", "10.64.0.54"}}));
  ASSERT_FALSE(decoded.error);
  const auto& e = decoded.event;
  EXPECT_EQ(e.kind, HookEventKind::kIpUp);
  EXPECT_EQ(e.ifname, "ppp0");
  EXPECT_EQ(e.tty, "/dev/pts/3");
  EXPECT_EQ(e.local, (Ipv4{10, 64, 0, 2}));
  EXPECT_EQ(e.remote, (Ipv4{10, 64, 0, 1}));
  EXPECT_EQ(e.dns1, (Ipv4{10, 64, 0, 53}));
  EXPECT_EQ(e.dns2, (Ipv4{10, 64, 0, 54}));
  EXPECT_EQ(e.ipparam, "uclink-1");
}

TEST(PppdHookEventTest, ConnectTimeInTheEnvironmentMeansIpDown) {
  // pppd sets CONNECT_TIME/BYTES_SENT/BYTES_RCVD only for ip-down and auth-down.
  auto decoded = HookEventFromInvocation(kArgs, EnvOf({{"CONNECT_TIME", "42"}}));
  ASSERT_FALSE(decoded.error);
  EXPECT_EQ(decoded.event.kind, HookEventKind::kIpDown);
}

TEST(PppdHookEventTest, NoDnsFromThePeerLeavesDnsEmpty) {
  auto decoded = HookEventFromInvocation(kArgs, EnvOf({}));
  ASSERT_FALSE(decoded.error);
  EXPECT_FALSE(decoded.event.dns1);
  EXPECT_FALSE(decoded.event.dns2);
}

TEST(PppdHookEventTest, GarbledDnsIsDroppedNotFatal) {
  auto decoded = HookEventFromInvocation(kArgs, EnvOf({{"DNS1", "10.64.0"}}));
  ASSERT_FALSE(decoded.error);
  EXPECT_FALSE(decoded.event.dns1);
}

TEST(PppdHookEventTest, MissingIpparamArgumentIsRefused) {
  std::vector<std::string_view> five(kArgs.begin(), kArgs.begin() + 5);
  EXPECT_EQ(HookEventFromInvocation(five, EnvOf({})).error, PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, BadLocalAddressIsRefused) {
  auto args = kArgs;
  args[3] = "10.64.0.256";
  EXPECT_EQ(HookEventFromInvocation(args, EnvOf({})).error, PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, EncodedEventDecodesToItself) {
  auto event = HookEventFromInvocation(kArgs, EnvOf({{"DNS1", "8.8.8.8"}})).event;
  auto decoded = DecodeHookEvent(EncodeHookEvent(event));
  ASSERT_FALSE(decoded.error);
  EXPECT_EQ(decoded.event, event);
}

TEST(PppdHookEventTest, DatagramIsOneKeyPerLineAfterTheVersion) {
  auto event = HookEventFromInvocation(kArgs, EnvOf({{"CONNECT_TIME", "1"}})).event;
  EXPECT_EQ(EncodeHookEvent(event),
            "uclink-pppd-hook/1\nevent=down\nifname=ppp0\ntty=/dev/pts/3\nlocal=10.64.0.2\n"
            "remote=10.64.0.1\nipparam=uclink-1\n");
}

TEST(PppdHookEventTest, WrongVersionIsRefused) {
  EXPECT_EQ(DecodeHookEvent("uclink-pppd-hook/2\nevent=up\nifname=ppp0\nlocal=1.2.3.4\n"
                            "remote=1.2.3.5\nipparam=x\n")
                .error,
            PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, RepeatedKeyIsRefused) {
  EXPECT_EQ(DecodeHookEvent("uclink-pppd-hook/1\nevent=up\nifname=ppp0\nifname=ppp1\n"
                            "local=1.2.3.4\nremote=1.2.3.5\nipparam=x\n")
                .error,
            PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, MissingRequiredKeyIsRefused) {
  EXPECT_EQ(DecodeHookEvent("uclink-pppd-hook/1\nevent=up\nifname=ppp0\nlocal=1.2.3.4\n"
                            "ipparam=x\n")
                .error,
            PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, UnknownKeyIsRefused) {
  EXPECT_EQ(DecodeHookEvent("uclink-pppd-hook/1\nevent=up\nifname=ppp0\nlocal=1.2.3.4\n"
                            "remote=1.2.3.5\nipparam=x\nextra=1\n")
                .error,
            PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, OversizedDatagramIsRefused) {
  std::string big = "uclink-pppd-hook/1\nevent=up\nifname=" + std::string(2000, 'a');
  EXPECT_EQ(DecodeHookEvent(big).error, PppdErrc::kMalformedHookEvent);
}

TEST(PppdHookEventTest, Ipv4ParserRejectsWhatInetAtonWouldBendInto) {
  EXPECT_EQ(ParseIpv4("192.168.1.1"), (Ipv4{192, 168, 1, 1}));
  EXPECT_EQ(ParseIpv4("0.0.0.0"), (Ipv4{0, 0, 0, 0}));
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.x", " 1.2.3.4", "1..3.4",
                          "1.2.3.4 ", "256.1.1.1", "1.2.3.-4"}) {
    EXPECT_FALSE(ParseIpv4(bad)) << bad;
  }
}

}  // namespace
}  // namespace uclink::pppif
