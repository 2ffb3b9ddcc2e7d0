// AtCommand (what to send and how to recognise its answer), AtReply (what came back) and the
// per-command timeout table. Pure: standard library only.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "chat/commands/timeouts.h"
#include "chat/final_result.h"

namespace uclink::chat {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

// One command for the engine. Build it with AtCommand::FromText() and adjust what differs.
struct AtCommand {
  // The command without terminator, e.g. "AT+CSQ". The engine appends CR (manual §1.3.1).
  std::string text;
  // nullopt: the TimeoutTable's value for this command.
  std::optional<Duration> timeout;
  // Lines with these prefixes (e.g. "+CSQ") belong to the answer; all others go to the URC path.
  std::vector<std::string> info_prefixes;
  // Lines without a registered URC prefix are the answer (AT+CGMI/CGMM/CGSN/CIMI print bare
  // values, manual §2.2–2.6).
  bool free_text_info = false;
  // Written after the module's `>` prompt. Empty: no prompt is expected.
  std::string payload;
  // CONNECT completes the command and hands the port to the data consumer (AT+CGDATA, ATD).
  bool enters_data_mode = false;
  // OK is only an acknowledgement; CONNECT OK / CONNECT FAIL ends the command (AT+IPCREATE,
  // manual §2.22: "OK" then "CONNECT OK", or "CONNECT FAIL" after three attempts).
  bool awaits_connect_result = false;

  // Derives prefixes and flags from the text: `AT+CSQ` expects `+CSQ`, `AT+CGMI` free text,
  // `AT+CGDATA=...`/`ATD...` data mode, `AT+IPCREATE=...` the connect result.
  static AtCommand FromText(std::string text);
};

// What came back for one command.
struct AtReply {
  // Information lines in arrival order (echo and URCs excluded).
  std::vector<std::string> info;
  // The final result, when one arrived (none on timeout or close).
  std::optional<FinalKind> final;
  // The final line as the module wrote it (e.g. "+CME ERROR: 30"), or "" if none arrived.
  std::string final_line;
  // chat::Errc; empty when the command succeeded.
  std::error_code error;
  // +CME/+EXT ERROR number, when the module gave one.
  std::optional<int> error_number;
  // The manual's text for error_number (tables 3.1/3.2), or the module's own verbose text.
  std::string error_text;
  // Raw payload bytes of a length-prefixed answer (+HTTPREAD, +FTPLIST).
  std::string payload;

  bool ok() const { return !error; }
  // A one-line explanation for users, e.g. "+CME ERROR: 30 (no network service)".
  std::string Describe() const;
};

// The command forms of manual §1.3.2.
enum class CommandForm { kExec, kRead, kTest, kSet };
std::string_view ToString(CommandForm form);

// `AT+CGATT=1` → {"CGATT", kSet}; `ATD*99#` → {"D", kExec}; `AT` → {"", kExec}. Upper case.
struct CommandName {
  std::string name;
  CommandForm form = CommandForm::kExec;
};
CommandName ParseCommandName(std::string_view text);

// Per-command timeouts, starting from chat/commands/timeouts.h (the one table); a channel may
// override entries for itself.
class TimeoutTable {
 public:
  TimeoutTable();
  // Overrides (or adds) the timeout of `name` in `form`.
  void Set(std::string_view name, CommandForm form, Duration timeout);
  void SetDefault(Duration timeout) { default_ = timeout; }
  Duration For(std::string_view command_text) const;

 private:
  struct Entry {
    std::string name;
    CommandForm form;
    Duration timeout;
  };
  std::vector<Entry> entries_;
  Duration default_{kBasicTimeout};
};

// The manual's text for a module error number (tables 3.1/3.2), if the table knows it.
std::optional<std::string_view> DescribeModuleError(FinalKind kind, int number);

}  // namespace uclink::chat
