#include "sim/services/params.h"

#include <algorithm>
#include <charconv>

namespace uclink::sim::services {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::size_t SkipSpaces(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

}  // namespace

std::optional<std::vector<Param>> SplitParams(std::string_view raw, std::size_t max_fields) {
  std::vector<Param> fields;
  const std::size_t eq = raw.find('=');
  if (eq == std::string_view::npos || max_fields == 0) return fields;
  const std::string_view s = raw.substr(eq + 1);
  std::size_t i = 0;
  while (fields.size() < max_fields) {
    i = SkipSpaces(s, i);
    if (i < s.size() && s[i] == '"') {
      // Manual §1.3.3: a quoted string ends at the next '"'; there is no escape.
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      fields.push_back({std::string(s.substr(i + 1, close - i - 1)), true});
      i = SkipSpaces(s, close + 1);
      if (i >= s.size()) break;
      if (s[i] != ',' || fields.size() == max_fields) return std::nullopt;
      ++i;
      continue;
    }
    if (fields.size() + 1 == max_fields) {
      fields.push_back({std::string(s.substr(i)), false});
      break;
    }
    const std::size_t comma = s.find(',', i);
    fields.push_back(
        {Trim(s.substr(i, comma == std::string_view::npos ? s.npos : comma - i)), false});
    if (comma == std::string_view::npos) break;
    i = comma + 1;
  }
  return fields;
}

std::optional<Counted> SplitCounted(std::string_view raw, long max_length) {
  const std::size_t eq = raw.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view s = raw.substr(eq + 1);
  const std::size_t comma = s.find(',');
  Counted counted;
  const auto length = ParseInt(s.substr(0, comma), 0, max_length);
  if (!length) return std::nullopt;
  counted.length = *length;
  if (comma != std::string_view::npos) {
    counted.data = std::string(s.substr(SkipSpaces(s, comma + 1)));
  }
  return counted;
}

std::optional<std::string> OneBareParam(std::string_view raw) {
  const auto p = SplitParams(raw, 1);
  if (!p || p->size() != 1) return std::nullopt;
  return Trim((*p)[0].text);
}

std::optional<long> OneInt(std::string_view raw, long lo, long hi) {
  const auto p = SplitParams(raw, 1);
  if (!p || p->size() != 1) return std::nullopt;
  return ParseInt((*p)[0].text, lo, hi);
}

std::optional<IpsendArgs> ParseIpsend(std::string_view raw) {
  const auto p = SplitParams(raw, 2);
  if (!p || p->size() != 2) return std::nullopt;
  IpsendArgs args{(*p)[0].text, std::nullopt, std::nullopt};
  const Param& rest = (*p)[1];
  if (rest.quoted) {
    args.data = rest.text;
    return args;
  }
  const auto parts = SplitParams("=" + rest.text, 2);
  if (!parts || parts->empty()) return std::nullopt;
  args.length = ParseInt((*parts)[0].text, 0, 1 << 20);
  if (!args.length) return std::nullopt;
  if (parts->size() == 2) args.data = (*parts)[1].text;
  return args;
}

std::optional<MqttpubArgs> ParseMqttpub(std::string_view raw) {
  const auto p = SplitParams(raw, 4);
  if (!p || p->size() != 4) return std::nullopt;
  return MqttpubArgs{(*p)[0].text, (*p)[1].text, (*p)[2].text, (*p)[3].text};
}

std::vector<std::string> UserHeaders(std::string_view value) {
  std::vector<std::string> headers;
  const std::string lines = UnescapeLineEnds(value);
  std::size_t start = 0;
  while (start <= lines.size()) {
    const std::size_t end = std::min(lines.find('\n', start), lines.size());
    std::string line = lines.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) headers.push_back(std::move(line));
    start = end + 1;
  }
  return headers;
}

bool FitsQuoted(std::string_view text) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || b < 0x20 || b == 0x7f) return false;
  }
  return true;
}

std::optional<long> ParseInt(std::string_view text, long lo, long hi) {
  const std::string t = Trim(text);
  long value = 0;
  const char* end = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (t.empty() || ec != std::errc() || ptr != end || value < lo || value > hi) {
    return std::nullopt;
  }
  return value;
}

std::string Trim(std::string_view text) {
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && IsSpace(text[b])) ++b;
  while (e > b && IsSpace(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string UnescapeLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'r' || text[i + 1] == 'n')) {
      out.push_back(text[i + 1] == 'r' ? '\r' : '\n');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace uclink::sim::services
