// Fault injection and scenario steps of sim::Module, one per control command / timeline entry.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sim/module_harness.h"

namespace uclink::sim::testing {
namespace {

using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

TEST(ModuleFaultTest, AttachFailRejectsTheNextAttachOnly) {
  ModuleHarness h;
  EXPECT_EQ(h.Control("attach-fail 1"), "OK");
  h.Command("AT+CMEE=1");
  h.Command("AT+CFUN=1");
  h.Command("AT+CGREG=1");
  EXPECT_EQ(h.Lines("AT+CGATT=1"), (Lines{"+CGREG: 2", "+CGREG: 3", "+CME ERROR: 107"}));
  EXPECT_EQ(h.Lines("AT+CGATT=1"), (Lines{"+CGREG: 2", "+CGREG: 1", "OK"}));
}

TEST(ModuleFaultTest, PdpFailFailsActivationThenRecovers) {
  ModuleHarness h;
  h.Control("pdp-fail 1");
  h.Command("AT+CMEE=1");
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Lines("AT+CGACT=1,1"), Lines{"+CME ERROR: 148"});
  EXPECT_EQ(h.Lines("AT+CGACT=1,1"), Lines{"OK"});
}

TEST(ModuleFaultTest, RequiredApnRefusesEveryOtherApnWith133) {
  Scenario scenario = FastScenario();
  scenario.imsi = "460111234567890";
  scenario.require_apn = "ctlte";
  ModuleHarness h(scenario);
  h.Command("AT+CMEE=1");
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Lines("AT+CIMI"), (Lines{"460111234567890", "OK"}));
  EXPECT_EQ(h.Lines("AT+CGACT=1,1"), Lines{"+CME ERROR: 133"});  // undefined: no APN
  h.Command("AT+CGDCONT=1,\"IP\",\"ctnet\"");
  EXPECT_EQ(h.Lines("AT+CGACT=1,1"), Lines{"+CME ERROR: 133"});
  EXPECT_EQ(h.Lines("AT+CGDATA=\"PPP\",1"), Lines{"+CME ERROR: 133"});
  EXPECT_TRUE(h.TakePeerActions().empty());
  h.Command("AT+CGDCONT=1,\"IP\",\"ctlte\"");
  EXPECT_EQ(h.Lines("AT+CGACT=1,1"), Lines{"OK"});
}

TEST(ModuleFaultTest, RefusedCgdataAnswersErrorAndStartsNoPeer) {
  ModuleHarness h;
  h.Control("refuse-cgdata on");
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Lines("AT+CGDATA=\"PPP\",1"), Lines{"ERROR"});
  EXPECT_TRUE(h.TakePeerActions().empty());
  h.Control("refuse-cgdata off");
  EXPECT_EQ(h.Lines("AT+CGDATA=\"PPP\",1"), Lines{"CONNECT"});
}

TEST(ModuleFaultTest, RebootPrintsTheBannerAndReturnsToCfun0) {
  Scenario scenario;  // realistic: the banner comes after the boot time
  ModuleHarness h(scenario);
  h.Command("AT+CFUN=1");
  h.Command("AT+CMEE=2");
  h.Control("reboot");
  h.Advance(milliseconds(1000));
  EXPECT_EQ(h.TakeSerial(), "");
  h.Advance(milliseconds(600));
  EXPECT_EQ(h.TakeSerial(), "\r\nREADY\r\n");
  EXPECT_EQ(h.Lines("AT+CFUN?"), (Lines{"+CFUN: 0", "OK"}));
  EXPECT_EQ(h.Lines("AT+CMEE?"), (Lines{"+CMEE: 0", "OK"}));
}

TEST(ModuleFaultTest, InputDuringBootIsLost) {
  ModuleHarness h(Scenario{});
  h.Control("reboot");
  h.Send("AT\r");
  h.Settle();
  EXPECT_EQ(SplitLines(h.TakeSerial()), Lines{"READY"});
}

TEST(ModuleFaultTest, TimelineRebootsAtItsTime) {
  Scenario scenario = FastScenario();
  scenario.timeline = {{milliseconds(5000), "reboot"}};
  ModuleHarness h(scenario);
  h.Advance(milliseconds(4999));
  EXPECT_EQ(h.TakeSerial(), "");
  h.Advance(milliseconds(1));
  EXPECT_EQ(h.TakeSerial(), "\r\nREADY\r\n");
}

TEST(ModuleFaultTest, HungModuleIgnoresInputUntilUnhang) {
  ModuleHarness h;
  h.Control("hang");
  h.Send("AT\r");
  h.Settle();
  EXPECT_EQ(h.TakeSerial(), "");
  h.Control("unhang");
  EXPECT_EQ(h.Lines("AT"), Lines{"OK"});
}

TEST(ModuleFaultTest, HangMidCommandHoldsTheAnswerUntilUnhang) {
  ModuleHarness h(Scenario{});
  h.Command("AT+CFUN=1");
  h.Send("AT+CGATT=1\r");
  h.TakeSerial();
  h.Control("hang");
  h.Advance(milliseconds(5000));
  EXPECT_EQ(h.TakeSerial(), "");
  h.Control("unhang");
  h.Settle();
  EXPECT_EQ(SplitLines(h.TakeSerial()), Lines{"OK"});
}

TEST(ModuleFaultTest, WedgedModuleAnswersNothingEvenAfterUnhangUntilPowerCycled) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Control("wedge"), "OK");
  h.Send("AT\r");
  h.Settle();
  EXPECT_EQ(h.TakeSerial(), "");
  h.Control("unhang");  // firmware hangs do not clear themselves
  h.Send("AT\r");
  h.Settle();
  EXPECT_EQ(h.TakeSerial(), "");
  EXPECT_NE(h.Control("status").find("wedged=1"), std::string::npos);
  EXPECT_EQ(h.Control("power-cycle"), "OK");
  h.Settle();
  EXPECT_EQ(h.TakeSerial(), "\r\nREADY\r\n");
  EXPECT_EQ(h.Lines("AT+CFUN?"), (Lines{"+CFUN: 0", "OK"}));
  EXPECT_NE(h.Control("status").find("wedged=0"), std::string::npos);
}

TEST(ModuleFaultTest, WedgeDuringADataCallStopsTheCallCarryingAnything) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Lines("AT+CGDATA=\"PPP\",1"), Lines{"CONNECT"});
  h.TakePeerActions();
  h.Control("wedge");
  h.Send("~\x7e");
  h.Settle();
  EXPECT_TRUE(h.TakePeerActions().empty());
}

TEST(ModuleFaultTest, GarbageWritesExactlyNBytes) {
  ModuleHarness h;
  h.Control("garbage 300");
  EXPECT_EQ(h.TakeSerial().size(), 300u);
}

TEST(ModuleFaultTest, GarbageIsReproducibleForASeed) {
  ModuleHarness a, b;
  a.Control("garbage 64");
  b.Control("garbage 64");
  EXPECT_EQ(a.TakeSerial(), b.TakeSerial());
}

TEST(ModuleFaultTest, ChunkModeWritesSmallPiecesWithGaps) {
  ModuleHarness h;
  h.Command("ATE0");
  h.Control("chunk 2 10");
  h.Send("AT\r");
  EXPECT_EQ(h.TakeSerial(), "\r\n");
  h.Advance(milliseconds(9));
  EXPECT_EQ(h.TakeSerial(), "");
  h.Advance(milliseconds(1));
  EXPECT_EQ(h.TakeSerial(), "OK");
  h.Advance(milliseconds(10));
  EXPECT_EQ(h.TakeSerial(), "\r\n");
}

TEST(ModuleFaultTest, OutputHeldByChunkingIsBounded) {
  ModuleHarness h;
  h.Control("chunk 1 60000");
  h.Control("garbage " + std::to_string(Module::kMaxChunkedBytes + 1));
  EXPECT_EQ(h.TakeSerial(), "");  // more than the line may hold back: dropped whole
  h.Control("garbage 10");
  EXPECT_EQ(h.TakeSerial().size(), 1u);  // the first piece goes out at once
}

TEST(ModuleFaultTest, UrcStormSendsNUrcs) {
  ModuleHarness h;
  h.Control("urc-storm 50");
  Lines lines = SplitLines(h.TakeSerial());
  ASSERT_EQ(lines.size(), 50u);
  EXPECT_EQ(lines.front(), "+CGREG: 0");
}

TEST(ModuleFaultTest, RegisterChangesStateAndReportsWhenEnabled) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  h.Command("AT+CGREG=1");
  h.Control("register 5");
  EXPECT_EQ(SplitLines(h.TakeSerial()), Lines{"+CGREG: 5"});
  EXPECT_EQ(h.Lines("AT+CGATT?"), (Lines{"+CGATT: 1", "OK"}));
}

TEST(ModuleFaultTest, UrcDuringACommandWaitsForItsFinalResult) {
  ModuleHarness h(Scenario{});
  h.Command("AT+CFUN=1");
  h.Command("AT+CGREG=1");
  h.Send("AT+COPS=?\r");  // a 3 s network scan
  h.TakeSerial();
  h.Control("register 2");
  EXPECT_EQ(h.TakeSerial(), "");
  h.Settle();
  EXPECT_EQ(SplitLines(h.TakeSerial()),
            (Lines{"+COPS: (1,\"\",\"\",\"26242\")", "OK", "+CGREG: 2"}));
}

TEST(ModuleFaultTest, CsqFollowsTheControlCommand) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  h.Control("csq 7");
  EXPECT_EQ(h.Lines("AT+CSQ"), (Lines{"+CSQ: 7,99", "OK"}));
}

TEST(ModuleFaultTest, SignalTrajectoryFromTheTimeline) {
  Scenario scenario = FastScenario();
  scenario.timeline = {{milliseconds(1000), "csq 12"}, {milliseconds(2000), "csq 3"}};
  ModuleHarness h(scenario);
  h.Command("AT+CFUN=1");
  h.Advance(milliseconds(1500));
  EXPECT_EQ(h.Lines("AT+CSQ"), (Lines{"+CSQ: 12,99", "OK"}));
  h.Advance(milliseconds(1000));
  EXPECT_EQ(h.Lines("AT+CSQ"), (Lines{"+CSQ: 3,99", "OK"}));
}

TEST(ModuleFaultTest, UnknownControlCommandIsAnError) {
  ModuleHarness h;
  EXPECT_EQ(h.Control("explode"), "ERROR unknown control command");
  EXPECT_EQ(h.Control("csq x"), "ERROR bad control command argument");
}

TEST(ModuleFaultTest, StatusDescribesTheModule) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Control("status").rfind("OK mode=kCommand cfun=1 stat=0", 0), 0u);
}

TEST(ModuleFaultTest, GarbageOnTheInputNeverWedgesTheParser) {
  ModuleHarness h;
  std::string junk;
  for (int i = 0; i < 2048; ++i) junk.push_back(static_cast<char>((i * 37) & 0xFF));
  h.Send(junk);
  h.Settle();
  h.Send("\r");
  h.Settle();
  h.TakeSerial();
  EXPECT_EQ(h.Lines("AT"), Lines{"OK"});
}

}  // namespace
}  // namespace uclink::sim::testing
