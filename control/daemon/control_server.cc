#include "control/daemon/control_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <deque>

namespace uclink::control {

using boost::asio::local::stream_protocol;

class ControlSession : public RequestStream, public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(stream_protocol::socket socket, ControlServer& server)
      : socket_(std::move(socket)), server_(server) {}

  void Start() {
    if (auto cred = ReadPeerCredentials(socket_.native_handle())) {
      authorized_ = server_.policy_.Allows(*cred);
    }
    Read();
  }

  void Send(std::string line) {
    if (closed_) return;
    if (writes_.size() >= ControlServer::kMaxQueuedLines) return Close();
    writes_.push_back(std::move(line));
    if (writes_.size() == 1) WriteNext();
  }

  bool subscribed() const { return subscribed_ && !closed_; }

  void Close() {
    if (closed_) return;
    closed_ = true;
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

  void OnBytes(std::string_view bytes) {
    api::LineFramer::Output out = framer_.Feed(bytes);
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

ControlServer::ControlServer(boost::asio::io_context& io, RequestHandler handler, PeerPolicy policy)
    : io_(io), handler_(std::move(handler)), policy_(policy), acceptor_(io), accept_retry_(io) {}

ControlServer::~ControlServer() { Stop(); }

std::error_code ControlServer::Listen(const std::string& path) {
  boost::system::error_code ec;
  ::unlink(path.c_str());  // a stale socket from a crashed daemon
  acceptor_.open(stream_protocol(), ec);
  if (!ec) acceptor_.bind(stream_protocol::endpoint(path), ec);
  if (ec) return ec;
  path_ = path;
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
    if (sessions_.size() >= kMaxSessions) {
      // One short line into the empty socket buffer, then close: the client learns why.
      const std::string line = api::EncodeResponse(
          api::ErrorResponse(0, api::Errc::kBusy, "too many clients of uclinkd"));
      boost::system::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(boost::asio::buffer(line), ignored);
      socket.close(ignored);
    } else {
      auto session = std::make_shared<ControlSession>(std::move(socket), *this);
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
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
  if (!path_.empty()) ::unlink(path_.c_str());
}

std::size_t ControlServer::session_count() {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  return sessions_.size();
}

}  // namespace uclink::control
