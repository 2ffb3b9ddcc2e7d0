// The control socket: a Unix stream socket speaking JSON lines (docs/control-api.md). One
// session per client (shared_from_this, Asio's chat-server shape): requests are handled one at a
// time and answered in order; one write in flight with a bounded queue; "subscribe" turns the
// session into an event stream. Who may hold a connection, and for how long, is bounded
// (docs/control-api.md, "Connection limits"); one uclinkd per socket path ("The socket file").
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
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

/// Why Listen() refused a socket path; the system's own errors keep their errno.
enum class ListenErrc {
  kServedByAnother = 1,  ///< a process accepts connections on the path: another uclinkd
  kLockedByAnother,      ///< another uclinkd holds the path's lock file (starting or running)
  kNotASocket,           ///< something other than a socket exists at the path
};
const std::error_category& ListenCategory();
std::error_code make_error_code(ListenErrc errc);

/// Per-connection bounds that the configuration sets ([control] in docs/configuration.md).
struct ControlLimits {
  /// A connection that has not completed a request line for this long is closed; subscribers
  /// and connections whose request is still being handled are exempt.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  /// Connections one uid other than root may hold at once.
  std::size_t max_per_uid = 16;
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
  /// the daemon's file descriptors (docs/SECURITY.md). A constant, not a setting: it is the
  /// daemon's descriptor and memory budget for clients (64 × 256 queued lines at most).
  static constexpr std::size_t kMaxSessions = 64;
  /// Of those, the last ones only root and control.group members may take, and the very last
  /// ones only root: enough for an administrator's `status`, `monitor` and `connect --wait` at
  /// once while others hold every other slot (docs/control-api.md, "Connection limits").
  static constexpr std::size_t kReservedForPrivileged = 8;
  static constexpr std::size_t kReservedForRoot = 4;

  ControlServer(boost::asio::io_context& io, RequestHandler handler, PeerPolicy policy,
                ControlLimits limits = {});
  ~ControlServer();

  /// Refuses a path another process serves (ListenErrc::kServedByAnother; `why` names its
  /// pid) or whose lock file another uclinkd holds; replaces a stale socket file nobody
  /// listens on; binds, sets mode 0660 and the group, and starts accepting.
  std::error_code Listen(const std::string& path, std::string* why = nullptr);
  /// Sends an event to every subscribed session.
  void Publish(const api::Event& event);
  /// Closes the listener and every session; removes the socket file only when it is still the
  /// one this server bound (same device and inode), never a successor's.
  void Stop();
  /// Sessions currently open (for tests and status).
  std::size_t session_count();
  /// New limits (reload): the per-uid limit applies to the next connection, the idle timeout
  /// from each connection's next idle period.
  void set_limits(const ControlLimits& limits) { limits_ = limits; }
  const ControlLimits& limits() const { return limits_; }

 private:
  friend class ControlSession;
  void Accept();
  /// Why a peer may not open one more session now; empty when it may.
  std::string AdmissionRefusal(const std::optional<PeerCredentials>& peer, bool privileged);
  std::error_code TakeLock(const std::string& path);

  boost::asio::io_context& io_;
  RequestHandler handler_;
  PeerPolicy policy_;
  ControlLimits limits_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;  ///< after an accept error such as EMFILE
  std::string path_;
  dev_t bound_dev_ = 0;  ///< the socket file this server created (Stop removes only that one)
  ino_t bound_ino_ = 0;
  int lock_fd_ = -1;  ///< flock on "<path>.lock", held from before bind until after unlink
  std::vector<std::weak_ptr<ControlSession>> sessions_;
  bool stopped_ = false;
};

}  // namespace uclink::control

template <>
struct std::is_error_code_enum<uclink::control::ListenErrc> : std::true_type {};
