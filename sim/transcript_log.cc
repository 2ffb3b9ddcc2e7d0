#include "sim/transcript_log.h"

#include <cstdio>

#include "sim/errors.h"

namespace uclink::sim {

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (u >= 0x20 && u < 0x7F) {
      out.push_back(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    }
  }
  return out;
}

TranscriptLog::TranscriptLog(const std::string& path, std::error_code& error)
    : out_(path, std::ios::trunc) {
  error = out_ ? std::error_code() : make_error_code(Errc::kLogFailed);
}

void TranscriptLog::Record(char direction, std::string_view bytes) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%.6f", seconds);
  out_ << stamp << ' ' << direction << ' ' << EscapeBytes(bytes) << '\n';
  out_.flush();
}

}  // namespace uclink::sim
