// Final result codes: whole-line matches only, never substrings, so a payload or an operator
// named "TOKYO" cannot end a command (docs/at-channel.md, "Lessons: final results are whole
// lines").
#pragma once

#include <optional>
#include <string_view>

#include "chat/errc.h"

namespace uclink::chat {

// The final result codes the UC8088 sends (manual §1.4, §2.7, §2.16, §2.22).
enum class FinalKind {
  kOk,           // OK
  kError,        // ERROR
  kCmeError,     // +CME ERROR: <n> (CMEE=1) or +CME ERROR: <text> (CMEE=2), manual §2.7
  kExtError,     // +EXT ERROR: <n>, manual §2.7 and table 3.2
  kConnect,      // CONNECT[ <text>]: data mode begins (manual §2.16)
  kConnectOk,    // CONNECT OK: the TCP link of AT+IPCREATE is up (manual §2.22)
  kConnectFail,  // CONNECT FAIL: three TCP attempts failed (manual §2.22)
  kNoCarrier,    // NO CARRIER: dial failed or the data call ended
};

std::string_view ToString(FinalKind kind);

// A classified final line. `code` is the error number (CME/EXT with a number); `text` is the
// verbose CME text (CMEE=2) or CONNECT's suffix, a view into the line.
struct FinalResult {
  FinalKind kind = FinalKind::kOk;
  std::optional<int> code;
  std::string_view text;
};

// Returns the final result a complete line denotes, or nullopt. Leading/trailing spaces are
// ignored and keywords are case-insensitive (the manual's transcripts mix cases, §2.43).
std::optional<FinalResult> ClassifyFinal(std::string_view line);

// The chat::Errc a final result maps to (kOk for OK, CONNECT and CONNECT OK).
Errc ErrcFor(FinalKind kind);

// Whether `kind` reports success.
bool IsSuccess(FinalKind kind);

}  // namespace uclink::chat
