#include "sim/services/params.h"

#include <charconv>

namespace uclink::sim::services {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::size_t SkipSpaces(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// The last field: quoted when it starts and ends with a quote (after trimming spaces outside).
Param RestOfLine(std::string_view rest) {
  const std::string trimmed = Trim(rest);
  if (trimmed.size() >= 2 && trimmed.front() == '"' && trimmed.back() == '"') {
    return {trimmed.substr(1, trimmed.size() - 2), true};
  }
  return {std::string(rest.substr(SkipSpaces(rest, 0))), false};
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
    if (fields.size() + 1 == max_fields) {
      fields.push_back(RestOfLine(s.substr(i)));
      break;
    }
    if (i < s.size() && s[i] == '"') {
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) {
        fields.push_back({std::string(s.substr(i + 1)), true});
        break;
      }
      fields.push_back({std::string(s.substr(i + 1, close - i - 1)), true});
      i = SkipSpaces(s, close + 1);
      if (i >= s.size()) break;
      if (s[i] != ',') return std::nullopt;
      ++i;
      continue;
    }
    const std::size_t comma = s.find(',', i);
    fields.push_back(
        {Trim(s.substr(i, comma == std::string_view::npos ? s.npos : comma - i)), false});
    if (comma == std::string_view::npos) break;
    i = comma + 1;
  }
  return fields;
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
