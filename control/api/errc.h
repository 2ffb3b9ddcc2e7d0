// The control protocol's error vocabulary (docs/control-api.md lists which method returns which).
// Errors travel on the wire by their stable name ("in-data-mode"), never by number.
#pragma once

#include <optional>
#include <string_view>
#include <system_error>

namespace uclink::control::api {

// X(enumerator, wire name, meaning). The one list every user of the API shares.
#define UCLINK_CONTROL_API_ERRORS(X)                                                               \
  X(kBadRequest, "bad-request", "the line is not a JSON object with a string \"method\"")          \
  X(kUnknownMethod, "unknown-method", "the method is not one of the documented methods")           \
  X(kInvalidParams, "invalid-params", "a parameter is missing, of the wrong type or out of range") \
  X(kRequestTooLong, "request-too-long", "a request line exceeded the framing bound")              \
  X(kPermissionDenied, "permission-denied",                                                        \
    "the caller (SO_PEERCRED) is neither root nor in the configured group")                        \
  X(kInDataMode, "in-data-mode",                                                                   \
    "the only AT port is in PPP data mode; AT commands cannot be sent now")                        \
  X(kAtFailed, "at-failed", "the module answered the AT command with an error")                    \
  X(kTimeout, "timeout", "the module did not answer within the command's timeout")                 \
  X(kBusy, "busy", "the request conflicts with an operation in progress")                          \
  X(kConfigInvalid, "config-invalid", "reload: the configuration file failed validation")          \
  X(kShuttingDown, "shutting-down", "the daemon is stopping and accepts no new work")              \
  X(kConnectFailed, "connect-failed", "connect: the manager gave up (state failed)")               \
  X(kNotOnline, "not-online", "service: the link is not up (the message names the state)")         \
  X(kUseNative, "use-native",                                                                      \
    "service: the link is PPP; use native sockets bound to the interface the message names")       \
  X(kUnreachable, "unreachable",                                                                   \
    "service: the peer cannot be reached (refused, unreachable, CONNECT FAIL)")                    \
  X(kServiceFailed, "service-failed",                                                              \
    "service: the service or the peer failed (table 3.3/3.4/3.5 code in the message)")             \
  X(kDaemonUnavailable, "daemon-unavailable", "client side: the control socket cannot be reached") \
  X(kProtocolError, "protocol-error", "client side: the daemon's reply was not valid")

/// Errors of the control protocol, shared by daemon and CLI.
enum class Errc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_CONTROL_API_ERRORS(UCLINK_X)
#undef UCLINK_X
};

/// The wire name, e.g. "in-data-mode".
const char* ToString(Errc errc);
/// The one-line meaning documented for the code.
const char* Describe(Errc errc);
/// Parses a wire name; nullopt when unknown.
std::optional<Errc> ErrcFromString(std::string_view wire);

/// The category of api::Errc ("uclink.control.api").
const std::error_category& ApiCategory();
std::error_code make_error_code(Errc errc);

}  // namespace uclink::control::api

template <>
struct std::is_error_code_enum<uclink::control::api::Errc> : std::true_type {};
