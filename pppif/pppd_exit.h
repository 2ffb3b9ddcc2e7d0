// pppd's exit status as a value: the pppd(8) EXIT STATUS table (names as in pppd/pppd.h), what
// each means for uclink (redial, block, report) and an error_category so a status travels as a
// std::error_code like every other failure.
#pragma once

#include <optional>
#include <system_error>

namespace uclink::pppif {

// X(enumerator, code, pppd.h name, pppd(8) meaning, class). The one list of pppd exit statuses.
#define UCLINK_PPPIF_PPPD_EXITS(X)                                                                \
  X(kOk, 0, "ok", "the link was established and terminated at the peer's request", kPeerClosed)   \
  X(kFatalError, 1, "fatal-error", "an essential system call failed", kEnvironment)               \
  X(kOptionError, 2, "option-error", "pppd rejected its options", kConfiguration)                 \
  X(kNotRoot, 3, "not-root", "pppd is not setuid-root and the caller is not root", kEnvironment)  \
  X(kNoKernelSupport, 4, "no-kernel-support", "the kernel has no PPP driver", kEnvironment)       \
  X(kUserRequest, 5, "user-request", "terminated by SIGINT, SIGTERM or SIGHUP", kLocalRequest)    \
  X(kLockFailed, 6, "lock-failed", "the serial port could not be locked", kEnvironment)           \
  X(kOpenFailed, 7, "open-failed", "the serial port could not be opened", kEnvironment)           \
  X(kConnectFailed, 8, "connect-failed", "the connect script failed", kScript)                    \
  X(kPtyCommandFailed, 9, "pty-command-failed", "the pty command could not be run", kScript)      \
  X(kNegotiationFailed, 10, "negotiation-failed", "no network protocol reached Opened",           \
    kNegotiation)                                                                                 \
  X(kPeerAuthFailed, 11, "peer-auth-failed", "the peer failed or refused to authenticate itself", \
    kAuthentication)                                                                              \
  X(kIdleTimeout, 12, "idle-timeout", "the link was idle for the idle limit", kLinkLost)          \
  X(kConnectTime, 13, "connect-time", "the connect time limit was reached", kLinkLost)            \
  X(kCallback, 14, "callback", "callback was negotiated", kNegotiation)                           \
  X(kPeerDead, 15, "peer-dead", "the peer stopped answering LCP echo requests", kLinkLost)        \
  X(kHangup, 16, "hangup", "the modem hung up (the pty bridge closed the line)", kLinkLost)       \
  X(kLoopback, 17, "loopback", "serial loopback detected (the module echoes our frames)",         \
    kNegotiation)                                                                                 \
  X(kInitFailed, 18, "init-failed", "the init script failed", kScript)                            \
  X(kAuthToPeerFailed, 19, "auth-topeer-failed", "we failed to authenticate to the peer",         \
    kAuthentication)

/// pppd's exit status; the enumerator values are the numeric statuses of pppd(8).
enum class PppdExit {
#define UCLINK_X(name, code, wire, text, cls) name = code,
  UCLINK_PPPIF_PPPD_EXITS(UCLINK_X)
#undef UCLINK_X
};

/// What an exit status means for the connection manager.
enum class PppdExitClass {
  kPeerClosed,      ///< the network ended the session cleanly: redial
  kLinkLost,        ///< hang-up, echo timeout, time limits: redial
  kLocalRequest,    ///< uclink (or an operator) stopped pppd: no redial
  kNegotiation,     ///< LCP/IPCP never opened, or loopback: redial with back-off
  kAuthentication,  ///< credentials rejected: block until the configuration changes
  kConfiguration,   ///< pppd rejected its options: a uclink or configuration bug, block
  kEnvironment,     ///< no root, no kernel PPP, port not openable: pppd backend unusable
  kScript,          ///< a connect/init/pty script failed: uclink passes none, so a bug
};

const char* ToString(PppdExit exit);
const char* ToString(PppdExitClass cls);
/// pppd(8)'s one-line meaning of the status.
const char* Describe(PppdExit exit);
PppdExitClass ClassOf(PppdExit exit);
/// Whether the manager should dial again after this class of exit (with its own back-off).
bool ShouldRedial(PppdExitClass cls);

/// The status as a PppdExit; nullopt for values pppd(8) does not define.
std::optional<PppdExit> PppdExitFromStatus(int status);

/// How the pppd child ended, as reported by waitpid(): an exit status or a signal.
struct PppdTermination {
  std::optional<int> exit_status;  ///< set when the process exited
  int signal = 0;                  ///< set (non-zero) when a signal killed it
};

/// The error a termination reports: an exit status in PppdExitCategory (including undefined
/// values), or a signal as std::errc::interrupted. A clean exit 0 maps to an empty error_code.
std::error_code ToErrorCode(const PppdTermination& termination);

/// The category of pppd exit statuses ("pppd.exit"); any int is accepted as a value.
const std::error_category& PppdExitCategory();
std::error_code make_error_code(PppdExit exit);

}  // namespace uclink::pppif

template <>
struct std::is_error_code_enum<uclink::pppif::PppdExit> : std::true_type {};
