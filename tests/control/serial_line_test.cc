// Who owns the serial line (control/manager/serial_line.h; docs/state-machine.md, "Line
// ownership"): each named transition, the hand-over actions it returns, and the questions the
// hang-up asks.
#include "control/manager/serial_line.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace uclink::control {
namespace {

template <typename T>
bool IsOnly(const std::vector<Action>& actions) {
  return actions.size() == 1 && std::holds_alternative<T>(actions.front());
}

TEST(SerialLineTest, StartsWithTheAtChannelInCommandMode) {
  SerialLine line;
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
  EXPECT_EQ(line.module(), ModuleMode::kCommand);
  EXPECT_FALSE(line.Busy());
  EXPECT_TRUE(line.Reclaim().empty());  // nothing to take back
  EXPECT_TRUE(line.ReopenIfClosed().empty());
}

TEST(SerialLineTest, DialPppAndTheWayBackAfterNoCarrier) {
  SerialLine line;
  line.Connected();
  EXPECT_EQ(line.owner(), LineOwner::kDaemon);
  EXPECT_EQ(line.module(), ModuleMode::kData);
  EXPECT_TRUE(line.HandedOver());
  EXPECT_FALSE(line.PppRunning());
  line.PppStarted();
  EXPECT_EQ(line.owner(), LineOwner::kPpp);
  EXPECT_TRUE(line.PppRunning());
  EXPECT_FALSE(line.PppSuspended());
  EXPECT_TRUE(line.Reclaim().empty()) << "a running backend is stopped or suspended first";
  line.PppEnded(/*no_carrier=*/true);
  EXPECT_EQ(line.owner(), LineOwner::kDaemon);  // the descriptor is still the daemon's
  EXPECT_EQ(line.module(), ModuleMode::kCommand);
  EXPECT_TRUE(IsOnly<act::ResumeCommandMode>(line.Reclaim()));
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
  EXPECT_FALSE(line.Busy());
}

TEST(SerialLineTest, PppEndedWithoutNoCarrierLeavesTheModuleMaybeInDataMode) {
  SerialLine line;
  line.Connected();
  line.PppStarted();
  line.PppEnded(/*no_carrier=*/false);
  line.Reclaim();
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
  EXPECT_TRUE(line.MaybeDataMode());
  EXPECT_TRUE(line.Busy()) << "the hang-up must still write a Terminate and await NO CARRIER";
  line.DataModeEnded();
  EXPECT_FALSE(line.Busy());
}

TEST(SerialLineTest, AnUnansweredDialMayHaveSwitchedTheModule) {
  SerialLine line;
  line.MayBeInDataMode();
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
  EXPECT_EQ(line.module(), ModuleMode::kData);
  EXPECT_FALSE(line.HandedOver());
  EXPECT_TRUE(line.Busy());
}

TEST(SerialLineTest, AMonitoringSliceSuspendsEscapesAndResumes) {
  SerialLine line;
  line.Connected();
  line.PppStarted();
  EXPECT_TRUE(IsOnly<act::SuspendPpp>(line.Suspend()));
  EXPECT_EQ(line.owner(), LineOwner::kPppSuspended);
  EXPECT_TRUE(line.HandedOver());  // "+++" goes out on the daemon's descriptor
  EXPECT_TRUE(line.PppSuspended());
  EXPECT_TRUE(IsOnly<act::ResumeCommandMode>(line.Reclaim()));
  EXPECT_EQ(line.owner(), LineOwner::kAtChannelPppSuspended);
  EXPECT_FALSE(line.HandedOver());
  EXPECT_TRUE(line.PppRunning());
  line.EscapeConfirmed();
  EXPECT_EQ(line.module(), ModuleMode::kCallHeld);
  EXPECT_FALSE(line.MaybeDataMode());
  EXPECT_TRUE(line.CallHeld());
  EXPECT_TRUE(IsOnly<act::ResumePpp>(line.Resumed()));
  EXPECT_EQ(line.owner(), LineOwner::kPpp);
  EXPECT_EQ(line.module(), ModuleMode::kData);
}

TEST(SerialLineTest, ADisconnectBeforeTheEscapeGivesTheLineBackToTheBackend) {
  SerialLine line;
  line.Connected();
  line.PppStarted();
  line.Suspend();
  EXPECT_TRUE(IsOnly<act::ResumePpp>(line.Unsuspend()));
  EXPECT_EQ(line.owner(), LineOwner::kPpp);
  EXPECT_FALSE(line.PppSuspended());
}

TEST(SerialLineTest, AnUnansweredAtoLeavesBothAHeldCallAndDataModePossible) {
  SerialLine line;
  line.Connected();
  line.PppStarted();
  line.Suspend();
  line.Reclaim();
  line.EscapeConfirmed();
  line.MayBeInDataMode();
  EXPECT_EQ(line.module(), ModuleMode::kCallHeldOrData);
  EXPECT_TRUE(line.MaybeDataMode());
  EXPECT_TRUE(line.CallHeld());
  // The suspended backend is stopped; the hang-up's NO CARRIER ends data mode, ATH the call.
  line.PppEnded(/*no_carrier=*/false);
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
  line.DataModeEnded();
  EXPECT_EQ(line.module(), ModuleMode::kCallHeld);
  line.CallEnded();
  EXPECT_EQ(line.module(), ModuleMode::kCommand);
}

TEST(SerialLineTest, NoCarrierToAtoEndsTheHeldCall) {
  SerialLine line;
  line.EscapeConfirmed();
  line.CallEnded();
  EXPECT_EQ(line.module(), ModuleMode::kCommand);
  line.MayBeInDataMode();
  line.CallEnded();  // no call held: data mode stays possible
  EXPECT_EQ(line.module(), ModuleMode::kData);
}

TEST(SerialLineTest, AClosedPortClosesAHandedOverDescriptorAndIsReopenedOnce) {
  SerialLine line;
  line.Connected();
  line.PppStarted();
  EXPECT_TRUE(IsOnly<act::ResumeCommandMode>(line.PortClosed()));
  EXPECT_TRUE(line.Closed());
  EXPECT_FALSE(line.PppRunning()) << "a running backend is the caller's to stop";
  EXPECT_FALSE(line.HandedOver());
  EXPECT_TRUE(line.PortClosed().empty());  // closed again: nothing to hand back
  EXPECT_TRUE(IsOnly<act::ReopenPort>(line.ReopenIfClosed()));
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
  EXPECT_TRUE(line.ReopenIfClosed().empty());
  line.PortClosed();
  line.Reopened();  // after a power cycle the caller reopens unconditionally
  EXPECT_EQ(line.owner(), LineOwner::kAtChannel);
}

TEST(SerialLineTest, EveryStateHasAName) {
  for (LineOwner owner :
       {LineOwner::kClosed, LineOwner::kAtChannel, LineOwner::kDaemon, LineOwner::kPpp,
        LineOwner::kPppSuspended, LineOwner::kAtChannelPppSuspended}) {
    EXPECT_STRNE(ToString(owner), "?");
  }
  for (ModuleMode mode : {ModuleMode::kCommand, ModuleMode::kData, ModuleMode::kCallHeld,
                          ModuleMode::kCallHeldOrData}) {
    EXPECT_STRNE(ToString(mode), "?");
  }
}

}  // namespace
}  // namespace uclink::control
