// The command table (chat/commands/command_table.h): forms, names, aliases, timeout classes.
#include <gtest/gtest.h>

#include <set>

#include "chat/commands/command_table.h"
#include "chat/commands/timeouts.h"

namespace uclink::chat {
namespace {

TEST(CommandTableTest, OneRowPerCommandInEnumOrder) {
  auto table = CommandTable();
  ASSERT_EQ(table.size(), 55u);
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].command), i) << table[i].name;
  }
}

TEST(CommandTableTest, NamesAreUniqueAndStartWithPlus) {
  std::set<std::string_view> names;
  for (const CommandSpec& spec : CommandTable()) {
    EXPECT_EQ(spec.name.front(), '+');
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_FALSE(spec.section.empty()) << spec.name;
  }
}

TEST(CommandTableTest, EncodesPlainForms) {
  EXPECT_EQ(*EncodeTest(Command::kCfun), "AT+CFUN=?");
  EXPECT_EQ(*EncodeRead(Command::kCgreg), "AT+CGREG?");
  EXPECT_EQ(*EncodeExec(Command::kCsq), "AT+CSQ");
  EXPECT_EQ(*EncodeExec(Command::kCgmr), "AT+CGMR");
  EXPECT_EQ(*EncodeExec(Command::kHttpinit), "AT+HTTPINIT");
  EXPECT_EQ(*EncodeExec(Command::kMqttdisconnect), "AT+MQTTDISCONNECT");
}

TEST(CommandTableTest, RefusesFormsTheManualDoesNotGive) {
  // manual §2.17: AT+CSQ has no read form.
  auto r = EncodeRead(Command::kCsq);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kUnsupportedForm);
  EXPECT_NE(r.error().detail.find("§2.17"), std::string::npos);
  EXPECT_FALSE(EncodeExec(Command::kCfun));
  EXPECT_FALSE(EncodeTest(Command::kIprecv));
}

TEST(CommandTableTest, FindsCommandsByMisprintedNames) {
  // The manual prints HTTTPARA (§2.45), FTTPUT (§2.39), FTTPATH (§2.33), FTPYPE (contents),
  // FTPMD (contents), CGQRE (§2.12.4) and MQTTLS (§2.53).
  EXPECT_EQ(CommandFromName("+HTTTPARA"), Command::kHttppara);
  EXPECT_EQ(CommandFromName("FTTPUT"), Command::kFtpput);
  EXPECT_EQ(CommandFromName("fttpath"), Command::kFtppath);
  EXPECT_EQ(CommandFromName("FTTPUTNAME"), Command::kFtpputname);
  EXPECT_EQ(CommandFromName("FTPYPE"), Command::kFtptype);
  EXPECT_EQ(CommandFromName("FTPMD"), Command::kFtprmd);
  EXPECT_EQ(CommandFromName("+CGQRE"), Command::kCgqreq);
  EXPECT_EQ(CommandFromName("+MQTTLS"), Command::kMqtttls);
  EXPECT_EQ(CommandFromName("+MQTTTLS"), Command::kMqtttls);
  EXPECT_FALSE(CommandFromName("+CREG"));
}

TEST(CommandTableTest, TimeoutClassesFollowTheWork) {
  EXPECT_EQ(TimeoutFor(Command::kCgatt, Form::kSet), TimeoutClass::kAttach);
  EXPECT_EQ(TimeoutFor(Command::kCgatt, Form::kRead), TimeoutClass::kBasic);
  EXPECT_EQ(TimeoutFor(Command::kCops, Form::kTest), TimeoutClass::kScan);
  EXPECT_EQ(TimeoutFor(Command::kCfun, Form::kSet), TimeoutClass::kFunction);
  EXPECT_EQ(TimeoutFor(Command::kCgdata, Form::kSet), TimeoutClass::kDial);
  EXPECT_EQ(TimeoutFor(Command::kIpcreate, Form::kSet), TimeoutClass::kSocket);
  EXPECT_EQ(TimeoutFor(Command::kHttpaction, Form::kSet), TimeoutClass::kHttp);
}

// The durations live in one table (chat/commands/timeouts.h); the scan and basic values the
// timeout classes used to map to are its values.
TEST(CommandTimeoutsTest, ScanAndBasicDurations) {
  EXPECT_EQ(TimeoutOf("COPS", Form::kTest), std::chrono::seconds(180));
  EXPECT_EQ(TimeoutOf("CGATT", Form::kRead), std::chrono::seconds(2));
  EXPECT_EQ(kBasicTimeout, std::chrono::seconds(2));
}

TEST(CommandTimeoutsTest, EveryRowIsUniqueAndLongerThanBasic) {
  std::set<std::pair<std::string_view, Form>> seen;
  for (const CommandTimeout& row : CommandTimeouts()) {
    EXPECT_TRUE(seen.insert({row.name, row.form}).second) << row.name;
    EXPECT_GT(row.timeout, kBasicTimeout) << row.name;
  }
}

TEST(CommandTableTest, UsageAnswersUnderTheirOwnAndMisprintedNames) {
  // §2.24.1 "+IPCLOSE :mode(TCP/UDP)"; §2.23.1 prints AT+IPSEND=?'s answer as "+ IPCREATE: ...";
  // §2.29.1 prints AT+FTPSERV=?'s answer as "+ FTPMODE: <IP>".
  EXPECT_EQ(*DecodeUsage("+IPCLOSE :mode(TCP/UDP)", Command::kIpclose), "mode(TCP/UDP)");
  EXPECT_EQ(*DecodeUsage("+ IPCREATE: mode(TCP/UDP), data", Command::kIpsend),
            "mode(TCP/UDP), data");
  EXPECT_EQ(*DecodeUsage("+ FTPMODE: <IP>", Command::kFtpserv), "<IP>");
  EXPECT_EQ(*DecodeUsage("+ FTTPUTNAME =<FileName>", Command::kFtpputname), "<FileName>");
  EXPECT_EQ(*DecodeUsage("+ FTPGET", Command::kFtpget), "");
  EXPECT_EQ(DecodeUsage("+CSQ: 1,2", Command::kIpsend).error().code, CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeUsage("FTPQUIT", Command::kFtpquit).error().code, CommandErrc::kWrongPrefix);
}

TEST(CommandTableTest, EveryUsageAnswerOfTheManualDecodes) {
  // The test-form answers that print usage text instead of value lists, as the manual prints
  // them (section in the comment of each row).
  struct Row {
    Command command;
    const char* line;
    const char* usage;
  };
  const Row rows[] = {
      {Command::kIpcreate, "+ IPCREATE: mode (TCP/UDP), ip/address, port",
       "mode (TCP/UDP), ip/address, port"},                                          // §2.22.1
      {Command::kIpsend, "+ IPCREATE: mode(TCP/UDP), data", "mode(TCP/UDP), data"},  // §2.23.1
      {Command::kIpsend, "+IPSEND :mode(TCP/UDP),data", "mode(TCP/UDP),data"},       // §2.23
      {Command::kIpclose, "+IPCLOSE :mode(TCP/UDP)", "mode(TCP/UDP)"},               // §2.24.1
      {Command::kFtpreset, "+ FTPRESET:<value>", "<value>"},                         // §2.28.1
      {Command::kFtpreset, "+ FTPMODE", ""},                                         // §2.28
      {Command::kFtpserv, "+ FTPMODE: <IP>", "<IP>"},                                // §2.29.1
      {Command::kFtpun, "+ FTPUN: <username>", "<username>"},                        // §2.30.1
      {Command::kFtppw, "+ FTPPW: <password>", "<password>"},                        // §2.31.1
      {Command::kFtpgetname, "+ FTPGETNAME:XXX", "XXX"},                             // §2.32.1
      {Command::kFtppath, "+ FTTPATH:XXX", "XXX"},                                   // §2.33.1
      {Command::kFtpputname, "+ FTTPUTNAME:XXX", "XXX"},                             // §2.34.1
      {Command::kFtpmkd, "+ FTPMKD:XXX", "XXX"},                                     // §2.35.1
      {Command::kFtprmd, "+ FTPRMD:XXX", "XXX"},                                     // §2.36.1
      {Command::kFtpget, "+ FTPGET", ""},                                            // §2.37.1
      {Command::kFtpput, "+ FTTPUT", ""},                                            // §2.39.1
      {Command::kFtplist, "+ FTPLIST", ""},                                          // §2.40.2
      {Command::kFtpscon, "+ FTPSCON", ""},                                          // §2.41.1
      {Command::kFtpquit, "+ FTPQUIT", ""},                                          // §2.42.1
      {Command::kHttppara, "+HTTPPARA: [<httpparatag>:<httpparavalue>]",
       "[<httpparatag>:<httpparavalue>]"},                                // §2.45.1
      {Command::kHttpdata, "+HTTPDATA: <lent>,<data>", "<lent>,<data>"},  // §2.46.1
      {Command::kHttpread, "+HTTPREAD", ""},                              // §2.48.1
      {Command::kMqttconfig,
       "+MQTTCONFIG: <url>,<port>,<clientid>,(0-1),<keepalive>,"
       "<username>,<password>",
       "<url>,<port>,<clientid>,(0-1),<keepalive>,<username>,<password>"},
      {Command::kMqttconnect, "+MQTTCONFIG", ""},                       // §2.55
      {Command::kMqttsub, "+MQTTSUB: <topic>,(0-2)", "<topic>,(0-2)"},  // §2.57
      {Command::kMqttunsub, "+MQTTUNSUB: <topic>", "<topic>"},          // §2.58
      {Command::kFactorytest, "+FACTORYTEST:<type>,<control>,<control1>",
       "<type>,<control>,<control1>"},  // §2.62
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.line);
    auto usage = DecodeUsage(row.line, row.command);
    ASSERT_TRUE(usage) << usage.error().detail;
    EXPECT_EQ(*usage, row.usage);
  }
}

TEST(CommandTableTest, EveryValueListTestAnswerOfTheManualDecodes) {
  struct Row {
    const char* name;
    const char* line;
    std::size_t params;
  };
  const Row rows[] = {
      {"CFUN", "+CFUN: (0, 1), (0)", 2},                                         // §2.1.1
      {"CMEE", "+CMEE: (0-2)", 1},                                               // §2.7.1
      {"CELLLOCK", "+ CELLLOCK: (0, 1), freq", 2},                               // §2.8.1
      {"CGATT", "+CGATT: (0, 1)", 1},                                            // §2.9.1
      {"CGACT", "+CGACT:(0,1)", 1},                                              // §2.10.4
      {"CGQMIN", "+CGQMIN: \"IP\", (1-3), (1-4), (1-5), (1-9), (1-18, 31)", 6},  // §2.13.1
      {"CGPADDR", "+CGPADDR: (1, 2)", 1},                                        // §2.14.1
      {"CGREG", "+CGREG: (0-1)", 1},                                             // §2.15.1
      {"CSQ", "+CSQ: (2-31, 99), (99)", 2},                                      // §2.17.1
      {"FTPMODE", "+ FTPMODE: (0-1)", 1},                                        // §2.26.1
      {"FTPTYPE", "+ FTPTYPE: (I/A)", 1},                                        // §2.27
      {"HTTPTLS", "+HTTPTLS: (0-1)", 1},                                         // §2.44.1
      {"HTTPACTION", "+HTTPACTION: (0-3)", 1},                                   // §2.47
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.line);
    auto s = DecodeSupported(row.line, {row.name});
    ASSERT_TRUE(s) << s.error().detail;
    EXPECT_EQ(s->params.size(), row.params);
  }
}

TEST(CommandTableTest, EveryEnumHasAName) {
  EXPECT_EQ(ToString(Form::kExec), "exec");
  EXPECT_EQ(ToString(TimeoutClass::kSocketIo), "socket_io");
  EXPECT_EQ(ToString(Command::kFactorytest), "+FACTORYTEST");
}

}  // namespace
}  // namespace uclink::chat
