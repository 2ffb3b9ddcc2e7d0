#include "control/cli/daemon_services.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>

#include "control/api/service.h"
#include "control/api/status.h"
#include "control/cli/client.h"
#include "control/cli/exit_code.h"

namespace uclink::control::cli {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// No line from the daemon for this long while we wait on it: it is stuck (each operation has
// its own, shorter, timeouts in the daemon).
constexpr auto kSilenceLimit = 300s;
// `status` before choosing the mode.
constexpr auto kStatusTimeout = 10s;

ServiceError ApiError(api::Errc code, std::string message) {
  return ServiceError{api::make_error_code(code), std::move(message)};
}

std::string SocketOf(const ServiceMode& mode) {
  return mode.socket.empty() ? std::string(api::kDefaultSocketPath) : mode.socket;
}

std::optional<ControlClient> Connect(const ServiceMode& mode, ServiceError* error) {
  std::error_code ec;
  std::optional<ControlClient> client = ControlClient::Connect(SocketOf(mode), ec);
  if (!client && ClassifyError(ec) == api::Errc::kPermissionDenied) {
    // The socket's mode refused us (root and control.group only, docs/control-api.md).
    *error = ApiError(api::Errc::kPermissionDenied, SocketOf(mode) + ": " + ec.message());
  } else if (!client) {
    *error = ApiError(api::Errc::kDaemonUnavailable,
                      "cannot reach uclinkd at " + SocketOf(mode) + " (" + ec.message() +
                          "): start it, or use --port PORT (one-off, no daemon) or --native");
  }
  return client;
}

// One "service" request and its stream.
struct Call {
  api::ServiceParams params;
  std::string upload;  // sent inline when small, else as service.send lines after service.ready
  int in_fd = -1;      // tcp: stream this descriptor after service.ready
  int idle_ms = 1000;  // tcp: once in_fd ended, close after this long without data
  services::DataSink on_data;
  services::ProgressSink on_progress;
  services::MessageSink on_message;
  std::function<void()> on_subscribed;
};

class Streamer {
 public:
  Streamer(ControlClient& client, Call& call) : client_(client), call_(call) {}

  ServiceError Run(nlohmann::json* result) {
    if (call_.upload.size() <= api::kMaxChunkBytes) {
      call_.params.data = std::move(call_.upload);
      call_.upload.clear();
    } else {
      call_.params.input = true;
    }
    upload_pending_ = call_.params.input;
    std::error_code ec;
    std::optional<std::uint64_t> id = client_.Send(api::Method::kService, ToJson(call_.params), ec);
    if (!id) return ApiError(api::Errc::kDaemonUnavailable, "uclinkd: " + ec.message());
    id_ = *id;
    last_line_ = Clock::now();
    while (true) {
      if (std::optional<ServiceError> done = Step(result)) return *done;
    }
  }

 private:
  // Waits for one thing (a line, input, the idle deadline) and handles it; the result when the
  // request ended.
  std::optional<ServiceError> Step(nlohmann::json* result) {
    const bool watch_input = ready_ && call_.in_fd >= 0 && !awaiting_sent_ && !input_ended_;
    int timeout_ms = -1;
    if (IdleClosePending()) {
      timeout_ms = static_cast<int>(std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(idle_deadline_ - Clock::now())
                 .count()));
    } else if (!watch_input) {
      timeout_ms = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(kSilenceLimit).count());
    }
    pollfd fds[2] = {{client_.fd(), POLLIN, 0}, {call_.in_fd, POLLIN, 0}};
    if (!client_.has_buffered_lines()) {
      const int n = ::poll(fds, watch_input ? 2 : 1, timeout_ms);
      if (n < 0 && errno != EINTR) return ApiError(api::Errc::kDaemonUnavailable, "poll failed");
      if (n == 0) return OnQuiet();
    }
    if (client_.has_buffered_lines() || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      if (auto done = ReadLines(result)) return done;
    }
    if (watch_input && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) ReadInput();
    return std::nullopt;
  }

  bool IdleClosePending() const {
    return call_.in_fd >= 0 && ready_ && input_ended_ && !awaiting_sent_ && !close_sent_;
  }

  std::optional<ServiceError> OnQuiet() {
    if (IdleClosePending() && Clock::now() >= idle_deadline_) {
      SendFollowUp(api::Method::kServiceClose, nlohmann::json::object());
      close_sent_ = true;
      return std::nullopt;
    }
    if (!IdleClosePending() && Clock::now() - last_line_ >= kSilenceLimit) {
      return ApiError(api::Errc::kTimeout, "uclinkd did not answer for 300 s");
    }
    return std::nullopt;
  }

  std::optional<ServiceError> ReadLines(nlohmann::json* result) {
    do {
      std::error_code ec;
      std::optional<api::ServerLine> line = client_.ReadLine(0ms, ec);
      if (!line) {
        if (ec == api::Errc::kTimeout) return std::nullopt;  // a partial line: wait for more
        return ApiError(api::Errc::kDaemonUnavailable, "connection to uclinkd lost");
      }
      last_line_ = Clock::now();
      if (line->event) {
        OnEvent(*line->event);
      } else if (line->response && line->response->id == id_) {
        if (line->response->error) {
          return ApiError(line->response->error->code, line->response->error->message);
        }
        if (result != nullptr) *result = line->response->result;
        return ServiceError{};
      } else if (line->error) {
        return ApiError(api::Errc::kProtocolError, "uclinkd sent: " + *line->error);
      }
    } while (client_.has_buffered_lines());
    return std::nullopt;
  }

  void OnEvent(const api::Event& event) {
    const nlohmann::json& d = event.data;
    if (event.name == api::kEventReady) {
      ready_ = true;
      SendUploadChunk();
    } else if (event.name == api::kEventSent) {
      awaiting_sent_ = false;
      SendUploadChunk();
    } else if (event.name == api::kEventData) {
      std::optional<std::string> bytes = api::Base64Decode(d.value("data", std::string()));
      if (bytes && call_.on_data) call_.on_data(*bytes);
      idle_deadline_ = Clock::now() + std::chrono::milliseconds(call_.idle_ms);
    } else if (event.name == api::kEventProgress && call_.on_progress) {
      const nlohmann::json& total = d.value("total", nlohmann::json());
      call_.on_progress(
          d.value("done", std::size_t{0}),
          total.is_number_unsigned() ? std::optional(total.get<std::size_t>()) : std::nullopt);
    } else if (event.name == api::kEventMessage && call_.on_message) {
      std::optional<std::string> payload = api::Base64Decode(d.value("payload", std::string()));
      call_.on_message(d.value("topic", std::string()), payload.value_or(""));
    } else if (event.name == api::kEventSubscribed && call_.on_subscribed) {
      call_.on_subscribed();
    }
  }

  // Uploads go one chunk per service.sent, then service.close.
  void SendUploadChunk() {
    if (!upload_pending_ || awaiting_sent_) return;
    if (upload_offset_ >= call_.upload.size()) {
      SendFollowUp(api::Method::kServiceClose, nlohmann::json::object());
      upload_pending_ = false;
      return;
    }
    const std::size_t n = std::min(api::kMaxChunkBytes, call_.upload.size() - upload_offset_);
    SendData(std::string_view(call_.upload).substr(upload_offset_, n));
    upload_offset_ += n;
  }

  void ReadInput() {
    char buffer[16 * 1024];
    const ssize_t n = ::read(call_.in_fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
      input_ended_ = true;
      idle_deadline_ = Clock::now() + std::chrono::milliseconds(call_.idle_ms);
      return;
    }
    SendData(std::string_view(buffer, static_cast<std::size_t>(n)));
  }

  void SendData(std::string_view bytes) {
    SendFollowUp(api::Method::kServiceSend, {{"data", api::Base64Encode(bytes)}});
    awaiting_sent_ = true;
  }

  void SendFollowUp(api::Method method, nlohmann::json params) {
    std::error_code ignored;  // a lost connection shows on the next read
    client_.Send(method, std::move(params), ignored);
  }

  ControlClient& client_;
  Call& call_;
  std::uint64_t id_ = 0;
  Clock::time_point last_line_;
  Clock::time_point idle_deadline_;
  std::size_t upload_offset_ = 0;
  bool upload_pending_ = false;
  bool ready_ = false;
  bool awaiting_sent_ = false;
  bool input_ended_ = false;
  bool close_sent_ = false;
};

ServiceError RunCall(const ServiceMode& mode, Call call, nlohmann::json* result = nullptr) {
  call.params.prompt_payloads = mode.prompt_payloads;
  call.params.wait = mode.wait;
  ServiceError error;
  std::optional<ControlClient> client = Connect(mode, &error);
  if (!client) return error;
  return Streamer(*client, call).Run(result);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

api::ServiceParams MqttParams(const inband::MqttSessionOptions& options, api::Service service,
                              const std::string& topic, int qos) {
  api::ServiceParams p;
  p.service = service;
  p.host = options.config.host;
  p.port = options.config.port;
  p.client_id = options.config.client_id;
  p.clean_session = options.config.clean_session;
  p.keepalive_s = options.config.keepalive_s;
  p.username = options.config.username;
  p.password = options.config.password;
  for (const inband::MqttCertificate& cert : options.certificates) {
    if (cert.type == chat::CertType::kRootCa) p.ca_pem = cert.pem;
  }
  p.topic = topic;
  p.qos = qos;
  return p;
}

}  // namespace

std::optional<DaemonLink> QueryLink(const ServiceMode& mode, ServiceError* error) {
  std::optional<ControlClient> client = Connect(mode, error);
  if (!client) return std::nullopt;
  std::error_code ec;
  std::optional<api::Response> status =
      client->Call(api::Method::kStatus, nlohmann::json::object(), kStatusTimeout, ec);
  if (!status || status->error) {
    *error = ApiError(status ? status->error->code : api::Errc::kDaemonUnavailable,
                      "uclinkd at " + SocketOf(mode) + " did not answer status: " +
                          (status ? status->error->message : ec.message()));
    return std::nullopt;
  }
  const api::Status s = api::StatusFromJson(status->result);
  if (s.mode == "ppp") return DaemonLink{true, s.interface.name.value_or("")};
  if (s.mode == "inband") return DaemonLink{};
  *error = ApiError(api::Errc::kNotOnline,
                    "not online (state " + s.state +
                        "): run `uclink connect --wait`, or use --port PORT / --native");
  return std::nullopt;
}

ServiceError DaemonHttp(const ServiceMode& mode, const inband::HttpRequest& request,
                        const services::DataSink& out, const services::ProgressSink& progress) {
  Call call;
  call.params.service = api::Service::kHttp;
  call.params.method = Lower(chat::ToString(request.method));
  call.params.url = request.url;
  call.params.headers = request.headers;
  call.upload = request.body;
  call.on_data = out;
  call.on_progress = progress;
  return RunCall(mode, std::move(call));
}

ServiceError DaemonFtp(const ServiceMode& mode, const inband::FtpSession& session,
                       const inband::FtpRequest& request, const services::DataSink& out,
                       const services::ProgressSink& progress) {
  Call call;
  api::ServiceParams& p = call.params;
  p.service = api::Service::kFtp;
  p.verb = std::string(inband::ToString(request.verb));
  p.host = session.host;
  p.port = session.port;
  p.user = session.user;
  p.password = session.password;
  p.passive = session.passive;
  p.ascii = session.type == chat::FtpTransferType::kAscii;
  p.path = request.path;
  call.upload = request.data;
  call.on_data = out;
  const bool size_verb = request.verb == inband::FtpVerb::kSize;
  if (!size_verb) call.on_progress = progress;
  nlohmann::json result;
  ServiceError error = RunCall(mode, std::move(call), &result);
  // As the one-off path prints it (control/services/facade_inband.cc).
  if (!error && size_verb && result.contains("size") && result["size"].is_number_unsigned()) {
    out(std::to_string(result["size"].get<std::size_t>()) + "\n");
  }
  return error;
}

ServiceError DaemonTcp(const ServiceMode& mode, const std::string& host, int port,
                       const services::StreamOptions& options, const services::DataSink& out) {
  Call call;
  call.params.service = api::Service::kTcp;
  call.params.host = host;
  call.params.port = port;
  call.in_fd = options.in_fd;
  call.idle_ms = options.idle_ms;
  call.on_data = out;
  return RunCall(mode, std::move(call));
}

ServiceError DaemonUdp(const ServiceMode& mode, const std::string& host, int port,
                       const std::string& data, int idle_ms, const services::DataSink& out) {
  Call call;
  call.params.service = api::Service::kUdp;
  call.params.host = host;
  call.params.port = port;
  call.params.idle_ms = std::max(1, idle_ms);
  call.upload = data;
  call.on_data = out;
  return RunCall(mode, std::move(call));
}

ServiceError DaemonMqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                               const std::string& topic, int qos, bool retain,
                               const std::string& message) {
  Call call;
  call.params = MqttParams(options, api::Service::kMqttPub, topic, qos);
  call.params.retain = retain;
  call.upload = message;
  return RunCall(mode, std::move(call));
}

ServiceError DaemonMqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                                 const std::string& topic, int qos, int count, int timeout_ms,
                                 const services::MessageSink& on_message) {
  Call call;
  call.params = MqttParams(options, api::Service::kMqttSub, topic, qos);
  call.params.count = count;
  call.params.timeout_ms = timeout_ms;
  call.on_message = on_message;
  call.on_subscribed = [] { std::fputs("subscribed\n", stderr); };
  return RunCall(mode, std::move(call));
}

ServiceError DaemonForward(const ServiceMode& mode, const std::string& listen_address,
                           int listen_port, const std::string& host, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(listen_port));
  if (::inet_pton(AF_INET, listen_address.c_str(), &address.sin_addr) != 1) {
    return inband::MakeError(inband::Errc::kInvalidArgument,
                             "bad listen address " + listen_address);
  }
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, SOMAXCONN) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listener);
    return inband::MakeError(
        inband::Errc::kInvalidArgument,
        "cannot listen on " + listen_address + ":" + std::to_string(listen_port) + ": " + why);
  }
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::fprintf(stderr, "forwarding %s:%u to %s:%d\n", listen_address.c_str(),
               ntohs(address.sin_port), host.c_str(), port);
  while (true) {
    // One connection at a time (the module has one TCP client); the next wait in the backlog.
    const int local = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (local < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;
    }
    ServiceError error = DaemonTcp(
        mode, host, port, {.in_fd = local, .idle_ms = 0}, [local](std::string_view bytes) {
          for (std::size_t sent = 0; sent < bytes.size();) {
            const ssize_t n = ::send(local, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
          }
        });
    ::close(local);
    if (error) std::fprintf(stderr, "uclink: forward: %s\n", error.message.c_str());
  }
  ::close(listener);
  return {};
}

}  // namespace uclink::control::cli
