// The "sim_apn" check of `uclink doctor` (docs/apn.md): the SIM's IMSI (AT+CIMI, manual §2.6),
// its operator and candidate APNs from network.provider_db, and the APN uclinkd uses: the
// configured one, or with network.apn = "auto" the one remembered for this SIM (read-only: the
// doctor never writes the state directory), else the first candidate.
#pragma once

#include "control/config/config.h"
#include "control/doctor/check.h"
#include "control/doctor/module_checks.h"

namespace uclink::control::doctor {

CheckResult CheckSimApn(const AtRunner& run, const Config& config);

}  // namespace uclink::control::doctor
