// The control socket: a Unix stream socket speaking JSON lines (docs/control-api.md). One
// session per client (shared_from_this, Asio's chat-server shape): requests are handled one at a
// time and answered in order; one write in flight with a bounded queue; "subscribe" turns the
// session into an event stream.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include "control/api/protocol.h"
#include "control/daemon/peer_policy.h"

namespace uclink::control {

class ControlSession;

/// The connection of one request that streams (the "service" method, docs/control-api.md):
/// event lines before its response, the client's follow-up lines, and the connection's end.
/// Valid until the response is sent; afterwards every call is ignored.
class RequestStream {
 public:
  virtual ~RequestStream() = default;
  /// Sends an event line on this connection only (not to subscribers).
  virtual void SendEvent(const api::Event& event) = 0;
  /// Follow-up requests (api::IsFollowUp) on this connection go to `handler`, in order.
  virtual void SetFollowUpHandler(std::function<void(const api::Request&)> handler) = 0;
  /// Runs once, from the io_context, when the connection closes before the response: the
  /// client went away, read too slowly (ControlServer::kMaxQueuedLines) or the server stopped.
  virtual void SetClosedHandler(std::function<void()> handler) = 0;
  /// Lines queued for the client and not yet written (for coalescing output).
  virtual std::size_t queued_lines() const = 0;
  virtual bool closed() const = 0;
};

/// Answers one request exactly once: `reply(response)`. `stream()` is its connection.
class ReplyHandle {
 public:
  ReplyHandle() = default;
  ReplyHandle(std::function<void(api::Response)> send,
              std::shared_ptr<RequestStream> stream = nullptr)
      : send_(std::move(send)), stream_(std::move(stream)) {}
  template <typename F>
  requires std::is_invocable_v<F, api::Response> &&
      (!std::is_same_v<std::decay_t<F>, ReplyHandle>)ReplyHandle(F send)
      : send_(std::move(send)) {}  // NOLINT: a plain callback converts

  void operator()(api::Response response) const {
    if (send_) send_(std::move(response));
  }
  explicit operator bool() const { return static_cast<bool>(send_); }
  /// The request's connection; null for handles made from a plain callback.
  const std::shared_ptr<RequestStream>& stream() const { return stream_; }

 private:
  std::function<void(api::Response)> send_;
  std::shared_ptr<RequestStream> stream_;
};

class ControlServer {
 public:
  using Reply = ReplyHandle;
  /// Handles one authorised, well-formed request; must call `reply` exactly once (possibly later).
  using RequestHandler = std::function<void(const api::Request&, Reply)>;

  /// Lines queued for one client before it is dropped as too slow (memory stays bounded).
  static constexpr std::size_t kMaxQueuedLines = 256;
  /// Requests read but not yet handled before a client is dropped as flooding.
  static constexpr std::size_t kMaxPendingRequests = 64;
  /// Open sessions; a further client is answered `busy` and closed, so clients cannot exhaust
  /// the daemon's file descriptors (docs/SECURITY.md).
  static constexpr std::size_t kMaxSessions = 64;

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
  boost::asio::steady_timer accept_retry_;  ///< after an accept error such as EMFILE
  std::string path_;
  std::vector<std::weak_ptr<ControlSession>> sessions_;
  bool stopped_ = false;
};

}  // namespace uclink::control
