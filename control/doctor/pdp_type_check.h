// The "pdp_type" check of `uclink doctor`: does the module's AT+CGDCONT=? (manual §2.11.1) list
// the configured <PDP_type>? Read-only; pure apart from the `run` callable.
#pragma once

#include <string>

#include "chat/commands/pdp.h"
#include "control/doctor/check.h"
#include "control/doctor/module_checks.h"

namespace uclink::control::doctor {

/// "pdp_type": ok when one line of AT+CGDCONT=? names `type`; warn when none does (the manual's
/// own §2.11.1/§2.20 answers list only IP and PPP although §2.11 accepts IPV6, so a missing
/// line is a doubt, not a refusal) or when the answer cannot be read.
CheckResult CheckPdpType(const AtRunner& run, const std::string& port, chat::PdpType type);

}  // namespace uclink::control::doctor
