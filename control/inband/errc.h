// The in-band services' error vocabulary: one commented list (docs/ARCHITECTURE.md, "Design
// rules: one error vocabulary per layer"). Module-reported codes (tables 3.3–3.5) keep their
// number and manual text in ServiceError::message.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace uclink::control::inband {

// X(enumerator, wire name, meaning). message() is the wire name (what users of ServiceError
// have always read); the meaning is what ServiceError::message elaborates on.
#define UCLINK_INBAND_ERRORS(X)                                                                     \
  X(kOk, "ok", "success")                                                                           \
  /* An argument breaks a limit of the manual (URL 1024, user data 512, names 64, ...). */          \
  X(kInvalidArgument, "invalid_argument", "an argument is malformed or over the manual's limit")    \
  /* Quote, CR, LF, NUL, control or non-ASCII byte with prompt payloads off. */                     \
  X(kUnsendableByte, "unsendable_byte", "a data byte cannot travel inside the command line")        \
  /* The module has one TCP and one UDP client (manual §2.22). */                                  \
  X(kBusy, "busy", "the module's only TCP (or UDP) client is in use by another user")               \
  /* CONNECT FAIL after AT+IPCREATE (§2.22: three attempts), or AT+FTPSERV result 1-5 (§2.29). */ \
  X(kConnectFailed, "connect_failed", "the peer or the FTP server could not be reached")            \
  X(kModuleError, "module_error", "the module answered ERROR or the AT channel failed")             \
  X(kServiceError, "service_error", "the service reported a code of table 3.3, 3.4 or 3.5")         \
  /* +IPSEND=<n> (manual §2.25.1). */                                                              \
  X(kShortSend, "short_send", "the module confirmed fewer bytes than were sent")                    \
  X(kPeerClosed, "peer_closed", "the peer closed the connection or the socket is gone")             \
  /* +FTPGET, +FTPLIST, +HTTPACTION. */                                                             \
  X(kTimeout, "timeout", "the data a command announced did not arrive in time")                     \
  X(kProtocol, "protocol", "an answer did not have the shape the manual gives")                     \
  X(kNotOpen, "not_open", "the operation needs an open socket or session and there is none")

enum class Errc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_INBAND_ERRORS(UCLINK_X)
#undef UCLINK_X
};

// Stable lower-case name, e.g. "busy".
std::string_view ToString(Errc errc);

// The category for inband::Errc ("uclink.inband").
const std::error_category& InbandCategory();

std::error_code make_error_code(Errc errc);

// One failure: the code and a one-line message for users that names the cause.
struct ServiceError {
  std::error_code code;
  std::string message;

  explicit operator bool() const { return static_cast<bool>(code); }
};

}  // namespace uclink::control::inband

template <>
struct std::is_error_code_enum<uclink::control::inband::Errc> : std::true_type {};
