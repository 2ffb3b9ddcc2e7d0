// The simulated serial port: the master side of a fresh pseudo-terminal. The DTE opens the
// slave path (socat, picocom, uclink).
#pragma once

#include <boost/asio.hpp>
#include <string>
#include <system_error>

namespace uclink::sim {

/// Owns a pty pair. The slave stays open here too, in raw mode, so the master never sees EIO
/// when a client closes the slave and reopens it later.
class PtyPort {
 public:
  /// Creates the pty; on failure `error` is Errc::kPtyFailed and the port is unusable.
  PtyPort(boost::asio::io_context& io, std::error_code& error);
  ~PtyPort();
  PtyPort(const PtyPort&) = delete;
  PtyPort& operator=(const PtyPort&) = delete;

  /// Makes `link` a symlink to the slave (replacing an existing symlink there).
  std::error_code Link(const std::string& link);

  boost::asio::posix::stream_descriptor& master() { return master_; }
  const std::string& slave_path() const { return slave_path_; }

 private:
  boost::asio::posix::stream_descriptor master_;
  int slave_fd_ = -1;
  std::string slave_path_;
  std::string link_;
};

}  // namespace uclink::sim
