#include "chat/at_args.h"

#include <charconv>

#include "chat/ascii.h"

namespace uclink::chat {
namespace {

using ascii::IsSpace;
using ascii::Lower;
using ascii::Trim;

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

class CommandCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.chat.command"; }
  std::string message(int ev) const override {
    return std::string(ToString(static_cast<CommandErrc>(ev)));
  }
};

// Finds the end of a quoted string that starts at s[pos] == '"': the next '"' (manual §1.3.3
// defines no escape inside quotes). Returns its index or npos.
std::size_t FindClosingQuote(std::string_view s, std::size_t pos) { return s.find('"', pos + 1); }

// Finds the ')' matching the '(' at s[pos], skipping quoted text. npos if unbalanced.
std::size_t FindClosingParen(std::string_view s, std::size_t pos) {
  int depth = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    if (s[i] == '"') {
      i = FindClosingQuote(s, i);
      if (i == std::string_view::npos) return i;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

// Reads one parameter starting at `pos` (spaces skipped). On success sets *next to the index of
// the ',' that follows or s.size().
Result<AtArg> ReadArg(std::string_view s, std::size_t pos, std::size_t* next) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  AtArg arg;
  std::size_t after = pos;
  if (pos < s.size() && s[pos] == '"') {
    std::size_t close = FindClosingQuote(s, pos);
    if (close == std::string_view::npos) {
      return MakeError(CommandErrc::kMalformed, "unterminated quoted string");
    }
    arg = {ArgKind::kQuoted, s.substr(pos + 1, close - pos - 1)};
    after = close + 1;
  } else if (pos < s.size() && s[pos] == '(') {
    std::size_t close = FindClosingParen(s, pos);
    if (close == std::string_view::npos) {
      return MakeError(CommandErrc::kMalformed, "unbalanced parenthesis");
    }
    arg = {ArgKind::kList, Trim(s.substr(pos + 1, close - pos - 1))};
    after = close + 1;
  } else {
    std::size_t comma = s.find(',', pos);
    if (comma == std::string_view::npos) comma = s.size();
    std::string_view text = Trim(s.substr(pos, comma - pos));
    if (text.find_first_of("\"()") != std::string_view::npos) {
      return MakeError(CommandErrc::kMalformed, "quote or parenthesis inside a bare parameter");
    }
    *next = comma;
    return AtArg{ArgKind::kBare, text};
  }
  while (after < s.size() && IsSpace(s[after])) ++after;
  if (after < s.size() && s[after] != ',') {
    return MakeError(CommandErrc::kMalformed, "text after a closing quote or parenthesis");
  }
  *next = after;
  return arg;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string Detail(std::string_view what, std::string_view problem) {
  std::string d(what);
  d += ": ";
  d += problem;
  return d;
}

}  // namespace

std::string_view ToString(CommandErrc errc) {
  switch (errc) {
    case CommandErrc::kWrongPrefix:
      return "wrong_prefix";
    case CommandErrc::kMissingField:
      return "missing_field";
    case CommandErrc::kTooManyFields:
      return "too_many_fields";
    case CommandErrc::kBadNumber:
      return "bad_number";
    case CommandErrc::kOutOfRange:
      return "out_of_range";
    case CommandErrc::kMalformed:
      return "malformed";
    case CommandErrc::kIncomplete:
      return "incomplete";
    case CommandErrc::kTooLong:
      return "too_long";
    case CommandErrc::kInvalidCharacter:
      return "invalid_character";
    case CommandErrc::kEmpty:
      return "empty";
    case CommandErrc::kUnsupportedForm:
      return "unsupported_form";
  }
  return "unknown";
}

const std::error_category& CommandCategory() {
  static const CommandCategoryImpl kCategory;
  return kCategory;
}

std::error_code make_error_code(CommandErrc errc) {
  return {static_cast<int>(errc), CommandCategory()};
}

CommandError MakeError(CommandErrc code, std::string detail) {
  return CommandError{code, std::move(detail)};
}

std::string_view ToString(ArgKind kind) {
  switch (kind) {
    case ArgKind::kBare:
      return "bare";
    case ArgKind::kQuoted:
      return "quoted";
    case ArgKind::kList:
      return "list";
  }
  return "unknown";
}

Result<std::vector<AtArg>> SplitArgs(std::string_view params) {
  std::vector<AtArg> args;
  if (Trim(params).empty()) return args;
  std::size_t pos = 0;
  while (true) {
    if (args.size() == kMaxArgs) {
      return MakeError(CommandErrc::kTooManyFields, "more than 32 parameters");
    }
    std::size_t next = 0;
    auto arg = ReadArg(params, pos, &next);
    if (!arg) return arg.error();
    args.push_back(*arg);
    if (next >= params.size()) break;
    pos = next + 1;  // skip the comma; a trailing comma yields one empty parameter
  }
  return args;
}

std::optional<InfoParts> SplitInfoLine(std::string_view line) {
  line = Trim(line);
  if (line.empty() || line.front() != '+') return std::nullopt;
  std::size_t pos = 1;
  while (pos < line.size() && IsSpace(line[pos])) ++pos;
  std::size_t start = pos;
  while (pos < line.size() && IsNameChar(line[pos])) ++pos;
  if (pos == start) return std::nullopt;
  InfoParts parts{line.substr(start, pos - start), {}};
  while (pos < line.size() && IsSpace(line[pos])) ++pos;
  if (pos == line.size()) return parts;
  if (line[pos] != ':' && line[pos] != '=') return std::nullopt;
  parts.params = Trim(line.substr(pos + 1));
  return parts;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

namespace {

bool NameMatches(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

std::string ExpectedNames(std::initializer_list<std::string_view> names) {
  std::string s = "expected +";
  s += names.size() > 0 ? *names.begin() : std::string_view("?");
  return s;
}

// True if `partial` ("+IPR", "+ IPRECV ") may still grow into "+<one of names>:".
bool CouldBeName(std::string_view partial, std::initializer_list<std::string_view> names) {
  partial = Trim(partial);
  if (partial.empty()) return true;
  if (partial.front() != '+') return false;
  partial.remove_prefix(1);
  partial = Trim(partial);
  for (std::string_view n : names) {
    if (partial.size() <= n.size() && EqualsIgnoreCase(partial, n.substr(0, partial.size()))) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::vector<AtArg>> ParseInfo(std::string_view line,
                                     std::initializer_list<std::string_view> names,
                                     std::size_t min_args, std::size_t max_args) {
  auto parts = SplitInfoLine(line);
  if (!parts || !NameMatches(parts->name, names)) {
    return MakeError(CommandErrc::kWrongPrefix, ExpectedNames(names));
  }
  auto args = SplitArgs(parts->params);
  if (!args) return args;
  if (args->size() < min_args) {
    return MakeError(CommandErrc::kMissingField, "fewer parameters than the response has");
  }
  if (args->size() > max_args) {
    return MakeError(CommandErrc::kTooManyFields, "more parameters than the response has");
  }
  return args;
}

Result<std::int64_t> ParseInt(const AtArg& arg, std::int64_t min, std::int64_t max,
                              std::string_view what) {
  if (arg.kind == ArgKind::kList) return MakeError(CommandErrc::kBadNumber, Detail(what, "a list"));
  std::string_view t = Trim(arg.text);
  if (t.empty()) return MakeError(CommandErrc::kMissingField, Detail(what, "empty"));
  if (t.front() == '+') t.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return MakeError(CommandErrc::kOutOfRange, Detail(what, "too large"));
  }
  if (ec != std::errc() || end != t.data() + t.size()) {
    return MakeError(CommandErrc::kBadNumber, Detail(what, "not a decimal number"));
  }
  if (v < min || v > max) {
    return MakeError(CommandErrc::kOutOfRange,
                     Detail(what, "outside " + std::to_string(min) + ".." + std::to_string(max)));
  }
  return v;
}

Result<std::optional<std::int64_t>> ParseOptionalInt(const AtArg& arg, std::int64_t min,
                                                     std::int64_t max, std::string_view what) {
  if (arg.kind != ArgKind::kList && Trim(arg.text).empty()) {
    return std::optional<std::int64_t>();
  }
  auto v = ParseInt(arg, min, max, what);
  if (!v) return v.error();
  return std::optional<std::int64_t>(*v);
}

Result<std::optional<std::uint32_t>> ParseCellCode(const AtArg& arg, std::uint32_t max,
                                                   std::string_view what) {
  if (arg.kind == ArgKind::kList) return MakeError(CommandErrc::kBadNumber, Detail(what, "a list"));
  std::string_view t = Trim(arg.text);
  if (t.empty()) return std::optional<std::uint32_t>();
  bool hex = arg.kind == ArgKind::kQuoted || !AllDigits(t);
  if (hex && t.size() > 2 && t[0] == '0' && Lower(t[1]) == 'x') t.remove_prefix(2);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, hex ? 16 : 10);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && v > max)) {
    return MakeError(CommandErrc::kOutOfRange, Detail(what, "too large"));
  }
  if (ec != std::errc() || end != t.data() + t.size()) {
    return MakeError(CommandErrc::kBadNumber, Detail(what, "not a number"));
  }
  return std::optional<std::uint32_t>(static_cast<std::uint32_t>(v));
}

Result<std::vector<IntRange>> ParseRangeList(std::string_view text, std::string_view what) {
  std::vector<IntRange> ranges;
  text = Trim(text);
  if (text.empty()) return ranges;
  while (true) {
    if (ranges.size() == kMaxArgs) {
      return MakeError(CommandErrc::kTooManyFields, Detail(what, "too many ranges"));
    }
    std::size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    std::size_t dash = item.find('-', 1);
    AtArg lo{ArgKind::kBare, Trim(item.substr(0, dash))};
    auto first = ParseInt(lo, INT32_MIN, INT32_MAX, what);
    if (!first) return first.error();
    std::int64_t last = *first;
    if (dash != std::string_view::npos) {
      auto hi = ParseInt({ArgKind::kBare, Trim(item.substr(dash + 1))}, INT32_MIN, INT32_MAX, what);
      if (!hi) return hi.error();
      last = *hi;
    }
    if (last < *first) return MakeError(CommandErrc::kMalformed, Detail(what, "range ends first"));
    ranges.push_back({*first, last});
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return ranges;
}

bool SupportedParam::Allows(std::int64_t v) const {
  for (const IntRange& r : ranges) {
    if (r.Contains(v)) return true;
  }
  return false;
}

bool SupportedParam::Allows(std::string_view word) const {
  for (const std::string& w : words) {
    if (EqualsIgnoreCase(w, word)) return true;
  }
  return false;
}

namespace {

// A list such as ("IP") or (TCP/UDP) that holds no numbers becomes words.
void AddWords(std::string_view text, SupportedParam* param) {
  auto inner = SplitArgs(text);
  if (!inner) {
    param->words.emplace_back(Trim(text));
    return;
  }
  for (const AtArg& a : *inner) {
    if (!a.empty()) param->words.emplace_back(Trim(a.text));
  }
}

}  // namespace

Result<Supported> DecodeSupported(std::string_view line,
                                  std::initializer_list<std::string_view> names) {
  auto args = ParseInfo(line, names, 0, kMaxArgs);
  if (!args) return args.error();
  Supported supported;
  for (const AtArg& arg : *args) {
    SupportedParam param;
    if (arg.kind == ArgKind::kQuoted) {
      param.words.emplace_back(arg.text);
    } else if (!arg.empty()) {
      auto ranges = ParseRangeList(arg.text, "supported values");
      if (ranges) {
        param.ranges = std::move(*ranges);
      } else {
        AddWords(arg.text, &param);
      }
    }
    supported.params.push_back(std::move(param));
  }
  return supported;
}

Result<std::vector<AtArg>> ScanHeaderFields(std::string_view bytes,
                                            std::initializer_list<std::string_view> names,
                                            std::size_t fields, bool line_complete,
                                            std::size_t* end) {
  auto incomplete = [&](std::string_view what) -> CommandError {
    if (line_complete) return MakeError(CommandErrc::kMissingField, std::string(what));
    return MakeError(CommandErrc::kIncomplete, std::string(what));
  };
  std::size_t sep = bytes.find_first_of(":=");
  if (sep == std::string_view::npos) {
    if (!line_complete && CouldBeName(bytes, names)) return incomplete("name");
    return MakeError(CommandErrc::kWrongPrefix, ExpectedNames(names));
  }
  auto parts = SplitInfoLine(bytes.substr(0, sep + 1));
  if (!parts || !NameMatches(parts->name, names) || !parts->params.empty()) {
    return MakeError(CommandErrc::kWrongPrefix, ExpectedNames(names));
  }
  std::vector<AtArg> args;
  std::size_t pos = sep + 1;
  for (std::size_t i = 0; i < fields; ++i) {
    while (pos < bytes.size() && IsSpace(bytes[pos])) ++pos;
    if (pos < bytes.size() && bytes[pos] == '"') {
      std::size_t close = FindClosingQuote(bytes, pos);
      if (close == std::string_view::npos) return incomplete("quoted header field");
      args.push_back({ArgKind::kQuoted, bytes.substr(pos + 1, close - pos - 1)});
      pos = close + 1;
      while (pos < bytes.size() && IsSpace(bytes[pos])) ++pos;
      if (pos == bytes.size()) return incomplete("comma after header field");
      if (bytes[pos] != ',') return MakeError(CommandErrc::kMalformed, "text after a quote");
    } else {
      std::size_t comma = bytes.find(',', pos);
      if (comma == std::string_view::npos) return incomplete("header field");
      args.push_back({ArgKind::kBare, Trim(bytes.substr(pos, comma - pos))});
      pos = comma;
    }
    ++pos;  // the comma
  }
  *end = pos;
  return args;
}

Result<PayloadHeader> LocateInlinePayload(std::string_view bytes, std::size_t end,
                                          std::size_t length, bool line_complete, bool quotable) {
  std::size_t pos = end;
  while (pos < bytes.size() && IsSpace(bytes[pos])) ++pos;
  if (pos == bytes.size()) {
    if (!line_complete) return MakeError(CommandErrc::kIncomplete, "payload start");
    if (length == 0) return PayloadHeader{0, pos, false, {}};
    return PayloadHeader{length, bytes.size(), true, {}};
  }
  if (quotable && bytes[pos] == '"') return PayloadHeader{length, pos + 1, false, "\""};
  return PayloadHeader{length, pos, false, {}};
}

Result<std::size_t> ParseLength(const AtArg& arg, std::size_t max, std::string_view what) {
  auto v = ParseInt(arg, 0, static_cast<std::int64_t>(max), what);
  if (!v) return v.error();
  return static_cast<std::size_t>(*v);
}

std::optional<Uncarriable> FindUncarriable(std::string_view value, TextStyle style,
                                           const TextRule& rule) {
  const bool unquoted_edges = style == TextStyle::kBare || style == TextStyle::kRest ||
                              (style == TextStyle::kQuoted && rule.padded);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    auto at = [&](std::string_view why) { return Uncarriable{i, c, why}; };
    if (c == '\r' || c == '\n') return at("a line end ends the command line, manual §1.3.1");
    if (c == 0) return at("NUL is not text");
    if (c < 0x20 || c == 0x7f) return at("a control byte is not text");
    if (c >= 0x80 && !rule.eight_bit) return at("not ASCII");
    if (c == '"' && style == TextStyle::kQuoted) {
      return at("'\"' ends a quoted parameter and the manual defines no escape, §1.3.3");
    }
    if (style == TextStyle::kBare) {
      if (c == '?' && value.size() == 1) return at("`AT+<cmd>=?` is the test command, §1.3.2");
      if (c == ',') return at("',' ends a bare parameter");
      if (c == '"') return at("'\"' belongs to quoted parameters, §1.3.3");
    }
    if (c == '"' && i == 0 && style == TextStyle::kRest) {
      return at("a value that begins with '\"' reads as a quoted string, §1.3.3");
    }
    if (c == ' ' && i == 0 && style == TextStyle::kCounted) {
      return at(
          "the manual writes a space between the comma and the data (§2.43 "
          "`AT+FTPPUT=5, 12345`), so a leading space is not data");
    }
    if (c == ' ' && unquoted_edges && (i == 0 || i + 1 == value.size())) {
      return at("spaces around a parameter are padding, not value (§2.22.2, §2.30.2)");
    }
    if (rule.refused.find(static_cast<char>(c)) != std::string_view::npos) {
      return at(rule.refused_why);
    }
  }
  return std::nullopt;
}

std::string DescribeByte(const Uncarriable& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "byte 0x";
  text += kHex[u.byte >> 4];
  text += kHex[u.byte & 0xf];
  text += " at offset " + std::to_string(u.offset);
  return text;
}

std::optional<CommandError> CheckText(std::string_view value, TextStyle style,
                                      const TextRule& rule) {
  std::string where = std::string(rule.what);
  if (!rule.section.empty()) where += " (UC8088 manual " + std::string(rule.section) + ")";
  if (value.empty() && !rule.allow_empty) {
    return MakeError(CommandErrc::kEmpty, where + " is empty");
  }
  if (rule.max != 0 && value.size() > rule.max) {
    return MakeError(CommandErrc::kTooLong,
                     where + " is longer than " + std::to_string(rule.max) + " bytes");
  }
  if (auto u = FindUncarriable(value, style, rule)) {
    return MakeError(
        CommandErrc::kInvalidCharacter,
        where + ": " + DescribeByte(*u) + " cannot travel inside it (" + std::string(u->why) + ")");
  }
  return std::nullopt;
}

std::optional<CommandError> CheckRange(std::int64_t value, std::int64_t min, std::int64_t max,
                                       std::string_view what, std::string_view section) {
  if (value >= min && value <= max) return std::nullopt;
  std::string d(what);
  d += " must be " + std::to_string(min) + ".." + std::to_string(max);
  if (!section.empty()) d += " (UC8088 manual " + std::string(section) + ")";
  return MakeError(CommandErrc::kOutOfRange, std::move(d));
}

CommandText::CommandText(std::string_view name) : text_("AT") { text_ += name; }

void CommandText::Separator() {
  text_ += first_ ? '=' : ',';
  first_ = false;
}

CommandText& CommandText::Int(std::int64_t v) {
  Separator();
  text_ += std::to_string(v);
  return *this;
}

CommandText& CommandText::Quoted(std::string_view v) {
  Separator();
  text_ += '"';
  text_ += v;
  text_ += '"';
  return *this;
}

CommandText& CommandText::Bare(std::string_view v) {
  Separator();
  text_ += v;
  return *this;
}

CommandText& CommandText::Empty() {
  Separator();
  return *this;
}

std::string TestForm(std::string_view name) { return "AT" + std::string(name) + "=?"; }
std::string ReadForm(std::string_view name) { return "AT" + std::string(name) + "?"; }
std::string ExecForm(std::string_view name) { return "AT" + std::string(name); }

}  // namespace uclink::chat
