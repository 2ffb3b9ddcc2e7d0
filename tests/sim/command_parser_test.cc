// sim::ParseCommandLine: the simulator's own AT parser, fed the manual's spellings.
#include "sim/command_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace uclink::sim {
namespace {

using Form = SimCommand::Form;

SimCommand Parse(const std::string& line) {
  std::optional<SimCommand> command = ParseCommandLine(line);
  EXPECT_TRUE(command.has_value()) << line;
  return command.value_or(SimCommand{});
}

TEST(CommandParserTest, BareAtHasNoName) {
  SimCommand command = Parse("AT");
  EXPECT_EQ(command.name, "");
  EXPECT_EQ(command.form, Form::kExec);
}

TEST(CommandParserTest, LowerCasePrefixAndNameAreAccepted) {
  SimCommand command = Parse("at+cfun=1");
  EXPECT_EQ(command.name, "+CFUN");
  EXPECT_EQ(command.form, Form::kSet);
  EXPECT_EQ(command.args, std::vector<std::string>{"1"});
}

TEST(CommandParserTest, MixedCasePrefixIsNotACommand) {
  EXPECT_FALSE(ParseCommandLine("At+CFUN=1").has_value());
}

TEST(CommandParserTest, RecognisesTheFourForms) {
  EXPECT_EQ(Parse("AT+CGATT=?").form, Form::kTest);
  EXPECT_EQ(Parse("AT+CGATT?").form, Form::kRead);
  EXPECT_EQ(Parse("AT+CGATT=1").form, Form::kSet);
  EXPECT_EQ(Parse("AT+CSQ").form, Form::kExec);
}

TEST(CommandParserTest, SpacesTheManualPutsAroundNamesAreTolerated) {
  // Manual §2.8.3 "AT+ CELLLOCK?", §2.29.2 "AT+ FTPSERV =129.168.0.1".
  EXPECT_EQ(Parse("AT+ CELLLOCK?").name, "+CELLLOCK");
  SimCommand serv = Parse("AT+ FTPSERV =129.168.0.1");
  EXPECT_EQ(serv.name, "+FTPSERV");
  EXPECT_EQ(serv.args, std::vector<std::string>{"129.168.0.1"});
}

TEST(CommandParserTest, QuotedArgumentsLoseTheirQuotesAndAreMarked) {
  SimCommand command = Parse("AT+CGDCONT=1, \"IP\"");
  EXPECT_EQ(command.args, (std::vector<std::string>{"1", "IP"}));
  EXPECT_EQ(command.quoted, (std::vector<bool>{false, true}));
}

TEST(CommandParserTest, CommasInsideQuotesDoNotSplit) {
  SimCommand command = Parse("AT+MQTTPUB=\"a,b\",1,0,\"x, y\"");
  EXPECT_EQ(command.args, (std::vector<std::string>{"a,b", "1", "0", "x, y"}));
}

TEST(CommandParserTest, EmptyArgumentsKeepTheirPlace) {
  SimCommand command = Parse("AT+CGDCONT=1,\"IP\",,,0");
  EXPECT_EQ(command.args, (std::vector<std::string>{"1", "IP", "", "", "0"}));
}

TEST(CommandParserTest, SetFormWithNothingAfterTheEqualsSignHasNoArguments) {
  SimCommand command = Parse("AT+CGPADDR=");
  EXPECT_EQ(command.form, Form::kSet);
  EXPECT_TRUE(command.args.empty());
}

TEST(CommandParserTest, AnUnterminatedQuoteOrTextAfterAClosingQuoteIsNotACommand) {
  // Manual §1.3.3: a quoted string ends at the next '"' and no escape is defined, so
  // "x\"y" is the string x\ followed by junk: refused (ERROR), never read as x"y or x\"y.
  EXPECT_FALSE(ParseCommandLine("AT+MQTTCONFIG=\"host\",1883,\"abc").has_value());
  EXPECT_FALSE(ParseCommandLine("AT+CGDCONT=1,\"IP\",\"a\\\"b\"").has_value());
  EXPECT_FALSE(ParseCommandLine("AT+MQTTPUB=\"t\",0,0,\"x\"y\\z\"").has_value());
  SimCommand command = Parse("AT+CGDCONT=1,\"IP\",\"a\\\" ,\"\"");
  EXPECT_EQ(command.args, (std::vector<std::string>{"1", "IP", "a\\", ""}));
}

TEST(CommandParserTest, CountedDataKeepsItsQuotesForTheServiceToRead) {
  // AT+FTPPUT=<n>,<data> (§2.39): the length ends the data, so quotes are data.
  SimCommand command = Parse("AT+FTPPUT=4,\"a\"b");
  EXPECT_EQ(command.args, std::vector<std::string>{"4,\"a\"b"});
}

TEST(CommandParserTest, RawKeepsTheLineForServicesThatReparse) {
  const std::string line = "at+httppara=body,{\"id\":\"humi\",\"v\":20}";
  EXPECT_EQ(Parse(line).raw, line);
}

TEST(CommandParserTest, BasicCommandsCarryTheirTail) {
  EXPECT_EQ(Parse("ATE0").name, "E");
  EXPECT_EQ(Parse("ATE0").args, std::vector<std::string>{"0"});
  SimCommand dial = Parse("ATD*99***1#");
  EXPECT_EQ(dial.name, "D");
  EXPECT_EQ(dial.args, std::vector<std::string>{"*99***1#"});
}

TEST(CommandParserTest, JunkAfterTheNameIsNotACommand) {
  EXPECT_FALSE(ParseCommandLine("AT+CGATT!").has_value());
  EXPECT_FALSE(ParseCommandLine("AT+").has_value());
  EXPECT_FALSE(ParseCommandLine("ATX").has_value());
  EXPECT_FALSE(ParseCommandLine("").has_value());
}

}  // namespace
}  // namespace uclink::sim
