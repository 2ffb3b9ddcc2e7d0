// The URLs of the service commands, parsed and percent-decoded once (RFC 3986) for both modes:
// the in-band clients send the decoded names to the module (AT+FTPPATH=my file.txt), the native
// path (libcurl) gets a URL re-encoded from the same decoded bytes (FtpUrlOf), so
// `ftp://h/my%20file.txt` and the userinfo `a%40b` name the same file and password in both
// modes. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "control/inband/errc.h"

namespace uclink::control::inband {

// scheme "://" authority path-abempty [ "?" query ] [ "#" fragment ] (RFC 3986 §3). Every
// component is checked against the RFC's grammar; user, password, host and path are decoded
// (§2.1), query and fragment are kept as written.
struct Url {
  std::string scheme;                   // lower case (§3.1)
  std::optional<std::string> user;      // userinfo before its first ':' (§3.2.1), decoded
  std::optional<std::string> password;  // userinfo after its first ':', decoded
  std::string host;                     // decoded reg-name, or an IP literal without brackets
  std::optional<int> port;              // 1..65535; nullopt when absent or empty (§3.2.3)
  std::string path;                     // decoded; empty or starting with '/' (§3.3)
  std::optional<std::string> query;     // as written, without '?'
  std::optional<std::string> fragment;  // as written, without '#'
};

// Parses `text`; on failure returns a kInvalidArgument error naming the offending byte, its
// offset and the rule (e.g. a raw space: "write it as %20").
ServiceError ParseUrl(std::string_view text, Url* url);

// Decodes every %HH of `text` (RFC 3986 §2.1); `*offset` gets the offset of a '%' that does not
// start a valid escape. nullopt then.
std::optional<std::string> PercentDecode(std::string_view text, std::size_t* offset = nullptr);

// Percent-encodes every byte of `bytes` except unreserved ones (RFC 3986 §2.3) and those in
// `keep`: the inverse of PercentDecode for the bytes encoded.
std::string PercentEncode(std::string_view bytes, std::string_view keep = {});

// An HTTP URL for both modes: http:// or https:// (text without a scheme is read as http://, as
// libcurl and the module do, §2.45 "192.168.1.1"), a host, RFC 3986 syntax. The URL itself
// travels as written: its path and query are sent percent-encoded (RFC 9112 §3.2), so there is
// nothing to decode for the request target.
ServiceError CheckHttpUrl(std::string_view text);

}  // namespace uclink::control::inband
