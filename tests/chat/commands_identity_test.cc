// Identity commands, UC8088 manual §2.2–§2.6 (chat/commands/identity.h).
#include <gtest/gtest.h>

#include <vector>

#include "chat/commands/identity.h"

namespace uclink::chat {
namespace {

TEST(IdentityTest, CgmiManualExample) {
  // manual §2.2.1: AT+CGMI → "ucchip".
  EXPECT_EQ(*DecodeCgmi("ucchip"), "ucchip");
}

TEST(IdentityTest, CgmiWithPrefixAndQuotes) {
  EXPECT_EQ(*DecodeCgmi("+CGMI: \"ucchip\""), "ucchip");
}

TEST(IdentityTest, CgmmManualExample) {
  // manual §2.3.1: AT+CGMM → "8088".
  EXPECT_EQ(*DecodeCgmm("8088"), "8088");
}

TEST(IdentityTest, CgmrManualExampleHasThreeLines) {
  // manual §2.4.1.
  std::vector<std::string_view> lines = {"+SOFTV:012345678", "+HARDV:00123456", "+MANUF:ucchip"};
  auto rev = DecodeCgmr(lines);
  ASSERT_TRUE(rev);
  EXPECT_EQ(*rev, (Revision{"012345678", "00123456", "ucchip"}));
}

TEST(IdentityTest, CgmrSingleFreeFormLine) {
  std::vector<std::string_view> lines = {"V1.00 build 42"};
  EXPECT_EQ(DecodeCgmr(lines)->software, "V1.00 build 42");
}

TEST(IdentityTest, CgmrRejectsForeignLinesAndNothing) {
  std::vector<std::string_view> urc = {"+SOFTV:1", "+CGREG: 1"};
  EXPECT_EQ(DecodeCgmr(urc).error().code, CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeCgmr({}).error().code, CommandErrc::kMissingField);
  std::vector<std::string_view> no_soft = {"+HARDV:1"};
  EXPECT_EQ(DecodeCgmr(no_soft).error().code, CommandErrc::kMissingField);
}

TEST(IdentityTest, CgsnManualExample) {
  // manual §2.5.1.
  EXPECT_EQ(*DecodeCgsn("863711020146740"), "863711020146740");
}

TEST(IdentityTest, CimiManualExample) {
  // manual §2.6.1.
  EXPECT_EQ(*DecodeCimi("460040812002376"), "460040812002376");
}

TEST(IdentityTest, ImeiAndImsiMustBeDigitsOfTheRightLength) {
  EXPECT_EQ(DecodeCgsn("86371102014674X").error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeCgsn("1234").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCimi("4600408120023760").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeCimi("46004O812002376").error().code, CommandErrc::kBadNumber);
}

TEST(IdentityTest, RejectsEmptyControlBytesAndOverlong) {
  EXPECT_EQ(DecodeCgmi("  ").error().code, CommandErrc::kEmpty);
  EXPECT_EQ(DecodeCgmi(std::string_view("uc\x01hip", 6)).error().code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(DecodeCgmm(std::string(200, 'a')).error().code, CommandErrc::kTooLong);
  EXPECT_EQ(DecodeCgmi("+CSQ: 1,2").error().code, CommandErrc::kWrongPrefix);
}

}  // namespace
}  // namespace uclink::chat
