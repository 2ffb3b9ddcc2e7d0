// Data mode of sim::Module: CONNECT, the bridge to the PPP peer, NO CARRIER, the optional
// "+++"/ATO/ATH escape, and the hand-over of service commands to sim/services/.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/hdlc_watch.h"
#include "sim/service_router.h"
#include "tests/sim/module_harness.h"

namespace uclink::sim::testing {
namespace {

using std::chrono::milliseconds;
using Kind = ModuleAction::Kind;
using Lines = std::vector<std::string>;

std::vector<Kind> Kinds(const std::vector<ModuleAction>& actions) {
  std::vector<Kind> kinds;
  for (const ModuleAction& action : actions) kinds.push_back(action.kind);
  return kinds;
}

class ModuleDataTest : public ::testing::Test {
 protected:
  explicit ModuleDataTest(Scenario scenario = FastScenario()) : h_(scenario) {}
  void Connect() {
    h_.Command("AT+CFUN=1");
    ASSERT_EQ(h_.Lines("AT+CGDATA=\"PPP\",1"), Lines{"CONNECT"});
    std::vector<ModuleAction> actions = h_.TakePeerActions();
    ASSERT_EQ(Kinds(actions), std::vector<Kind>{Kind::kStartPeer});
    EXPECT_EQ(actions[0].cid, 1);
  }
  ModuleHarness h_;
};

TEST_F(ModuleDataTest, ConnectStartsThePeerAndBridgesBothWays) {
  Connect();
  h_.Send("\x7e\xff\x03");
  std::vector<ModuleAction> actions = h_.TakePeerActions();
  ASSERT_EQ(Kinds(actions), std::vector<Kind>{Kind::kWritePeer});
  EXPECT_EQ(actions[0].bytes, "\x7e\xff\x03");
  h_.module().OnPeer("\x7e\x21\x45", h_.now());
  h_.Settle();
  EXPECT_EQ(h_.TakeSerial(), "\x7e\x21\x45");
}

TEST_F(ModuleDataTest, PeerExitPrintsNoCarrierAndReturnsToCommandMode) {
  Connect();
  h_.module().OnPeerExit(h_.now());
  h_.Settle();
  EXPECT_EQ(h_.TakeSerial(), "\r\nNO CARRIER\r\n");
  EXPECT_EQ(h_.module().mode(), LineMode::kCommand);
  EXPECT_EQ(h_.Lines("AT+CGACT?"), (Lines{"+CGACT: 1,0", "OK"}));
}

TEST_F(ModuleDataTest, DropStopsThePeerWithNoCarrier) {
  Connect();
  EXPECT_EQ(h_.Control("drop"), "OK");
  EXPECT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kStopPeer});
  EXPECT_EQ(h_.TakeSerial(), "\r\nNO CARRIER\r\n");
  h_.module().OnPeerExit(h_.now());  // the stopped peer's exit must not print a second one
  h_.Settle();
  EXPECT_EQ(h_.TakeSerial(), "");
}

TEST_F(ModuleDataTest, DropWithoutASessionIsAnError) {
  EXPECT_EQ(h_.Control("drop"), "ERROR no data session");
}

TEST_F(ModuleDataTest, DropAtATimeFromTheTimeline) {
  Scenario scenario = FastScenario();
  scenario.timeline = {{milliseconds(3000), "drop"}};
  ModuleHarness h(scenario);
  h.Command("AT+CFUN=1");
  h.Command("AT+CGDATA=\"PPP\",1");
  h.Advance(milliseconds(3000));
  EXPECT_EQ(h.TakeSerial(), "\r\nNO CARRIER\r\n");
}

TEST_F(ModuleDataTest, SilentPppForwardsNothingEitherWay) {
  Connect();
  h_.Control("silent-ppp");
  h_.Send("\x7e\xc0\x21");
  h_.module().OnPeer("\x7e\xc0\x21", h_.now());
  h_.Settle();
  EXPECT_TRUE(h_.TakePeerActions().empty());
  EXPECT_EQ(h_.TakeSerial(), "");
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
}

// Frames as a PPP implementation sends them (deframed: address/control, protocol, payload).
const std::string kLcpEchoRequest("\xff\x03\xc0\x21\x09\x01\x00\x08\x00\x00\x00\x00", 12);
const std::string kIpcpConfigureRequest("\xff\x03\x80\x21\x01\x01\x00\x04", 8);
const std::string kIpv4Packet("\xff\x03\x00\x21\x45\x00\x00\x14", 8);
const std::string kIpv4PacketCompressed("\x21\x45\x00\x00\x14", 5);  // ACFC + PFC

std::string Forwarded(const std::vector<ModuleAction>& actions) {
  std::string bytes;
  for (const ModuleAction& action : actions) bytes += action.bytes;
  return bytes;
}

TEST_F(ModuleDataTest, BlackholeKeepsLinkControlButDropsIpFromTheHost) {
  Connect();
  EXPECT_EQ(h_.Control("blackhole"), "OK");
  h_.Send(EncodeHdlcFrame(kIpv4Packet) + EncodeHdlcFrame(kLcpEchoRequest) +
          EncodeHdlcFrame(kIpv4PacketCompressed) + EncodeHdlcFrame(kIpcpConfigureRequest));
  EXPECT_EQ(Forwarded(h_.TakePeerActions()),
            EncodeHdlcFrame(kLcpEchoRequest) + EncodeHdlcFrame(kIpcpConfigureRequest));
  EXPECT_EQ(h_.module().mode(), LineMode::kData);
}

TEST_F(ModuleDataTest, BlackholeKeepsLinkControlButDropsIpFromThePeer) {
  Connect();
  h_.TakeSerial();
  h_.Control("blackhole");
  const std::string echo = EncodeHdlcFrame(kLcpEchoRequest);
  // A frame split across reads still crosses once it is complete.
  h_.module().OnPeer(EncodeHdlcFrame(kIpv4Packet) + echo.substr(0, 5), h_.now());
  h_.module().OnPeer(echo.substr(5), h_.now());
  h_.Settle();
  EXPECT_EQ(h_.TakeSerial(), echo);
}

TEST_F(ModuleDataTest, BlackholeWithoutASessionIsAnError) {
  EXPECT_EQ(h_.Control("blackhole"), "ERROR no data session");
}

TEST_F(ModuleDataTest, BlackholeEndsWithTheCall) {
  Connect();
  h_.Control("blackhole");
  h_.Control("drop");
  h_.TakePeerActions();
  h_.TakeSerial();
  Connect();
  h_.Send(EncodeHdlcFrame(kIpv4Packet));
  EXPECT_EQ(Forwarded(h_.TakePeerActions()), EncodeHdlcFrame(kIpv4Packet));
}

TEST(HdlcEncodeTest, EncodedFrameDeframesToItselfWithEveryControlByteEscaped) {
  const std::string frame("\xff\x03\xc0\x21\x7e\x7d\x00\x1f\x20", 9);
  const std::string encoded = EncodeHdlcFrame(frame);
  EXPECT_EQ(encoded.front(), '\x7e');
  EXPECT_EQ(encoded.back(), '\x7e');
  for (std::size_t i = 1; i + 1 < encoded.size(); ++i) {
    EXPECT_GE(static_cast<unsigned char>(encoded[i]), 0x20u) << i;
    EXPECT_NE(encoded[i], '\x7e') << i;
  }
  HdlcDeframer deframer;
  std::vector<std::string> frames;
  deframer.Feed(encoded, [&](std::string_view f) { frames.emplace_back(f); });
  EXPECT_EQ(frames, std::vector<std::string>{frame});
}

TEST(HdlcEncodeTest, ProtocolFieldWithAndWithoutCompression) {
  EXPECT_EQ(PppProtocol(kLcpEchoRequest), 0xC021);
  EXPECT_EQ(PppProtocol(kIpv4Packet), 0x0021);
  EXPECT_EQ(PppProtocol(kIpv4PacketCompressed), 0x0021);
  EXPECT_EQ(PppProtocol(std::string("\xff\x03", 2)), std::nullopt);
  EXPECT_TRUE(CarriesNetworkData(0x0021));
  EXPECT_TRUE(CarriesNetworkData(0x0057));
  EXPECT_FALSE(CarriesNetworkData(0x8021));
  EXPECT_FALSE(CarriesNetworkData(0xC021));
}

TEST_F(ModuleDataTest, DeregistrationDropsTheCarrier) {
  Connect();
  h_.Control("register 0");
  EXPECT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kStopPeer});
  EXPECT_EQ(SplitLines(h_.TakeSerial()), Lines{"NO CARRIER"});
}

TEST_F(ModuleDataTest, RebootInDataModeStopsThePeer) {
  Connect();
  h_.Control("reboot");
  h_.Settle();
  EXPECT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kStopPeer});
  EXPECT_EQ(SplitLines(h_.TakeSerial()), Lines{"READY"});
}

TEST_F(ModuleDataTest, GprsDialStringsConnect) {
  h_.Command("AT+CFUN=1");
  EXPECT_EQ(h_.Lines("ATD*99***2#"), Lines{"CONNECT"});
  std::vector<ModuleAction> actions = h_.TakePeerActions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].cid, 2);
}

TEST_F(ModuleDataTest, VoiceDialStringsAnswerError) {
  h_.Command("AT+CFUN=1");
  EXPECT_EQ(h_.Lines("ATD10086;"), Lines{"ERROR"});
}

TEST_F(ModuleDataTest, PlusesAreDataWhenEscapeIsOff) {
  Connect();
  h_.Advance(milliseconds(1500));
  h_.Send("+++");
  h_.Advance(milliseconds(1500));
  std::vector<ModuleAction> actions = h_.TakePeerActions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].bytes, "+++");
  EXPECT_EQ(h_.TakeSerial(), "");
}

Scenario EscapeScenario() {
  Scenario scenario = FastScenario();
  scenario.escape = true;
  return scenario;
}

class ModuleEscapeTest : public ModuleDataTest {
 protected:
  ModuleEscapeTest() : ModuleDataTest(EscapeScenario()) {}
  void Escape() {
    h_.Advance(milliseconds(1100));
    h_.Send("+++");
    h_.Advance(milliseconds(1100));
  }
};

TEST_F(ModuleEscapeTest, PlusesBetweenGuardTimesReturnToCommandMode) {
  Connect();
  Escape();
  EXPECT_EQ(h_.TakeSerial(), "\r\nOK\r\n");
  EXPECT_TRUE(h_.TakePeerActions().empty());
  EXPECT_EQ(h_.Lines("AT"), Lines{"OK"});
}

TEST_F(ModuleEscapeTest, PlusesWithoutALeadingGuardAreData) {
  Connect();
  h_.Send("a+++");
  h_.Advance(milliseconds(1100));
  std::string forwarded;
  for (const ModuleAction& action : h_.TakePeerActions()) forwarded += action.bytes;
  EXPECT_EQ(forwarded, "a+++");
}

TEST_F(ModuleEscapeTest, EscapeStillWorksWhenThePeerLinkIsSilent) {
  Connect();
  h_.Control("silent-ppp");
  Escape();
  EXPECT_EQ(h_.TakeSerial(), "\r\nOK\r\n");
  EXPECT_EQ(h_.Lines("ATH"), Lines{"OK"});
}

TEST_F(ModuleEscapeTest, AtoResumesTheSession) {
  Connect();
  Escape();
  h_.TakeSerial();
  EXPECT_EQ(h_.Lines("ATO"), Lines{"CONNECT"});
  h_.Send("x");
  EXPECT_EQ(h_.TakePeerActions().size(), 1u);
}

TEST_F(ModuleEscapeTest, AthHangsUpWithoutNoCarrier) {
  Connect();
  Escape();
  h_.TakeSerial();
  EXPECT_EQ(h_.Lines("ATH"), Lines{"OK"});
  EXPECT_EQ(Kinds(h_.TakePeerActions()), std::vector<Kind>{Kind::kStopPeer});
  EXPECT_EQ(h_.Lines("ATO"), Lines{"ERROR"});
}

// A scripted stand-in for sim/services/: records commands and lets the test finish them.
class FakeServices : public ServiceRouter {
 public:
  bool Handles(const SimCommand& command) const override { return command.name != "+IPNOPE"; }
  void Execute(const SimCommand& command) override { executed.push_back(command); }
  void Reset() override { ++resets; }
  std::vector<SimCommand> executed;
  int resets = 0;
};

class ModuleServicesTest : public ::testing::Test {
 protected:
  ModuleServicesTest() { h_.module().SetServices(&services_); }
  ModuleHarness h_;
  FakeServices services_;
};

TEST_F(ModuleServicesTest, ServiceCommandsGoToTheServicesWithTheManualsSpellings) {
  for (const char* line : {"AT+IPCREATE=\"TCP\",\"127.0.0.1\",7", "AT+FTTPUT=2, 12",
                           "AT+HTTTPARA=url,http://x/", "AT+MQTTSTATE", "AT+FTPYPE=i"}) {
    h_.Send(std::string(line) + "\r");
    h_.module().Ok();
  }
  ASSERT_EQ(services_.executed.size(), 5u);
  EXPECT_EQ(services_.executed[1].name, "+FTTPUT");
  EXPECT_EQ(services_.executed[2].raw, "AT+HTTTPARA=url,http://x/");
}

TEST_F(ModuleServicesTest, TheCommandEndsWhenTheServiceSaysSo) {
  h_.Send("AT+MQTTCONNECT\rAT\r");
  h_.Settle();
  EXPECT_EQ(SplitLines(h_.TakeSerial()), Lines{"AT+MQTTCONNECT\rAT\r"});
  h_.module().Info("+MQTTCONNECT: 0");
  h_.module().Ok();
  EXPECT_EQ(SplitLines(h_.TakeSerial()), (Lines{"+MQTTCONNECT: 0", "OK", "OK"}));
}

TEST_F(ModuleServicesTest, ServiceUrcsWaitForTheCurrentFinalResult) {
  h_.Send("AT+IPSEND=\"TCP\",3,\"123\"\r");
  h_.TakeSerial();
  h_.module().Urc("+IPRECV=\"TCP\", 3, 123");
  EXPECT_EQ(h_.TakeSerial(), "");
  h_.module().Info("+IPSEND=3");
  h_.module().Ok();
  EXPECT_EQ(SplitLines(h_.TakeSerial()), (Lines{"+IPSEND=3", "OK", "+IPRECV=\"TCP\", 3, 123"}));
}

TEST_F(ModuleServicesTest, ErrorsFollowCmee) {
  h_.Command("AT+CMEE=1");
  h_.Send("AT+FTPGET\r");
  h_.TakeSerial();
  h_.module().Error(ErrorKind::kCme, 3);
  EXPECT_EQ(SplitLines(h_.TakeSerial()), Lines{"+CME ERROR: 3"});
}

TEST_F(ModuleServicesTest, PromptCollectsExactlyTheAnnouncedBytes) {
  std::string payload;
  h_.Command("ATE0");
  h_.Send("AT+IPSEND=\"TCP\",5\r");
  h_.module().Prompt(5, [&](std::string bytes) {
    payload = bytes;
    h_.module().Ok();
  });
  EXPECT_EQ(h_.TakeSerial(), "\r\n> ");
  h_.Send("he");
  h_.Send("lloAT\r");
  h_.Settle();
  EXPECT_EQ(payload, "hello");
  EXPECT_EQ(SplitLines(h_.TakeSerial()), (Lines{"OK", "OK"}));
}

TEST_F(ModuleServicesTest, UnhandledServiceCommandAnswersError) {
  EXPECT_EQ(h_.Lines("AT+IPNOPE"), Lines{"ERROR"});
}

TEST_F(ModuleServicesTest, RebootResetsTheServicesAndIgnoresTheirLateAnswers) {
  h_.Send("AT+HTTPACTION=0\r");
  h_.Control("reboot");
  h_.Settle();
  h_.TakeSerial();
  h_.module().Ok();
  EXPECT_EQ(services_.resets, 1);
  EXPECT_EQ(h_.TakeSerial(), "");
}

TEST(ModuleNoServicesTest, ServiceCommandsAnswerErrorWithoutServices) {
  ModuleHarness h;
  EXPECT_EQ(h.Lines("AT+IPCREATE=?"), Lines{"ERROR"});
}

}  // namespace
}  // namespace uclink::sim::testing
