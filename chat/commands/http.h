// HTTP client: AT+HTTPTLS (§2.44), AT+HTTPPARA (§2.45, printed HTTTPARA), AT+HTTPDATA (§2.46),
// AT+HTTPINIT (§2.50), AT+HTTPACTION (§2.47), AT+HTTPREAD (§2.48).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "chat/at_args.h"

namespace uclink::chat {

// Limits of §2.45: URL 1024 bytes, user data 512, body 512.
inline constexpr std::size_t kMaxHttpUrl = 1024;
inline constexpr std::size_t kMaxHttpUser = 512;
inline constexpr std::size_t kMaxHttpBody = 512;
// AT+HTTPDATA shares the user-data limit ("同 AT+HTTTPDATA", §2.45).
inline constexpr std::size_t kMaxHttpData = 512;
// The path tag (§2.49) has no stated limit; we use the FTP path limit (§2.33).
inline constexpr std::size_t kMaxHttpPath = 64;

// AT+HTTPTLS=<0 plain | 1 TLS> (§2.44).
Result<std::string> EncodeHttptls(int tls);

// `+HTTPTLS: 1` (§2.44.3) → 1.
Result<int> DecodeHttptls(std::string_view line);

// <httpparatag> of §2.45 (the manual's USRE is a misprint of USER) plus path (§2.49).
enum class HttpParam { kUrl, kPort, kTimeout, kUser, kBody, kMode, kPath };

// Stable name of an HttpParam, as sent: "url", "port", "timeout", "user", "body", "mode",
// "path" (the examples of §2.49–§2.51 write tags in lower case).
std::string_view ToString(HttpParam param);

// AT+HTTPPARA=<tag>,<value> (§2.49–§2.51; the table's `<tag>:<value>` form never appears in an
// example). The value ends the command line, so it may hold commas. kUser carries one header
// line: §2.45 says CR LF in user data are written escaped ("数据中“\r\n”需要转义") without
// defining the escape, so CR, LF and '\' are refused (TextParam::kHttpUser), never escaped.
// kPort is 1–65535, kTimeout 1–65535 s, kMode 0–1.
Result<std::string> EncodeHttppara(HttpParam param, std::string_view value);

// Numeric tags (kPort, kTimeout, kMode) from a number.
Result<std::string> EncodeHttppara(HttpParam param, int value);

// AT+HTTPDATA=<len>,<data> (§2.46).
Result<std::string> EncodeHttpdata(std::string_view data);

// <method> of AT+HTTPACTION (§2.47).
enum class HttpMethod { kGet = 0, kHead = 1, kPut = 2, kPost = 3 };

// Stable name of an HttpMethod: "GET", "HEAD", "PUT", "POST".
std::string_view ToString(HttpMethod method);

// AT+HTTPACTION=<method> (§2.47).
Result<std::string> EncodeHttpaction(HttpMethod method);

// `+HTTPACTION:0,292` (§2.50), `+httpaction:0,192` (§2.49), `+HTTPACTION=0, 192` (§2.47.2).
// The manual calls the first field the request type, yet prints 0 after a POST (§2.50): it is
// kept as `status`, uninterpreted.
struct HttpActionResult {
  int status = 0;
  std::size_t length = 0;  // bytes of response data available to AT+HTTPREAD

  friend bool operator==(const HttpActionResult&, const HttpActionResult&) = default;
};
Result<HttpActionResult> DecodeHttpaction(std::string_view line);

// The header of AT+HTTPREAD's answer: `+HTTPREAD:<len>,` with the body on the next lines
// (§2.48.2), or `+HTTPREAD=<len>,<data>` with the body inline (the table of §2.48).
Result<PayloadHeader> DecodeHttpreadHeader(std::string_view bytes, bool line_complete);

}  // namespace uclink::chat
