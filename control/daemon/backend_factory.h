// Backend selection: which PppBackend runs the data link after CONNECT, from configuration
// `connection.backend = auto | pppd | userspace`, and the mapping of the configuration's
// [interface], [monitor] and [network] keys into that backend's options.
//   auto      pppd on kernel PPP when pppd is installed, /dev/ppp opens and the ip-up hook is
//             there; otherwise the userspace engine on TUN (kernels without PPP).
//   pppd      pppd or an error that names the missing piece and the fix.
//   userspace the userspace engine or an error.
// Paths are injectable (BackendEnvironment) so every branch is tested without kernel PPP.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <system_error>

#include "control/config/config.h"
#include "pppif/backend.h"
#include "pppif/pppd_backend.h"
#include "pppif/userspace_backend.h"

namespace uclink::control {

/// Why a forced backend cannot run (an "auto" selection never reports these for pppd: it falls
/// back to the userspace engine).
enum class BackendErrc {
  kPppdNotInstalled = 1,  ///< pppd is not executable at BackendEnvironment::pppd_path
  kNoKernelPpp,           ///< the PPP device does not exist: the kernel has no ppp_generic
  kPppDeviceUnusable,     ///< the PPP device exists but does not open (permission, busy)
  kPppdHookMissing,       ///< the ip-up/ip-down helper is not executable
  kPppdOptions,           ///< the pppd options derived from configuration are invalid
  kUserspaceUnavailable,  ///< the userspace engine could not be set up (no rtnetlink)
};
const char* ToString(BackendErrc errc);
const std::error_category& BackendCategory();
std::error_code make_error_code(BackendErrc errc);

/// Where `install` puts //pppif:pppd_hook (README, "Installing").
inline constexpr const char* kInstalledPppdHook = "/usr/libexec/uclink/pppd-hook";

/// The directory of the running executable (/proc/self/exe), or "" when it cannot be read.
std::string ExecutableDirectory();
/// The pppd hook uclinkd uses: `<exe_dir>/pppd-hook` when it is executable (a build tree or a
/// self-contained install), else `installed` (also when neither exists, so that the error
/// names the standard place).
std::string LocatePppdHook(const std::string& exe_dir,
                           const std::string& installed = kInstalledPppdHook);

/// Whether the PPP backend built for `a` would differ from the one for `b` (backend choice, or
/// any key PppdOptionsFor / UserspaceOptionsFor read): Daemon::Reload then rebuilds it.
bool BackendSettingsDiffer(const Config& a, const Config& b);

/// Where the pieces each backend needs are found; defaults are a Debian system's.
struct BackendEnvironment {
  std::string pppd_path = "/usr/sbin/pppd";
  std::string ppp_device = pppif::kPppDevicePath;
  /// //pppif:pppd_hook as installed.
  std::string pppd_hook_path = kInstalledPppdHook;
  /// Parent of pppd's per-session 0700 directory (secrets file, event socket).
  std::string runtime_dir = "/run/uclink";

  /// The defaults, the hook from LocatePppdHook(ExecutableDirectory()), then UCLINK_PPPD,
  /// UCLINK_PPP_DEVICE, UCLINK_PPPD_HOOK and UCLINK_RUNTIME_DIR from the process environment
  /// replacing them when set (tests, the VM tier, packaging).
  static BackendEnvironment FromProcessEnvironment();
};

/// The pppd backend's options for `config`: interface name, LCP echo, credentials, MTU, baud,
/// default route + metric, DNS method.
pppif::PppdBackendOptions PppdOptionsFor(const Config& config, const BackendEnvironment& env);
/// The userspace backend's options for `config` (the same keys).
pppif::UserspaceBackendOptions UserspaceOptionsFor(const Config& config);

/// What MakePppBackend decided, for logs and `status`.
struct BackendSelection {
  std::string chosen;  ///< "pppd" | "userspace"; empty when nothing could run
  /// Why pppd was not chosen under auto, or why the forced backend failed: names the cause and
  /// the fix, e.g. "/dev/ppp: No such file or directory — this kernel has no PPP; use backend =
  /// userspace or auto".
  std::string why;
};

/// Whether the pppd backend can run under `env`: success, or a BackendErrc with `why` set to
/// the explanation above.
std::error_code CheckPppdUsable(const BackendEnvironment& env, std::string* why);

/// Creates the backend `config.connection.backend` asks for. Returns nullptr with `ec` set (a
/// BackendErrc) when nothing can run; `selection` (optional) says which one and why.
std::unique_ptr<pppif::PppBackend> MakePppBackend(boost::asio::io_context& io, const Config& config,
                                                  const BackendEnvironment& env,
                                                  std::error_code& ec,
                                                  BackendSelection* selection = nullptr);

}  // namespace uclink::control

template <>
struct std::is_error_code_enum<uclink::control::BackendErrc> : std::true_type {};
