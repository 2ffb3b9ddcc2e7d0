#include "chat/final_result.h"

#include "gtest/gtest.h"

namespace uclink::chat {
namespace {

TEST(FinalResultTest, PlainCodesAreWholeLineMatches) {
  EXPECT_EQ(ClassifyFinal("OK")->kind, FinalKind::kOk);
  EXPECT_EQ(ClassifyFinal("ERROR")->kind, FinalKind::kError);
  EXPECT_EQ(ClassifyFinal("NO CARRIER")->kind, FinalKind::kNoCarrier);
  EXPECT_EQ(ClassifyFinal("CONNECT OK")->kind, FinalKind::kConnectOk);
  EXPECT_EQ(ClassifyFinal("CONNECT FAIL")->kind, FinalKind::kConnectFail);
  EXPECT_EQ(ClassifyFinal("CONNECT")->kind, FinalKind::kConnect);
}

TEST(FinalResultTest, SubstringsAndPrefixesAreNotFinals) {
  EXPECT_FALSE(ClassifyFinal("OKAY"));
  EXPECT_FALSE(ClassifyFinal("TOKYO"));
  EXPECT_FALSE(ClassifyFinal("+CSQ: 21,99"));
  EXPECT_FALSE(ClassifyFinal("ERRORS"));
  EXPECT_FALSE(ClassifyFinal("CONNECTED"));
  EXPECT_FALSE(ClassifyFinal("+CME ERRORS: 3"));
  EXPECT_FALSE(ClassifyFinal(""));
}

TEST(FinalResultTest, CaseAndSurroundingSpacesAreIgnored) {
  // Manual §2.43 transcripts are typed in lower case.
  EXPECT_EQ(ClassifyFinal(" ok ")->kind, FinalKind::kOk);
}

TEST(FinalResultTest, CmeErrorCarriesItsNumber) {
  const auto result = ClassifyFinal("+CME ERROR: 30");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind, FinalKind::kCmeError);
  EXPECT_EQ(result->code, 30);
}

TEST(FinalResultTest, CmeErrorWithoutSpaceAfterColon) {
  EXPECT_EQ(ClassifyFinal("+CME ERROR:3")->code, 3);
}

TEST(FinalResultTest, VerboseCmeErrorCarriesItsText) {
  // Manual §2.7.4 (CMEE=2).
  const auto result = ClassifyFinal("+CME ERROR: operation not allowed");
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->code);
  EXPECT_EQ(result->text, "operation not allowed");
}

TEST(FinalResultTest, ExtErrorCarriesItsNumber) {
  const auto result = ClassifyFinal("+EXT ERROR: 15");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind, FinalKind::kExtError);
  EXPECT_EQ(result->code, 15);
}

TEST(FinalResultTest, ConnectWithSpeedIsConnect) {
  const auto result = ClassifyFinal("CONNECT 115200");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind, FinalKind::kConnect);
  EXPECT_EQ(result->text, "115200");
}

TEST(FinalResultTest, EachFinalMapsToItsError) {
  EXPECT_EQ(ErrcFor(FinalKind::kOk), Errc::kOk);
  EXPECT_EQ(ErrcFor(FinalKind::kError), Errc::kModuleError);
  EXPECT_EQ(ErrcFor(FinalKind::kCmeError), Errc::kCmeError);
  EXPECT_EQ(ErrcFor(FinalKind::kExtError), Errc::kExtError);
  EXPECT_EQ(ErrcFor(FinalKind::kNoCarrier), Errc::kNoCarrier);
  EXPECT_EQ(ErrcFor(FinalKind::kConnectFail), Errc::kConnectFail);
  EXPECT_TRUE(IsSuccess(FinalKind::kConnect));
}

}  // namespace
}  // namespace uclink::chat
