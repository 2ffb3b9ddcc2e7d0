// The AT channel's error vocabulary: one commented list (docs/ARCHITECTURE.md, "Design rules:
// one error vocabulary per layer").
#pragma once

#include <string_view>
#include <system_error>

namespace uclink::chat {

// Every way an AT command or the channel itself can fail. Module-reported errors keep their
// number and manual text in AtReply::final; the code here only says which family they are.
enum class Errc {
  kOk = 0,
  // The module answered plain `ERROR` (CMEE=0, or a command that has no detail).
  kModuleError,
  // `+CME ERROR: <n|text>`: see AtReply::final for the number and the manual's text (§3.1).
  kCmeError,
  // `+EXT ERROR: <n>`: see AtReply::final (manual §3.2).
  kExtError,
  // `NO CARRIER` ended a dial (`AT+CGDATA`), or the data call dropped.
  kNoCarrier,
  // `CONNECT FAIL`: the module could not open the TCP link (manual §2.22).
  kConnectFail,
  // No final result within the command's timeout; the channel then resynchronises.
  kTimeout,
  // A length-prefixed payload stopped short of its announced length.
  kPayloadTruncated,
  // The module stopped answering even the resynchronisation command; escalate.
  kUnresponsive,
  // The port closed (EOF/EIO: unplugged) or Close() was called while the command waited.
  kClosed,
  // The channel handed the port to the data consumer; AT commands cannot run until it is back.
  kInDataMode,
  // Another process holds the port (TIOCEXCL or a live UUCP lock file).
  kPortLocked,
  // The command text is empty, too long, or contains a line terminator.
  kInvalidCommand,
};

// Stable lower-case name, e.g. "timeout".
std::string_view ToString(Errc errc);

// The category for chat::Errc ("uclink.chat").
const std::error_category& ChatCategory();

std::error_code make_error_code(Errc errc);

}  // namespace uclink::chat

template <>
struct std::is_error_code_enum<uclink::chat::Errc> : std::true_type {};
