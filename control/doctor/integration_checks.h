// Checks of `uclink doctor` for uclink's place in the system (docs/system-integration.md): a
// port name that can change, where the link's DNS servers go, and the dispatcher hooks. Like
// system_checks.h they read only what `Environment` names.
#pragma once

#include <string>

#include "control/config/config.h"
#include "control/doctor/check.h"
#include "control/doctor/environment.h"

namespace uclink::control::doctor {

/// "port_name": a /dev/ttyUSBn or /dev/ttyACMn name is handed out in plug order and can change
/// after a module reset; the fix is the udev rule's /dev/uclink/modem.
CheckResult CheckPortName(const std::string& port);

/// "dns": which method interface.dns resolves to on this host and why; a warning when the
/// link's DNS servers would go nowhere (or to a resolved that is not running).
CheckResult CheckDns(const Environment& env, const Config& config);

/// "hooks": hooks.dir and what in it would run or be skipped (and why).
CheckResult CheckHooks(const Config& config);

}  // namespace uclink::control::doctor
