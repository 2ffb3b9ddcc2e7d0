// The native (PPP-mode) half of the facade: Asio sockets and libmosquitto.
#include <mosquitto.h>
#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "control/services/facade_inband.h"
#include "control/services/stream_pump.h"

namespace uclink::control::services::detail {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using inband::Errc;
using inband::MakeError;

namespace {

// SO_BINDTODEVICE: the PPP interface, when one is given.
template <typename Socket>
ServiceError BindToInterface(Socket& socket, const std::string& interface) {
  if (interface.empty()) return {};
  if (::setsockopt(socket.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, interface.data(),
                   static_cast<socklen_t>(interface.size())) != 0) {
    return MakeError(Errc::kConnectFailed,
                     "cannot bind to " + interface + ": " + std::strerror(errno));
  }
  return {};
}

ServiceError FromAsio(const boost::system::error_code& error, const std::string& what) {
  if (error == asio::error::connection_refused || error == asio::error::host_unreachable ||
      error == asio::error::network_unreachable || error == asio::error::timed_out ||
      error == asio::error::host_not_found) {
    return MakeError(Errc::kConnectFailed, what + ": " + error.message());
  }
  if (error == asio::error::eof || error == asio::error::connection_reset) {
    return MakeError(Errc::kPeerClosed, "the peer closed the connection");
  }
  return MakeError(Errc::kModuleError, what + ": " + error.message());
}

}  // namespace

ServiceError NativeTcp(const ServiceMode& mode, const std::string& host, int port,
                       const StreamOptions& options, const DataSink& out) {
  asio::io_context io;
  boost::system::error_code error;
  auto endpoints = tcp::resolver(io).resolve(host, std::to_string(port), error);
  if (error) return FromAsio(error, "cannot resolve " + host);
  tcp::socket socket(io);
  socket.open(endpoints.begin()->endpoint().protocol(), error);
  if (auto e = BindToInterface(socket, mode.interface)) return e;
  socket.connect(endpoints.begin()->endpoint(), error);
  if (error) return FromAsio(error, "cannot connect to " + host + ":" + std::to_string(port));
  ServiceError result;
  std::array<char, 4096> buffer{};
  std::function<void()> read_more;
  StreamPump pump(
      io, options.in_fd, options.idle_ms,
      [&](std::string chunk) {
        auto data = std::make_shared<std::string>(std::move(chunk));
        asio::async_write(socket, asio::buffer(*data),
                          [&, data](const boost::system::error_code& e, std::size_t) {
                            if (e) {
                              result = FromAsio(e, "send");
                              return io.stop();
                            }
                            pump.ReadNext();
                          });
      },
      [&] {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        io.stop();
      });
  read_more = [&] {
    socket.async_read_some(
        asio::buffer(buffer), [&](const boost::system::error_code& e, std::size_t n) {
          if (e) {
            if (e != asio::error::operation_aborted && !pump.input_ended()) {
              result = FromAsio(e, "receive");
            } else if (e == asio::error::eof) {
              result = {};
            }
            if (e == asio::error::eof && !pump.input_ended()) {
              result = MakeError(Errc::kPeerClosed, "the peer closed the connection");
            }
            return io.stop();
          }
          out(std::string(buffer.data(), n));
          pump.Activity();
          read_more();
        });
  };
  read_more();
  pump.ReadNext();
  io.run();
  return result;
}

ServiceError NativeUdp(const ServiceMode& mode, const std::string& host, int port,
                       const std::string& data, int idle_ms, const DataSink& out) {
  asio::io_context io;
  boost::system::error_code error;
  auto endpoints = udp::resolver(io).resolve(host, std::to_string(port), error);
  if (error) return FromAsio(error, "cannot resolve " + host);
  udp::socket socket(io);
  socket.open(endpoints.begin()->endpoint().protocol(), error);
  if (auto e = BindToInterface(socket, mode.interface)) return e;
  socket.connect(endpoints.begin()->endpoint(), error);
  if (error) return FromAsio(error, "cannot reach " + host);
  // The same datagram boundaries as in-band: one IPSEND carries at most 1024 bytes.
  for (std::size_t off = 0; off < data.size(); off += 1024) {
    socket.send(asio::buffer(data.data() + off, std::min<std::size_t>(1024, data.size() - off)), 0,
                error);
    if (error) return FromAsio(error, "send");
  }
  asio::steady_timer idle(io);
  std::array<char, 65536> buffer{};
  std::function<void()> arm = [&] {
    idle.expires_after(std::chrono::milliseconds(idle_ms));
    idle.async_wait([&](const boost::system::error_code& e) {
      if (!e) io.stop();
    });
  };
  std::function<void()> receive = [&] {
    socket.async_receive(asio::buffer(buffer),
                         [&](const boost::system::error_code& e, std::size_t n) {
                           if (e == asio::error::connection_refused)
                             return receive();  // ICMP, as the module
                           if (e) return;
                           out(std::string(buffer.data(), n));
                           arm();
                           receive();
                         });
  };
  arm();
  receive();
  io.run();
  return {};
}

ServiceError NativeUdpListen(const ServiceMode& mode, const std::string& address, int port,
                             int count, int idle_ms, const DataSink& out) {
  asio::io_context io;
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(address, error);
  if (error) return MakeError(Errc::kInvalidArgument, "bad address " + address);
  udp::socket socket(io);
  socket.open(ip.is_v4() ? udp::v4() : udp::v6(), error);
  if (auto e = BindToInterface(socket, mode.interface)) return e;
  socket.bind(udp::endpoint(ip, static_cast<unsigned short>(port)), error);
  if (error) return FromAsio(error, "cannot bind " + address + ":" + std::to_string(port));
  std::fprintf(stderr, "listening on %s:%u\n", address.c_str(), socket.local_endpoint().port());
  asio::steady_timer idle(io);
  std::array<char, 65536> buffer{};
  udp::endpoint from;
  int received = 0;
  std::function<void()> arm = [&] {
    if (idle_ms <= 0) return;
    idle.expires_after(std::chrono::milliseconds(idle_ms));
    idle.async_wait([&](const boost::system::error_code& e) {
      if (!e) io.stop();
    });
  };
  std::function<void()> receive = [&] {
    socket.async_receive_from(asio::buffer(buffer), from,
                              [&](const boost::system::error_code& e, std::size_t n) {
                                if (e) return io.stop();
                                out(std::string(buffer.data(), n));
                                if (count > 0 && ++received >= count) return io.stop();
                                arm();
                                receive();
                              });
  };
  arm();
  receive();
  io.run();
  return {};
}

namespace {

// libmosquitto's error numbers as uclink errors.
ServiceError MosquittoError(int rc, const std::string& what) {
  return MakeError(rc == MOSQ_ERR_CONN_REFUSED || rc == MOSQ_ERR_NO_CONN ? Errc::kConnectFailed
                                                                         : Errc::kServiceError,
                   what + ": " + mosquitto_strerror(rc));
}

struct MosquittoLib {
  MosquittoLib() { mosquitto_lib_init(); }
  ~MosquittoLib() { mosquitto_lib_cleanup(); }
};

struct MqttState {
  bool connected = false;
  int connack = -1;
  int acked_mid = -1;
  bool subscribed = false;
  int received = 0;
  const MessageSink* sink = nullptr;
};

struct MosqDeleter {
  void operator()(mosquitto* m) const { mosquitto_destroy(m); }
};

std::unique_ptr<mosquitto, MosqDeleter> MakeClient(const ServiceMode& mode,
                                                   const inband::MqttSessionOptions& options,
                                                   MqttState& state, ServiceError& error) {
  static MosquittoLib lib;
  const auto& c = options.config;
  std::unique_ptr<mosquitto, MosqDeleter> m(
      mosquitto_new(c.client_id.empty() ? nullptr : c.client_id.c_str(), c.clean_session, &state));
  if (!m) {
    error = MakeError(Errc::kServiceError,
                      "mosquitto_new failed (a client id is needed "
                      "without clean session)");
    return nullptr;
  }
  if (!c.username.empty()) {
    mosquitto_username_pw_set(m.get(), c.username.c_str(),
                              c.password.empty() ? nullptr : c.password.c_str());
  }
  mosquitto_connect_callback_set(m.get(), [](mosquitto*, void* user, int rc) {
    auto* s = static_cast<MqttState*>(user);
    s->connack = rc;
    s->connected = rc == 0;
  });
  mosquitto_publish_callback_set(m.get(), [](mosquitto*, void* user, int mid) {
    static_cast<MqttState*>(user)->acked_mid = mid;
  });
  mosquitto_subscribe_callback_set(m.get(), [](mosquitto*, void* user, int, int, const int*) {
    static_cast<MqttState*>(user)->subscribed = true;
  });
  mosquitto_message_callback_set(m.get(), [](mosquitto*, void* user, const mosquitto_message* msg) {
    auto* s = static_cast<MqttState*>(user);
    ++s->received;
    if (s->sink && *s->sink) {
      (*s->sink)(msg->topic, std::string(static_cast<const char*>(msg->payload),
                                         static_cast<std::size_t>(msg->payloadlen)));
    }
  });
  // libmosquitto binds to an address, not a device: the broker is reached through the route the
  // PPP link installed (mode.interface is not applied here).
  (void)mode;
  int rc = mosquitto_connect(m.get(), c.host.c_str(), c.port, c.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    error = MosquittoError(rc, "cannot connect to " + c.host + ":" + std::to_string(c.port));
    return nullptr;
  }
  return m;
}

// Runs the client's loop until `done()` or the deadline.
bool LoopUntil(mosquitto* m, const std::function<bool()>& done, int timeout_ms, int& rc) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (timeout_ms > 0 && std::chrono::steady_clock::now() >= deadline) return false;
    rc = mosquitto_loop(m, 100, 1);
    if (rc != MOSQ_ERR_SUCCESS) return false;
  }
  return true;
}

ServiceError AwaitConnack(mosquitto* m, MqttState& state) {
  int rc = MOSQ_ERR_SUCCESS;
  if (!LoopUntil(
          m, [&] { return state.connack >= 0; }, 15000, rc)) {
    return rc != MOSQ_ERR_SUCCESS ? MosquittoError(rc, "connect")
                                  : MakeError(Errc::kTimeout, "no CONNACK within 15 s");
  }
  if (state.connack != 0) {
    return MakeError(Errc::kServiceError, std::string("the broker refused the connection: ") +
                                              mosquitto_connack_string(state.connack));
  }
  return {};
}

}  // namespace

ServiceError NativeMqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                               const std::string& topic, int qos, bool retain,
                               const std::string& message) {
  // The manual's limits and MQTT's topic rules hold in both modes; what a command line cannot
  // carry does not matter here (libmosquitto sends every byte).
  if (auto e = inband::CheckPublish(topic, qos, message, inband::Transport::kNative)) return *e;
  MqttState state;
  ServiceError error;
  auto m = MakeClient(mode, options, state, error);
  if (!m) return error;
  if (auto e = AwaitConnack(m.get(), state)) return e;
  int mid = 0;
  int rc = mosquitto_publish(m.get(), &mid, topic.c_str(), static_cast<int>(message.size()),
                             message.data(), qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) return MosquittoError(rc, "publish");
  // QoS 0 completes when written; 1/2 when PUBACK/PUBCOMP arrived (on_publish).
  if (!LoopUntil(
          m.get(), [&] { return state.acked_mid == mid; }, 15000, rc)) {
    return MakeError(Errc::kTimeout, "the broker did not acknowledge the message");
  }
  mosquitto_disconnect(m.get());
  mosquitto_loop(m.get(), 100, 1);
  return {};
}

ServiceError NativeMqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                                 const std::string& topic, int qos, int count, int timeout_ms,
                                 const MessageSink& on_message) {
  if (auto e = inband::CheckSubscribe(topic, qos, inband::Transport::kNative)) return *e;
  MqttState state;
  state.sink = &on_message;
  ServiceError error;
  auto m = MakeClient(mode, options, state, error);
  if (!m) return error;
  if (auto e = AwaitConnack(m.get(), state)) return e;
  int rc = mosquitto_subscribe(m.get(), nullptr, topic.c_str(), qos);
  if (rc != MOSQ_ERR_SUCCESS) return MosquittoError(rc, "subscribe");
  if (!LoopUntil(
          m.get(), [&] { return state.subscribed; }, 15000, rc)) {
    return MakeError(Errc::kTimeout, "no SUBACK within 15 s");
  }
  std::fputs("subscribed\n", stderr);
  LoopUntil(
      m.get(), [&] { return count > 0 && state.received >= count; }, timeout_ms, rc);
  mosquitto_disconnect(m.get());
  mosquitto_loop(m.get(), 100, 1);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) return MosquittoError(rc, "receive");
  return {};
}

}  // namespace uclink::control::services::detail
