#include "control/daemon/control_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/write.hpp>
#include <deque>

namespace uclink::control {

using boost::asio::local::stream_protocol;

class ControlSession : public std::enable_shared_from_this<ControlSession> {
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
  }

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
    for (std::string& line : out.lines) pending_.push_back(std::move(line));
    if (pending_.size() > ControlServer::kMaxPendingRequests) return Close();
    ProcessNext();
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
      const bool subscribe = request.method == api::Method::kSubscribe;
      auto self = shared_from_this();
      server_.handler_(request, [self, subscribe](api::Response response) {
        if (subscribe && !response.error) self->subscribed_ = true;
        self->Send(api::EncodeResponse(response));
        self->busy_ = false;
        self->ProcessNext();
      });
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
};

ControlServer::ControlServer(boost::asio::io_context& io, RequestHandler handler, PeerPolicy policy)
    : io_(io), handler_(std::move(handler)), policy_(policy), acceptor_(io) {}

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
    if (!ec) {
      auto session = std::make_shared<ControlSession>(std::move(socket), *this);
      std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
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
