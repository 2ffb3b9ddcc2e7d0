#include "chat/commands/identity.h"

#include <initializer_list>

namespace uclink::chat {
namespace {

// Strips an optional "+NAME:" prefix and surrounding quotes, then checks the text is printable.
Result<std::string> FreeText(std::string_view line, std::string_view name) {
  std::string_view text = line;
  if (auto parts = SplitInfoLine(line)) {
    if (!EqualsIgnoreCase(parts->name, name)) {
      return MakeError(CommandErrc::kWrongPrefix, "expected +" + std::string(name) + " or text");
    }
    text = parts->params;
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty()) return MakeError(CommandErrc::kEmpty, std::string(name) + " is empty");
  if (text.size() > kMaxIdentityText) {
    return MakeError(CommandErrc::kTooLong, std::string(name) + " is longer than 128 bytes");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return MakeError(CommandErrc::kInvalidCharacter, std::string(name) + " holds a control byte");
    }
  }
  return std::string(text);
}

Result<std::string> Digits(std::string_view line, std::string_view name, std::size_t min,
                           std::size_t max) {
  auto text = FreeText(line, name);
  if (!text) return text;
  if (text->size() < min || text->size() > max) {
    return MakeError(CommandErrc::kOutOfRange, std::string(name) + " has a wrong digit count");
  }
  for (char c : *text) {
    if (c < '0' || c > '9') {
      return MakeError(CommandErrc::kBadNumber, std::string(name) + " holds a non-digit");
    }
  }
  return text;
}

}  // namespace

Result<std::string> DecodeCgmi(std::string_view line) { return FreeText(line, "CGMI"); }

Result<std::string> DecodeCgmm(std::string_view line) { return FreeText(line, "CGMM"); }

Result<Revision> DecodeCgmr(std::span<const std::string_view> lines) {
  Revision rev;
  if (lines.empty()) return MakeError(CommandErrc::kMissingField, "no revision line");
  for (std::string_view line : lines) {
    auto parts = SplitInfoLine(line);
    if (!parts) {
      if (lines.size() != 1) {
        return MakeError(CommandErrc::kMalformed, "free-form revision among several lines");
      }
      auto text = FreeText(line, "CGMR");
      if (!text) return text.error();
      rev.software = std::move(*text);
      continue;
    }
    std::string* field = nullptr;
    std::string_view name = parts->name;
    if (EqualsIgnoreCase(name, "SOFTV") || EqualsIgnoreCase(name, "CGMR")) field = &rev.software;
    if (EqualsIgnoreCase(name, "HARDV")) field = &rev.hardware;
    if (EqualsIgnoreCase(name, "MANUF")) field = &rev.manufacturer;
    if (field == nullptr) {
      return MakeError(CommandErrc::kWrongPrefix, "expected +SOFTV, +HARDV or +MANUF");
    }
    auto text = FreeText("+X:" + std::string(parts->params), "X");
    if (!text) return text.error();
    *field = std::move(*text);
  }
  if (rev.software.empty()) return MakeError(CommandErrc::kMissingField, "no +SOFTV line");
  return rev;
}

Result<std::string> DecodeCgsn(std::string_view line) { return Digits(line, "CGSN", 14, 17); }

Result<std::string> DecodeCimi(std::string_view line) { return Digits(line, "CIMI", 6, 15); }

}  // namespace uclink::chat
