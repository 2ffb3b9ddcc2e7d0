// chat/command_line.h: a user's raw command line read the way the module reads it (manual §1.3,
// ITU-T V.250 §5), and the one check uclink and uclinkd apply before a user's line is sent.
#include "chat/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "chat/at_command.h"

namespace uclink::chat {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

std::vector<std::string> Names(std::string_view line) {
  std::vector<std::string> names;
  const std::vector<LineCommand> commands = SplitCommandLine(line).value();
  for (const LineCommand& command : commands) names.push_back(command.name);
  return names;
}

TEST(CommandLineTest, SpacesAndCaseAreIgnoredOutsideQuotes) {
  // The manual's own examples: "AT+ IPCREATE?" (§2.22), "AT+FTPSERV =..." style spacing.
  auto commands = SplitCommandLine("AT+ IPCREATE?").value();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].name, "IPCREATE");
  EXPECT_EQ(commands[0].form, CommandForm::kRead);
  commands = SplitCommandLine("at + cgdcont = 1, \"IP\", \"a;b d\"").value();
  ASSERT_EQ(commands.size(), 1u) << "a ';' inside a quoted string ends nothing";
  EXPECT_EQ(commands[0].name, "CGDCONT");
  EXPECT_EQ(commands[0].form, CommandForm::kSet);
}

TEST(CommandLineTest, SplitsConcatenatedBasicAndExtendedCommands) {
  EXPECT_EQ(Names("ATE0V1&D2S0=1;+CSQ;+CGREG?"),
            (std::vector<std::string>{"E", "V", "&D", "S0", "CSQ", "CGREG"}));
  EXPECT_EQ(Names("AT"), std::vector<std::string>{});
  EXPECT_FALSE(SplitCommandLine("CSQ").has_value());
}

TEST(CommandLineTest, OrdinaryCommandsPass) {
  for (const char* line :
       {"AT", "at", "AT+CSQ", "AT+CGREG?", "AT+CGDATA=?", "AT+CGDATA?", "ATE0", "ATH", "AT&D2",
        "ATS0?", "AT+CGDCONT=1,\"IP\",\"D*99#\"", "AT+HTTPPARA=\"URL\",\"http://a/ATD\""}) {
    EXPECT_EQ(CheckUserCommandLine(line), std::nullopt) << line;
  }
}

TEST(CommandLineTest, DataModeCommandsAreRefusedHoweverTheyAreSpelled) {
  for (const char* line :
       {"ATD*99#", "AT D*99#", "atd*99#", "  AT  d *99#", "ATE0D*99#", "ATE0 ;D*99#",
        "AT+CSQ;D*99#", "ATO", "AT O", "ATA", "AT+CGDATA=\"PPP\",1", "AT + CGDATA = \"PPP\", 1",
        "AT+CGDATA", "at+cgdata=\"ppp\",1", "AT;D*99#", "AT=D*99#"}) {
    EXPECT_THAT(CheckUserCommandLine(line), Optional(HasSubstr("data mode"))) << line;
  }
  EXPECT_THAT(CheckUserCommandLine("AT D*99#"), Optional(HasSubstr("D (dial)")));
  EXPECT_THAT(CheckUserCommandLine("AT+CGDATA=\"PPP\",1"), Optional(HasSubstr("§2.16")));
}

TEST(CommandLineTest, ControlBytesAreRefusedNamingByteAndOffset) {
  EXPECT_THAT(CheckUserCommandLine(std::string("AT+CSQ\0X", 8)),
              Optional(HasSubstr("0x00 at offset 6")));
  EXPECT_THAT(CheckUserCommandLine("AT+CSQ\x1a"), Optional(HasSubstr("0x1A at offset 6")));
  EXPECT_THAT(CheckUserCommandLine("AT\x1b"), Optional(HasSubstr("0x1B at offset 2")));
  EXPECT_THAT(CheckUserCommandLine("AT+CSQ\rATD*99#"), Optional(HasSubstr("0x0D")));
  EXPECT_THAT(CheckUserCommandLine("AT\t+CSQ"), Optional(HasSubstr("0x09")));
  EXPECT_THAT(CheckUserCommandLine("AT\x7f"), Optional(HasSubstr("0x7F")));
}

TEST(CommandLineTest, LinesThatAreNotCommandsAreRefused) {
  EXPECT_THAT(CheckUserCommandLine(""), Optional(HasSubstr("empty")));
  EXPECT_THAT(CheckUserCommandLine("+CSQ"), Optional(HasSubstr("§1.3.1")));
  EXPECT_THAT(CheckUserCommandLine("A/"), Optional(HasSubstr("§1.3.1")));
}

TEST(CommandLineTest, ParseCommandNameSkipsSpacesBeforeTheName) {
  EXPECT_EQ(ParseCommandName("AT D*99#").name, "D");
  EXPECT_TRUE(AtCommand::FromText("AT D*99#").enters_data_mode);
  EXPECT_EQ(ParseCommandName("AT +CSQ").name, "CSQ");
}

}  // namespace
}  // namespace uclink::chat
