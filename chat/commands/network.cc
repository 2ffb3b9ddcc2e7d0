#include "chat/commands/network.h"

namespace uclink::chat {
namespace {

// E-GSM900 880–960 MHz, DCS1800 1710–1880 MHz, PCS1900 1850–1990 MHz (uplink and downlink;
// manual §2.8 names the three bands, its example locks the E-GSM downlink 935.4 MHz).
bool InLockableBand(std::uint32_t hz) {
  return (hz >= 880'000'000u && hz <= 960'000'000u) ||
         (hz >= 1'710'000'000u && hz <= 1'990'000'000u);
}

}  // namespace

Result<std::string> EncodeCfun(int fun, std::optional<int> rst) {
  if (auto e = CheckRange(fun, 0, 1, "<fun>", "§2.1")) return *e;
  CommandText cmd("+CFUN");
  cmd.Int(fun);
  if (rst) {
    if (auto e = CheckRange(*rst, 0, 1, "<rst>", "§2.1")) return *e;
    cmd.Int(*rst);
  }
  return cmd.Take();
}

Result<CfunState> DecodeCfun(std::string_view line) {
  auto args = ParseInfo(line, {"CFUN"}, 1, 2);
  if (!args) return args.error();
  auto fun = ParseInt((*args)[0], 0, 127, "<fun>");
  if (!fun) return fun.error();
  CfunState state{static_cast<int>(*fun), std::nullopt};
  if (args->size() == 2) {
    auto rst = ParseOptionalInt((*args)[1], 0, 1, "<rst>");
    if (!rst) return rst.error();
    if (*rst) state.rst = static_cast<int>(**rst);
  }
  return state;
}

Result<std::string> EncodeCmee(int n) {
  if (auto e = CheckRange(n, 0, 2, "<n>", "§2.7")) return *e;
  return CommandText("+CMEE").Int(n).Take();
}

Result<int> DecodeCmee(std::string_view line) {
  auto args = ParseInfo(line, {"CMEE"}, 1, 1);
  if (!args) return args.error();
  auto n = ParseInt((*args)[0], 0, 2, "<n>");
  if (!n) return n.error();
  return static_cast<int>(*n);
}

Result<std::string> EncodeCelllock(int state, std::uint32_t freq_hz) {
  if (auto e = CheckRange(state, 0, 1, "<state>", "§2.8")) return *e;
  if (state == 1 && !InLockableBand(freq_hz)) {
    return MakeError(CommandErrc::kOutOfRange,
                     "<freq> must lie in E-GSM900, DCS1800 or PCS1900 (UC8088 manual §2.8)");
  }
  return CommandText("+CELLLOCK").Int(state).Int(freq_hz).Take();
}

Result<CellLock> DecodeCelllock(std::string_view line) {
  // manual §2.8.4 prints the read answer once as "+CGATT: 1, 935400000"; AT+CGATT? has a single
  // field, so two fields under that name can only be this answer.
  auto args = ParseInfo(line, {"CELLLOCK", "CGATT"}, 2, 2);
  if (!args) return args.error();
  auto state = ParseInt((*args)[0], 0, 1, "<state>");
  if (!state) return state.error();
  auto freq = ParseInt((*args)[1], 0, UINT32_MAX, "<freq>");
  if (!freq) return freq.error();
  return CellLock{*state == 1, static_cast<std::uint32_t>(*freq)};
}

std::string_view ToString(RegStatus status) {
  switch (status) {
    case RegStatus::kNotRegistered:
      return "not_registered";
    case RegStatus::kHome:
      return "home";
    case RegStatus::kSearching:
      return "searching";
    case RegStatus::kDenied:
      return "denied";
    case RegStatus::kUnknown:
      return "unknown";
    case RegStatus::kRoaming:
      return "roaming";
  }
  return "invalid";
}

bool IsRegistered(RegStatus status) {
  return status == RegStatus::kHome || status == RegStatus::kRoaming;
}

Result<std::string> EncodeCgreg(int n) {
  if (auto e = CheckRange(n, 0, 1, "<n>", "§2.15.1")) return *e;
  return CommandText("+CGREG").Int(n).Take();
}

namespace {

// One shape of +CGREG: with <n> first (read answer) or without (URC).
Result<Registration> DecodeCgregShape(const std::vector<AtArg>& args, bool with_n) {
  // Read answer: n, stat, lac, ci, AcT. URC: stat, lac, ci, AcT, RAC (docs/at-commands.md,
  // "Answers from other firmware: +CGREG").
  if (args.size() < (with_n ? 2u : 1u)) {
    return MakeError(CommandErrc::kMissingField, "<stat>");
  }
  Registration reg;
  std::size_t i = 0;
  if (with_n) {
    // 3GPP TS 27.007 §10.1.20 allows n up to 4; the UC8088 lists (0-1) but may echo more.
    auto n = ParseInt(args[i++], 0, 4, "<n>");
    if (!n) return n.error();
    reg.n = static_cast<int>(*n);
  }
  auto stat = ParseInt(args[i++], 0, 5, "<stat>");
  if (!stat) return stat.error();
  reg.status = static_cast<RegStatus>(*stat);
  if (i < args.size()) {
    if (args.size() < i + 2) return MakeError(CommandErrc::kMissingField, "<lac> without <ci>");
    auto lac = ParseCellCode(args[i++], 0xFFFF, "<lac>");
    if (!lac) return lac.error();
    auto ci = ParseCellCode(args[i++], 0x0FFFFFFF, "<ci>");
    if (!ci) return ci.error();
    reg.lac = *lac;
    reg.ci = *ci;
  }
  if (i < args.size()) {
    auto act = ParseOptionalInt(args[i++], 0, 13, "<AcT>");
    if (!act) return act.error();
    if (*act) reg.act = static_cast<int>(**act);
  }
  if (i < args.size() && with_n) {
    return MakeError(CommandErrc::kTooManyFields, "read answer with a field after <AcT>");
  }
  return reg;
}

}  // namespace

Result<Registration> DecodeCgreg(std::string_view line, bool query_in_flight) {
  auto args = ParseInfo(line, {"CGREG"}, 1, 5);
  if (!args) return args.error();
  // The expected shape first; if the line does not fit it, the other one (a URC can arrive while
  // AT+CGREG? is in flight, and some firmware puts <n> into URCs: Sony Ericsson MD400, Alcatel
  // X220D in docs/at-commands.md, "Answers from other firmware: +CGREG"). The
  // presence of `n` in the result says which shape matched.
  auto first = DecodeCgregShape(*args, query_in_flight);
  if (first) return first;
  auto second = DecodeCgregShape(*args, !query_in_flight);
  if (second) return second;
  return first;
}

std::optional<int> CsqToDbm(int csq) {
  if (csq < 0 || csq > 31) return std::nullopt;
  return -113 + 2 * csq;
}

Result<SignalQuality> DecodeCsq(std::string_view line) {
  auto args = ParseInfo(line, {"CSQ"}, 2, 2);
  if (!args) return args.error();
  auto rss = ParseInt((*args)[0], 0, 99, "<rss>");
  if (!rss) return rss.error();
  if (*rss > 31 && *rss != 99) {
    return MakeError(CommandErrc::kOutOfRange, "<rss>: not 0..31 or 99 (UC8088 manual §2.17)");
  }
  auto ber = ParseInt((*args)[1], 0, 99, "<ber>");
  if (!ber) return ber.error();
  if (*ber > 7 && *ber != 99) {
    return MakeError(CommandErrc::kOutOfRange, "<ber>: not 0..7 or 99 (UC8088 manual §2.17)");
  }
  SignalQuality q;
  q.csq = static_cast<int>(*rss);
  q.rssi_dbm = CsqToDbm(q.csq);
  if (*ber != 99) q.ber = static_cast<int>(*ber);
  return q;
}

Result<std::string> EncodeCops(int mode, std::optional<int> format, std::string_view oper) {
  if (auto e = CheckRange(mode, 0, 4, "<mode>", "§2.18")) return *e;
  CommandText cmd("+COPS");
  cmd.Int(mode);
  bool needs_oper = mode == 1 || mode == 4;
  if ((needs_oper || mode == 3) && !format) {
    return MakeError(CommandErrc::kMissingField, "<format> is required for modes 1, 3 and 4");
  }
  if (format) {
    if (auto e = CheckRange(*format, 0, 2, "<format>", "§2.18")) return *e;
    cmd.Int(*format);
  }
  if (needs_oper || !oper.empty()) {
    if (!format) return MakeError(CommandErrc::kMissingField, "<oper> needs <format>");
    // Long alphanumeric names are at most 16 characters (3GPP TS 24.008 network name); 32 leaves
    // room for UCS2-free variants.
    if (auto e = CheckText(oper, TextStyle::kQuoted, {"<oper>", 32, "§2.18", false})) return *e;
    cmd.Quoted(oper);
  }
  return cmd.Take();
}

Result<OperatorSelection> DecodeCops(std::string_view line) {
  auto args = ParseInfo(line, {"COPS"}, 1, 4);
  if (!args) return args.error();
  if ((*args)[0].kind == ArgKind::kList) {
    return MakeError(CommandErrc::kMalformed, "an operator list, not the read answer");
  }
  auto mode = ParseInt((*args)[0], 0, 4, "<mode>");
  if (!mode) return mode.error();
  OperatorSelection sel;
  sel.mode = static_cast<int>(*mode);
  if (args->size() >= 2) {
    auto format = ParseOptionalInt((*args)[1], 0, 2, "<format>");
    if (!format) return format.error();
    if (*format) sel.format = static_cast<int>(**format);
  }
  if (args->size() >= 3) {
    if ((*args)[2].kind == ArgKind::kList) return MakeError(CommandErrc::kMalformed, "<oper>");
    sel.oper = std::string((*args)[2].text);
  }
  if (args->size() == 4) {
    auto act = ParseOptionalInt((*args)[3], 0, 13, "<AcT>");
    if (!act) return act.error();
    if (*act) sel.act = static_cast<int>(**act);
  }
  return sel;
}

std::string_view ToString(OperatorStatus status) {
  switch (status) {
    case OperatorStatus::kUnknown:
      return "unknown";
    case OperatorStatus::kAvailable:
      return "available";
    case OperatorStatus::kCurrent:
      return "current";
    case OperatorStatus::kForbidden:
      return "forbidden";
  }
  return "invalid";
}

namespace {

// Index of the ')' closing the '(' at text[pos], skipping quoted text; npos if none.
std::size_t GroupEnd(std::string_view text, std::size_t pos) {
  bool quoted = false;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (!quoted && text[i] == '(') return std::string_view::npos;  // nested: not an entry
    if (!quoted && text[i] == ')') return i;
  }
  return std::string_view::npos;
}

std::optional<OperatorEntry> ParseOperatorGroup(std::string_view inner) {
  auto args = SplitArgs(inner);
  if (!args || args->size() < 4 || args->size() > 5) return std::nullopt;
  auto stat = ParseInt((*args)[0], 0, 3, "<stat>");
  std::string_view numeric = (*args)[3].text;
  if (!stat || numeric.size() < 5) return std::nullopt;
  for (char c : numeric) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  OperatorEntry entry{static_cast<OperatorStatus>(*stat), std::string((*args)[1].text),
                      std::string((*args)[2].text), std::string(numeric), std::nullopt};
  if (args->size() == 5) {
    auto act = ParseOptionalInt((*args)[4], 0, 13, "<AcT>");
    if (!act) return std::nullopt;
    if (*act) entry.act = static_cast<int>(**act);
  }
  return entry;
}

}  // namespace

Result<std::vector<OperatorEntry>> DecodeCopsList(std::string_view line) {
  std::string_view body = line;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
  if (body.empty() || body.front() != '(') {
    auto parts = SplitInfoLine(line);
    if (!parts || !EqualsIgnoreCase(parts->name, "COPS")) {
      return MakeError(CommandErrc::kWrongPrefix, "expected +COPS");
    }
    body = parts->params;
    if (!body.empty() && body.front() != '(') {
      return MakeError(CommandErrc::kMalformed, "the read answer, not an operator list");
    }
  }
  std::vector<OperatorEntry> entries;
  std::size_t pos = 0;
  while ((pos = body.find('(', pos)) != std::string_view::npos) {
    std::size_t end = GroupEnd(body, pos);
    if (end == std::string_view::npos) {
      ++pos;
      continue;
    }
    if (auto entry = ParseOperatorGroup(body.substr(pos + 1, end - pos - 1))) {
      if (entries.size() == kMaxArgs) {
        return MakeError(CommandErrc::kTooManyFields, "more than 32 operators");
      }
      entries.push_back(std::move(*entry));
    }
    pos = end + 1;
  }
  return entries;
}

Result<std::string> EncodeLpm(int mode, int control) {
  if (auto e = CheckRange(mode, 0, 1, "<mode>", "§2.19")) return *e;
  if (auto e = CheckRange(control, 0, 1, "<control>", "§2.19")) return *e;
  return CommandText("+LPM").Int(mode).Int(control).Take();
}

Result<LowPower> DecodeLpm(std::string_view line) {
  auto args = ParseInfo(line, {"LPM"}, 2, 2);
  if (!args) return args.error();
  auto mode = ParseInt((*args)[0], 0, 1, "<mode>");
  if (!mode) return mode.error();
  auto control = ParseInt((*args)[1], 0, 1, "<control>");
  if (!control) return control.error();
  return LowPower{static_cast<int>(*mode), static_cast<int>(*control)};
}

}  // namespace uclink::chat
