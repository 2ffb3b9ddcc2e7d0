// AT parameter lists: the one splitter, number parser and argument encoder that every typed
// command in chat/commands/ uses. Pure: standard library only, no I/O.
//
// UC8088 manual §1.3.3: parameters are integers, bare strings (abc) or quoted strings
// ("Hello, World!"), so a quoted string may hold commas. The manual's own examples add spaces
// around commas and after colons (`+CGACT: 1, 1` next to `+CGACT:1,1`), and test-command answers
// hold parenthesised lists (`(1-18, 31)`). Everything here accepts all of those shapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace uclink::chat {

// Errors of the command model (encoders and decoders). One list, one category:
// "uclink.chat.command".
enum class CommandErrc {
  kWrongPrefix = 1,   // the line is not a response of this command
  kMissingField,      // fewer parameters than the response or command requires
  kTooManyFields,     // more parameters than the response form allows
  kBadNumber,         // a numeric field holds something that is not a number
  kOutOfRange,        // a number outside the range the manual gives
  kMalformed,         // unbalanced quotes or parentheses, stray characters
  kIncomplete,        // a payload header has not fully arrived yet: feed more bytes
  kTooLong,           // a string longer than the manual's limit for it
  kInvalidCharacter,  // a character the command line cannot carry (CR, LF, NUL, ...)
  kEmpty,             // a required string is empty
  kUnsupportedForm,   // the command has no such form (e.g. there is no AT+CSQ?)
};

// Stable name of an error ("kOutOfRange" → "out_of_range").
std::string_view ToString(CommandErrc errc);

// The error category of CommandErrc.
const std::error_category& CommandCategory();

// Makes CommandErrc usable as a std::error_code.
std::error_code make_error_code(CommandErrc errc);

// One failure with a human-readable detail that names the field and, for limits, the manual.
struct CommandError {
  CommandErrc code;
  std::string detail;

  std::error_code error_code() const { return make_error_code(code); }
};

// Either a value or a CommandError. Reads like std::optional: `if (auto r = DecodeCsq(l)) r->...`.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(CommandError error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const CommandError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, CommandError> v_;
};

// Builds a CommandError.
CommandError MakeError(CommandErrc code, std::string detail);

// How a parameter was written.
enum class ArgKind {
  kBare,    // 123, abc, 0xb14, or nothing at all (an empty parameter)
  kQuoted,  // "text" — text is what lies between the quotes, escapes kept as written
  kList,    // (0-2), (1,"","","46000") — text is what lies between the parentheses
};

// Stable name of an ArgKind.
std::string_view ToString(ArgKind kind);

// One parameter: a view into the line it came from.
struct AtArg {
  ArgKind kind = ArgKind::kBare;
  std::string_view text;

  bool empty() const { return kind == ArgKind::kBare && text.empty(); }
};

// Upper bound on parameters in one line: no UC8088 response has more than 7 (MQTTCONFIG?).
inline constexpr std::size_t kMaxArgs = 32;

// Splits a parameter list at top-level commas. Spaces around parameters are dropped; commas inside
// quotes or parentheses do not split; a quoted string ends at the next '"' (UC8088 manual §1.3.3
// defines no escape inside quotes). Empty parameters (`2,,`) are kept as empty bare args; an empty
// list gives no args. Unbalanced quotes/parentheses or text after a closing quote give kMalformed.
Result<std::vector<AtArg>> SplitArgs(std::string_view params);

// A response line split into its command name and parameter text.
struct InfoParts {
  std::string_view name;    // letters and digits after '+', e.g. "CSQ" (case as received)
  std::string_view params;  // after ':' or '=', spaces trimmed at both ends; empty if neither
};

// Splits "+CSQ: 21,99". Accepts ':' or '=' as separator (`+IPSEND=3`, manual §2.25), a space
// after '+' (`+ CELLLOCK:`, §2.8.1), spaces before the separator (`+ FTPSCON :`, §2.41) and
// lower case (`+httpaction:0,192`, §2.49). Returns nullopt if the line does not start with '+'.
std::optional<InfoParts> SplitInfoLine(std::string_view line);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Splits `line`, checks that its name is one of `names` (without '+', e.g. {"CGACT"}) and that it
// has between min_args and max_args parameters.
Result<std::vector<AtArg>> ParseInfo(std::string_view line,
                                     std::initializer_list<std::string_view> names,
                                     std::size_t min_args, std::size_t max_args);

// Parses a decimal integer (optional sign, leading zeros allowed; quoted allowed) in [min, max].
// `what` names the field in the error detail.
Result<std::int64_t> ParseInt(const AtArg& arg, std::int64_t min, std::int64_t max,
                              std::string_view what);

// Like ParseInt, but an empty parameter gives nullopt.
Result<std::optional<std::int64_t>> ParseOptionalInt(const AtArg& arg, std::int64_t min,
                                                     std::int64_t max, std::string_view what);

// Parses a location/cell id (<lac>, <ci>). Quoted values and bare values holding a hex letter
// are hexadecimal (3GPP TS 27.007 §10.1.20); bare values of decimal digits only are decimal
// (UC8088 manual §2.15.3 prints `13122,32451`, and 0x13122 would not fit a 16-bit LAC).
// Empty gives nullopt.
Result<std::optional<std::uint32_t>> ParseCellCode(const AtArg& arg, std::uint32_t max,
                                                   std::string_view what);

// An inclusive range of integers in a test-command answer: `3` or `1-18`.
struct IntRange {
  std::int64_t first = 0;
  std::int64_t last = 0;

  bool Contains(std::int64_t v) const { return v >= first && v <= last; }
  friend bool operator==(const IntRange&, const IntRange&) = default;
};

// Parses `0-2`, `1-18, 31`, `0, 1`, ` 1 ` (the text of a list arg or a bare arg).
Result<std::vector<IntRange>> ParseRangeList(std::string_view text, std::string_view what);

// One parameter of a test-command answer: ranges of numbers and/or words ("IP", "PPP", "freq").
struct SupportedParam {
  std::vector<IntRange> ranges;
  std::vector<std::string> words;

  bool Allows(std::int64_t v) const;
  bool Allows(std::string_view word) const;  // case-insensitive
};

// A decoded test-command answer such as `+CFUN: (0, 1), (0)` or `+CGDATA: "PPP"`.
struct Supported {
  std::vector<SupportedParam> params;
};

// Decodes a test-command answer of a command named one of `names` (without '+').
Result<Supported> DecodeSupported(std::string_view line,
                                  std::initializer_list<std::string_view> names);

// The decoded header of a length-prefixed payload (+IPRECV, +FTPGET, +FTPLIST, +HTTPREAD,
// +MQTTSUB), with the same placement rules as AtTokenizer's PayloadRule: an inline payload starts
// at `offset` in the header's own line (spaces after the length's comma skipped, as in
// `+FTPGET:20, 1234...` of manual §2.43), then `trailer` (the closing quote of a quoted MQTT
// message) precedes the line end; a next-line payload starts after the header line's terminator
// and `offset` is the header line's size.
struct PayloadHeader {
  std::size_t length = 0;
  std::size_t offset = 0;
  bool next_line = false;
  std::string_view trailer;

  friend bool operator==(const PayloadHeader&, const PayloadHeader&) = default;
};

// Scans the first `fields` comma-terminated header fields of a partial line that may continue
// with payload bytes. `bytes` is the line so far without its terminator; `line_complete` says
// whether the terminator has been seen. Returns the fields and sets *end to the offset just
// after the comma that ends the last field. kIncomplete if more bytes are needed.
Result<std::vector<AtArg>> ScanHeaderFields(std::string_view bytes,
                                            std::initializer_list<std::string_view> names,
                                            std::size_t fields, bool line_complete,
                                            std::size_t* end);

// Largest payload a header may announce (matches AtTokenizer::kMaxPayload).
inline constexpr std::size_t kMaxPayloadLength = 1 << 20;

// Locates an inline payload whose header's last comma ends at `end` in `bytes`: spaces are
// skipped; with `quotable`, an opening '"' is skipped and the trailer is '"'. kIncomplete while
// the first payload byte is unknown. A line that ends right after the header puts a non-empty
// payload on the next line.
Result<PayloadHeader> LocateInlinePayload(std::string_view bytes, std::size_t end,
                                          std::size_t length, bool line_complete, bool quotable);

// Parses a payload length field in [0, max].
Result<std::size_t> ParseLength(const AtArg& arg, std::size_t max, std::string_view what);

// How a string parameter is written into a command line, which decides what it can carry.
// UC8088 manual §1.3.1: a command line ends at CR; §1.3.3: a string is bare (abc) or quoted
// ("Hello, World!") and the manual defines no escape inside the quotes. The manual's examples
// pad parameters with spaces (`AT+ FTPUN =xxx` §2.30.2, `AT+IPSEND="TCP", 3, "123"` §2.25.1,
// `AT+FTPPUT=5, 12345` §2.43), so spaces around an unquoted parameter are not part of it.
enum class TextStyle {
  kBare,    // written as is, ended by the next ',': no ',' or '"', no space at either end,
            // not "?" alone (`AT+FTPUN=?` is the test command, §1.3.2) (FTP names §2.29–§2.36)
  kQuoted,  // between '"' and the next '"': no '"' (MQTT strings §2.53–§2.58, IPSEND data)
  kRest,    // written as is to the end of the line, so commas are text (HTTPPARA's value,
            // §2.45): no space at either end, and no '"' first (it would read as a quoted string)
  kCounted,  // <len>,<data> to the end of the line (AT+FTPPUT §2.39, AT+HTTPDATA §2.46): the
             // length ends it; no space first (the manual writes one between comma and data)
};

// A length limit, where the manual sets it, and what else the parameter cannot carry.
struct TextRule {
  std::string_view what;     // "URL"
  std::size_t max = 0;       // in bytes, 0 = no limit
  std::string_view section;  // "§2.45"
  bool allow_empty = false;
  // Bytes >= 0x80 travel (UTF-8 text: names, topics, messages); false: printable ASCII only.
  bool eight_bit = true;
  // A quoted parameter the manual pads with spaces inside its quotes (`" TCP" , " 192.168.1.1"`,
  // §2.22.2): spaces at its ends are padding, not value.
  bool padded = false;
  // Further bytes this parameter cannot carry, and why (e.g. '\' in HTTP user data, §2.45).
  std::string_view refused = {};
  std::string_view refused_why = {};
};

// The first byte of a value that a parameter cannot carry, and why.
struct Uncarriable {
  std::size_t offset = 0;
  unsigned char byte = 0;
  std::string_view why;

  friend bool operator==(const Uncarriable&, const Uncarriable&) = default;
};

// The first byte of `value` (by offset) that a parameter written in `style` under `rule` cannot
// carry: CR and LF end the command line (§1.3.1); NUL, other control bytes and DEL are not text;
// bytes >= 0x80 unless rule.eight_bit; the style's delimiters and edge spaces (see TextStyle);
// rule.refused. nullopt when every byte travels as it is. Length is not checked here.
std::optional<Uncarriable> FindUncarriable(std::string_view value, TextStyle style,
                                           const TextRule& rule);

// "byte 0x22 at offset 3" for error messages.
std::string DescribeByte(const Uncarriable& u);

// Checks a string for a command line: not empty unless allowed, not longer than the rule allows,
// and every byte carried as it is (FindUncarriable). The detail names the field, the manual
// section, and for a byte its value, offset and reason. Never alters the value: the encoders
// write what passed this check verbatim.
std::optional<CommandError> CheckText(std::string_view value, TextStyle style,
                                      const TextRule& rule);

// Checks that `value` is in [min, max], naming the field and manual section in the error.
std::optional<CommandError> CheckRange(std::int64_t value, std::int64_t min, std::int64_t max,
                                       std::string_view what, std::string_view section);

// Builds "AT+NAME=a,b,..." one parameter at a time.
class CommandText {
 public:
  // `name` includes the '+', e.g. "+CFUN".
  explicit CommandText(std::string_view name);

  // Appends a decimal integer.
  CommandText& Int(std::int64_t v);
  // Appends "v" verbatim between quotes (check the text with CheckText first: a '"' in v would
  // end the parameter early, and the manual defines no escape for it, §1.3.3).
  CommandText& Quoted(std::string_view v);
  // Appends v as is.
  CommandText& Bare(std::string_view v);
  // Appends an omitted parameter: "AT+X=,1".
  CommandText& Empty();

  // The command without the final <CR> (the engine adds it).
  std::string Take() { return std::move(text_); }

 private:
  void Separator();

  std::string text_;
  bool first_ = true;
};

// "AT+NAME=?", "AT+NAME?", "AT+NAME" for a name such as "+CSQ".
std::string TestForm(std::string_view name);
std::string ReadForm(std::string_view name);
std::string ExecForm(std::string_view name);

}  // namespace uclink::chat

namespace std {
template <>
struct is_error_code_enum<uclink::chat::CommandErrc> : true_type {};
}  // namespace std
