// pppd(8) EXIT STATUS as values: names, meanings, what the manager does with each.
#include "pppif/pppd_exit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace uclink::pppif {
namespace {

using ::testing::HasSubstr;

TEST(PppdExitTest, StatusesTheIssueNamesMapToTheirReasons) {
  EXPECT_EQ(PppdExitFromStatus(16), PppdExit::kHangup);
  EXPECT_EQ(PppdExitFromStatus(19), PppdExit::kAuthToPeerFailed);
  EXPECT_EQ(PppdExitFromStatus(8), PppdExit::kConnectFailed);
  EXPECT_EQ(PppdExitFromStatus(15), PppdExit::kPeerDead);
}

TEST(PppdExitTest, EveryDefinedStatusRoundTrips) {
  for (int status = 0; status <= 19; ++status) {
    auto exit = PppdExitFromStatus(status);
    ASSERT_TRUE(exit) << status;
    EXPECT_EQ(static_cast<int>(*exit), status);
    EXPECT_STRNE(ToString(*exit), "unknown");
  }
}

TEST(PppdExitTest, UndefinedStatusesAreNotGuessed) {
  EXPECT_FALSE(PppdExitFromStatus(-1));
  EXPECT_FALSE(PppdExitFromStatus(20));
  EXPECT_FALSE(PppdExitFromStatus(255));
}

TEST(PppdExitTest, LinkLossAndPeerCloseRedial) {
  EXPECT_TRUE(ShouldRedial(ClassOf(PppdExit::kHangup)));
  EXPECT_TRUE(ShouldRedial(ClassOf(PppdExit::kPeerDead)));
  EXPECT_TRUE(ShouldRedial(ClassOf(PppdExit::kOk)));
  EXPECT_TRUE(ShouldRedial(ClassOf(PppdExit::kNegotiationFailed)));
}

TEST(PppdExitTest, AuthenticationFailureBlocksInsteadOfRedialling) {
  EXPECT_EQ(ClassOf(PppdExit::kAuthToPeerFailed), PppdExitClass::kAuthentication);
  EXPECT_FALSE(ShouldRedial(PppdExitClass::kAuthentication));
}

TEST(PppdExitTest, MissingKernelPppMakesTheBackendUnusable) {
  EXPECT_EQ(ClassOf(PppdExit::kNoKernelSupport), PppdExitClass::kEnvironment);
  EXPECT_FALSE(ShouldRedial(PppdExitClass::kEnvironment));
}

TEST(PppdExitTest, OurOwnSigtermIsALocalRequest) {
  EXPECT_EQ(ClassOf(PppdExit::kUserRequest), PppdExitClass::kLocalRequest);
  EXPECT_FALSE(ShouldRedial(PppdExitClass::kLocalRequest));
}

TEST(PppdExitTest, ErrorCodeCarriesStatusAndMeaning) {
  std::error_code error = PppdExit::kHangup;
  EXPECT_EQ(error.value(), 16);
  EXPECT_EQ(&error.category(), &PppdExitCategory());
  EXPECT_THAT(error.message(), HasSubstr("hangup"));
  EXPECT_THAT(error.message(), HasSubstr("16"));
}

TEST(PppdExitTest, CleanExitIsNoError) {
  EXPECT_FALSE(ToErrorCode(PppdTermination{.exit_status = 0}));
}

TEST(PppdExitTest, UndefinedStatusStillTravelsAsAnError) {
  auto error = ToErrorCode(PppdTermination{.exit_status = 42});
  EXPECT_EQ(error.value(), 42);
  EXPECT_THAT(error.message(), HasSubstr("undefined"));
}

TEST(PppdExitTest, DeathBySignalIsInterrupted) {
  EXPECT_EQ(ToErrorCode(PppdTermination{.exit_status = std::nullopt, .signal = 9}),
            std::errc::interrupted);
}

TEST(PppdExitTest, EveryClassHasAName) {
  for (auto cls :
       {PppdExitClass::kPeerClosed, PppdExitClass::kLinkLost, PppdExitClass::kLocalRequest,
        PppdExitClass::kNegotiation, PppdExitClass::kAuthentication, PppdExitClass::kConfiguration,
        PppdExitClass::kEnvironment, PppdExitClass::kScript}) {
    EXPECT_STRNE(ToString(cls), "unknown");
  }
}

}  // namespace
}  // namespace uclink::pppif
