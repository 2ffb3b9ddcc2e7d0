// A small synchronous client for uclinkd's control socket (docs/control-api.md), used by the
// `uclink` subcommands. Plain POSIX sockets with poll() timeouts: the CLI needs no Asio.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <system_error>

#include "control/api/protocol.h"

namespace uclink::control::cli {

class ControlClient {
 public:
  /// Connects to the daemon's socket; nullopt with `error` set when it cannot be reached.
  static std::optional<ControlClient> Connect(const std::string& path, std::error_code& error);
  ControlClient(ControlClient&& other) noexcept;
  ControlClient& operator=(ControlClient&& other) noexcept;
  ~ControlClient();

  /// Sends a request and reads lines until its response; events read meanwhile are kept for
  /// ReadLine(). nullopt on timeout/disconnect (`error` says which). The daemon's parting line
  /// (an error with id 0 before it closes the connection: `busy` when it refuses a client,
  /// `timeout` for an idle one, docs/control-api.md "Connection limits") is the response, also
  /// when it closed the connection before the request could be written.
  std::optional<api::Response> Call(api::Method method, nlohmann::json params,
                                    std::chrono::milliseconds timeout, std::error_code& error);
  /// The next line from the daemon (kept events first); nullopt on timeout or disconnect.
  std::optional<api::ServerLine> ReadLine(std::chrono::milliseconds timeout,
                                          std::error_code& error);
  /// Sends a request without waiting (streaming methods); returns its id, or nullopt on error.
  /// When the daemon had already refused the connection, its parting line is returned by the
  /// next ReadLine() as this request's response.
  std::optional<std::uint64_t> Send(api::Method method, nlohmann::json params,
                                    std::error_code& error);
  /// Lines already read and not yet returned: ReadLine() answers them without waiting.
  bool has_buffered_lines() const { return !lines_.empty() || !kept_.empty(); }
  /// The socket, for poll() next to other descriptors.
  int fd() const { return fd_; }

 private:
  explicit ControlClient(int fd) : fd_(fd) {}
  bool SendAll(const std::string& bytes, std::error_code& error);
  std::optional<api::ServerLine> ReadSocketLine(std::chrono::milliseconds timeout,
                                                std::error_code& error);
  /// After a failed write: the parting line the daemon left in the receive buffer, as the
  /// response to request `id` (lines before it are kept for ReadLine()).
  std::optional<api::Response> PartingResponse(std::uint64_t id);

  int fd_ = -1;
  std::uint64_t next_id_ = 1;
  std::uint64_t first_request_id_ = 0;  // 0 until a request was sent
  bool got_response_ = false;
  api::LineFramer framer_;
  std::vector<std::string> lines_;     // complete lines not yet returned
  std::vector<api::ServerLine> kept_;  // read by Call() (events) or PartingResponse(), in order
};

}  // namespace uclink::control::cli
