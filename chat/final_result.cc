#include "chat/final_result.h"

#include <charconv>

#include "chat/ascii.h"

namespace uclink::chat {
namespace {

using ascii::EqualsNoCase;
using ascii::StartsWithNoCase;
using ascii::Trim;

// `+CME ERROR: 30`, `+CME ERROR:30`, `+CME ERROR: operation not allowed`.
FinalResult ErrorWithDetail(FinalKind kind, std::string_view rest) {
  FinalResult result{kind, std::nullopt, Trim(rest)};
  int value = 0;
  const std::string_view digits = result.text;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) {
    result.code = value;
    result.text = {};
  }
  return result;
}

}  // namespace

std::string_view ToString(FinalKind kind) {
  switch (kind) {
    case FinalKind::kOk:
      return "OK";
    case FinalKind::kError:
      return "ERROR";
    case FinalKind::kCmeError:
      return "+CME ERROR";
    case FinalKind::kExtError:
      return "+EXT ERROR";
    case FinalKind::kConnect:
      return "CONNECT";
    case FinalKind::kConnectOk:
      return "CONNECT OK";
    case FinalKind::kConnectFail:
      return "CONNECT FAIL";
    case FinalKind::kNoCarrier:
      return "NO CARRIER";
  }
  return "?";
}

std::optional<FinalResult> ClassifyFinal(std::string_view line) {
  line = Trim(line);
  if (line.size() < 2) return std::nullopt;
  switch (line.front()) {
    case 'O':
    case 'o':
      if (EqualsNoCase(line, "OK")) return FinalResult{FinalKind::kOk};
      return std::nullopt;
    case 'E':
    case 'e':
      if (EqualsNoCase(line, "ERROR")) return FinalResult{FinalKind::kError};
      return std::nullopt;
    case 'N':
    case 'n':
      if (EqualsNoCase(line, "NO CARRIER")) return FinalResult{FinalKind::kNoCarrier};
      return std::nullopt;
    case 'C':
    case 'c':
      if (EqualsNoCase(line, "CONNECT OK")) return FinalResult{FinalKind::kConnectOk};
      if (EqualsNoCase(line, "CONNECT FAIL")) return FinalResult{FinalKind::kConnectFail};
      if (EqualsNoCase(line, "CONNECT")) return FinalResult{FinalKind::kConnect};
      // V.250 §6.3.1: CONNECT may carry a speed or protocol (`CONNECT 115200`).
      if (StartsWithNoCase(line, "CONNECT ")) {
        return FinalResult{FinalKind::kConnect, std::nullopt, Trim(line.substr(8))};
      }
      return std::nullopt;
    case '+': {
      std::string_view rest = line.substr(1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const bool cme = StartsWithNoCase(rest, "CME ERROR");
      const bool ext = !cme && StartsWithNoCase(rest, "EXT ERROR");
      if (!cme && !ext) return std::nullopt;
      rest = Trim(rest.substr(9));
      if (rest.empty() || rest.front() != ':') return std::nullopt;
      return ErrorWithDetail(cme ? FinalKind::kCmeError : FinalKind::kExtError, rest.substr(1));
    }
    default:
      return std::nullopt;
  }
}

Errc ErrcFor(FinalKind kind) {
  switch (kind) {
    case FinalKind::kOk:
    case FinalKind::kConnect:
    case FinalKind::kConnectOk:
      return Errc::kOk;
    case FinalKind::kError:
      return Errc::kModuleError;
    case FinalKind::kCmeError:
      return Errc::kCmeError;
    case FinalKind::kExtError:
      return Errc::kExtError;
    case FinalKind::kConnectFail:
      return Errc::kConnectFail;
    case FinalKind::kNoCarrier:
      return Errc::kNoCarrier;
  }
  return Errc::kModuleError;
}

bool IsSuccess(FinalKind kind) { return ErrcFor(kind) == Errc::kOk; }

}  // namespace uclink::chat
