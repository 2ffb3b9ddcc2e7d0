// The AT channel's error vocabulary: one commented list (docs/ARCHITECTURE.md, "Design rules:
// one error vocabulary per layer"; docs/CONVENTIONS.md, "Errors").
#pragma once

#include <string_view>
#include <system_error>

namespace uclink::chat {

// X(enumerator, wire name, meaning): every way an AT command or the channel itself can fail.
// Module-reported errors keep their number and manual text in AtReply::final; the code here only
// says which family they are: plain `ERROR` (CMEE=0, or a command without detail), `+CME ERROR`
// (manual §3.1), `+EXT ERROR` (§3.2), `NO CARRIER` (a dial or the data call ended), `CONNECT
// FAIL` (the module could not open the TCP link, §2.22). After a timeout the channel
// resynchronises; kUnresponsive means even that got no answer (escalate). kClosed: EOF/EIO
// (unplugged) or Close() while the command waited. kInDataMode: the port is handed to the data
// consumer. kPortLocked: TIOCEXCL or a live UUCP lock file. kInvalidCommand: empty, too long or
// containing a line terminator. The wire names are printed by `uclink at --json` (error.code).
#define UCLINK_CHAT_ERRORS(X)                                                              \
  X(kOk, "ok", "success")                                                                  \
  X(kModuleError, "module_error", "module answered ERROR")                                 \
  X(kCmeError, "cme_error", "module reported +CME ERROR")                                  \
  X(kExtError, "ext_error", "module reported +EXT ERROR")                                  \
  X(kNoCarrier, "no_carrier", "NO CARRIER")                                                \
  X(kConnectFail, "connect_fail", "CONNECT FAIL")                                          \
  X(kTimeout, "timeout", "no answer before the command's timeout")                         \
  X(kPayloadTruncated, "payload_truncated", "payload shorter than announced")              \
  X(kUnresponsive, "unresponsive", "module does not answer the resynchronisation command") \
  X(kClosed, "closed", "serial port closed")                                               \
  X(kInDataMode, "in_data_mode", "channel is in data mode")                                \
  X(kPortLocked, "port_locked", "serial port is locked by another process")                \
  X(kInvalidCommand, "invalid_command", "invalid AT command text")

enum class Errc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_CHAT_ERRORS(UCLINK_X)
#undef UCLINK_X
};

// Stable lower-case name, e.g. "timeout".
std::string_view ToString(Errc errc);

// The category for chat::Errc ("uclink.chat").
const std::error_category& ChatCategory();

std::error_code make_error_code(Errc errc);

}  // namespace uclink::chat

template <>
struct std::is_error_code_enum<uclink::chat::Errc> : std::true_type {};
