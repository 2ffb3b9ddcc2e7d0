// The in-band half of the facade: each service as an inband client run by InbandSession.
#include "control/services/facade_inband.h"

#include <boost/asio/steady_timer.hpp>

#include "control/inband/ip_socket.h"
#include "control/services/inband_session.h"
#include "control/services/stream_pump.h"

namespace uclink::control::services::detail {

using inband::Errc;
using inband::MakeError;
using inband::PayloadEncoding;

namespace {

PayloadEncoding EncodingOf(const ServiceMode& mode) {
  return mode.prompt_payloads ? PayloadEncoding::kPrompt : PayloadEncoding::kInline;
}

}  // namespace

// Each service's checks run before the port is opened: a refused request sends nothing at all,
// not even the one-off prelude.

ServiceError InbandHttp(const ServiceMode& mode, inband::HttpRequest request, const DataSink& out,
                        const ProgressSink& progress) {
  request.encoding = EncodingOf(mode);
  if (auto error = inband::CheckHttpRequest(request, inband::Transport::kInband)) return *error;
  InbandSession session(mode);
  if (auto error = session.Open()) return error;
  inband::HttpClient client(std::move(request));
  return session.Run(client, {.on_data = out, .on_progress = progress}, [&](InbandRunner& r) {
    client.Start(chat::Clock::now());
    r.Pump();
  });
}

ServiceError InbandFtp(const ServiceMode& mode, inband::FtpSession ftp, inband::FtpRequest request,
                       const DataSink& out, const ProgressSink& progress) {
  ftp.encoding = EncodingOf(mode);
  if (auto error = inband::CheckFtp(ftp, request, inband::Transport::kInband)) return *error;
  InbandSession session(mode);
  if (auto error = session.Open()) return error;
  const bool size_verb = request.verb == inband::FtpVerb::kSize;
  inband::FtpClient client(std::move(ftp), std::move(request));
  ServiceError error =
      session.Run(client, {.on_data = out, .on_progress = size_verb ? ProgressSink() : progress},
                  [&](InbandRunner& r) {
                    client.Start(chat::Clock::now());
                    r.Pump();
                  });
  if (!error && size_verb && client.size()) out(std::to_string(*client.size()) + "\n");
  return error;
}

ServiceError InbandTcp(const ServiceMode& mode, const std::string& host, int port,
                       const StreamOptions& options, const DataSink& out) {
  InbandSession session(mode);
  if (auto error = session.Open()) return error;
  inband::IpSocket socket({chat::SocketMode::kTcp, host, port, EncodingOf(mode)});
  InbandRunner* runner = nullptr;
  StreamPump pump(
      session.io(), options.in_fd, options.idle_ms,
      [&](std::string chunk) {
        socket.Send(chunk);
        runner->Pump();
      },
      [&] {
        socket.Close();
        runner->Pump();
      });
  RunnerHandlers handlers{
      .on_ready = [&] { pump.ReadNext(); },
      .on_data =
          [&](const std::string& bytes) {
            out(bytes);
            pump.Activity();
          },
      .on_sent = [&](std::size_t) { pump.ReadNext(); },
  };
  return session.Run(socket, std::move(handlers), [&](InbandRunner& r) {
    runner = &r;
    socket.Open(chat::Clock::now());
    r.Pump();
  });
}

ServiceError InbandUdp(const ServiceMode& mode, const std::string& host, int port,
                       const std::string& data, int idle_ms, const DataSink& out) {
  InbandSession session(mode);
  if (auto error = session.Open()) return error;
  inband::IpSocket socket({chat::SocketMode::kUdp, host, port, EncodingOf(mode)});
  InbandRunner* runner = nullptr;
  boost::asio::steady_timer idle(session.io());
  auto arm = [&] {
    idle.expires_after(std::chrono::milliseconds(idle_ms));
    idle.async_wait([&](const boost::system::error_code& e) {
      if (e) return;
      socket.Close();
      runner->Pump();
    });
  };
  bool sent = false;
  RunnerHandlers handlers{
      .on_ready = [&] { socket.Send(data); },
      .on_data =
          [&](const std::string& bytes) {
            out(bytes);
            if (sent) arm();
          },
      .on_sent =
          [&](std::size_t) {
            sent = true;
            arm();
          },
  };
  ServiceError error = session.Run(socket, std::move(handlers), [&](InbandRunner& r) {
    runner = &r;
    socket.Open(chat::Clock::now());
    r.Pump();
  });
  idle.cancel();
  return error;
}

ServiceError InbandMqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                               const std::string& topic, int qos, bool retain,
                               const std::string& message) {
  if (auto error = inband::CheckPublish(topic, qos, message, inband::Transport::kInband)) {
    return *error;
  }
  InbandSession session(mode);
  if (auto error = session.Open()) return error;
  inband::MqttClient client(options);
  InbandRunner* runner = nullptr;
  RunnerHandlers handlers{
      .on_ready =
          [&] {
            client.Publish(topic, qos, retain, message);
            client.Disconnect();
          },
  };
  (void)runner;
  return session.Run(client, std::move(handlers), [&](InbandRunner& r) {
    runner = &r;
    client.Connect(chat::Clock::now());
    r.Pump();
  });
}

ServiceError InbandMqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                                 const std::string& topic, int qos, int count, int timeout_ms,
                                 const MessageSink& on_message) {
  if (auto error = inband::CheckSubscribe(topic, qos, inband::Transport::kInband)) return *error;
  InbandSession session(mode);
  if (auto error = session.Open()) return error;
  inband::MqttClient client(options);
  InbandRunner* runner = nullptr;
  boost::asio::steady_timer deadline(session.io());
  int received = 0;
  auto finish = [&] {
    deadline.cancel();
    client.Disconnect();
    runner->Pump();
  };
  RunnerHandlers handlers{
      .on_ready =
          [&] {
            client.Subscribe(topic, qos);
            if (timeout_ms > 0) {
              deadline.expires_after(std::chrono::milliseconds(timeout_ms));
              deadline.async_wait([&](const boost::system::error_code& e) {
                if (!e) finish();
              });
            }
          },
      .on_sent = [&](std::size_t) { std::fputs("subscribed\n", stderr); },
      .on_message =
          [&](const std::string& t, const std::string& payload) {
            on_message(t, payload);
            if (count > 0 && ++received >= count) finish();
          },
  };
  ServiceError error = session.Run(client, std::move(handlers), [&](InbandRunner& r) {
    runner = &r;
    client.Connect(chat::Clock::now());
    r.Pump();
  });
  deadline.cancel();
  return error;
}

}  // namespace uclink::control::services::detail
