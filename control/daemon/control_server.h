// The control socket: a Unix stream socket speaking JSON lines (docs/control-api.md). One
// session per client (shared_from_this, Asio's chat-server shape): requests are handled one at a
// time and answered in order; one write in flight with a bounded queue; "subscribe" turns the
// session into an event stream.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "control/api/protocol.h"
#include "control/daemon/peer_policy.h"

namespace uclink::control {

class ControlSession;

class ControlServer {
 public:
  using Reply = std::function<void(api::Response)>;
  /// Handles one authorised, well-formed request; must call `reply` exactly once (possibly later).
  using RequestHandler = std::function<void(const api::Request&, Reply)>;

  /// Lines queued for one client before it is dropped as too slow (memory stays bounded).
  static constexpr std::size_t kMaxQueuedLines = 256;
  /// Requests read but not yet handled before a client is dropped as flooding.
  static constexpr std::size_t kMaxPendingRequests = 64;

  ControlServer(boost::asio::io_context& io, RequestHandler handler, PeerPolicy policy);
  ~ControlServer();

  /// Replaces a stale socket file, binds, sets mode 0660 and the group, and starts accepting.
  std::error_code Listen(const std::string& path);
  /// Sends an event to every subscribed session.
  void Publish(const api::Event& event);
  /// Closes the listener and every session; removes the socket file.
  void Stop();
  /// Sessions currently open (for tests and status).
  std::size_t session_count();

 private:
  friend class ControlSession;
  void Accept();

  boost::asio::io_context& io_;
  RequestHandler handler_;
  PeerPolicy policy_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::string path_;
  std::vector<std::weak_ptr<ControlSession>> sessions_;
  bool stopped_ = false;
};

}  // namespace uclink::control
