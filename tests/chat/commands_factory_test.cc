// AT+FACTORYTEST (chat/commands/factory_test_command.h): manual §2.62.
#include <gtest/gtest.h>

#include "chat/commands/factory_test_command.h"

namespace uclink::chat {
namespace {

TEST(FactorytestTest, EncodesManualRfExample) {
  // §2.62.1 1.1: at+factorytest=0,1,1,0,800,-65 (sent in upper case).
  FactoryTestRequest rf{0, 1, 1, 0, 800, -65};
  EXPECT_EQ(*EncodeFactorytest(rf), "AT+FACTORYTEST=0,1,1,0,800,-65");
}

TEST(FactorytestTest, OmitsTrailingUnsetParameters) {
  // §2.62.1 2 (SIM) and 3.1 (LED): at+factorytest=1, at+factorytest=2,1.
  EXPECT_EQ(*EncodeFactorytest({1}), "AT+FACTORYTEST=1");
  FactoryTestRequest led{2, 1};
  EXPECT_EQ(*EncodeFactorytest(led), "AT+FACTORYTEST=2,1");
  FactoryTestRequest gap{7, 4, std::nullopt, std::nullopt, 800};
  EXPECT_EQ(*EncodeFactorytest(gap), "AT+FACTORYTEST=7,4,0,0,800");
}

TEST(FactorytestTest, RefusesOutOfRange) {
  EXPECT_EQ(EncodeFactorytest({13}).error().code, CommandErrc::kOutOfRange);
  FactoryTestRequest bad{0, 5};
  EXPECT_EQ(EncodeFactorytest(bad).error().code, CommandErrc::kOutOfRange);
  FactoryTestRequest bad_rssi{0, 1, 1, 0, 800, 10};
  EXPECT_EQ(EncodeFactorytest(bad_rssi).error().code, CommandErrc::kOutOfRange);
}

TEST(FactorytestTest, DecodesManualAnswers) {
  // §2.62.1: "+FACTORYTEST:0,3", "+FACTORYTEST:3,1135", "+FACTORYTEST:8,2.2",
  // "+FACTORYTEST:10,0xb14".
  EXPECT_EQ(*DecodeFactorytest("+FACTORYTEST:0,3"), (FactoryTestResult{0, "3", 3}));
  EXPECT_EQ(*DecodeFactorytest("+FACTORYTEST:3,1135"), (FactoryTestResult{3, "1135", 1135}));
  EXPECT_EQ(*DecodeFactorytest("+FACTORYTEST:8,2.2"), (FactoryTestResult{8, "2.2", {}}));
  EXPECT_EQ(*DecodeFactorytest("+FACTORYTEST:10,0xb14"), (FactoryTestResult{10, "0xb14", 0xb14}));
}

TEST(FactorytestTest, RejectsBadAnswers) {
  EXPECT_EQ(DecodeFactorytest("+FACTORYTEST:0").error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeFactorytest("+FACTORYTEST:x,1").error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeFactorytest("+FACTORYTEST:0,\"1\"").error().code, CommandErrc::kMalformed);
}

TEST(FactorytestTest, RfResultTable) {
  // §2.62.1 "X 含义".
  auto r = DescribeFactoryRfResult(4);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "同步失败");
  EXPECT_EQ(r->gloss, "synchronisation failed");
  EXPECT_FALSE(DescribeFactoryRfResult(9));
}

}  // namespace
}  // namespace uclink::chat
