// Errors of the pppd backend (argument construction, secrets, hook events, process supervision).
// pppd's own exit statuses are a separate vocabulary: PppdExit in pppif/pppd_exit.h.
#pragma once

#include <system_error>

namespace uclink::pppif {

// X(enumerator, stable name, meaning). The one list for the pppd backend.
#define UCLINK_PPPIF_PPPD_ERRORS(X)                                                               \
  X(kBadTty, "bad-tty", "the line for pppd must be an absolute path without control characters")  \
  X(kBadBaud, "bad-baud", "the line speed must be a positive number of bits per second")          \
  X(kBadInterfaceName, "bad-interface-name",                                                      \
    "ifname must be 1..15 bytes of [A-Za-z0-9_.-] (IFNAMSIZ - 1)")                                \
  X(kBadUnit, "bad-unit", "the ppp unit number must be 0..9999")                                  \
  X(kBadMtu, "bad-mtu", "mtu and mru must lie in 128..16384 (pppd(8) limits)")                    \
  X(kBadEcho, "bad-echo", "lcp-echo-interval and lcp-echo-failure must not be negative")          \
  X(kBadIpparam, "bad-ipparam", "ipparam must be 1..64 printable bytes without whitespace")       \
  X(kBadUsername, "bad-username", "the user name must be 1..255 printable bytes, no whitespace")  \
  X(kBadPassword, "bad-password",                                                                 \
    "the password must be at most 255 bytes without control characters (pppd MAXSECRETLEN)")      \
  X(kBadPath, "bad-path", "a helper or secrets path must be absolute without control characters") \
  X(kReservedOption, "reserved-option",                                                           \
    "a user option that uclink owns or that would expose secrets (see pppd_options.h)")           \
  X(kMalformedHookEvent, "malformed-hook-event",                                                  \
    "a datagram from the ip-up/ip-down helper did not parse")                                     \
  X(kSecretsFile, "secrets-file-failed",                                                          \
    "the private directory or the 0600 secrets file could not be created")                        \
  X(kBridgeNotBridging, "bridge-not-bridging",                                                    \
    "bytes were offered to the pty bridge before Start() or after it stopped")

/// Errors of the pppd backend.
enum class PppdErrc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_PPPIF_PPPD_ERRORS(UCLINK_X)
#undef UCLINK_X
};

/// The stable name, e.g. "reserved-option".
const char* ToString(PppdErrc errc);
/// The one-line meaning documented for the code.
const char* Describe(PppdErrc errc);

/// The category of PppdErrc ("uclink.pppif.pppd").
const std::error_category& PppdCategory();
std::error_code make_error_code(PppdErrc errc);

}  // namespace uclink::pppif

template <>
struct std::is_error_code_enum<uclink::pppif::PppdErrc> : std::true_type {};
