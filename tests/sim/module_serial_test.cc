// The serial side of sim::Module: echo, line ends, framing, queueing, CMEE styles, CFUN gating,
// latencies, low-power mode.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sim/module_harness.h"

namespace uclink::sim::testing {
namespace {

using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(ModuleSerialTest, EchoesTheLineThenFramesOkWithCrLf) {
  ModuleHarness h;
  h.Send("AT\r");
  EXPECT_EQ(h.TakeSerial(), "AT\r\r\nOK\r\n");
}

TEST(ModuleSerialTest, Ate0StopsEchoFromTheNextLine) {
  ModuleHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.TakeSerial(), "ATE0\r\r\nOK\r\n");
  h.Send("AT\r");
  EXPECT_EQ(h.TakeSerial(), "\r\nOK\r\n");
}

TEST(ModuleSerialTest, InfoLinesOfOneAnswerShareOneLeadingCrLf) {
  ModuleHarness h;
  EXPECT_EQ(h.Command("AT+CGMR"),
            "\r\n+SOFTV:012345678\r\n+HARDV:00123456\r\n+MANUF:ucchip\r\n\r\nOK\r\n");
}

TEST(ModuleSerialTest, LfAloneEndsALine) {
  ModuleHarness h;
  h.Send("AT\n");
  EXPECT_EQ(Count(h.TakeSerial(), "OK"), 1);
}

TEST(ModuleSerialTest, CrLfIsOneLineEndNotTwo) {
  ModuleHarness h;
  h.Send("AT\r\nAT\r\n");
  EXPECT_EQ(Count(h.TakeSerial(), "OK"), 2);
}

TEST(ModuleSerialTest, ACommandSplitAcrossWritesIsJoined) {
  ModuleHarness h;
  h.Send("A");
  h.Send("T+CG");
  h.Send("MI\r");
  EXPECT_EQ(SplitLines(h.TakeSerial()), (Lines{"AT+CGMI\r", "ucchip", "OK"}));
}

TEST(ModuleSerialTest, CommandsSentTogetherAreAnsweredOneAtATimeInOrder) {
  ModuleHarness h(Scenario{});  // realistic latencies
  h.Command("ATE0");
  h.Send("AT+CFUN=1\rAT+CGATT=1\rAT+CGATT?\r");
  h.Settle();
  EXPECT_EQ(SplitLines(h.TakeSerial()), (Lines{"OK", "OK", "+CGATT: 1", "OK"}));
}

TEST(ModuleSerialTest, AnOverlongLineAnswersError) {
  ModuleHarness h;
  EXPECT_EQ(h.Lines("AT+CGMI" + std::string(Module::kMaxLine, 'A')), Lines{"ERROR"});
  EXPECT_EQ(h.Lines("AT"), Lines{"OK"});
}

TEST(ModuleSerialTest, ALineWithoutTheAtPrefixAnswersError) {
  ModuleHarness h;
  EXPECT_EQ(h.Lines("hello"), Lines{"ERROR"});
}

TEST(ModuleSerialTest, AnUnknownCommandAnswersPlainErrorWhateverCmee) {
  ModuleHarness h;
  h.Command("AT+CMEE=2");
  EXPECT_EQ(h.Lines("AT+CREG?"), Lines{"ERROR"});
}

TEST(ModuleSerialTest, CmeeSelectsErrorStyle) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Lines("AT+CGACT=1,3"), Lines{"ERROR"});
  h.Command("AT+CMEE=1");
  EXPECT_EQ(h.Lines("AT+CGACT=1,3"), Lines{"+CME ERROR: 3"});
  h.Command("AT+CMEE=2");
  EXPECT_EQ(h.Lines("AT+CGACT=1,3"), Lines{"+CME ERROR: operation not allowed"});
}

TEST(ModuleSerialTest, ExtErrorsStayNumericInVerboseMode) {
  ModuleHarness h;
  h.Command("AT+CMEE=2");
  EXPECT_EQ(h.Lines("AT+CGATT=1"), Lines{"+EXT ERROR: 15"});
}

TEST(ModuleSerialTest, NetworkCommandsBeforeCfun1AnswerExtError15) {
  ModuleHarness h;
  h.Command("AT+CMEE=1");
  EXPECT_EQ(h.Lines("AT+CGACT=1,1"), Lines{"+EXT ERROR: 15"});
  EXPECT_EQ(h.Lines("AT+CGDATA=\"PPP\",1"), Lines{"+EXT ERROR: 15"});
  EXPECT_EQ(h.Lines("AT+COPS=?"), Lines{"+EXT ERROR: 15"});
}

TEST(ModuleSerialTest, CsqWithoutRadioIsUnknown) {
  ModuleHarness h;
  EXPECT_EQ(h.Lines("AT+CSQ"), (Lines{"+CSQ: 99,99", "OK"}));
}

TEST(ModuleSerialTest, PdpTypeMustBeUpperCase) {
  ModuleHarness h;
  EXPECT_EQ(h.Lines("AT+CGDCONT=1,\"ip\""), Lines{"ERROR"});
}

TEST(ModuleSerialTest, CellLockIsRefusedWhileRegistered) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  h.Command("AT+CGATT=1");
  EXPECT_EQ(h.Lines("AT+CELLLOCK=1,935400000"), Lines{"ERROR"});
}

TEST(ModuleSerialTest, CellLockOutsideTheSupportedBandsIsRefused) {
  ModuleHarness h;
  EXPECT_EQ(h.Lines("AT+CELLLOCK=1,850000000"), Lines{"ERROR"});
}

TEST(ModuleSerialTest, CellLockAwayFromTheServingCellPreventsRegistration) {
  ModuleHarness h;
  h.Command("AT+CMEE=1");
  h.Command("AT+CFUN=1");
  h.Command("AT+CELLLOCK=1,1805200000");
  EXPECT_EQ(h.Lines("AT+CGATT=1"), Lines{"+CME ERROR: 30"});
  EXPECT_EQ(h.Lines("AT+CGREG?"), (Lines{"+CGREG: 0,2", "OK"}));
}

TEST(ModuleSerialTest, ManualSelectionFailureWithModeFourFallsBackToAutomatic) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  EXPECT_EQ(h.Lines("AT+COPS=4,2,\"99999\""), Lines{"OK"});
  EXPECT_EQ(h.Lines("AT+COPS?"), (Lines{"+COPS: 0,2,\"26242\"", "OK"}));
}

TEST(ModuleSerialTest, RealisticAttachTakesSeconds) {
  ModuleHarness h(Scenario{});
  h.Command("AT+CFUN=1");
  h.Send("AT+CGATT=1\r");
  h.Advance(milliseconds(1000));
  EXPECT_EQ(Count(h.TakeSerial(), "OK"), 0);
  h.Advance(milliseconds(2000));
  EXPECT_EQ(Count(h.TakeSerial(), "OK"), 1);
}

TEST(ModuleSerialTest, ScenarioRegistrationDelaysHoldEvenWithFast) {
  Scenario scenario = FastScenario();
  scenario.registration = {{2, milliseconds(500)}, {1, milliseconds(1500)}};
  ModuleHarness h(scenario);
  h.Command("AT+CFUN=1");
  h.Command("AT+CGREG=1");
  h.TakeSerial();
  h.Send("AT+CGATT=1\r");
  h.TakeSerial();
  h.Advance(milliseconds(499));
  EXPECT_EQ(h.TakeSerial(), "");
  h.Advance(milliseconds(1));
  EXPECT_EQ(h.TakeSerial(), "\r\n+CGREG: 2\r\n");
  h.Advance(milliseconds(1500));
  EXPECT_EQ(SplitLines(h.TakeSerial()), (Lines{"+CGREG: 1", "OK"}));
}

TEST(ModuleSerialTest, RetentionModeLosesTheFirstCommandAfterIdle) {
  ModuleHarness h;
  h.Command("AT+LPM=1,0");
  h.Advance(milliseconds(2000));
  EXPECT_EQ(h.Lines("AT"), Lines{"ERROR"});
  EXPECT_EQ(h.Lines("AT"), Lines{"OK"});
}

TEST(ModuleSerialTest, SleepModeRestartsOnTheNextSerialInput) {
  ModuleHarness h;
  h.Command("AT+CFUN=1");
  h.Command("AT+LPM=0,0");
  EXPECT_EQ(h.Lines("AT"), Lines{"READY"});
  EXPECT_EQ(h.Lines("AT+CFUN?"), (Lines{"+CFUN: 0", "OK"}));
}

}  // namespace
}  // namespace uclink::sim::testing
