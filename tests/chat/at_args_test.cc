// The parameter-list splitter, number parsing and argument encoding (chat/at_args.h).
#include "chat/at_args.h"

#include <gtest/gtest.h>

#include <string>

namespace uclink::chat {
namespace {

std::vector<std::string> Texts(const std::vector<AtArg>& args) {
  std::vector<std::string> out;
  for (const AtArg& a : args) out.emplace_back(a.text);
  return out;
}

TEST(SplitArgsTest, SplitsCompactList) {
  auto args = SplitArgs("1,1");
  ASSERT_TRUE(args);
  EXPECT_EQ(Texts(*args), (std::vector<std::string>{"1", "1"}));
}

TEST(SplitArgsTest, DropsSpacesAroundParameters) {
  // manual §2.20: "+CGACT: 1, 1"; §2.22.2 prints spaces on both sides of commas.
  auto args = SplitArgs(" 1 ,  1 ");
  ASSERT_TRUE(args);
  EXPECT_EQ(Texts(*args), (std::vector<std::string>{"1", "1"}));
}

TEST(SplitArgsTest, QuotedStringKeepsItsCommas) {
  // manual §1.3.3: "Hello, World!" is one string parameter.
  auto args = SplitArgs("\"Hello, World!\",5");
  ASSERT_TRUE(args);
  ASSERT_EQ(args->size(), 2u);
  EXPECT_EQ((*args)[0].kind, ArgKind::kQuoted);
  EXPECT_EQ((*args)[0].text, "Hello, World!");
  EXPECT_EQ((*args)[1].kind, ArgKind::kBare);
}

TEST(SplitArgsTest, BackslashDoesNotEscapeAQuote) {
  // Manual §1.3.3 defines no escape inside quotes: `"{\"id` ends after the backslash.
  EXPECT_FALSE(SplitArgs(R"("{\"id\":1}",0)"));
}

TEST(SplitArgsTest, ParenthesisedListIsOneParameter) {
  // manual §2.12.1: "(1-18, 31)".
  auto args = SplitArgs("\"IP\", (1-3), (1-18, 31)");
  ASSERT_TRUE(args);
  ASSERT_EQ(args->size(), 3u);
  EXPECT_EQ((*args)[2].kind, ArgKind::kList);
  EXPECT_EQ((*args)[2].text, "1-18, 31");
}

TEST(SplitArgsTest, KeepsEmptyParameters) {
  // manual §2.11.1: "(1-2), "IP", , , (0, 1), (0, 1)".
  auto args = SplitArgs("(1-2), \"IP\", , , (0, 1), (0, 1)");
  ASSERT_TRUE(args);
  ASSERT_EQ(args->size(), 6u);
  EXPECT_TRUE((*args)[2].empty());
  EXPECT_TRUE((*args)[3].empty());
}

TEST(SplitArgsTest, TrailingCommaGivesEmptyLastParameter) {
  auto args = SplitArgs("2,,");
  ASSERT_TRUE(args);
  EXPECT_EQ(Texts(*args), (std::vector<std::string>{"2", "", ""}));
}

TEST(SplitArgsTest, EmptyTextHasNoParameters) {
  auto args = SplitArgs("   ");
  ASSERT_TRUE(args);
  EXPECT_TRUE(args->empty());
}

TEST(SplitArgsTest, UnterminatedQuoteIsMalformed) {
  auto args = SplitArgs("\"abc,1");
  ASSERT_FALSE(args);
  EXPECT_EQ(args.error().code, CommandErrc::kMalformed);
}

TEST(SplitArgsTest, UnbalancedParenthesisIsMalformed) {
  auto args = SplitArgs("(1,2");
  ASSERT_FALSE(args);
  EXPECT_EQ(args.error().code, CommandErrc::kMalformed);
}

TEST(SplitArgsTest, TextAfterClosingQuoteIsMalformed) {
  auto args = SplitArgs("\"a\"b,1");
  ASSERT_FALSE(args);
  EXPECT_EQ(args.error().code, CommandErrc::kMalformed);
}

TEST(SplitArgsTest, TooManyParametersIsAnError) {
  std::string many(100, ',');
  auto args = SplitArgs(many);
  ASSERT_FALSE(args);
  EXPECT_EQ(args.error().code, CommandErrc::kTooManyFields);
}

TEST(SplitInfoLineTest, AcceptsColonEqualsSpacesAndLowerCase) {
  for (std::string_view line :
       {"+CGACT:1,1", "+CGACT: 1,1", "+ CGACT: 1,1", "+CGACT=1,1", "+cgact : 1,1"}) {
    SCOPED_TRACE(line);
    auto parts = SplitInfoLine(line);
    ASSERT_TRUE(parts);
    EXPECT_TRUE(EqualsIgnoreCase(parts->name, "CGACT"));
    EXPECT_EQ(parts->params, "1,1");
  }
}

TEST(SplitInfoLineTest, NameWithoutParameters) {
  // manual §2.37.1: "+ FTPGET" alone answers the test command.
  auto parts = SplitInfoLine("+ FTPGET");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->name, "FTPGET");
  EXPECT_EQ(parts->params, "");
}

TEST(SplitInfoLineTest, RejectsLinesWithoutPlus) {
  EXPECT_FALSE(SplitInfoLine("OK"));
  EXPECT_FALSE(SplitInfoLine("+"));
  EXPECT_FALSE(SplitInfoLine("+CSQ 1"));
}

TEST(ParseInfoTest, WrongNameIsWrongPrefix) {
  auto args = ParseInfo("+CGREG: 1", {"CSQ"}, 1, 2);
  ASSERT_FALSE(args);
  EXPECT_EQ(args.error().code, CommandErrc::kWrongPrefix);
}

TEST(ParseInfoTest, CountsParameters) {
  EXPECT_EQ(ParseInfo("+CSQ: 1", {"CSQ"}, 2, 2).error().code, CommandErrc::kMissingField);
  EXPECT_EQ(ParseInfo("+CSQ: 1,2,3", {"CSQ"}, 2, 2).error().code, CommandErrc::kTooManyFields);
}

TEST(ParseIntTest, AcceptsLeadingZerosSignsAndQuotes) {
  EXPECT_EQ(*ParseInt({ArgKind::kBare, "002"}, 0, 5, "n"), 2);
  EXPECT_EQ(*ParseInt({ArgKind::kBare, "-65"}, -100, 0, "n"), -65);
  EXPECT_EQ(*ParseInt({ArgKind::kQuoted, "7"}, 0, 9, "n"), 7);
}

TEST(ParseIntTest, RejectsGarbageAndRange) {
  EXPECT_EQ(ParseInt({ArgKind::kBare, "1a"}, 0, 9, "n").error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(ParseInt({ArgKind::kBare, "10"}, 0, 9, "n").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(ParseInt({ArgKind::kBare, "99999999999999999999999"}, 0, 9, "n").error().code,
            CommandErrc::kOutOfRange);
  EXPECT_EQ(ParseInt({ArgKind::kBare, ""}, 0, 9, "n").error().code, CommandErrc::kMissingField);
  EXPECT_EQ(ParseInt({ArgKind::kList, "1"}, 0, 9, "n").error().code, CommandErrc::kBadNumber);
}

TEST(ParseIntTest, ErrorDetailNamesTheField) {
  auto v = ParseInt({ArgKind::kBare, "77"}, 0, 31, "<rss>");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().detail.find("<rss>"), std::string::npos);
}

TEST(ParseCellCodeTest, QuotedIsHexBareDigitsAreDecimal) {
  EXPECT_EQ(**ParseCellCode({ArgKind::kQuoted, "8BE3"}, 0xFFFF, "lac"), 0x8BE3u);
  EXPECT_EQ(**ParseCellCode({ArgKind::kBare, "84CD"}, 0xFFFF, "lac"), 0x84CDu);
  // manual §2.15.3: "13122" does not fit a 16-bit LAC as hex, so bare digits are decimal.
  EXPECT_EQ(**ParseCellCode({ArgKind::kBare, "13122"}, 0xFFFF, "lac"), 13122u);
  EXPECT_FALSE(*ParseCellCode({ArgKind::kBare, ""}, 0xFFFF, "lac"));
}

TEST(ParseCellCodeTest, RejectsTooLargeAndGarbage) {
  EXPECT_EQ(ParseCellCode({ArgKind::kQuoted, "1FFFF"}, 0xFFFF, "lac").error().code,
            CommandErrc::kOutOfRange);
  EXPECT_EQ(ParseCellCode({ArgKind::kBare, "0 5"}, 0xFFFF, "lac").error().code,
            CommandErrc::kBadNumber);
}

TEST(ParseRangeListTest, ParsesRangesAndSingles) {
  auto r = ParseRangeList("1-18, 31", "mean");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<IntRange>{{1, 18}, {31, 31}}));
}

TEST(ParseRangeListTest, RejectsBackwardsRange) {
  EXPECT_EQ(ParseRangeList("5-1", "x").error().code, CommandErrc::kMalformed);
}

TEST(DecodeSupportedTest, CfunTestAnswer) {
  // manual §2.1.1: "+CFUN: (0, 1), (0)".
  auto s = DecodeSupported("+CFUN: (0, 1), (0)", {"CFUN"});
  ASSERT_TRUE(s);
  ASSERT_EQ(s->params.size(), 2u);
  EXPECT_TRUE(s->params[0].Allows(1));
  EXPECT_FALSE(s->params[1].Allows(1));
}

TEST(DecodeSupportedTest, WordsAndRangesMix) {
  // manual §2.8.1: "+ CELLLOCK: (0, 1), freq"; §2.12.1 "IP" first.
  auto s = DecodeSupported("+ CELLLOCK: (0, 1), freq", {"CELLLOCK"});
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->params[1].Allows("FREQ"));
  auto q = DecodeSupported("+CGQREQ: \"IP\", (1-3), (1-4), (1-5), (1-9), (1-18, 31)", {"CGQREQ"});
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->params[0].Allows("ip"));
  EXPECT_TRUE(q->params[5].Allows(31));
  EXPECT_FALSE(q->params[5].Allows(19));
}

TEST(DecodeSupportedTest, UsageTextBecomesWords) {
  // manual §2.24.1: "+IPCLOSE :mode(TCP/UDP)" is a usage line, not ranges.
  auto s = DecodeSupported("+IPCLOSE :mode(TCP/UDP)", {"IPCLOSE"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, CommandErrc::kMalformed);
  auto f = DecodeSupported("+ FTPTYPE: (I/A)", {"FTPTYPE"});
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->params[0].Allows("I/A"));
}

TEST(ScanHeaderFieldsTest, IncompleteUntilLastComma) {
  std::size_t end = 0;
  EXPECT_EQ(ScanHeaderFields("+IPRE", {"IPRECV"}, 2, false, &end).error().code,
            CommandErrc::kIncomplete);
  EXPECT_EQ(ScanHeaderFields("+IPRECV=\"TC", {"IPRECV"}, 2, false, &end).error().code,
            CommandErrc::kIncomplete);
  EXPECT_EQ(ScanHeaderFields("+IPRECV=\"TCP\",3", {"IPRECV"}, 2, false, &end).error().code,
            CommandErrc::kIncomplete);
  auto f = ScanHeaderFields("+IPRECV=\"TCP\",3,x", {"IPRECV"}, 2, false, &end);
  ASSERT_TRUE(f);
  EXPECT_EQ(end, 16u);
}

TEST(ScanHeaderFieldsTest, OtherNameIsWrongPrefix) {
  std::size_t end = 0;
  EXPECT_EQ(ScanHeaderFields("+FTPGETNAME: x", {"FTPGET"}, 1, false, &end).error().code,
            CommandErrc::kWrongPrefix);
  EXPECT_EQ(ScanHeaderFields("+CSQ", {"FTPGET"}, 1, false, &end).error().code,
            CommandErrc::kWrongPrefix);
}

TEST(ScanHeaderFieldsTest, CompleteLineWithoutFieldsIsMissingField) {
  std::size_t end = 0;
  EXPECT_EQ(ScanHeaderFields("+FTPGET:12", {"FTPGET"}, 1, true, &end).error().code,
            CommandErrc::kMissingField);
}

TEST(CheckTextTest, NamesTheLimitAndSection) {
  auto e = CheckText(std::string(1025, 'a'), TextStyle::kRest, {"URL", 1024, "§2.45"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, CommandErrc::kTooLong);
  EXPECT_NE(e->detail.find("1024"), std::string::npos);
  EXPECT_NE(e->detail.find("§2.45"), std::string::npos);
}

TEST(CheckTextTest, RefusesLineEndsAndBareSeparators) {
  EXPECT_EQ(CheckText("a\rb", TextStyle::kRest, {"x", 10, ""})->code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(CheckText("a,b", TextStyle::kBare, {"x", 10, ""})->code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(CheckText("", TextStyle::kQuoted, {"x", 10, ""})->code, CommandErrc::kEmpty);
}

TEST(CheckTextTest, QuotedTextCannotCarryAQuoteAndABackslashIsPlainText) {
  // Manual §1.3.3 defines no escape inside quotes: '"' would end the parameter, '\' is a byte.
  auto e = CheckText("a,b\"c", TextStyle::kQuoted, {"x", 10, ""});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, CommandErrc::kInvalidCharacter);
  EXPECT_NE(e->detail.find("byte 0x22 at offset 3"), std::string::npos) << e->detail;
  EXPECT_FALSE(CheckText("a\\", TextStyle::kQuoted, {"x", 10, ""}));
  EXPECT_FALSE(CheckText(" a, b ", TextStyle::kQuoted, {"x", 10, ""}));
  TextRule padded{"x", 10, ""};
  padded.padded = true;
  EXPECT_TRUE(CheckText(" a", TextStyle::kQuoted, padded));
}

TEST(CheckTextTest, UnquotedTextCannotBeginOrEndWithItsPadding) {
  EXPECT_TRUE(CheckText(" a", TextStyle::kBare, {"x", 10, ""}));
  EXPECT_TRUE(CheckText("a ", TextStyle::kRest, {"x", 10, ""}));
  EXPECT_FALSE(CheckText("a b", TextStyle::kBare, {"x", 10, ""}));
  EXPECT_TRUE(CheckText(" ab", TextStyle::kCounted, {"x", 10, ""}));
  EXPECT_FALSE(CheckText("ab ", TextStyle::kCounted, {"x", 10, ""}));
  EXPECT_TRUE(CheckText("\"a\",b", TextStyle::kRest, {"x", 10, ""}));
  EXPECT_FALSE(CheckText("a\"b\"", TextStyle::kRest, {"x", 10, ""}));
  EXPECT_FALSE(CheckText("\"a\"", TextStyle::kCounted, {"x", 10, ""}));
}

TEST(CommandTextTest, BuildsParametersAndWritesQuotedTextVerbatim) {
  EXPECT_EQ(CommandText("+X").Int(1).Quoted("a\\b").Empty().Bare("c").Take(), "AT+X=1,\"a\\b\",,c");
}

TEST(SplitArgsTest, AQuotedStringEndsAtTheNextQuote) {
  // No escape (§1.3.3): `"a\"` is the string a\ and `"a\"b"` is malformed.
  auto args = SplitArgs("\"a\\\",1");
  ASSERT_TRUE(args);
  ASSERT_EQ(args->size(), 2u);
  EXPECT_EQ((*args)[0].text, "a\\");
  EXPECT_FALSE(SplitArgs("\"a\\\"b\",1"));
}

TEST(CommandErrcTest, IsAnErrorCodeWithNames) {
  std::error_code ec = CommandErrc::kOutOfRange;
  EXPECT_EQ(ec.category().name(), std::string("uclink.chat.command"));
  EXPECT_EQ(ec.message(), "out_of_range");
  EXPECT_EQ(ToString(CommandErrc::kIncomplete), "incomplete");
}

}  // namespace
}  // namespace uclink::chat
