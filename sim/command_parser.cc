#include "sim/command_parser.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace uclink::sim {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Splits set-form arguments at commas outside quotes. An argument that starts with '"' is a
// quoted string that ends at the next '"' (manual §1.3.3 defines no escape inside quotes), and
// only spaces may follow it before the next comma; quotes inside an unquoted argument are
// literal (the manual's HTTPPARA body example carries raw JSON, §2.51). Returns false for an
// unterminated quote or text after a closing quote: such a line is not a command.
bool SplitArgs(std::string_view text, SimCommand& command) {
  if (TrimSpaces(text).empty()) return true;
  std::size_t pos = 0;
  while (true) {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
    std::string value;
    bool quoted = false;
    if (pos < text.size() && text[pos] == '"') {
      quoted = true;
      const std::size_t close = text.find('"', pos + 1);
      if (close == std::string_view::npos) return false;
      value = std::string(text.substr(pos + 1, close - pos - 1));
      pos = close + 1;
      while (pos < text.size() && IsSpace(text[pos])) ++pos;
      if (pos < text.size() && text[pos] != ',') return false;
    } else {
      std::size_t comma = text.find(',', pos);
      std::size_t end = comma == std::string_view::npos ? text.size() : comma;
      value = std::string(TrimSpaces(text.substr(pos, end - pos)));
      pos = end;
    }
    command.args.push_back(std::move(value));
    command.quoted.push_back(quoted);
    if (pos >= text.size()) return true;
    ++pos;  // the comma
  }
}

// Commands whose last parameter runs to the end of the line: counted data (AT+FTPPUT=<n>,<data>
// §2.39, AT+HTTPDATA=<n>,<data> §2.46), where the length ends the data, and AT+HTTPPARA's value
// (§2.45), which carries raw JSON in §2.51. Quotes and commas in them are text; their service
// reads the raw line, and the core keeps the tail as one argument.
bool TakesLineTail(std::string_view name) {
  return name == "+FTPPUT" || name == "+FTTPUT" || name == "+HTTPDATA" || name == "+HTTTPDATA" ||
         name == "+HTTPPARA" || name == "+HTTTPARA";
}

std::optional<SimCommand> ParseExtended(std::string_view rest, SimCommand command) {
  rest.remove_prefix(1);  // '+'
  while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
  std::size_t n = 0;
  while (n < rest.size() && std::isalnum(static_cast<unsigned char>(rest[n]))) ++n;
  if (n == 0) return std::nullopt;
  command.name = "+" + Upper(rest.substr(0, n));
  std::string_view tail = TrimSpaces(rest.substr(n));
  if (tail.empty()) {
    command.form = SimCommand::Form::kExec;
  } else if (tail == "?") {
    command.form = SimCommand::Form::kRead;
  } else if (tail.front() == '=') {
    std::string_view value = TrimSpaces(tail.substr(1));
    if (value == "?") {
      command.form = SimCommand::Form::kTest;
    } else {
      command.form = SimCommand::Form::kSet;
      if (TakesLineTail(command.name)) {
        command.args.emplace_back(value);
        command.quoted.push_back(false);
      } else if (!SplitArgs(tail.substr(1), command)) {
        return std::nullopt;
      }
    }
  } else {
    return std::nullopt;
  }
  return command;
}

}  // namespace

std::optional<SimCommand> ParseCommandLine(std::string_view line) {
  SimCommand command;
  command.raw = std::string(line);
  std::string_view text = TrimSpaces(line);
  // Manual §1.3.1: every command line starts with "AT" or "at".
  if (text.size() < 2 || !(text.substr(0, 2) == "AT" || text.substr(0, 2) == "at")) {
    return std::nullopt;
  }
  std::string_view rest = TrimSpaces(text.substr(2));
  if (rest.empty()) return command;  // bare "AT"
  if (rest.front() == '+') return ParseExtended(rest, std::move(command));
  char basic = static_cast<char>(std::toupper(static_cast<unsigned char>(rest.front())));
  if (basic != 'E' && basic != 'D' && basic != 'O' && basic != 'H') return std::nullopt;
  command.name = std::string(1, basic);
  command.form = SimCommand::Form::kExec;
  command.args.emplace_back(TrimSpaces(rest.substr(1)));
  command.quoted.push_back(false);
  return command;
}

std::string_view ToString(SimCommand::Form form) {
  switch (form) {
    case SimCommand::Form::kExec:
      return "exec";
    case SimCommand::Form::kTest:
      return "test";
    case SimCommand::Form::kRead:
      return "read";
    case SimCommand::Form::kSet:
      return "set";
  }
  return "Form(?)";
}

}  // namespace uclink::sim
