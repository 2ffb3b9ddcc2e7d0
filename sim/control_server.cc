#include "sim/control_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include "sim/errors.h"

namespace uclink::sim {
namespace {

using Socket = boost::asio::local::stream_protocol::socket;

// One client connection; lines longer than 1 KiB close it (bounded memory).
class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(Socket socket, ControlServer::Handler& handler)
      : socket_(std::move(socket)), handler_(handler), input_(1024) {}

  void Start() { ReadLine(); }

 private:
  void ReadLine() {
    boost::asio::async_read_until(
        socket_, input_, '\n',
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
          if (error) return;
          std::string line(boost::asio::buffers_begin(self->input_.data()),
                           boost::asio::buffers_begin(self->input_.data()) + n);
          self->input_.consume(n);
          while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
          self->answer_ = self->handler_(line) + "\n";
          boost::asio::async_write(
              self->socket_, boost::asio::buffer(self->answer_),
              [self](const boost::system::error_code& write_error, std::size_t) {
                if (!write_error) self->ReadLine();
              });
        });
  }

  Socket socket_;
  ControlServer::Handler& handler_;
  boost::asio::streambuf input_;
  std::string answer_;
};

}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, Handler handler)
    : acceptor_(io), handler_(std::move(handler)) {}

ControlServer::~ControlServer() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

std::error_code ControlServer::Listen(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return make_error_code(Errc::kSocketFailed);
    ::unlink(path.c_str());
  }
  boost::system::error_code error;
  acceptor_.open(boost::asio::local::stream_protocol(), error);
  if (!error) acceptor_.bind(boost::asio::local::stream_protocol::endpoint(path), error);
  if (!error) acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) return make_error_code(Errc::kSocketFailed);
  path_ = path;
  Accept();
  return {};
}

void ControlServer::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, Socket socket) {
    if (error == boost::asio::error::operation_aborted) return;
    if (!error) std::make_shared<ControlSession>(std::move(socket), handler_)->Start();
    Accept();
  });
}

}  // namespace uclink::sim
