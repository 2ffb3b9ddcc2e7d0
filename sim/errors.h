// The simulator's error vocabulary: one Errc for its own failures (transport, peer, scenario,
// control socket) and the module's reportable codes from the UC8088 manual's appendix tables.
#pragma once

#include <string_view>
#include <system_error>

#include "sim/service_host.h"

namespace uclink::sim {

/// Failures of the simulator itself (not of the simulated module).
/// X(enumerator, wire name, meaning)
#define UCLINK_SIM_ERRORS(X)                                                     \
  X(kOk, "ok", "success")                                                        \
  X(kBadScenario, "bad-scenario", "invalid scenario")                            \
  X(kUnknownControl, "unknown-control", "unknown control command")               \
  X(kBadControlArgument, "bad-control-argument", "bad control command argument") \
  /* posix_openpt/grantpt/unlockpt/ptsname or the --link symlink failed */       \
  X(kPtyFailed, "pty-failed", "pseudo-terminal setup failed")                    \
  X(kPeerSpawnFailed, "peer-spawn-failed", "PPP peer could not be started")      \
  /* the TCP listener or the control socket */                                   \
  X(kSocketFailed, "socket-failed", "socket setup failed")                       \
  X(kLogFailed, "log-failed", "transcript log could not be opened")

enum class Errc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_SIM_ERRORS(UCLINK_X)
#undef UCLINK_X
};

/// Stable name of an Errc value, e.g. "pty-failed".
std::string_view ToString(Errc errc);

/// The std::error_category of Errc ("uclink.sim").
const std::error_category& SimCategory();

/// Makes std::error_code from Errc (found by ADL).
std::error_code make_error_code(Errc errc);

/// Name of an ErrorKind value (declared in service_host.h), e.g. "cme".
std::string_view ToString(ErrorKind kind);

/// Manual §3.1 text of a +CME ERROR code, or "unknown" when the table has no such code.
std::string_view CmeText(int code);

/// Manual §3.2 text of a +EXT ERROR code, or "error unknown" when the table has no such code.
std::string_view ExtText(int code);

/// CME codes the simulator reports (manual §3.1).
namespace cme {
inline constexpr int kOperationNotAllowed = 3;
inline constexpr int kOperationNotSupported = 4;
inline constexpr int kNoNetworkService = 30;
inline constexpr int kGprsServiceNotAllowed = 107;
inline constexpr int kServiceOptionNotSubscribed = 133;  ///< --require-apn: another APN
inline constexpr int kUnspecifiedGprsError = 148;
}  // namespace cme

/// EXT codes the simulator reports (manual §3.2).
namespace ext {
inline constexpr int kParameterNotAllowed = 0;
inline constexpr int kNoPdpContextDefined = 14;
inline constexpr int kNoSetDeviceFunction = 15;  ///< "no set device function(at+cfun=1)"
}  // namespace ext

}  // namespace uclink::sim

template <>
struct std::is_error_code_enum<uclink::sim::Errc> : std::true_type {};
