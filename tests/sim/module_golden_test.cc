// The UC8088 manual's example sessions ("示例" subsections, §2.20, §2.21 and the command
// sections' own request/response pairs) replayed against the pure Module. Where the manual
// prints the same answer in two spellings, the comment says which one the simulator follows.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/sim/module_harness.h"

namespace uclink::sim::testing {
namespace {

struct Exchange {
  std::string command;
  std::vector<std::string> answer;  // the lines after the echo, without blank lines
};

struct Session {
  std::string name;
  std::vector<Exchange> exchanges;
};

const std::vector<Session>& Sessions() {
  static const std::vector<Session> kSessions = {
      {"S2_1_Cfun",
       {{"AT+CFUN=?", {"+CFUN: (0, 1), (0)", "OK"}},
        {"AT+CFUN=1", {"OK"}},
        {"AT+CFUN?", {"+CFUN: 1", "OK"}},
        {"AT+CFUN=0", {"OK"}}}},
      {"S2_2to2_6_Identity",
       {{"AT+CGMI", {"ucchip", "OK"}},
        {"AT+CGMM", {"8088", "OK"}},
        {"AT+CGMR", {"+SOFTV:012345678", "+HARDV:00123456", "+MANUF:ucchip", "OK"}},
        {"AT+CGSN", {"863711020146740", "OK"}},
        {"AT+CIMI", {"460040812002376", "OK"}}}},
      // §2.7.4 omits the OK after "+CMEE: 0"; the module sends it as in §2.7.3.
      {"S2_7_4_Cmee",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CMEE=?", {"+CMEE: (0-2)", "OK"}},
        {"AT+CMEE?", {"+CMEE: 0", "OK"}},
        {"AT+CMEE=2", {"OK"}},
        {"AT+CMEE?", {"+CMEE: 2", "OK"}},
        {"AT+CGACT=1,5", {"+CME ERROR: operation not allowed"}}}},
      // §2.8.4's last answer reads "+CGATT: 1, 935400000", a typo for +CELLLOCK (§2.8.3).
      {"S2_8_4_CellLock",
       {{"AT+CELLLOCK=?", {"+CELLLOCK: (0, 1), freq", "OK"}},
        {"AT+CELLLOCK?", {"+CELLLOCK: 0, 0", "OK"}},
        {"AT+CELLLOCK=1, 935400000", {"OK"}},
        {"AT+ CELLLOCK?", {"+CELLLOCK: 1, 935400000", "OK"}}}},
      {"S2_9_4_Cgatt",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGATT=?", {"+CGATT: (0, 1)", "OK"}},
        {"AT+CGATT?", {"+CGATT: 0", "OK"}},
        {"AT+CGATT=1", {"OK"}},
        {"AT+CGATT?", {"+CGATT: 1", "OK"}},
        {"AT+CGATT=0", {"OK"}},
        {"AT+CGATT?", {"+CGATT: 0", "OK"}}}},
      // §2.10.4 prints "+CGACT:(0,1)" and "+CGACT:1,1"; the module follows §2.10.1 for the test
      // form and §2.11.4/§2.14.3 ("+CGACT: 1,1") for the read form.
      {"S2_10_4_Cgact",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGACT=?", {"+CGACT: (0, 1)", "OK"}},
        {"AT+CGACT=1,1,2", {"OK"}},
        {"AT+CGACT?", {"+CGACT: 1,1", "+CGACT: 2,1", "OK"}}}},
      // §2.11.4 lists only the IP line of the test form; §2.20 lists IP and PPP: we follow §2.20.
      {"S2_11_4_Cgdcont",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGDCONT=?",
         {"+CGDCONT: (1-2), \"IP\", ,, (0, 1), (0, 1)",
          "+CGDCONT: (1-2), \"PPP\", ,, (0, 1), (0, 1)", "OK"}},
        {"AT+CGDCONT=1, \"IP\"", {"OK"}},
        {"AT+CGDCONT?", {"+CGDCONT: 1, \"IP\", \"\", \"\", 0, 0", "OK"}},
        {"AT+CGACT=1,1", {"OK"}},
        {"AT+CGACT?", {"+CGACT: 1,1", "OK"}},
        {"AT+CGDCONT?", {"+CGDCONT: 1, \"IP\", \"\", \"\", 0, 0", "OK"}}}},
      // §2.11 lists IPV6 among the <PDP_type> values; the example sessions only show IP.
      {"S2_11_Ipv6PdpType",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGDCONT=1, \"IPV6\", \"cmnet\"", {"OK"}},
        {"AT+CGDCONT?", {"+CGDCONT: 1, \"IPV6\", \"cmnet\", \"\", 0, 0", "OK"}}}},
      // §2.12.4 types the command as AT+CGQRE; the module accepts that spelling too.
      {"S2_12_4_Cgqreq",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGDCONT=1,\"IP\"", {"OK"}},
        {"AT+CGQRE=?", {"+CGQREQ: \"IP\", (1-3), (1-4), (1-5), (1-9), (1-18, 31)", "OK"}},
        {"AT+CGQRE?", {"+CGQREQ: 1, 0, 0, 0, 0, 0", "OK"}},
        {"AT+CGQRE=1, 1, 4, 5, 2, 14", {"OK"}},
        {"AT+CGQRE?", {"+CGQREQ: 1, 1, 4, 5, 2, 14", "OK"}},
        {"AT+CGACT=1,1", {"OK"}}}},
      {"S2_13_4_CgqminMismatch",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGDCONT=1,\"IP\"", {"OK"}},
        {"AT+CGQMIN=?", {"+CGQMIN: \"IP\", (1-3), (1-4), (1-5), (1-9), (1-18, 31)", "OK"}},
        {"AT+CGQMIN?", {"+CGQMIN: 1, 0, 0, 0, 0, 0", "OK"}},
        {"AT+CGQMIN=1, 1, 4, 5, 2, 14", {"OK"}},
        {"AT+CGQMIN?", {"+CGQMIN: 1, 1, 4, 5, 2, 14", "OK"}},
        {"AT+CGACT=1, 1", {"ERROR"}}}},
      {"S2_14_3_Cgpaddr",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGACT=1,1,2", {"OK"}},
        {"AT+CGACT?", {"+CGACT: 1,1", "+CGACT: 2,1", "OK"}},
        {"AT+CGPADDR=?", {"+CGPADDR: (1,2)", "OK"}},
        {"AT+CGPADDR=1,2",
         {"+CGPADDR: 1,\"192.168.40.13\"", "+CGPADDR: 2,\"192.168.40.14\"", "OK"}},
        {"AT+CGPADDR=", {"+CGPADDR: 1,\"192.168.40.13\"", "+CGPADDR: 2,\"192.168.40.14\"", "OK"}}}},
      {"S2_15_3_CgregUrcsBeforeOk",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGREG=1", {"OK"}},
        {"AT+CGATT=1", {"+CGREG: 2", "+CGREG: 1", "OK"}},
        {"AT+CGREG?", {"+CGREG: 1,1,13122,32451", "OK"}}}},
      {"S2_16_3_Cgdata", {{"AT+CFUN=1", {"OK"}}, {"AT+CGDATA=\"PPP\",1", {"CONNECT"}}}},
      // §2.17.2 prints "+CSQ: 21, 99"; the example session §2.17.3 prints "+CSQ: 21,99".
      {"S2_17_3_Csq",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGACT=1", {"OK"}},
        {"AT+CSQ=?", {"+CSQ: (2-31, 99), (99)", "OK"}},
        {"AT+CSQ", {"+CSQ: 21,99", "OK"}}}},
      {"S2_18_4_Cops",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+COPS=?", {"+COPS: (1,\"\",\"\",\"26242\")", "OK"}},
        {"AT+COPS=1,2,\"46000\"", {"OK"}},
        {"AT+CGATT?", {"+CGATT: 1", "OK"}},
        {"AT+CGATT=0", {"OK"}},
        {"AT+COPS=1,2,\"26242\"", {"+COPS: (1,\"\",\"\",\"46000\")", "OK"}},
        {"AT+CGATT?", {"+CGATT: 0", "OK"}}}},
      // §2.20 prints "+CGACT: 1, 1"; see S2_10_4 for the form the module uses.
      {"S2_20_PdpActivation",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGDCONT=?",
         {"+CGDCONT: (1-2), \"IP\", ,, (0, 1), (0, 1)",
          "+CGDCONT: (1-2), \"PPP\", ,, (0, 1), (0, 1)", "OK"}},
        {"AT+CGDCONT=1, \"IP\"", {"OK"}},
        {"AT+CGDCONT?", {"+CGDCONT: 1, \"IP\", \"\", \"\", 0, 0", "OK"}},
        {"AT+CGACT=1, 1", {"OK"}},
        {"AT+CGACT?", {"+CGACT: 1,1", "OK"}}}},
      {"S2_21_DataTransfer",
       {{"AT+CFUN=1", {"OK"}},
        {"AT+CGDATA=?", {"+CGDATA: \"PPP\"", "OK"}},
        {"AT+CGDATA=\"PPP\", 1", {"CONNECT"}}}},
      // §2.43 opens with lower-case commands.
      {"S2_43_LowerCasePrefix", {{"at", {"OK"}}, {"at+cfun=1", {"OK"}}}},
      // §2.62.1 canned answers, verbatim (including "5 → 4,573" and "11 → 10,0").
      {"S2_62_FactoryTest",
       {{"at+factorytest=0,1,1,0,800,-65", {"+FACTORYTEST:0,1", "OK"}},
        {"at+factorytest=0,0,1,0,800,-65", {"+FACTORYTEST:0,0", "OK"}},
        {"at+factorytest=0,1,0,0,800,-65", {"+FACTORYTEST:0,3", "OK"}},
        {"at+factorytest=0,0,0,0,800,-65", {"+FACTORYTEST:0,0", "OK"}},
        {"at+factorytest=1", {"+FACTORYTEST:1,0", "OK"}},
        {"at+factorytest=2,1", {"OK"}},
        {"at+factorytest=2,0", {"OK"}},
        {"at+factorytest=3", {"+FACTORYTEST:3,1135", "OK"}},
        {"at+factorytest=4", {"+FACTORYTEST:4,573", "OK"}},
        {"at+factorytest=5", {"+FACTORYTEST:4,573", "OK"}},
        {"at+factorytest=6,1", {"OK"}},
        {"at+factorytest=7,4,0,0,800,-65", {"+FACTORYTEST:7,5", "OK"}},
        {"at+factorytest=7,3,0,0,800,-65", {"+FACTORYTEST:7,5", "OK"}},
        {"at+factorytest=8,1", {"+FACTORYTEST:8,2.2", "OK"}},
        {"at+factorytest=9", {"+FACTORYTEST:9,22", "OK"}},
        {"at+factorytest=10,0", {"+FACTORYTEST:10,0xb14", "OK"}},
        {"at+factorytest=11,0", {"+FACTORYTEST:10,0", "OK"}},
        {"at+factorytest=12,0", {"OK"}},
        {"at+factorytest=12,1", {"OK"}}}},
  };
  return kSessions;
}

class ManualSessionTest : public ::testing::TestWithParam<Session> {};

TEST_P(ManualSessionTest, AnswersLikeTheManual) {
  ModuleHarness harness;
  for (const Exchange& exchange : GetParam().exchanges) {
    EXPECT_EQ(harness.Lines(exchange.command), exchange.answer) << exchange.command;
  }
}

// A serial line delivers bytes in any chunks: the same transcript split at every byte offset
// gives the same answers.
TEST_P(ManualSessionTest, AnswersTheSameWhenEachCommandArrivesInTwoPieces) {
  std::size_t longest = 0;
  for (const Exchange& exchange : GetParam().exchanges) {
    longest = std::max(longest, exchange.command.size() + 1);
  }
  for (std::size_t split = 1; split < longest; ++split) {
    ModuleHarness harness;
    for (const Exchange& exchange : GetParam().exchanges) {
      std::string line = exchange.command + "\r";
      std::size_t at = std::min(split, line.size());
      harness.TakeSerial();
      harness.Send(line.substr(0, at));
      harness.Send(line.substr(at));
      harness.Settle();
      std::vector<std::string> lines = SplitLines(harness.TakeSerial());
      ASSERT_FALSE(lines.empty());
      lines.erase(lines.begin());  // the echo
      EXPECT_EQ(lines, exchange.answer) << exchange.command << " split at " << at;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Manual, ManualSessionTest, ::testing::ValuesIn(Sessions()),
                         [](const ::testing::TestParamInfo<Session>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace uclink::sim::testing
