#include "sim/services/ftp_reply.h"

#include "sim/services/params.h"

namespace uclink::sim::services {
namespace {

std::optional<int> LeadingCode(std::string_view line) {
  if (line.size() < 3) return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return std::nullopt;
  }
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

}  // namespace

std::vector<FtpReply> FtpReplyParser::Feed(std::string_view bytes) {
  std::vector<FtpReply> out;
  for (char c : bytes) {
    if (failed_) break;
    if (c != '\n') {
      if (line_.size() >= kMaxLine) {
        failed_ = true;
        break;
      }
      line_.push_back(c);
      continue;
    }
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    Line(line_, out);
    line_.clear();
  }
  return out;
}

void FtpReplyParser::Line(std::string_view line, std::vector<FtpReply>& out) {
  const auto code = LeadingCode(line);
  const bool last = line.size() == 3 || (line.size() > 3 && line[3] == ' ');
  if (open_code_ != 0) {
    // Inside a multi-line reply only "<same code><SP>" ends it; other lines are text.
    if (code && *code == open_code_ && last) {
      out.push_back({open_code_, std::string(line.substr(std::min<std::size_t>(4, line.size())))});
      open_code_ = 0;
    }
    return;
  }
  if (!code || (!last && line[3] != '-')) {
    failed_ = true;
    return;
  }
  if (!last) {
    open_code_ = *code;
    return;
  }
  out.push_back({*code, std::string(line.substr(std::min<std::size_t>(4, line.size())))});
}

std::optional<std::uint16_t> ParsePasvPort(std::string_view text) {
  const auto open = text.find('(');
  const auto close = text.find(')', open == text.npos ? 0 : open);
  if (open == text.npos || close == text.npos) return std::nullopt;
  const auto fields = SplitParams("=" + std::string(text.substr(open + 1, close - open - 1)), 6);
  if (!fields || fields->size() != 6) return std::nullopt;
  long values[6];
  for (int i = 0; i < 6; ++i) {
    const auto v = ParseInt((*fields)[i].text, 0, 255);
    if (!v) return std::nullopt;
    values[i] = *v;
  }
  const long port = values[4] * 256 + values[5];
  if (port == 0) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::string FormatPort(const std::array<std::uint8_t, 4>& address, std::uint16_t port) {
  std::string out = "PORT ";
  for (auto b : address) out += std::to_string(b) + ",";
  return out + std::to_string(port >> 8) + "," + std::to_string(port & 0xff);
}

}  // namespace uclink::sim::services
