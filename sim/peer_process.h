// The PPP peer behind data mode: a child process whose stdin/stdout are one end of an AF_UNIX
// socketpair. Default: slirp-fullbolt with a fresh HOME (docs/ppp.md, "slirp-fullbolt as the test
// peer"). Stopped by its PID only.
#pragma once

#include <sys/types.h>

#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "sim/write_queue.h"

namespace uclink::sim {

/// slirp as the network: "slirp-fullbolt ppp nozeros "dns 127.0.0.1"" (the plain slirp binary
/// exits at start on 64-bit; "ppp" must come first: docs/ppp.md, "slirp-fullbolt as the test
/// peer").
std::vector<std::string> DefaultPeerCommand();

/// Splits a --ppp-peer command line into argv without a shell: whitespace separates words,
/// single or double quotes group them. Empty when the line holds no word.
std::vector<std::string> SplitCommandLine(const std::string& line);

/// One running peer. Held by shared_ptr: pending reads keep it alive after the owner drops it.
class PeerProcess : public std::enable_shared_from_this<PeerProcess> {
 public:
  using DataHandler = std::function<void(std::string_view)>;
  using ExitHandler = std::function<void()>;

  PeerProcess(boost::asio::io_context& io, DataHandler on_data, ExitHandler on_exit);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  /// Starts `argv`; with `fresh_home` the child gets a new empty HOME directory (removed after
  /// it exits). Errors: Errc::kPeerSpawnFailed.
  std::error_code Start(const std::vector<std::string>& argv, bool fresh_home);
  /// Writes bytes to the peer's stdin.
  void Write(std::string_view bytes);
  /// SIGTERM to the child's PID (SIGKILL after 2 s), reaps it; the exit handler is not called.
  void Stop();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  void Read();
  void Terminate();

  DataHandler on_data_;
  ExitHandler on_exit_;
  boost::asio::local::stream_protocol::socket socket_;
  std::unique_ptr<WriteQueue<boost::asio::local::stream_protocol::socket>> writes_;
  std::array<char, 4096> buffer_{};
  pid_t pid_ = -1;
  std::string home_;
};

}  // namespace uclink::sim
