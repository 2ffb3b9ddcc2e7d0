#include "control/inband/url.h"

#include <cstdio>

#include "control/inband/operation.h"

namespace uclink::control::inband {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// RFC 3986 §2.3.
bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
// RFC 3986 §2.2.
bool IsSubDelim(char c) {
  return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}

// The bytes a component may hold besides pct-encoded ones (RFC 3986 §3.2.1, §3.2.2, §3.3, §3.4).
enum class Part { kUserinfo, kRegName, kPath, kQuery };
bool Allowed(char c, Part part) {
  if (IsUnreserved(c) || IsSubDelim(c)) return true;
  switch (part) {
    case Part::kUserinfo:
      return c == ':';
    case Part::kRegName:
      return false;
    case Part::kPath:
      return c == ':' || c == '@' || c == '/';
    case Part::kQuery:
      return c == ':' || c == '@' || c == '/' || c == '?';
  }
  return false;
}

std::string Hex2(unsigned char c) {
  char buffer[4];
  std::snprintf(buffer, sizeof buffer, "%02X", c);
  return buffer;
}

ServiceError Invalid(std::string message) {
  return MakeError(Errc::kInvalidArgument, "URL: " + std::move(message));
}

// Checks text[begin, end) against `part`; an error names the first byte that is not allowed.
ServiceError CheckPart(std::string_view text, std::size_t begin, std::size_t end, Part part,
                       std::string_view name, std::size_t shift) {
  for (std::size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= end || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) {
        return Invalid("'%' at offset " + std::to_string(i - shift) +
                       " does not start a percent-encoding (RFC 3986 §2.1: '%' and two hex "
                       "digits; write a '%' itself as %25)");
      }
      i += 2;
      continue;
    }
    if (!Allowed(c, part)) {
      const auto byte = static_cast<unsigned char>(c);
      return Invalid("byte 0x" + Hex2(byte) + " at offset " + std::to_string(i - shift) +
                     " is not allowed in the " + std::string(name) +
                     " (RFC 3986 §2, §3); write it percent-encoded as %" + Hex2(byte));
    }
  }
  return {};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, std::size_t* offset) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) {
      if (offset != nullptr) *offset = i;
      return std::nullopt;
    }
    out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
    i += 2;
  }
  return out;
}

std::string PercentEncode(std::string_view bytes, std::string_view keep) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    if (IsUnreserved(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += Hex2(static_cast<unsigned char>(c));
    }
  }
  return out;
}

namespace {

// `shift` bytes were prepended to the user's text (CheckHttpUrl's "http://"): offsets in
// messages are the user's.
ServiceError ParseUrlShifted(std::string_view text, std::size_t shift, Url* url) {
  *url = Url{};
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (§3.1)
  std::size_t i = 0;
  while (i < text.size() && (IsAlpha(text[i]) || (i > 0 && (IsDigit(text[i]) || text[i] == '+' ||
                                                            text[i] == '-' || text[i] == '.')))) {
    ++i;
  }
  if (i == 0 || i >= text.size() || text[i] != ':') {
    return Invalid("no scheme (RFC 3986 §3.1: scheme \"://\" host ...)");
  }
  url->scheme = Lower(text.substr(0, i));
  if (text.substr(i, 3) != "://")
    return Invalid("expected \"//\" and a host after \"" + std::string(text.substr(0, i + 1)) +
                   "\"");
  const std::size_t authority_begin = i + 3;
  std::size_t authority_end = text.find_first_of("/?#", authority_begin);
  if (authority_end == std::string_view::npos) authority_end = text.size();
  // userinfo "@" (§3.2.1): '@' cannot appear in userinfo unencoded, so the first one ends it.
  std::size_t host_begin = authority_begin;
  const std::size_t at = text.find('@', authority_begin);
  if (at != std::string_view::npos && at < authority_end) {
    if (auto e = CheckPart(text, authority_begin, at, Part::kUserinfo, "userinfo", shift)) return e;
    const std::string_view userinfo = text.substr(authority_begin, at - authority_begin);
    const std::size_t colon = userinfo.find(':');
    url->user = *PercentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      url->password = *PercentDecode(userinfo.substr(colon + 1));
    }
    host_begin = at + 1;
  }
  // host [ ":" port ] (§3.2.2, §3.2.3)
  std::size_t host_end = authority_end;
  std::size_t port_begin = std::string_view::npos;
  if (host_begin < authority_end && text[host_begin] == '[') {
    const std::size_t close = text.find(']', host_begin);
    if (close == std::string_view::npos || close > authority_end) {
      return Invalid("unterminated IP literal (RFC 3986 §3.2.2)");
    }
    for (std::size_t k = host_begin + 1; k < close; ++k) {
      if (!IsHex(text[k]) && text[k] != ':' && text[k] != '.') {
        return Invalid("byte at offset " + std::to_string(k - shift) +
                       " is not allowed in an IP literal (RFC 3986 §3.2.2)");
      }
    }
    url->host = std::string(text.substr(host_begin + 1, close - host_begin - 1));
    host_end = close + 1;
    if (host_end < authority_end) {
      if (text[host_end] != ':') return Invalid("text after the IP literal's ']'");
      port_begin = host_end + 1;
    }
  } else {
    const std::size_t colon = text.find(':', host_begin);
    if (colon != std::string_view::npos && colon < authority_end) {
      host_end = colon;
      port_begin = colon + 1;
    }
    if (auto e = CheckPart(text, host_begin, host_end, Part::kRegName, "host", shift)) return e;
    url->host = *PercentDecode(text.substr(host_begin, host_end - host_begin));
    for (char c : url->host) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '.' && c != '_') {
        return Invalid("host \"" + url->host +
                       "\" is not a host name (RFC 1123 §2.1: letters, digits, '-', '.')");
      }
    }
  }
  if (url->host.empty()) return Invalid("no host");
  if (port_begin != std::string_view::npos && port_begin < authority_end) {
    const std::string_view digits = text.substr(port_begin, authority_end - port_begin);
    int port = 0;
    for (char c : digits) {
      if (!IsDigit(c) || port > 65535) return Invalid("port \"" + std::string(digits) + "\"");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return Invalid("port must be 1..65535");
    url->port = port;
  }
  // path-abempty [ "?" query ] [ "#" fragment ] (§3.3–§3.5)
  std::size_t path_end = text.find_first_of("?#", authority_end);
  if (path_end == std::string_view::npos) path_end = text.size();
  if (auto e = CheckPart(text, authority_end, path_end, Part::kPath, "path", shift)) return e;
  url->path = *PercentDecode(text.substr(authority_end, path_end - authority_end));
  std::size_t pos = path_end;
  if (pos < text.size() && text[pos] == '?') {
    std::size_t end = text.find('#', pos);
    if (end == std::string_view::npos) end = text.size();
    if (auto e = CheckPart(text, pos + 1, end, Part::kQuery, "query", shift)) return e;
    url->query = std::string(text.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  if (pos < text.size()) {  // '#'
    if (auto e = CheckPart(text, pos + 1, text.size(), Part::kQuery, "fragment", shift)) return e;
    url->fragment = std::string(text.substr(pos + 1));
  }
  return {};
}

}  // namespace

ServiceError ParseUrl(std::string_view text, Url* url) { return ParseUrlShifted(text, 0, url); }

ServiceError CheckHttpUrl(std::string_view text) {
  Url url;
  if (text.find("://") == std::string_view::npos) {
    const std::string with_scheme = "http://" + std::string(text);
    if (auto e = ParseUrlShifted(with_scheme, 7, &url)) return e;
  } else if (auto e = ParseUrl(text, &url)) {
    return e;
  }
  if (url.scheme != "http" && url.scheme != "https") {
    return Invalid("scheme \"" + url.scheme + "\" is not http or https");
  }
  return {};
}

}  // namespace uclink::control::inband
