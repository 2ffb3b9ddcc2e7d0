// The in-band services' error vocabulary: one commented list (docs/ARCHITECTURE.md, "Design
// rules: one error vocabulary per layer"). Module-reported codes (tables 3.3–3.5) keep their
// number and manual text in ServiceError::message.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace uclink::control::inband {

enum class Errc {
  kOk = 0,
  // An argument breaks a limit of the manual (URL 1024, user data 512, names 64, ...) or is
  // malformed; nothing was sent. The message names the limit and the manual section.
  kInvalidArgument,
  // A data byte cannot travel inside the command line (quote, CR, LF, NUL, control or non-ASCII
  // byte) and prompt payloads are off; nothing was sent. The message names the byte and offset.
  kUnsendableByte,
  // The module's only TCP (or UDP) client is in use by another user (manual §2.22).
  kBusy,
  // CONNECT FAIL after AT+IPCREATE (manual §2.22: three attempts failed), or the FTP server
  // could not be reached (AT+FTPSERV result 1–5, §2.29).
  kConnectFailed,
  // The module answered ERROR / +CME ERROR / +EXT ERROR, or the AT channel failed.
  kModuleError,
  // The service reported a code from table 3.3 (HTTP), 3.4 (MQTT) or 3.5 (FTP).
  kServiceError,
  // +IPSEND=<n> confirmed fewer bytes than were sent (manual §2.25.1).
  kShortSend,
  // The peer closed the connection (or the module reported the socket gone).
  kPeerClosed,
  // The data a command announced did not arrive in time (+FTPGET, +FTPLIST, +HTTPACTION).
  kTimeout,
  // An answer did not have the shape the manual gives.
  kProtocol,
  // The operation needs an open socket/session and there is none.
  kNotOpen,
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
