#include "chat/at_command.h"

#include <algorithm>

#include "chat/ascii.h"
#include "chat/commands/timeouts.h"
#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

using ascii::Upper;

bool Is(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The command table's form (manual §1.3.2) as the engine spells it.
CommandForm FormOf(Form form) {
  switch (form) {
    case Form::kTest:
      return CommandForm::kTest;
    case Form::kRead:
      return CommandForm::kRead;
    case Form::kSet:
      return CommandForm::kSet;
    case Form::kExec:
      return CommandForm::kExec;
  }
  return CommandForm::kExec;
}

}  // namespace

std::string_view ToString(CommandForm form) {
  switch (form) {
    case CommandForm::kExec:
      return "exec";
    case CommandForm::kRead:
      return "read";
    case CommandForm::kTest:
      return "test";
    case CommandForm::kSet:
      return "set";
  }
  return "?";
}

CommandName ParseCommandName(std::string_view text) {
  CommandName result;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.size() >= 2 && Upper(text[0]) == 'A' && Upper(text[1]) == 'T') text.remove_prefix(2);
  // The module ignores spaces between the prefix and the name ("AT D*99#", "AT +CSQ"): so must
  // the name, or a dial would pass for something else (chat/command_line.h).
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::size_t i = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '&' || text[0] == '^')) ++i;
  if (!text.empty() && Upper(text[0]) == 'D') {
    result.name = "D";  // ATD<number>: the dial string is not part of the name
    return result;
  }
  while (i < text.size() && text[i] != '=' && text[i] != '?') {
    if (text[i] != ' ') result.name.push_back(Upper(text[i]));
    ++i;
  }
  if (!result.name.empty() &&
      (result.name[0] == '+' || result.name[0] == '&' || result.name[0] == '^')) {
    result.name.erase(0, 1);
  }
  const std::string_view rest = text.substr(std::min(i, text.size()));
  if (rest.starts_with("=?")) {
    result.form = CommandForm::kTest;
  } else if (rest.starts_with("?")) {
    result.form = CommandForm::kRead;
  } else if (rest.starts_with("=")) {
    result.form = CommandForm::kSet;
  }
  return result;
}

AtCommand AtCommand::FromText(std::string text) {
  AtCommand command;
  const CommandName name = ParseCommandName(text);
  command.text = std::move(text);
  if (name.name.empty()) return command;
  if (name.name == "D") {
    command.enters_data_mode = true;
    return command;
  }
  // Manual §2.2–2.6: identity commands print a bare value; §2.4 prints +SOFTV/+HARDV/+MANUF.
  if (Is(name.name, {"CGMI", "CGMM", "CGSN", "CIMI", "GMI", "GMM", "GSN", "GMR"})) {
    command.free_text_info = true;
  }
  if (name.name == "CGMR") {
    command.info_prefixes = {"+SOFTV", "+HARDV", "+MANUF", "+CGMR"};
    command.free_text_info = true;
    return command;
  }
  command.info_prefixes = {"+" + name.name};
  // §2.16: CGDATA answers CONNECT and the port switches to PPP (the test form does not).
  if (name.name == "CGDATA" && name.form != CommandForm::kTest && name.form != CommandForm::kRead) {
    command.enters_data_mode = true;
  }
  if (name.name == "IPCREATE" && name.form == CommandForm::kSet) {
    command.awaits_connect_result = true;
  }
  // §2.38/§2.39 spell FTPPUT/FTPPUTNAME as FTTPUT/FTTPUTNAME; accept the module echoing either.
  if (name.name == "FTPPUT") command.info_prefixes.push_back("+FTTPUT");
  return command;
}

std::string AtReply::Describe() const {
  if (!final) return error ? error.message() : "no final result";
  std::string line = final_line;
  // CMEE=1 gives a number: add the manual's text. CMEE=2 already printed the text.
  if (error_number && !error_text.empty() && !line.ends_with(error_text)) {
    line += " (" + error_text + ")";
  }
  return line;
}

std::optional<std::string_view> DescribeModuleError(FinalKind kind, int number) {
  switch (kind) {
    case FinalKind::kCmeError:
      return DescribeCme(number);
    case FinalKind::kExtError:
      return DescribeExt(number);
    case FinalKind::kOk:
    case FinalKind::kError:
    case FinalKind::kConnect:
    case FinalKind::kConnectOk:
    case FinalKind::kConnectFail:
    case FinalKind::kNoCarrier:
      return std::nullopt;
  }
  return std::nullopt;
}

TimeoutTable::TimeoutTable() {
  for (const CommandTimeout& row : CommandTimeouts()) {
    entries_.push_back({std::string(row.name), FormOf(row.form), row.timeout});
  }
}

void TimeoutTable::Set(std::string_view name, CommandForm form, Duration timeout) {
  std::string upper(name);
  for (char& c : upper) c = Upper(c);
  for (Entry& entry : entries_) {
    if (entry.name == upper && entry.form == form) {
      entry.timeout = timeout;
      return;
    }
  }
  entries_.push_back({std::move(upper), form, timeout});
}

Duration TimeoutTable::For(std::string_view command_text) const {
  const CommandName name = ParseCommandName(command_text);
  for (const Entry& entry : entries_) {
    if (entry.name == name.name && entry.form == name.form) return entry.timeout;
  }
  return default_;
}

}  // namespace uclink::chat
