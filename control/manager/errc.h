// Why a connection attempt or a link failed: the manager's error vocabulary. The wire name is
// what `status` shows in last_error.code and what docs/state-machine.md documents.
#pragma once

#include <optional>
#include <string_view>
#include <system_error>

namespace uclink::control {

// X(enumerator, wire name, meaning)
#define UCLINK_CONTROL_ERRORS(X)                                                                \
  X(kModuleNotResponding, "module-not-responding",                                              \
    "no answer to AT, even after an LCP Terminate for a line left in data mode")                \
  X(kSimError, "sim-error", "the module reports a SIM problem (+CME ERROR 10..16)")             \
  X(kInitFailed, "init-failed",                                                                 \
    "an init step (ATE0, AT+CMEE, AT+CFUN, AT+CGDCONT, AT+CGREG) failed")                       \
  X(kRegistrationDenied, "registration-denied", "+CGREG stat 3: the network refused us")        \
  X(kRegistrationTimeout, "registration-timeout", "no +CGREG stat 1 or 5 in time")              \
  X(kAttachFailed, "attach-failed", "AT+CGATT=1 failed")                                        \
  X(kDialRefused, "dial-refused", "AT+CGDATA was answered ERROR/+CME ERROR/NO CARRIER")         \
  X(kDialTimeout, "dial-timeout", "AT+CGDATA got no CONNECT in time")                           \
  X(kPppFailed, "ppp-failed", "PPP went down before IPCP was up")                               \
  X(kPppTimeout, "ppp-timeout", "PPP did not come up in time after CONNECT")                    \
  X(kBackendUnavailable, "backend-unavailable", "no PPP backend could be started")              \
  X(kLinkDead, "link-dead", "the PPP link went down while online (echo timeout, terminate)")    \
  X(kNoCarrier, "no-carrier", "the module left data mode (NO CARRIER)")                         \
  X(kPortClosed, "port-closed", "the serial port vanished or returned an error")                \
  X(kRegistrationLost, "registration-lost", "not registered for longer than the grace time")    \
  X(kInbandActivationFailed, "inband-activation-failed", "AT+CGACT=1,<cid> failed")             \
  X(kModuleRestarted, "module-restarted",                                                       \
    "the module printed a start-up banner: it rebooted and lost its configuration")             \
  X(kDataPathDead, "data-path-dead",                                                            \
    "online, but the data-path probe (monitor.probe) failed probe_failures times in a row")     \
  X(kEscapeFailed, "escape-failed",                                                             \
    "a monitoring slice failed: no OK after \"+++\", no CONNECT after ATO, or over its budget") \
  X(kRoamingDenied, "roaming-denied",                                                           \
    "registered roaming (+CGREG stat 5) or +CME ERROR: 113 with network.roaming = deny")        \
  X(kApnRefused, "apn-refused",                                                                 \
    "network.apn = auto: every candidate APN's activation was refused")                         \
  X(kPortUnusable, "port-unusable",                                                             \
    "the serial port cannot be used: permission denied or not a terminal; not retried")         \
  X(kCommandUnsupported, "command-unsupported",                                                 \
    "a command the connection needs is answered +CME ERROR: 4 (operation not supported); not "  \
    "retried")                                                                                  \
  X(kResetFailed, "reset-failed",                                                               \
    "recovery.reset_command failed: missing, non-zero exit, killed after reset_timeout_s")      \
  X(kTooManyFailures, "too-many-failures",                                                      \
    "no longer reported: the ladder never gives up on a transient failure")                     \
  X(kUsageLimit, "usage-limit",                                                                 \
    "the SIM's data usage reached usage.limit_mb in this billing period")

/// The manager's failure reasons.
enum class Errc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_CONTROL_ERRORS(UCLINK_X)
#undef UCLINK_X
};

const char* ToString(Errc errc);  ///< wire name, e.g. "dial-refused"
const char* Describe(Errc errc);  ///< documented meaning
const std::error_category& ControlCategory();
std::error_code make_error_code(Errc errc);

}  // namespace uclink::control

template <>
struct std::is_error_code_enum<uclink::control::Errc> : std::true_type {};
