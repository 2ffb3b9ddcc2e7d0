// `uclink forward`: a local TCP listener whose connections are relayed to HOST:PORT, one at a
// time (the module has one TCP client, manual §2.22); later connections wait in a queue.
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "control/inband/ip_socket.h"
#include "control/services/facade.h"
#include "control/services/inband_session.h"

namespace uclink::control::services {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using inband::Errc;
using inband::MakeError;

// Accepts connections into a queue until stopped.
class Listener {
 public:
  Listener(asio::io_context& io, const tcp::endpoint& at) : acceptor_(io) {
    boost::system::error_code error;
    acceptor_.open(at.protocol(), error);
    acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(at, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    error_ = error;
    if (!error) Accept();
  }
  boost::system::error_code error() const { return error_; }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::deque<tcp::socket>& queue() { return queue_; }
  void Stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void Accept() {
    acceptor_.async_accept([this](const boost::system::error_code& e, tcp::socket s) {
      if (e) return;
      queue_.push_back(std::move(s));
      Accept();
    });
  }
  tcp::acceptor acceptor_;
  std::deque<tcp::socket> queue_;
  boost::system::error_code error_;
};

// Relays one local connection through the module's TCP client until either side closes.
ServiceError RelayInband(InbandSession& session, tcp::socket& local, const ServiceMode& mode,
                         const std::string& host, int port) {
  inband::IpSocket socket(
      {chat::SocketMode::kTcp, host, port,
       mode.prompt_payloads ? inband::PayloadEncoding::kPrompt : inband::PayloadEncoding::kInline});
  InbandRunner* runner = nullptr;
  std::array<char, 1024> buffer{};
  std::function<void()> read_local = [&] {
    local.async_read_some(asio::buffer(buffer),
                          [&](const boost::system::error_code& e, std::size_t n) {
                            // The module side may end the relay first (+IPCLOSE): closing
                            // `local` then cancels this read after RelayInband returned, so the
                            // captured locals are gone; touch nothing.
                            if (e == asio::error::operation_aborted) return;
                            if (e) {
                              socket.Close();
                            } else {
                              socket.Send(std::string_view(buffer.data(), n));
                            }
                            runner->Pump();
                          });
  };
  RunnerHandlers handlers{
      .on_ready = [&] { read_local(); },
      .on_data =
          [&](const std::string& bytes) {
            boost::system::error_code ignored;
            asio::write(local, asio::buffer(bytes), ignored);
          },
      .on_sent = [&](std::size_t) { read_local(); },
  };
  ServiceError error = session.Run(socket, std::move(handlers), [&](InbandRunner& r) {
    runner = &r;
    socket.Open(chat::Clock::now());
    r.Pump();
  });
  boost::system::error_code ignored;
  local.close(ignored);
  return error;
}

// Relays one local connection over a native socket.
ServiceError RelayNative(asio::io_context& io, tcp::socket& local, const ServiceMode& mode,
                         const std::string& host, int port) {
  boost::system::error_code error;
  auto endpoints = tcp::resolver(io).resolve(host, std::to_string(port), error);
  if (error) return MakeError(Errc::kConnectFailed, "cannot resolve " + host);
  tcp::socket remote(io);
  remote.open(endpoints.begin()->endpoint().protocol(), error);
  if (!mode.interface.empty()) {
    ::setsockopt(remote.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, mode.interface.data(),
                 static_cast<socklen_t>(mode.interface.size()));
  }
  remote.connect(endpoints.begin()->endpoint(), error);
  if (error) {
    local.close(error);
    return MakeError(Errc::kConnectFailed, "cannot connect to " + host + ": " + error.message());
  }
  int open_directions = 2;
  std::array<char, 4096> up{}, down{};
  std::function<void(tcp::socket&, tcp::socket&, std::array<char, 4096>&)> pipe =
      [&](tcp::socket& from, tcp::socket& to, std::array<char, 4096>& buf) {
        from.async_read_some(asio::buffer(buf),
                             [&](const boost::system::error_code& e, std::size_t n) {
                               boost::system::error_code ignored;
                               if (e || !asio::write(to, asio::buffer(buf.data(), n), ignored)) {
                                 to.shutdown(tcp::socket::shutdown_send, ignored);
                                 --open_directions;
                                 return;
                               }
                               pipe(from, to, buf);
                             });
      };
  pipe(local, remote, up);
  pipe(remote, local, down);
  while (open_directions > 0 && io.run_one() > 0) {
  }
  return {};
}

}  // namespace

ServiceError Forward(const ServiceMode& mode, const std::string& listen_address, int listen_port,
                     const std::string& host, int port, const std::function<bool()>& keep_going) {
  std::unique_ptr<InbandSession> session;
  asio::io_context native_io;
  if (!mode.native) {
    session = std::make_unique<InbandSession>(mode);
    if (auto error = session->Open()) return error;
  }
  asio::io_context& io = session ? session->io() : native_io;
  boost::system::error_code error;
  const auto address = asio::ip::make_address(listen_address, error);
  if (error) return MakeError(Errc::kInvalidArgument, "bad listen address " + listen_address);
  Listener listener(io, tcp::endpoint(address, static_cast<unsigned short>(listen_port)));
  if (listener.error()) {
    return MakeError(Errc::kInvalidArgument, "cannot listen on " + listen_address + ":" +
                                                 std::to_string(listen_port) + ": " +
                                                 listener.error().message());
  }
  std::fprintf(stderr, "forwarding %s:%u to %s:%d\n", listen_address.c_str(), listener.port(),
               host.c_str(), port);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stop = false;
  signals.async_wait([&](const boost::system::error_code& e, int) {
    if (!e) stop = true;
    listener.Stop();
  });
  while (!stop && keep_going()) {
    if (listener.queue().empty()) {
      if (io.run_one() == 0) break;
      continue;
    }
    tcp::socket local = std::move(listener.queue().front());
    listener.queue().pop_front();
    ServiceError result = session ? RelayInband(*session, local, mode, host, port)
                                  : RelayNative(io, local, mode, host, port);
    if (result && result.code != Errc::kPeerClosed) {
      std::fprintf(stderr, "uclink: forward: %s\n", result.message.c_str());
    }
  }
  return {};
}

}  // namespace uclink::control::services
