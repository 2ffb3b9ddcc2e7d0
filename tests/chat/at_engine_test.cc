#include "chat/at_engine.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/chat/engine_harness.h"
#include "tests/chat/transcript_util.h"

namespace uclink::chat {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::uclink::chat::testing::AllSplits;
using ::uclink::chat::testing::EngineHarness;

std::string Render(const EngineHarness& h, CommandId id) {
  std::string out;
  if (const AtReply* reply = h.Reply(id)) {
    out += "info=[";
    for (const auto& line : reply->info) out += line + "|";
    out += "] final=" + reply->final_line;
    out += " error=" + (reply->error ? reply->error.message() : std::string("none"));
    if (!reply->payload.empty()) out += " payload=" + reply->payload;
  } else {
    out += "pending";
  }
  for (const Urc& urc : h.urcs) {
    out += " urc(" + std::string(ToString(urc.kind)) + ":" + urc.line;
    if (!urc.payload.empty()) out += ":" + urc.payload;
    if (urc.truncated) out += ":truncated";
    out += ")";
  }
  if (h.in_data_mode) out += " data=" + h.data;
  return out;
}

// Runs `command` against `transcript` cut every way; all outcomes must agree. Returns one.
std::string RunAtEverySplit(const AtCommand& command, std::string_view transcript) {
  std::string first;
  for (const auto& reads : AllSplits(transcript)) {
    EngineHarness h;
    const CommandId id = h.Submit(command);
    h.WriteAll();
    for (std::string_view read : reads) {
      h.Feed(read);
      h.WriteAll();
    }
    const std::string outcome = Render(h, id);
    if (first.empty()) first = outcome;
    EXPECT_EQ(outcome, first) << "split into " << reads.size() << " reads, first "
                              << reads.front().size() << " bytes";
  }
  return first;
}

std::string RunAtEverySplit(const std::string& text, std::string_view transcript) {
  return RunAtEverySplit(AtCommand::FromText(text), transcript);
}

// --- Basic replies -------------------------------------------------------------------------

TEST(AtEngineTest, WritesTheCommandWithCarriageReturn) {
  EngineHarness h;
  h.Submit("AT+CSQ");
  ASSERT_EQ(h.writes.size(), 1u);
  EXPECT_EQ(h.writes[0], "AT+CSQ\r");
}

TEST(AtEngineTest, InfoLinesAndOkMakeTheReply) {
  EXPECT_EQ(RunAtEverySplit("AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n"),
            "info=[+CSQ: 21,99|] final=OK error=none");
}

TEST(AtEngineTest, FreeTextAnswersAreInfoLines) {
  // Manual §2.5.1.
  EXPECT_EQ(RunAtEverySplit("AT+CGSN", "\r\n863711020146740\r\n\r\nOK\r\n"),
            "info=[863711020146740|] final=OK error=none");
}

TEST(AtEngineTest, CgmrPrefixedLinesAreTheAnswer) {
  // Manual §2.4.1.
  EXPECT_EQ(
      RunAtEverySplit("AT+CGMR", "+SOFTV:012345678\r\n+HARDV:00123456\r\n+MANUF:ucchip\r\nOK\r\n"),
      "info=[+SOFTV:012345678|+HARDV:00123456|+MANUF:ucchip|] final=OK error=none");
}

TEST(AtEngineTest, CommandsRunOneAtATimeInOrder) {
  EngineHarness h;
  const CommandId first = h.Submit("AT+CSQ");
  const CommandId second = h.Submit("AT+CGATT?");
  EXPECT_EQ(h.writes.size(), 1u);
  h.WriteAll();
  h.Feed("+CSQ: 21,99\r\nOK\r\n");
  ASSERT_EQ(h.writes.size(), 2u);
  EXPECT_EQ(h.writes[1], "AT+CGATT?\r");
  h.WriteAll();
  h.Feed("+CGATT: 1\r\nOK\r\n");
  EXPECT_EQ(h.completion_order, (std::vector<CommandId>{first, second}));
  EXPECT_EQ(h.Reply(second)->info, (std::vector<std::string>{"+CGATT: 1"}));
}

TEST(AtEngineTest, InvalidCommandTextFailsAtOnce) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+CSQ\r\nAT+CFUN=0");
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->error, Errc::kInvalidCommand);
  EXPECT_TRUE(h.writes.empty());
}

// --- docs/at-channel.md, "Failure modes": tests per row ------------------------------------

// F1 (Zephyr PR #67527): a URC racing the command's transmission is not the answer.
TEST(AtEngineFailureModes, UrcBeforeTheLastByteIsWrittenIsNotTheAnswer) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+CGMI");
  h.Feed("+CGREG: 1\r\n");
  h.Feed("stray line\r\n");
  h.WriteAll();
  h.Feed("\r\nucchip\r\n\r\nOK\r\n");
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->info, (std::vector<std::string>{"ucchip"}));
  ASSERT_EQ(h.urcs.size(), 2u);
  EXPECT_EQ(h.urcs[0].kind, UrcKind::kRegistration);
  EXPECT_EQ(h.urcs[1].kind, UrcKind::kUnknown);
}

// F1 (RIOT PR #20062): a stale OK before the command is written does not complete it.
TEST(AtEngineFailureModes, FinalBeforeTheCommandIsWrittenIsIgnored) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+CSQ");
  h.Feed("OK\r\n");
  EXPECT_FALSE(h.Reply(id));
  h.WriteAll();
  h.Feed("+CSQ: 5,99\r\nOK\r\n");
  EXPECT_EQ(h.Reply(id)->info, (std::vector<std::string>{"+CSQ: 5,99"}));
}

// F2 (Mbed PR #10341), manual §2.15.3: URCs between info lines and OK are URCs.
TEST(AtEngineFailureModes, UrcBetweenInfoAndOkIsNotTheAnswer) {
  EXPECT_EQ(RunAtEverySplit("AT+CSQ", "+CSQ: 20,0\r\n+CGREG: 1\r\nOK\r\n"),
            "info=[+CSQ: 20,0|] final=OK error=none urc(registration:+CGREG: 1)");
}

TEST(AtEngineFailureModes, PayloadUrcBetweenInfoAndOkIsDelivered) {
  EXPECT_EQ(RunAtEverySplit("AT+CSQ", "+CSQ: 20,0\r\n+IPRECV=\"TCP\",4,\r\nOK\r\nOK\r\n"),
            "info=[+CSQ: 20,0|] final=OK error=none urc(ip_receive:+IPRECV=\"TCP\",4:\r\nOK)");
}

TEST(AtEngineFailureModes, CgregUrcsBeforeTheOkOfCgattAreUrcs) {
  // Manual §2.15.3, verbatim order.
  EXPECT_EQ(RunAtEverySplit("AT+CGATT=1", "\r\n+CGREG: 2\r\n\r\n+CGREG: 1\r\n\r\nOK\r\n"),
            "info=[] final=OK error=none urc(registration:+CGREG: 2) "
            "urc(registration:+CGREG: 1)");
}

// F3 (Mbed issue #10658): a burst of URCs in one read.
TEST(AtEngineFailureModes, UrcBurstIsFullyDelivered) {
  std::string burst;
  for (int i = 0; i < 10; ++i) burst += "\r\n+CGREG: " + std::to_string(i % 3) + "\r\n";
  EngineHarness h;
  for (const auto& reads : AllSplits(burst)) {
    EngineHarness run;
    for (std::string_view read : reads) run.Feed(read);
    ASSERT_EQ(run.urcs.size(), 10u);
    EXPECT_EQ(run.urcs[9].line, "+CGREG: 0");
  }
}

// F4 (Mbed PR #7033): a URC split across reads with gaps between them.
TEST(AtEngineFailureModes, UrcSplitAcrossSlowReadsIsRecognised) {
  EngineHarness h;
  h.Feed("\r\nNO C");
  h.Advance(milliseconds(150));
  h.Feed("ARR");
  h.Advance(milliseconds(150));
  h.Feed("IER\r\n");
  ASSERT_EQ(h.urcs.size(), 1u);
  EXPECT_EQ(h.urcs[0].kind, UrcKind::kNoCarrier);
}

// F5 (Mbed issue #8829): a long multi-line answer still ends on OK.
TEST(AtEngineFailureModes, LongMultiLineAnswerEndsOnOk) {
  std::string transcript;
  for (int i = 0; i < 100; ++i) transcript += "+CGDCONT: 1,\"IP\",\"apn.example\",\"\",0,0\r\n";
  transcript += "OK\r\n";
  EngineHarness h;
  const CommandId id = h.Submit("AT+CGDCONT?");
  h.WriteAll();
  for (std::size_t i = 0; i < transcript.size(); i += 7) h.Feed(transcript.substr(i, 7));
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->info.size(), 100u);
  EXPECT_TRUE(h.Reply(id)->ok());
}

// F6 (TinyGSM PR #628): same prefix for URC and answer; the URC arrives first.
TEST(AtEngineFailureModes, CgregUrcDuringCgregQueryGoesToTheUrcPath) {
  EXPECT_EQ(RunAtEverySplit("AT+CGREG?", "+CGREG: 2\r\n+CGREG: 1,1,13122,32451\r\nOK\r\n"),
            "info=[+CGREG: 1,1,13122,32451|] final=OK error=none urc(registration:+CGREG: 2)");
}

TEST(AtEngineFailureModes, CgregTestAnswerIsNotMistakenForAUrc) {
  EXPECT_EQ(RunAtEverySplit("AT+CGREG=?", "+CGREG: (0-1)\r\nOK\r\n"),
            "info=[+CGREG: (0-1)|] final=OK error=none");
}

// F7 (TinyGSM #197, lwgsm): a late OK after a timeout never completes the next command.
TEST(AtEngineFailureModes, LateOkAfterTimeoutDoesNotCompleteTheNextCommand) {
  EngineHarness h;
  const CommandId slow = h.Submit("AT+CSQ");
  const CommandId next = h.Submit("AT+CGATT?");
  h.WriteAll();
  h.Advance(seconds(2));
  ASSERT_TRUE(h.Reply(slow));
  EXPECT_EQ(h.Reply(slow)->error, Errc::kTimeout);
  h.Feed("+CSQ: 21,99\r\nOK\r\n");  // the late answer, during the quiet time
  h.Advance(milliseconds(200));
  ASSERT_EQ(h.writes.back(), "AT+CMEE?\r");
  h.WriteAll();
  h.Feed("OK\r\n");  // another stale OK before the unique prefix: still not an answer
  EXPECT_EQ(h.writes.back(), "AT+CMEE?\r");
  h.Feed("+CMEE: 1\r\nOK\r\n");
  ASSERT_EQ(h.writes.back(), "AT+CGATT?\r");
  EXPECT_FALSE(h.Reply(next));
  h.WriteAll();
  h.Feed("+CGATT: 1\r\nOK\r\n");
  ASSERT_TRUE(h.Reply(next));
  EXPECT_EQ(h.Reply(next)->info, (std::vector<std::string>{"+CGATT: 1"}));
}

// F7: a read that fails after the link closed fails once and is not retried forever.
TEST(AtEngineFailureModes, ErrorCompletesOnceWithoutRetry) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+FTPGET=1,123");
  h.WriteAll();
  h.Feed("ERROR\r\n");
  EXPECT_EQ(h.Reply(id)->error, Errc::kModuleError);
  EXPECT_EQ(h.writes.size(), 1u);
}

// F8 (TinyGSM PR #118): announced 100 bytes, 60 arrive, then silence.
TEST(AtEngineFailureModes, FewerPayloadBytesThanAnnouncedTimesOutWithWhatArrived) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+HTTPREAD");
  h.WriteAll();
  h.Feed("+HTTPREAD:100,\r\n" + std::string(60, 'x'));
  h.Advance(seconds(2));
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->error, Errc::kPayloadTruncated);
  EXPECT_EQ(h.Reply(id)->payload, std::string(60, 'x'));
  h.Advance(milliseconds(200));
  EXPECT_EQ(h.writes.back(), "AT+CMEE?\r");
}

TEST(AtEngineFailureModes, PayloadTailArrivingBeforeTheTimeoutCompletes) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+HTTPREAD");
  h.WriteAll();
  h.Feed("+HTTPREAD:10,\r\n12345");
  h.Advance(milliseconds(1900));
  h.Feed("67890\r\nOK\r\n");
  ASSERT_TRUE(h.Reply(id));
  EXPECT_TRUE(h.Reply(id)->ok());
  EXPECT_EQ(h.Reply(id)->payload, "1234567890");
}

TEST(AtEngineFailureModes, TruncatedUrcPayloadIsDeliveredAsTruncated) {
  EngineHarness h;
  h.Feed("+IPRECV=\"TCP\",10,abc");
  h.Advance(seconds(2));
  ASSERT_EQ(h.urcs.size(), 1u);
  EXPECT_TRUE(h.urcs[0].truncated);
  EXPECT_EQ(h.urcs[0].payload, "abc");
  h.Feed("\r\nREADY\r\n");
  EXPECT_EQ(h.urcs.back().kind, UrcKind::kRestart);
}

// F9 (TinyGSM PR #750): each failure final ends the command at once with its error.
TEST(AtEngineFailureModes, EveryFailureFinalEndsTheCommandAtOnce) {
  struct Case {
    std::string command;
    std::string answer;
    Errc errc;
  };
  const Case cases[] = {
      {"AT+CGACT=1,5", "+CME ERROR: 10\r\n", Errc::kCmeError},
      {"AT+CGATT=1", "+EXT ERROR: 3\r\n", Errc::kExtError},
      {"AT+CSQ", "ERROR\r\n", Errc::kModuleError},
      {"AT+CGDATA=\"PPP\",1", "NO CARRIER\r\n", Errc::kNoCarrier},
      {"AT+IPCREATE=\"TCP\",\"10.0.2.2\",7", "OK\r\nCONNECT FAIL\r\n", Errc::kConnectFail},
  };
  for (const Case& c : cases) {
    EngineHarness h;
    const CommandId id = h.Submit(c.command);
    h.WriteAll();
    h.Feed(c.answer);
    ASSERT_TRUE(h.Reply(id)) << c.command;
    EXPECT_EQ(h.Reply(id)->error, c.errc) << c.command;
    EXPECT_FALSE(h.timer) << c.command;
  }
}

TEST(AtEngineFailureModes, VerboseCmeErrorKeepsTheModulesText) {
  // Manual §2.7.4 (CMEE=2).
  EngineHarness h;
  const CommandId id = h.Submit("AT+CGACT=1,5");
  h.WriteAll();
  h.Feed("+CME ERROR: operation not allowed\r\n");
  EXPECT_EQ(h.Reply(id)->error_text, "operation not allowed");
  EXPECT_EQ(h.Reply(id)->Describe(), "+CME ERROR: operation not allowed");
}

TEST(AtEngineFailureModes, NumericCmeErrorNamesTheManualsText) {
  // Manual table 3.1: 30 = no network service.
  EngineHarness h;
  const CommandId id = h.Submit("AT+CGATT=1");
  h.WriteAll();
  h.Feed("+CME ERROR: 30\r\n");
  EXPECT_EQ(h.Reply(id)->error_number, 30);
  EXPECT_EQ(h.Reply(id)->Describe(), "+CME ERROR: 30 (no network service)");
}

TEST(AtEngineFailureModes, VerboseCmeErrorGetsItsNumberFromTheTable) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+CGACT=1,5");
  h.WriteAll();
  h.Feed("+CME ERROR: operation not allowed\r\n");
  EXPECT_EQ(h.Reply(id)->error_number, 3);
}

// F10 (Zephyr #66171): lost bytes corrupt a line; the loss is reported and the channel goes on.
TEST(AtEngineFailureModes, GarbledLineIsReportedAndTheAnswerStillCompletes) {
  using namespace std::string_literals;
  EngineHarness h;
  const CommandId id = h.Submit("AT+CSQ");
  h.WriteAll();
  h.Feed("+CS\0\x01Q: 2\r\n+CSQ: 21,99\r\nOK\r\n"s);
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->info, (std::vector<std::string>{"+CSQ: 21,99"}));
  ASSERT_EQ(h.urcs.size(), 1u);
  EXPECT_TRUE(h.urcs[0].line.starts_with("<binary_garbage>"));
}

TEST(AtEngineFailureModes, OverlongLineIsReportedAndTheAnswerStillCompletes) {
  EXPECT_EQ(
      RunAtEverySplit("AT+CSQ", std::string(5000, 'Z') + "\r\n+CSQ: 1,2\r\nOK\r\n").substr(0, 42),
      "info=[+CSQ: 1,2|] final=OK error=none urc(");
}

// F11 (esp-protocols #327, atat #184): echo on, off, with or without leading CRLF.
TEST(AtEngineFailureModes, EchoDoesNotChangeTheReply) {
  const std::string expected = "info=[+CSQ: 21,99|] final=OK error=none";
  EXPECT_EQ(RunAtEverySplit("AT+CSQ", "AT+CSQ\r\r\n+CSQ: 21,99\r\n\r\nOK\r\n"), expected);
  EXPECT_EQ(RunAtEverySplit("AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n"), expected);
  EXPECT_EQ(RunAtEverySplit("AT+CSQ", "+CSQ: 21,99\r\nOK\r\n"), expected);
}

TEST(AtEngineFailureModes, EchoOfAFreeTextCommandIsNotItsAnswer) {
  EXPECT_EQ(RunAtEverySplit("AT+CIMI", "AT+CIMI\r\r\n460040812002376\r\n\r\nOK\r\n"),
            "info=[460040812002376|] final=OK error=none");
}

// F12 (lwgsm #50): a data URC in the same read as the OK of the command is delivered.
TEST(AtEngineFailureModes, DataUrcInTheSameReadAsOkIsDelivered) {
  EXPECT_EQ(RunAtEverySplit("AT+IPSEND=\"TCP\",3,\"123\"",
                            "+IPSEND=3\r\nOK\r\n+IPRECV=\"TCP\", 3, 123\r\n"),
            "info=[+IPSEND=3|] final=OK error=none urc(ip_receive:+IPRECV=\"TCP\", 3:123)");
}

// F13: CONNECT and the first PPP bytes in one read; nothing is lost.
TEST(AtEngineFailureModes, ConnectAndPppBytesInOneReadHandsEveryByteOver) {
  using namespace std::string_literals;
  const std::string ppp = "\x7e\xff\x7d\x23\xc0\x21\x01\x01\x00\x04\x7e"s;
  EXPECT_EQ(RunAtEverySplit("AT+CGDATA=\"PPP\",1", "\r\nCONNECT\r\n" + ppp),
            "info=[] final=CONNECT error=none data=" + ppp);
}

// The consumer of the CONNECT reply starts PPP on the line (or hands it back after a
// disconnect): the descriptor and the bytes after CONNECT must already be its, however the
// read was cut.
TEST(AtEngineFailureModes, TheHandOverComesBeforeTheConnectReply) {
  using namespace std::string_literals;
  const std::string ppp = "\x7e\xff\x7d\x23\x7e"s;
  const std::string transcript = "\r\nCONNECT\r\n" + ppp;
  for (const auto& reads : AllSplits(transcript)) {
    EngineHarness h;
    const CommandId id = h.Submit("AT+CGDATA=\"PPP\",1");
    h.WriteAll();
    for (std::string_view read : reads) {
      h.Feed(read);
      if (h.Reply(id)) break;  // later bytes go to the consumer's descriptor, not the engine
    }
    ASSERT_TRUE(h.Reply(id));
    EXPECT_TRUE(h.data_mode_at_reply[id])
        << "reply before the hand-over, first read " << reads.front().size() << " bytes";
    EXPECT_EQ(h.data, ppp.substr(0, h.data.size()));
  }
}

TEST(AtEngineTest, DataModeStopsAtCommandsUntilResumed) {
  EngineHarness h;
  h.Submit("AT+CGDATA=\"PPP\",1");
  h.WriteAll();
  h.Feed("CONNECT\r\n");
  ASSERT_TRUE(h.in_data_mode);
  const CommandId queued = h.Submit("AT+CSQ");
  EXPECT_EQ(h.writes.size(), 1u);
  EXPECT_EQ(h.engine.state(), EngineState::kDataMode);
  h.Resume();
  h.Advance(milliseconds(200));
  EXPECT_EQ(h.writes.back(), "AT+CMEE?\r");
  h.WriteAll();
  h.Feed("+CMEE: 1\r\nOK\r\n");
  EXPECT_EQ(h.writes.back(), "AT+CSQ\r");
  h.WriteAll();
  h.Feed("+CSQ: 9,99\r\nOK\r\n");
  EXPECT_TRUE(h.Reply(queued)->ok());
}

// --- Prompt, two-phase and timeouts --------------------------------------------------------

TEST(AtEngineTest, PayloadIsWrittenOnlyAfterThePrompt) {
  EngineHarness h;
  AtCommand command = AtCommand::FromText("AT+HTTPDATA=5");
  command.payload = "hello";
  const CommandId id = h.Submit(command);
  h.WriteAll();
  EXPECT_EQ(h.writes.size(), 1u);
  h.Feed("\r\n> ");
  ASSERT_EQ(h.writes.size(), 2u);
  EXPECT_EQ(h.writes[1], "hello");
  h.WriteAll();
  h.Feed("\r\nOK\r\n");
  EXPECT_TRUE(h.Reply(id)->ok());
}

TEST(AtEngineTest, ErrorInsteadOfPromptSendsNoPayload) {
  EngineHarness h;
  AtCommand command = AtCommand::FromText("AT+HTTPDATA=5");
  command.payload = "hello";
  const CommandId id = h.Submit(command);
  h.WriteAll();
  h.Feed("ERROR\r\n");
  EXPECT_EQ(h.Reply(id)->error, Errc::kModuleError);
  EXPECT_EQ(h.writes.size(), 1u);
}

TEST(AtEngineTest, IpCreateWaitsForConnectOkAfterOk) {
  // Manual §2.22.2.
  EngineHarness h;
  const CommandId id = h.Submit("AT+IPCREATE=\"TCP\",\"192.168.1.1\",50");
  h.WriteAll();
  h.Feed("OK\r\n");
  EXPECT_FALSE(h.Reply(id));
  h.Feed("CONNECT OK\r\n");
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->final, FinalKind::kConnectOk);
}

TEST(AtEngineTest, ConnectOkWithoutIpCreateIsAUrc) {
  EngineHarness h;
  h.Feed("CONNECT OK\r\n");
  ASSERT_EQ(h.urcs.size(), 1u);
  EXPECT_EQ(h.urcs[0].kind, UrcKind::kConnectResult);
}

TEST(AtEngineTest, TimeoutComesFromTheTable) {
  EngineHarness h;
  const CommandId id = h.Submit("AT+CFUN=1");
  h.WriteAll();
  h.Advance(seconds(14));
  EXPECT_FALSE(h.Reply(id));
  h.Advance(seconds(1));
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->error, Errc::kTimeout);
}

TEST(AtEngineTest, CommandTimeoutOverridesTheTable) {
  EngineHarness h;
  AtCommand command = AtCommand::FromText("AT+CGATT=1");
  command.timeout = seconds(1);
  const CommandId id = h.Submit(command);
  h.WriteAll();
  h.Advance(seconds(1));
  EXPECT_EQ(h.Reply(id)->error, Errc::kTimeout);
}

TEST(AtEngineTest, TableOverrideApplies) {
  AtEngineOptions options;
  options.timeouts.Set("CSQ", CommandForm::kExec, seconds(7));
  EngineHarness h(options);
  const CommandId id = h.Submit("AT+CSQ");
  h.WriteAll();
  h.Advance(seconds(6));
  EXPECT_FALSE(h.Reply(id));
  h.Advance(seconds(1));
  EXPECT_TRUE(h.Reply(id));
}

TEST(AtEngineTest, WriteThatNeverCompletesTimesOut) {
  // RTS/CTS held off: the bytes never leave; the command must still end.
  EngineHarness h;
  const CommandId id = h.SubmitNow("AT+CSQ");
  h.Advance(seconds(2));
  ASSERT_TRUE(h.Reply(id));
  EXPECT_EQ(h.Reply(id)->error, Errc::kTimeout);
}

TEST(AtEngineTest, TimeoutsCountAsFailuresUntilTheModuleAnswers) {
  EngineHarness h;
  h.Submit("AT+CSQ");
  h.WriteAll();
  h.Advance(seconds(2));
  EXPECT_EQ(h.engine.consecutive_failures(), 1);
  h.Advance(milliseconds(200));
  h.WriteAll();
  h.Feed("+CMEE: 1\r\nOK\r\n");
  h.Submit("AT");
  h.WriteAll();
  h.Feed("OK\r\n");
  EXPECT_EQ(h.engine.consecutive_failures(), 0);
}

TEST(AtEngineTest, SilentModuleFailsQueuedCommandsAsUnresponsive) {
  EngineHarness h;
  h.Submit("AT+CSQ");
  const CommandId queued = h.Submit("AT+CGATT?");
  h.WriteAll();
  h.Advance(seconds(2));
  h.Advance(milliseconds(200));
  for (int attempt = 0; attempt < 3; ++attempt) {
    h.WriteAll();
    h.Advance(seconds(2));
  }
  ASSERT_TRUE(h.Reply(queued));
  EXPECT_EQ(h.Reply(queued)->error, Errc::kUnresponsive);
  EXPECT_EQ(h.engine.consecutive_failures(), 4);
  // The next command is preceded by a resync.
  h.Submit("AT");
  EXPECT_EQ(h.writes.back(), "AT+CMEE?\r");
}

TEST(AtEngineTest, CloseFailsEverythingPending) {
  EngineHarness h;
  const CommandId a = h.Submit("AT+CSQ");
  const CommandId b = h.Submit("AT+CGATT?");
  h.WriteAll();
  h.Close();
  ASSERT_TRUE(h.Reply(a));
  ASSERT_TRUE(h.Reply(b));
  EXPECT_EQ(h.Reply(a)->error, Errc::kClosed);
  EXPECT_EQ(h.Reply(b)->error, Errc::kClosed);
  EXPECT_FALSE(h.timer);
  const CommandId late = h.Submit("AT");
  EXPECT_EQ(h.Reply(late)->error, Errc::kClosed);
}

TEST(AtEngineTest, CommandNameParsing) {
  EXPECT_EQ(ParseCommandName("AT+CGATT=1").name, "CGATT");
  EXPECT_EQ(ParseCommandName("AT+CGATT=1").form, CommandForm::kSet);
  EXPECT_EQ(ParseCommandName("at+cgatt?").form, CommandForm::kRead);
  EXPECT_EQ(ParseCommandName("AT+COPS=?").form, CommandForm::kTest);
  EXPECT_EQ(ParseCommandName("ATD*99#").name, "D");
  EXPECT_EQ(ParseCommandName("AT+ FTPGET").name, "FTPGET");
}

}  // namespace
}  // namespace uclink::chat
