// FTP control-connection replies (RFC 959 §4.2) as a pure parser: bytes in, replies out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::sim::services {

/// One complete server reply: its code and the text of its last line.
struct FtpReply {
  int code = 0;
  std::string text;
};

/// Splits the control stream into replies, joining multi-line "123-...\r\n123 ..." replies.
class FtpReplyParser {
 public:
  /// Consumes `bytes` (any split) and returns the replies they complete.
  std::vector<FtpReply> Feed(std::string_view bytes);
  /// True once the stream broke the grammar or a line passed kMaxLine: the connection is unusable.
  bool failed() const { return failed_; }

  static constexpr std::size_t kMaxLine = 4096;

 private:
  void Line(std::string_view line, std::vector<FtpReply>& out);

  std::string line_;
  int open_code_ = 0;  // code of the multi-line reply being read, 0 when none
  bool failed_ = false;
};

/// The port of a "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" reply (RFC 959 §4.1.2 PASV).
std::optional<std::uint16_t> ParsePasvPort(std::string_view text);

/// The RFC 959 PORT command for an IPv4 address and port: "PORT h1,h2,h3,h4,p1,p2".
std::string FormatPort(const std::array<std::uint8_t, 4>& address, std::uint16_t port);

}  // namespace uclink::sim::services
