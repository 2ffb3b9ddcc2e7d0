// A blocking control-socket client for the security tests: raw bytes out, lines in, every wait
// bounded. Unlike uclink's client it sends whatever it is given (oversize lines, floods, bad
// JSON), which is the point. Test-only.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace uclink::control::testing {

class RawClient {
 public:
  /// Connects to the Unix stream socket at `path`; open() is false when that failed.
  explicit RawClient(const std::string& path);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool open() const { return fd_ >= 0; }
  /// errno of the failed connect (EACCES: the socket's mode refused us), 0 when connected.
  int connect_errno() const { return connect_errno_; }
  /// Writes all of `bytes` (blocking); false when the peer closed.
  bool Send(const std::string& bytes);
  /// The next '\n'-terminated line (without it), or nullopt after `bound` or at end of stream.
  std::optional<std::string> ReadLine(std::chrono::milliseconds bound = std::chrono::seconds(5));
  /// Closes the connection now (before the destructor would).
  void Close();
  /// True when the daemon closes the connection within `bound` (lines before that are skipped).
  bool ClosedByPeer(std::chrono::milliseconds bound);

 private:
  int fd_ = -1;
  int connect_errno_ = 0;
  bool eof_ = false;
  std::string buffer_;
};

}  // namespace uclink::control::testing
