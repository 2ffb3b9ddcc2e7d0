// `uclink doctor`: runs every pre-flight check in order and collects the report. The host is
// reached only through `Environment` and the module only through `ModuleOpener`, so tests supply
// a fake tree and a scripted module.
#pragma once

#include <functional>
#include <string>

#include "control/config/config.h"
#include "control/doctor/check.h"
#include "control/doctor/environment.h"
#include "control/doctor/module_checks.h"

namespace uclink::control::doctor {

struct DoctorOptions {
  std::string port;         ///< --port; "" → [modem] at_port, else [modem] port
  std::string config_path;  ///< --config; "" → /etc/uclink/uclink.toml when it exists
};

/// Opens `port` for AT with the configured baud and flow control. On failure returns an empty
/// runner and sets `*error` to the reason.
using ModuleOpener =
    std::function<AtRunner(const std::string& port, const Config& config, std::string* error)>;

/// "config": loads the file (or the defaults); a broken file fails and lists each issue with its
/// key and line, and the remaining checks use the defaults.
struct LoadedConfig {
  Config config;
  CheckResult check;
};
LoadedConfig CheckConfig(const std::string& path);

/// "apn": warns when [network] apn is empty (the module's default PDP context is used).
CheckResult CheckApn(const Config& config);

/// The port the doctor examines: --port, else [modem] at_port, else [modem] port.
std::string DoctorPort(const DoctorOptions& options, const Config& config);

/// Runs: config, apn, port, port_lock, port_busy, port_permission, modemmanager, pppd, tun,
/// cap_net_admin, module, cfun, registration, signal. The module is not opened when a port
/// check failed (its checks are listed as skipped).
Report RunDoctor(const Environment& env, const DoctorOptions& options, const ModuleOpener& open);

}  // namespace uclink::control::doctor
