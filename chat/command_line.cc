#include "chat/command_line.h"

#include <cstdio>

#include "chat/ascii.h"

namespace uclink::chat {
namespace {

using ascii::IsUpper;
using ascii::Upper;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Characters that start an extended command name: '+' is V.250 §5.4's; the others are the
// manufacturer prefixes other modules use. The UC8088 manual only has '+', but reading the
// others as names keeps their letters from being mistaken for basic commands.
bool IsExtendedPrefix(char c) {
  return c == '+' || c == '^' || c == '$' || c == '%' || c == '#' || c == '*' || c == '!' ||
         c == '@';
}

// The command line after "AT" as the module reads it: spaces outside quoted strings dropped and
// everything outside quoted strings upper-cased (ITU-T V.250 §5.2.1; manual §1.3.3 defines no
// escape inside a quoted string, so a '"' always toggles).
std::string Normalize(std::string_view rest) {
  std::string out;
  out.reserve(rest.size());
  bool quoted = false;
  for (char c : rest) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == ' ') continue;
    out.push_back(quoted ? c : Upper(c));
  }
  return out;
}

// Index of the ';' that ends the command at `i` (outside quoted strings), or the line's end.
std::size_t EndOfCommand(const std::string& line, std::size_t i) {
  bool quoted = false;
  for (; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (!quoted && line[i] == ';') return i;
  }
  return line.size();
}

std::size_t SkipDigits(const std::string& line, std::size_t i) {
  while (i < line.size() && IsDigit(line[i])) ++i;
  return i;
}

std::string ByteName(unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", byte);
  return text;
}

// Why a command switches the port to data mode, or nullptr.
const char* DataModeReason(const LineCommand& command) {
  if (command.name == "D") return "D (dial)";
  if (command.name == "A") return "A (answer)";
  if (command.name == "O") return "O (return to data mode)";
  if (command.name == "CGDATA" &&
      (command.form == CommandForm::kSet || command.form == CommandForm::kExec)) {
    return "+CGDATA (manual §2.16: the module answers CONNECT)";
  }
  return nullptr;
}

}  // namespace

std::optional<std::vector<LineCommand>> SplitCommandLine(std::string_view line) {
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  if (!(line.starts_with("AT") || line.starts_with("at"))) return std::nullopt;
  const std::string s = Normalize(line.substr(2));
  std::vector<LineCommand> commands;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (IsExtendedPrefix(c)) {
      LineCommand command;
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != '=' && s[j] != '?' && s[j] != ';') ++j;
      command.name = (c == '+' ? "" : std::string(1, c)) + s.substr(i + 1, j - i - 1);
      const std::string_view tail = std::string_view(s).substr(j);
      if (tail.starts_with("=?")) {
        command.form = CommandForm::kTest;
      } else if (tail.starts_with("?")) {
        command.form = CommandForm::kRead;
      } else if (tail.starts_with("=")) {
        command.form = CommandForm::kSet;
      }
      commands.push_back(std::move(command));
      i = EndOfCommand(s, j);
    } else if (c == 'D') {
      // The dial string (digits, '*', '#', quoted names) belongs to D up to its command's end.
      commands.push_back({"D", CommandForm::kExec});
      i = EndOfCommand(s, i + 1);
    } else if (c == '&' && i + 1 < s.size() && IsUpper(s[i + 1])) {
      commands.push_back({std::string("&") + s[i + 1], CommandForm::kExec});
      i = SkipDigits(s, i + 2);
    } else if (c == 'S' && i + 1 < s.size() && IsDigit(s[i + 1])) {
      // S-parameters (V.250 §5.3.2): Sn?, Sn=?, Sn=<value>.
      const std::size_t end = SkipDigits(s, i + 1);
      LineCommand command{s.substr(i, end - i), CommandForm::kExec};
      i = end;
      if (s.compare(i, 2, "=?") == 0) {
        command.form = CommandForm::kTest;
        i += 2;
      } else if (i < s.size() && s[i] == '?') {
        command.form = CommandForm::kRead;
        ++i;
      } else if (i < s.size() && s[i] == '=') {
        command.form = CommandForm::kSet;
        i = SkipDigits(s, i + 1);
      }
      commands.push_back(std::move(command));
    } else if (IsUpper(c)) {
      commands.push_back({std::string(1, c), CommandForm::kExec});
      i = SkipDigits(s, i + 1);
    } else {
      ++i;  // ';' between commands, or a character that starts no command
    }
  }
  return commands;
}

std::optional<std::string> CheckUserCommandLine(std::string_view line) {
  if (line.empty()) return "the command is empty";
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte < 0x20 || byte == 0x7F) {
      return "control byte " + ByteName(byte) + " at offset " + std::to_string(i) +
             ": a command line carries no control characters (the module would end, abort or "
             "garble the line there)";
    }
  }
  const std::optional<std::vector<LineCommand>> commands = SplitCommandLine(line);
  if (!commands) return "a command line starts with AT or at (UC8088 manual §1.3.1)";
  for (const LineCommand& command : *commands) {
    if (const char* reason = DataModeReason(command)) {
      return std::string(reason) +
             " switches the port to data mode; only the connection manager dials "
             "(uclink connect)";
    }
  }
  return std::nullopt;
}

}  // namespace uclink::chat
