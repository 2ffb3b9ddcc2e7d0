// The simulator's error vocabulary: one Errc for its own failures (transport, peer, scenario,
// control socket) and the module's reportable codes from the UC8088 manual's appendix tables.
#pragma once

#include <string_view>
#include <system_error>

#include "sim/service_host.h"

namespace uclink::sim {

/// Failures of the simulator itself (not of the simulated module). Keep in sync with ToString.
enum class Errc {
  kOk = 0,
  kBadScenario,         ///< the scenario file or a scenario flag could not be understood
  kUnknownControl,      ///< a control-socket line names no known command
  kBadControlArgument,  ///< a control-socket command has a missing or out-of-range argument
  kPtyFailed,           ///< posix_openpt/grantpt/unlockpt/ptsname or the --link symlink failed
  kPeerSpawnFailed,     ///< the PPP peer process could not be started
  kSocketFailed,        ///< the TCP listener or the control socket could not be set up
  kLogFailed,           ///< the --log transcript file could not be opened
};

/// Name of an Errc value, e.g. "kPtyFailed".
std::string_view ToString(Errc errc);

/// The std::error_category of Errc ("uclink.sim").
const std::error_category& SimCategory();

/// Makes std::error_code from Errc (found by ADL).
std::error_code make_error_code(Errc errc);

/// Name of an ErrorKind value (declared in service_host.h), e.g. "kCme".
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
