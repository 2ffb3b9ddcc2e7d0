#include "control/daemon/control_server.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

namespace uclink::control {

using boost::asio::local::stream_protocol;

namespace {

class ListenCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.listen"; }
  std::string message(int value) const override {
    switch (static_cast<ListenErrc>(value)) {
      case ListenErrc::kServedByAnother:
        return "another uclinkd is serving this control socket";
      case ListenErrc::kLockedByAnother:
        return "another uclinkd holds this control socket's lock file";
      case ListenErrc::kNotASocket:
        return "the path exists and is not a socket";
    }
    return "unknown listen error";
  }
};

// One line into the socket buffer of a connection that is closed right after, so the client
// learns why (docs/control-api.md, "Connection limits"). Never blocks: the write is
// non-blocking, and a new or idle connection has room for one short line.
void SendLastLine(stream_protocol::socket& socket, api::Errc code, const std::string& message) {
  const std::string line = api::EncodeResponse(api::ErrorResponse(0, code, message));
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(boost::asio::buffer(line), ignored);
}

// The process name of `pid` for a message ("uclinkd"), or "" when it cannot be read (another
// pid namespace, already gone).
std::string ProcessName(pid_t pid) {
  if (pid <= 0) return "";
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// Whether something accepts connections on `path` (unix(7)): a successful connect means a
// live server; EAGAIN means one whose backlog is full (a non-blocking connect never waits).
// ENOENT: no file; ECONNREFUSED: a socket file nobody listens on (or not a socket at all).
struct Probe {
  int error = 0;  ///< errno of the connect, 0 when a server answered
  pid_t pid = 0;  ///< the server's pid (SO_PEERCRED of the listener), when it answered
};

Probe ProbeListener(const std::string& path) {
  Probe probe;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    probe.error = errno;
    return probe;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), std::min(path.size(), sizeof address.sun_path - 1));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    probe.error = errno == EAGAIN ? 0 : errno;
  } else if (auto cred = ReadPeerCredentials(fd)) {
    probe.pid = cred->pid;
  }
  ::close(fd);
  return probe;
}

}  // namespace

const std::error_category& ListenCategory() {
  static const ListenCategoryImpl kCategory;
  return kCategory;
}

std::error_code make_error_code(ListenErrc errc) {
  return {static_cast<int>(errc), ListenCategory()};
}

class ControlSession : public RequestStream, public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(stream_protocol::socket socket, ControlServer& server, std::optional<uid_t> uid,
                 bool authorized)
      : socket_(std::move(socket)),
        server_(server),
        idle_timer_(socket_.get_executor()),
        uid_(uid),
        authorized_(authorized) {}

  void Start() {
    ArmIdle();
    Read();
  }

  void Send(std::string line) {
    if (closed_) return;
    if (writes_.size() >= ControlServer::kMaxQueuedLines) return Close();
    writes_.push_back(std::move(line));
    if (writes_.size() == 1) WriteNext();
  }

  bool subscribed() const { return subscribed_ && !closed_; }
  /// The peer's uid (SO_PEERCRED); nullopt when the kernel did not say.
  std::optional<uid_t> uid() const { return uid_; }

  void Close() {
    if (closed_) return;
    closed_ = true;
    DisarmIdle();
    boost::system::error_code ignored;
    socket_.shutdown(stream_protocol::socket::shutdown_both, ignored);
    socket_.close(ignored);
    follow_up_ = nullptr;
    // Posted: Close() can run inside the streaming request's own SendEvent().
    if (auto on_closed = std::exchange(on_closed_, nullptr)) {
      boost::asio::post(socket_.get_executor(), std::move(on_closed));
    }
  }

  // RequestStream (the request in progress; ignored once its response was sent).
  void SendEvent(const api::Event& event) override {
    if (streaming_) Send(api::EncodeEvent(event));
  }
  void SetFollowUpHandler(std::function<void(const api::Request&)> handler) override {
    if (streaming_ && !closed_) follow_up_ = std::move(handler);
  }
  void SetClosedHandler(std::function<void()> handler) override {
    if (streaming_ && !closed_) on_closed_ = std::move(handler);
  }
  std::size_t queued_lines() const override { return writes_.size(); }
  bool closed() const override { return closed_; }

 private:
  void Read() {
    auto self = shared_from_this();
    socket_.async_read_some(boost::asio::buffer(buffer_),
                            [self](boost::system::error_code ec, std::size_t n) {
                              if (ec || self->closed_) return self->Close();
                              self->OnBytes(std::string_view(self->buffer_.data(), n));
                              if (!self->closed_) self->Read();
                            });
  }

  // The idle timeout (docs/control-api.md, "Connection limits"): it runs while the connection
  // owes the daemon a request line, that is while no request is pending or being handled and
  // the connection is not a subscription. Bytes without a newline do not restart it, so a
  // client trickling a partial line cannot hold its slot either.
  void ArmIdle() {
    if (closed_ || busy_ || subscribed_ || !pending_.empty() || idle_armed_) return;
    idle_armed_ = true;
    idle_timer_.expires_after(server_.limits_.idle_timeout);
    idle_timer_.async_wait(
        [self = shared_from_this(), generation = ++idle_generation_](boost::system::error_code ec) {
          if (ec || generation != self->idle_generation_ || !self->idle_armed_) return;
          self->OnIdleTimeout();
        });
  }

  void DisarmIdle() {
    if (!idle_armed_) return;
    idle_armed_ = false;
    ++idle_generation_;
    idle_timer_.cancel();
  }

  void OnIdleTimeout() {
    idle_armed_ = false;
    if (writes_.empty()) {
      const auto seconds =
          std::chrono::duration_cast<std::chrono::seconds>(server_.limits_.idle_timeout).count();
      SendLastLine(socket_, api::Errc::kTimeout,
                   "no complete request line for " + std::to_string(seconds) +
                       " s (control.idle_timeout_s); closing the connection");
    }
    Close();
  }

  void OnBytes(std::string_view bytes) {
    api::LineFramer::Output out = framer_.Feed(bytes);
    if (!out.lines.empty() || out.overflows > 0) DisarmIdle();  // a request line completed
    for (std::size_t i = 0; i < out.overflows; ++i) {
      Send(api::EncodeResponse(api::ErrorResponse(0, api::Errc::kRequestTooLong,
                                                  "request lines are limited to 64 KiB")));
    }
    for (std::string& line : out.lines) {
      if (!RouteFollowUp(line)) pending_.push_back(std::move(line));
    }
    if (pending_.size() > ControlServer::kMaxPendingRequests) return Close();
    ProcessNext();
  }

  // While a streaming request runs, its follow-up lines bypass the queue (they are its input).
  bool RouteFollowUp(const std::string& line) {
    if (!follow_up_ || !pending_.empty()) return false;
    api::ParsedRequest parsed = api::ParseRequest(line);
    if (!parsed.request || !api::IsFollowUp(parsed.request->method)) return false;
    auto handler = follow_up_;  // the handler may end the request (and clear follow_up_)
    handler(*parsed.request);
    return true;
  }

  // One request at a time, so responses leave in request order even when one is asynchronous.
  void ProcessNext() {
    while (!busy_ && !closed_ && !pending_.empty()) {
      std::string line = std::move(pending_.front());
      pending_.pop_front();
      api::ParsedRequest parsed = api::ParseRequest(line);
      if (parsed.error) {
        Send(api::EncodeResponse(
            api::ErrorResponse(parsed.id, parsed.error->code, parsed.error->message)));
        continue;
      }
      const api::Request& request = *parsed.request;
      if (api::IsMutating(request.method) && !authorized_) {
        Send(api::EncodeResponse(api::ErrorResponse(
            request.id, api::Errc::kPermissionDenied,
            std::string(api::ToString(request.method)) + " needs root or the control group")));
        continue;
      }
      busy_ = true;
      streaming_ = true;
      const bool subscribe = request.method == api::Method::kSubscribe;
      auto self = shared_from_this();
      server_.handler_(request, ReplyHandle(
                                    [self, subscribe](api::Response response) {
                                      if (subscribe && !response.error) self->subscribed_ = true;
                                      self->streaming_ = false;
                                      self->follow_up_ = nullptr;
                                      self->on_closed_ = nullptr;
                                      self->Send(api::EncodeResponse(response));
                                      self->busy_ = false;
                                      self->ProcessNext();
                                    },
                                    self));
    }
    ArmIdle();
  }

  void WriteNext() {
    auto self = shared_from_this();
    boost::asio::async_write(socket_, boost::asio::buffer(writes_.front()),
                             [self](boost::system::error_code ec, std::size_t) {
                               if (ec || self->closed_) return self->Close();
                               self->writes_.pop_front();
                               if (!self->writes_.empty()) self->WriteNext();
                             });
  }

  stream_protocol::socket socket_;
  ControlServer& server_;
  boost::asio::steady_timer idle_timer_;
  std::uint64_t idle_generation_ = 0;  // a handler of an older arming must not close
  bool idle_armed_ = false;
  std::optional<uid_t> uid_;
  std::array<char, 4096> buffer_{};
  api::LineFramer framer_;
  std::deque<std::string> pending_;
  std::deque<std::string> writes_;
  bool authorized_ = false;
  bool busy_ = false;
  bool subscribed_ = false;
  bool closed_ = false;
  bool streaming_ = false;  // a request is in progress: its RequestStream calls count
  std::function<void(const api::Request&)> follow_up_;
  std::function<void()> on_closed_;
};

ControlServer::ControlServer(boost::asio::io_context& io, RequestHandler handler, PeerPolicy policy,
                             ControlLimits limits)
    : io_(io),
      handler_(std::move(handler)),
      policy_(policy),
      limits_(limits),
      acceptor_(io),
      accept_retry_(io) {}

ControlServer::~ControlServer() { Stop(); }

// One uclinkd per socket path. The lock file makes "is anyone serving it? no: replace the stale
// file and bind" one step against a second uclinkd starting at the same moment (flock(2) is
// released by the kernel when its holder dies, so a crash leaves no stale lock). It is never
// removed: unlinking a lock file lets a third process lock a new file while the second still
// holds the old one.
std::error_code ControlServer::TakeLock(const std::string& path) {
  const std::string lock_path = path + ".lock";
  const int fd =
      ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) return {errno, std::system_category()};
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return std::make_error_code(std::errc::invalid_argument);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return ListenErrc::kLockedByAnother;
    return {error, std::system_category()};
  }
  lock_fd_ = fd;
  return {};
}

std::error_code ControlServer::Listen(const std::string& path, std::string* why) {
  auto explain = [&](std::string text) {
    if (why != nullptr) *why = std::move(text);
  };
  const std::error_code locked = TakeLock(path);
  // Connect first: a server that answers is never replaced, whatever the lock says (a uclinkd
  // of an older version takes no lock).
  const Probe probe = ProbeListener(path);
  if (probe.error == 0) {
    if (lock_fd_ >= 0) ::close(std::exchange(lock_fd_, -1));
    const std::string name = ProcessName(probe.pid);
    explain("another " + (name.empty() ? std::string("process") : name) +
            (probe.pid > 0 ? " (pid " + std::to_string(probe.pid) + ")" : std::string()) +
            " is serving it; stop that one first, or give this one another control.socket "
            "(--socket)");
    return ListenErrc::kServedByAnother;
  }
  if (locked == ListenErrc::kLockedByAnother) {
    explain("another uclinkd holds " + path +
            ".lock (it is starting or stopping); stop that one first, or give this one another "
            "control.socket (--socket)");
    return locked;
  }
  if (locked == std::errc::no_such_file_or_directory) {
    // uclinkd does not create the directory (docs/SECURITY.md, "Who may connect").
    const std::string dir = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    explain("directory " + dir +
            " does not exist: create it (the systemd unit's RuntimeDirectory=uclink does), or "
            "give another control.socket (--socket)");
    return locked;
  }
  if (locked) {
    explain("lock file " + path + ".lock: " + locked.message());
    return locked;
  }
  if (probe.error != ENOENT && probe.error != ECONNREFUSED) {
    explain(std::string("cannot tell whether another uclinkd serves it: ") +
            std::strerror(probe.error));
    ::close(std::exchange(lock_fd_, -1));
    return {probe.error, std::system_category()};
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) {
      explain("it exists and is not a socket; uclinkd removes only a stale socket");
      ::close(std::exchange(lock_fd_, -1));
      return ListenErrc::kNotASocket;
    }
    ::unlink(path.c_str());  // a stale socket: nobody listens on it (a daemon that crashed)
  }
  boost::system::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (!ec) acceptor_.bind(stream_protocol::endpoint(path), ec);
  if (ec) return ec;
  path_ = path;
  if (::lstat(path.c_str(), &info) == 0) {
    bound_dev_ = info.st_dev;
    bound_ino_ = info.st_ino;
  }
  // 0660 + group (docs/control-api.md): others cannot even connect.
  if (::chmod(path.c_str(), 0660) != 0) return {errno, std::system_category()};
  if (policy_.gid() && ::chown(path.c_str(), 0, *policy_.gid()) != 0) {
    return {errno, std::system_category()};
  }
  acceptor_.listen(16, ec);
  if (ec) return ec;
  Accept();
  return {};
}

std::string ControlServer::AdmissionRefusal(const std::optional<PeerCredentials>& peer,
                                            bool privileged) {
  const bool root = peer && peer->uid == 0;
  std::size_t open = 0;
  std::size_t same_uid = 0;
  for (const auto& weak : sessions_) {
    auto session = weak.lock();
    if (!session || session->closed()) continue;
    ++open;
    if (peer && session->uid() == peer->uid) ++same_uid;
  }
  // Root may take every slot, control.group all but kReservedForRoot, others all but
  // kReservedForPrivileged: a lock-out by others leaves the administrator a way in.
  const std::size_t ceiling = root         ? kMaxSessions
                              : privileged ? kMaxSessions - kReservedForRoot
                                           : kMaxSessions - kReservedForPrivileged;
  if (open >= kMaxSessions) {
    return "uclinkd has " + std::to_string(open) +
           " clients, the most it serves at once; try again later";
  }
  if (open >= ceiling) {
    return std::string("the remaining connections of uclinkd are reserved for root") +
           (privileged ? "" : " and the control group") + "; try again later";
  }
  // Root is exempt: it is the administrator, whom this limit exists to keep a way in for.
  if (!root && same_uid >= limits_.max_per_uid) {
    return "uid " + (peer ? std::to_string(peer->uid) : std::string("?")) + " already holds " +
           std::to_string(same_uid) +
           " connections to uclinkd, the most one user may (control.max_connections_per_uid)";
  }
  return "";
}

void ControlServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, stream_protocol::socket socket) {
    if (stopped_ || ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // EMFILE/ENFILE leave the connection pending, so accepting again at once would spin at
      // 100 % CPU until a descriptor frees up: wait a little instead.
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && !stopped_) Accept();
      });
      return;
    }
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    // Read once per connection; a failure leaves the peer unauthorised and without a uid.
    const std::optional<PeerCredentials> peer = ReadPeerCredentials(socket.native_handle());
    const bool privileged = peer && policy_.Allows(*peer);
    if (std::string refusal = AdmissionRefusal(peer, privileged); !refusal.empty()) {
      SendLastLine(socket, api::Errc::kBusy, refusal);
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      auto session = std::make_shared<ControlSession>(
          std::move(socket), *this, peer ? std::optional<uid_t>(peer->uid) : std::nullopt,
          privileged);
      sessions_.push_back(session);
      session->Start();
    }
    Accept();
  });
}

void ControlServer::Publish(const api::Event& event) {
  const std::string line = api::EncodeEvent(event);
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock(); session && session->subscribed()) session->Send(line);
  }
}

void ControlServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // The file first, while this server still answers on it: no other uclinkd can have replaced
  // a socket that answers, so a file with our device and inode is ours. A different one
  // belongs to whoever replaced ours and is left alone.
  if (!path_.empty()) {
    struct stat info {};
    if (::lstat(path_.c_str(), &info) == 0 && S_ISSOCK(info.st_mode) && info.st_dev == bound_dev_ &&
        info.st_ino == bound_ino_) {
      ::unlink(path_.c_str());
    }
  }
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
  if (lock_fd_ >= 0) ::close(std::exchange(lock_fd_, -1));
}

std::size_t ControlServer::session_count() {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  return static_cast<std::size_t>(
      std::count_if(sessions_.begin(), sessions_.end(), [](const auto& weak) {
        auto session = weak.lock();
        return session && !session->closed();
      }));
}

}  // namespace uclink::control
