// --log FILE: a timestamped transcript of every byte on the simulated serial line.
#pragma once

#include <chrono>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace uclink::sim {

/// Escapes bytes for one transcript line: printable ASCII as is, "\r" "\n" "\\" and "\xHH".
std::string EscapeBytes(std::string_view bytes);

/// Appends "<seconds since start> <dir> <escaped bytes>" lines; dir is "<" (DTE → module) or
/// ">" (module → DTE).
class TranscriptLog {
 public:
  /// Opens (truncates) `path`; `error` is set to Errc::kLogFailed when it cannot be opened.
  TranscriptLog(const std::string& path, std::error_code& error);
  void Record(char direction, std::string_view bytes);

 private:
  std::ofstream out_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace uclink::sim
