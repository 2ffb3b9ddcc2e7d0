// ASCII text helpers for AT lines. The manual's commands, finals and URCs are ASCII (manual
// §1.3); case-insensitive comparison and case folding here never depend on the C locale, and
// never on whether `char` is signed (it is unsigned on ARM).
#pragma once

#include <string>
#include <string_view>

namespace uclink::chat::ascii {

constexpr bool IsSpace(char c) { return c == ' ' || c == '\t'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr char Upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

/// Without leading and trailing spaces and tabs (the "odd spacing" modules print).
constexpr std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}
constexpr std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

/// Whether `a` and `b` are equal ignoring ASCII case ("ok" equals "OK").
constexpr bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Upper(a[i]) != Upper(b[i])) return false;
  }
  return true;
}
constexpr bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsNoCase(s.substr(0, prefix.size()), prefix);
}

/// `text` with ASCII letters upper-cased.
inline std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = Upper(c);
  return out;
}

}  // namespace uclink::chat::ascii
