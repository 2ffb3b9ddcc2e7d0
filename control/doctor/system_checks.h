// Host checks of `uclink doctor`: the port (exists, UUCP lock, other holders, permission),
// ModemManager, the PPP backends (pppd + /dev/ppp, /dev/net/tun) and CAP_NET_ADMIN. Each reads
// only what `Environment` names, so tests run them against a fake tree.
#pragma once

#include <string>

#include "control/config/config.h"
#include "control/doctor/check.h"
#include "control/doctor/environment.h"

namespace uclink::control::doctor {

/// "port": the device (or the symlink to it) exists and is a character device.
CheckResult CheckPortExists(const std::string& port);

/// "port_lock": no UUCP lock file for the port in env.lock_dir held by a live process (a stale
/// one is a warning: uclink removes it, as pppd does).
CheckResult CheckPortLock(const Environment& env, const std::string& port);

/// "port_busy": no other process has the port open (names each PID and command). The process
/// that holds the master of a pty port is the port's other end (a simulator), not a competitor.
CheckResult CheckPortBusy(const Environment& env, const std::string& port);

/// "port_permission": env.credentials may read and write the port; otherwise names the owning
/// group (e.g. dialout) and the usermod fix.
CheckResult CheckPortPermission(const Environment& env, const std::string& port);

/// "modemmanager": ModemManager is not running, or cannot touch the port (a pty, or udev marks
/// it ID_MM_DEVICE_IGNORE / ID_MM_PORT_IGNORE).
CheckResult CheckModemManager(const Environment& env, const std::string& port);

/// Whether pppd can run: the binary on env.path_dirs and /dev/ppp opens read-write.
struct PppdProbe {
  std::string binary;          ///< full path, "" when not found
  std::string device_problem;  ///< "" when /dev/ppp is usable
  bool usable() const { return !binary.empty() && device_problem.empty(); }
};
PppdProbe ProbePppd(const Environment& env);

/// "pppd": warning when pppd cannot run (the userspace engine is used); a failure only when the
/// configuration demands backend = "pppd".
CheckResult CheckPppd(const Environment& env, const Config& config);

/// "tun": /dev/net/tun opens read-write when the userspace engine may be needed.
CheckResult CheckTun(const Environment& env, const Config& config);

/// "cap_net_admin": this process has CAP_NET_ADMIN (interface, addresses, routes) unless the
/// configuration is in-band only.
CheckResult CheckCapNetAdmin(const Environment& env, const Config& config);

}  // namespace uclink::control::doctor
