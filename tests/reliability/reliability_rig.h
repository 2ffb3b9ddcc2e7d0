// The scenario rig (tests/control/scenarios/uclink_rig.h) in the reliability tests' namespace:
// the soak, the fault matrix and the faulted online period all drive uclink-sim and uclinkd
// through it and report the same resource samples.
#pragma once

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::reliability {

using control::testing::AddSimPowerCycleResetCommand;
using control::testing::Clock;
using control::testing::Describe;
using control::testing::EntersState;
using control::testing::EventStream;
using control::testing::FastRecoveryConfig;
using control::testing::kUnderAddressSanitizer;
using control::testing::PrivateNamespacesTest;
using control::testing::PublishReport;
using control::testing::ResourceSample;
using control::testing::UclinkRig;

}  // namespace uclink::reliability
