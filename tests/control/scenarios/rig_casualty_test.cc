// The rig itself: when the simulator or the daemon dies, a waiting test stops at once and says
// who died, how, and who signalled it (the simulator logs the sender of the signal that stops
// it), instead of spending its whole bound on a state that can never come.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;

class RigCasualtyTest : public PrivateNamespacesTest {
 protected:
  UclinkRig rig_{FastRecoveryConfig()};
};

TEST_F(RigCasualtyTest, SimulatorStoppedBySomeoneElseEndsTheWaitWithTheSender) {
  ASSERT_TRUE(rig_.StartSim({"--fast"})) << rig_.SimLog();
  ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog();
  EventStream events(rig_.socket_path(), &rig_);
  ASSERT_TRUE(events.open());
  ASSERT_EQ(::kill(rig_.sim_pid(), SIGTERM), 0);  // not through the rig: "someone else"
  const auto start = Clock::now();
  EXPECT_FALSE(events.WaitForState("online-inband", 60s));
  EXPECT_LT(Clock::now() - start, 30s) << "the wait ran out its bound instead of ending";
  const std::string casualty = rig_.Casualty();
  EXPECT_NE(casualty.find("uclink-sim pid"), std::string::npos) << casualty;
  EXPECT_NE(casualty.find("exited (exit 0)"), std::string::npos) << casualty;
  // The simulator's last words name the signal and its sender: this test process.
  EXPECT_NE(casualty.find("exiting on SIGTERM from pid " + std::to_string(::getpid())),
            std::string::npos)
      << casualty;
  EXPECT_NE(rig_.ChildrenLog().find("on its own"), std::string::npos) << rig_.ChildrenLog();
}

TEST_F(RigCasualtyTest, DaemonKilledEndsWaitForStateAndIsReported) {
  ASSERT_TRUE(rig_.StartSim({"--fast"})) << rig_.SimLog();
  ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog();
  ASSERT_EQ(::kill(rig_.daemon_pid(), SIGKILL), 0);
  EXPECT_FALSE(rig_.WaitForState("online", 60s));
  const std::string casualty = rig_.Casualty();
  EXPECT_NE(casualty.find("uclinkd pid"), std::string::npos) << casualty;
  EXPECT_NE(casualty.find("signal 9 (SIGKILL)"), std::string::npos) << casualty;
}

TEST_F(RigCasualtyTest, ProcessesTheRigStopsAreNotCasualties) {
  ASSERT_TRUE(rig_.StartSim({"--fast"})) << rig_.SimLog();
  ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog();
  rig_.KillSim();  // a fault the test asked for (the port vanishes)
  EXPECT_EQ(rig_.Casualty(), "");
  EXPECT_EQ(rig_.StopDaemon(), 0) << rig_.DaemonLog();
  EXPECT_EQ(rig_.Casualty(), "");
  EXPECT_NE(rig_.ChildrenLog().find("uclink-sim pid"), std::string::npos);
  EXPECT_NE(rig_.ChildrenLog().find("signal 9 (SIGKILL), after the rig sent SIGKILL"),
            std::string::npos)
      << rig_.ChildrenLog();
  // uclinkd logs who stopped it.
  EXPECT_NE(rig_.DaemonLog().find("SIGTERM from pid " + std::to_string(::getpid())),
            std::string::npos)
      << rig_.DaemonLog();
}

}  // namespace
}  // namespace uclink::control::testing
