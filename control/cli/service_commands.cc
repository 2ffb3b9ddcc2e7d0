#include "control/cli/service_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "control/api/protocol.h"
#include "control/cli/daemon_services.h"
#include "control/cli/exit_code.h"
#include "control/daemon/service_host.h"
#include "control/services/facade.h"

namespace uclink::control::cli {
namespace {

using services::ServiceError;
using services::ServiceMode;

// Exit codes: the one table of control/cli/exit_code.h (docs/services.md repeats the rows that
// concern services). Through the daemon the errors are the control API's already; the one-off
// and native paths' inband::Errc become API errors as the daemon maps them (ToApiErrc), so the
// same failure exits the same way in every mode.
int ExitCodeOf(const ServiceError& error) {
  if (!error) return 0;
  const api::Errc errc = error.code.category() == inband::InbandCategory()
                             ? ToApiErrc(error.code)
                             : ClassifyError(error.code);
  return static_cast<int>(ExitCodeFor(errc));
}

void Finish(const ServiceError& error) {
  if (!error) return;
  std::fprintf(stderr, "uclink: %s\n", error.message.c_str());
  if (error.code == api::Errc::kPermissionDenied) {
    std::fprintf(stderr, "uclink: %s\n", PermissionHint().c_str());
  }
  throw CLI::RuntimeError(ExitCodeOf(error));
}

void AddModeFlags(CLI::App& command, ServiceMode& mode) {
  command.add_option("--port", mode.port, "in-band: the module's AT port (one-off, no daemon)");
  command.add_option("--baud", mode.baud, "in-band: port speed")->capture_default_str();
  command.add_option("--cid", mode.cid, "in-band: PDP context activated first (0: skip)")
      ->capture_default_str();
  command.add_option("--lock-dir", mode.lock_dir, "in-band: UUCP lock directory");
  command.add_flag("--prompt-payloads", mode.prompt_payloads,
                   "in-band: send binary data after the '>' prompt (uclink-sim; not in the "
                   "manual)");
  command.add_flag("--native", mode.native, "PPP mode: native sockets/libcurl/libmosquitto");
  command.add_option("--interface", mode.interface, "PPP mode: bind to this interface");
  command.add_option("--socket", mode.socket,
                     "without --port/--native: uclinkd's control socket (default " +
                         std::string(api::kDefaultSocketPath) + ")");
  command.add_flag("--wait", mode.wait,
                   "through uclinkd: wait while the module's client is in use (else busy)");
}

// Which implementation runs a command: --native, --port (one-off, no daemon), or the daemon,
// whose `status` decides (PPP: native on its interface; in-band: its "service" method).
enum class Route { kDirect, kDaemon };

// `uclink --socket P tcp ...`: the app's own --socket (client_commands), when it has one.
CLI::Option* root_socket = nullptr;

Route Resolve(ServiceMode& mode) {
  if (mode.native || !mode.port.empty()) return Route::kDirect;
  if (mode.socket.empty() && root_socket != nullptr && root_socket->count() > 0) {
    mode.socket = root_socket->as<std::string>();
  }
  ServiceError error;
  std::optional<DaemonLink> link = QueryLink(mode, &error);
  if (!link) {
    Finish(error);  // QueryLink says why: not reachable (3), refused (4), not online (6)
    throw CLI::RuntimeError(static_cast<int>(ExitCode::kUnreachable));
  }
  if (!link->ppp) return Route::kDaemon;
  mode.native = true;
  if (mode.interface.empty()) mode.interface = link->interface;
  return Route::kDirect;
}

// Where a resolved command's bytes travel: through the daemon only in-band (a PPP daemon
// resolves to kDirect with mode.native set).
inband::Transport TransportOf(Route route, const ServiceMode& mode) {
  return route == Route::kDirect && mode.native ? inband::Transport::kNative
                                                : inband::Transport::kInband;
}

// Writes to stdout or to `path`.
class Output {
 public:
  explicit Output(const std::string& path) {
    if (!path.empty()) {
      file_ = std::fopen(path.c_str(), "wb");
      if (file_ == nullptr) {
        Finish(inband::MakeError(inband::Errc::kInvalidArgument, "cannot write " + path));
      }
    }
  }
  ~Output() {
    if (file_ != nullptr) std::fclose(file_);
    std::fflush(stdout);
  }
  services::DataSink Sink() {
    return [this](std::string_view bytes) {
      std::fwrite(bytes.data(), 1, bytes.size(), file_ != nullptr ? file_ : stdout);
      if (file_ == nullptr) std::fflush(stdout);
    };
  }

 private:
  std::FILE* file_ = nullptr;
};

// A progress bar on stderr when it is a terminal.
services::ProgressSink ProgressBar() {
  if (::isatty(STDERR_FILENO) == 0) return {};
  return [](std::size_t done, std::optional<std::size_t> total) {
    if (total && *total > 0) {
      const int width = 30;
      const int filled = static_cast<int>(width * std::min(done, *total) / *total);
      std::fprintf(stderr, "\r[%-*s] %3zu%% %zu/%zu", width, std::string(filled, '#').c_str(),
                   100 * std::min(done, *total) / *total, done, *total);
      if (done >= *total) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "\r%zu bytes", done);
    }
  };
}

// "@file" → the file's bytes; anything else as is.
std::string ReadData(const std::string& spec) {
  if (!spec.starts_with("@")) return spec;
  std::ifstream in(spec.substr(1), std::ios::binary);
  if (!in) Finish(inband::MakeError(inband::Errc::kInvalidArgument, "cannot read " + spec));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string ReadFd(int fd) {
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  return out;
}

void AddTcp(CLI::App& app) {
  auto* tcp = app.add_subcommand("tcp", "TCP client (in-band: AT+IPCREATE/IPSEND, §2.22)");
  tcp->require_subcommand(1);
  auto* connect = tcp->add_subcommand("connect", "like nc: stdin → HOST:PORT → stdout");
  struct Args {
    ServiceMode mode;
    std::string host;
    int port = 0;
    int idle_ms = 1000;
  };
  auto args = std::make_shared<Args>();
  connect->add_option("HOST", args->host)->required();
  connect->add_option("PORT", args->port)->required()->check(CLI::Range(1, 65535));
  connect->add_option("--idle-ms", args->idle_ms, "close after stdin ended and this long quiet")
      ->capture_default_str();
  AddModeFlags(*connect, args->mode);
  connect->callback([args] {
    Output out("");
    const services::StreamOptions stream{.in_fd = STDIN_FILENO, .idle_ms = args->idle_ms};
    Finish(Resolve(args->mode) == Route::kDaemon
               ? DaemonTcp(args->mode, args->host, args->port, stream, out.Sink())
               : services::TcpConnect(args->mode, args->host, args->port, stream, out.Sink()));
  });
}

void AddUdp(CLI::App& app) {
  auto* udp = app.add_subcommand("udp", "UDP client (in-band: AT+IPCREATE=\"UDP\", §2.22)");
  udp->require_subcommand(1);
  struct Args {
    ServiceMode mode;
    std::string host;
    std::string bind = "127.0.0.1";
    std::string data;
    int port = 0;
    int idle_ms = 1000;
    int count = 0;
  };
  auto args = std::make_shared<Args>();
  auto* send = udp->add_subcommand("send", "send stdin (or --data) as a datagram, print replies");
  send->add_option("HOST", args->host)->required();
  send->add_option("PORT", args->port)->required()->check(CLI::Range(1, 65535));
  send->add_option("--data", args->data, "TEXT or @FILE instead of stdin");
  send->add_option("--idle-ms", args->idle_ms, "wait this long for replies")->capture_default_str();
  AddModeFlags(*send, args->mode);
  send->callback([args] {
    Output out("");
    const std::string data = args->data.empty() ? ReadFd(STDIN_FILENO) : ReadData(args->data);
    Finish(Resolve(args->mode) == Route::kDaemon
               ? DaemonUdp(args->mode, args->host, args->port, data, args->idle_ms, out.Sink())
               : services::UdpSend(args->mode, args->host, args->port, data, args->idle_ms,
                                   out.Sink()));
  });
  auto* listen = udp->add_subcommand("listen", "print datagrams received on PORT (PPP mode)");
  listen->add_option("PORT", args->port)->required()->check(CLI::Range(0, 65535));
  listen->add_option("--bind", args->bind, "local address")->capture_default_str();
  listen->add_option("--count", args->count, "stop after N datagrams (0: never)");
  listen->add_option("--idle-ms", args->idle_ms, "stop after this long quiet (0: never)");
  AddModeFlags(*listen, args->mode);
  listen->callback([args] {
    Output out("");
    Resolve(args->mode);  // PPP: bound to the daemon's interface; in-band: refused (no server)
    Finish(services::UdpListen(args->mode, args->bind, args->port, args->count, args->idle_ms,
                               out.Sink()));
  });
}

void AddHttp(CLI::App& app) {
  auto* http = app.add_subcommand("http", "HTTP client (in-band: AT+HTTPPARA/ACTION/READ, §2.44)");
  http->require_subcommand(1);
  const std::pair<const char*, chat::HttpMethod> methods[] = {
      {"get", chat::HttpMethod::kGet},
      {"head", chat::HttpMethod::kHead},
      {"put", chat::HttpMethod::kPut},
      {"post", chat::HttpMethod::kPost},
  };
  for (const auto& [name, method] : methods) {
    struct Args {
      ServiceMode mode;
      inband::HttpRequest request;
      std::string data;
      std::string output;
    };
    auto args = std::make_shared<Args>();
    args->request.method = method;
    auto* sub = http->add_subcommand(name, std::string("HTTP ") + chat::ToString(method).data());
    sub->add_option("URL", args->request.url)->required();
    sub->add_option("--header,-H", args->request.headers, "\"Name: value\" (repeatable)");
    if (method == chat::HttpMethod::kPut || method == chat::HttpMethod::kPost) {
      sub->add_option("--data,-d", args->data, "body: TEXT or @FILE");
    }
    sub->add_option("-o,--output", args->output, "write the body to FILE");
    AddModeFlags(*sub, args->mode);
    sub->callback([args] {
      args->request.body = ReadData(args->data);
      // The rules of every mode (URL syntax, header lines: no CR/LF, limits) before the route is
      // known or an output file is created; the chosen route checks again, in-band more.
      Finish(inband::CheckHttpRequest(args->request, inband::Transport::kNative)
                 .value_or(ServiceError{}));
      Output out(args->output);
      const services::ProgressSink progress =
          args->output.empty() ? services::ProgressSink() : ProgressBar();
      Finish(Resolve(args->mode) == Route::kDaemon
                 ? DaemonHttp(args->mode, args->request, out.Sink(), progress)
                 : services::Http(args->mode, args->request, out.Sink(), progress));
    });
  }
}

void AddFtp(CLI::App& app) {
  auto* ftp = app.add_subcommand("ftp", "FTP client (in-band: AT+FTP..., §2.26–2.43)");
  ftp->require_subcommand(1);
  const std::pair<const char*, inband::FtpVerb> verbs[] = {
      {"ls", inband::FtpVerb::kList},     {"get", inband::FtpVerb::kGet},
      {"put", inband::FtpVerb::kPut},     {"size", inband::FtpVerb::kSize},
      {"mkdir", inband::FtpVerb::kMkdir}, {"rmdir", inband::FtpVerb::kRmdir},
  };
  for (const auto& entry : verbs) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one in the lambda below.
    const char* name = entry.first;
    const inband::FtpVerb verb = entry.second;
    struct Args {
      ServiceMode mode;
      std::string url;
      std::string file;
      std::string output;
      bool active = false;
      bool ascii = false;
      bool passive = false;
      bool binary = false;
    };
    auto args = std::make_shared<Args>();
    auto* sub = ftp->add_subcommand(name, std::string("FTP ") + name);
    sub->add_option("URL", args->url, "ftp://[user[:password]@]host[:port]/path")->required();
    auto* passive = sub->add_flag("--passive", args->passive, "passive data (default)");
    sub->add_flag("--active", args->active, "active data connections")->excludes(passive);
    auto* binary = sub->add_flag("--binary", args->binary, "binary type I (default)");
    sub->add_flag("--ascii", args->ascii, "ASCII transfer type A")->excludes(binary);
    if (verb == inband::FtpVerb::kPut) {
      sub->add_option("--file,-i", args->file, "local file to upload")->required();
    }
    if (verb == inband::FtpVerb::kGet) sub->add_option("-o,--output", args->output, "local file");
    AddModeFlags(*sub, args->mode);
    sub->callback([args, verb] {
      inband::FtpSession session;
      inband::FtpRequest request{verb, "", ""};
      // Decoded once here (RFC 3986), for every route: the daemon, in-band and native get the
      // same user, password and path bytes.
      Finish(inband::ParseFtpUrl(args->url, &session, &request.path));
      session.passive = !args->active;
      session.type = args->ascii ? chat::FtpTransferType::kAscii : chat::FtpTransferType::kBinary;
      if (verb == inband::FtpVerb::kPut) request.data = ReadData("@" + args->file);
      Finish(
          inband::CheckFtp(session, request, inband::Transport::kNative).value_or(ServiceError{}));
      Output out(args->output);
      const bool transfer = verb == inband::FtpVerb::kGet || verb == inband::FtpVerb::kPut;
      const bool to_terminal = verb == inband::FtpVerb::kPut || !args->output.empty();
      const services::ProgressSink progress =
          transfer && to_terminal ? ProgressBar() : services::ProgressSink();
      Finish(Resolve(args->mode) == Route::kDaemon
                 ? DaemonFtp(args->mode, session, request, out.Sink(), progress)
                 : services::Ftp(args->mode, session, request, out.Sink(), progress));
    });
  }
}

// host[:port] → config.host / config.port.
void SplitBroker(const std::string& broker, chat::MqttConfig& config) {
  const auto colon = broker.rfind(':');
  config.host = broker.substr(0, colon);
  if (colon != std::string::npos) config.port = std::atoi(broker.c_str() + colon + 1);
}

void AddMqtt(CLI::App& app) {
  auto* mqtt = app.add_subcommand("mqtt", "MQTT client (in-band: AT+MQTT..., §2.53–2.61)");
  mqtt->require_subcommand(1);
  struct Args {
    ServiceMode mode;
    inband::MqttSessionOptions options;
    std::string broker;
    std::string topic;
    std::string message;
    std::string cafile;
    int qos = 0;
    bool retain = false;
    bool keep_session = false;
    int count = 0;
    int timeout_s = 0;
  };
  auto args = std::make_shared<Args>();
  args->options.config.client_id = "uclink-" + std::to_string(::getpid());
  auto common = [args](CLI::App* sub) {
    sub->add_option("--broker,-b", args->broker, "HOST[:PORT] (port 1883)")->required();
    sub->add_option("--topic,-t", args->topic)->required();
    sub->add_option("--qos,-q", args->qos)->check(CLI::Range(0, 2));
    sub->add_option("--client-id", args->options.config.client_id);
    sub->add_option("--username,-u", args->options.config.username);
    sub->add_option("--password,-P", args->options.config.password);
    sub->add_option("--keepalive", args->options.config.keepalive_s)->capture_default_str();
    sub->add_flag("--keep-session", args->keep_session, "clean session off");
    sub->add_option("--cafile", args->cafile, "in-band: root CA uploaded with AT+MQTTTLS");
    AddModeFlags(*sub, args->mode);
  };
  auto prepare = [args] {
    SplitBroker(args->broker, args->options.config);
    args->options.config.clean_session = !args->keep_session;
    if (!args->cafile.empty()) {
      args->options.certificates.push_back({chat::CertType::kRootCa, ReadData("@" + args->cafile)});
    }
  };
  auto* pub = mqtt->add_subcommand("pub", "publish one message");
  common(pub);
  pub->add_option("--message,-m", args->message, "TEXT or @FILE")->required();
  pub->add_flag("--retain,-r", args->retain);
  pub->callback([args, prepare] {
    prepare();
    const std::string message = ReadData(args->message);
    // Before anything is sent on any route (uclinkd checks again): the rules of every mode (a
    // wildcard topic is a usage error, exit 2) even before the link is known, then, in-band,
    // what AT+MQTTPUB's quoted parameters can carry.
    Finish(inband::CheckPublish(args->topic, args->qos, message, inband::Transport::kNative)
               .value_or(ServiceError{}));
    const Route route = Resolve(args->mode);
    Finish(inband::CheckPublish(args->topic, args->qos, message, TransportOf(route, args->mode))
               .value_or(ServiceError{}));
    Finish(route == Route::kDaemon ? DaemonMqttPublish(args->mode, args->options, args->topic,
                                                       args->qos, args->retain, message)
                                   : services::MqttPublish(args->mode, args->options, args->topic,
                                                           args->qos, args->retain, message));
  });
  auto* sub = mqtt->add_subcommand("sub", "print messages (one per line: payload)");
  common(sub);
  sub->add_option("--count,-C", args->count, "stop after N messages");
  sub->add_option("--timeout", args->timeout_s, "stop after S seconds");
  sub->callback([args, prepare] {
    prepare();
    const services::MessageSink print = [](const std::string&, const std::string& payload) {
      std::fwrite(payload.data(), 1, payload.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    };
    const int timeout_ms = args->timeout_s * 1000;
    Finish(inband::CheckSubscribe(args->topic, args->qos, inband::Transport::kNative)
               .value_or(ServiceError{}));
    const Route route = Resolve(args->mode);
    Finish(inband::CheckSubscribe(args->topic, args->qos, TransportOf(route, args->mode))
               .value_or(ServiceError{}));
    Finish(route == Route::kDaemon
               ? DaemonMqttSubscribe(args->mode, args->options, args->topic, args->qos, args->count,
                                     timeout_ms, print)
               : services::MqttSubscribe(args->mode, args->options, args->topic, args->qos,
                                         args->count, timeout_ms, print));
  });
}

// "127.0.0.1:8080" → address and port.
bool SplitHostPort(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  port = std::atoi(text.c_str() + colon + 1);
  return port > 0 && port <= 65535;
}

void AddForward(CLI::App& app) {
  struct Args {
    ServiceMode mode;
    std::string listen;
    std::string to;
  };
  auto args = std::make_shared<Args>();
  auto* forward = app.add_subcommand(
      "forward", "relay local TCP connections to HOST:PORT (in-band: one at a time, queued)");
  forward->add_option("--listen", args->listen, "ADDR:PORT to listen on")->required();
  forward->add_option("--to", args->to, "HOST:PORT to connect to")->required();
  AddModeFlags(*forward, args->mode);
  forward->callback([args] {
    std::string listen_host, host;
    int listen_port = 0, port = 0;
    if (!SplitHostPort(args->listen, listen_host, listen_port) ||
        !SplitHostPort(args->to, host, port)) {
      Finish(inband::MakeError(inband::Errc::kInvalidArgument, "expected ADDR:PORT"));
    }
    Finish(Resolve(args->mode) == Route::kDaemon
               ? DaemonForward(args->mode, listen_host, listen_port, host, port)
               : services::Forward(args->mode, listen_host, listen_port, host, port,
                                   [] { return true; }));
  });
}

}  // namespace

void AddServiceCommands(CLI::App& app) {
  root_socket = app.get_option_no_throw("--socket");
  AddForward(app);
  AddTcp(app);
  AddUdp(app);
  AddHttp(app);
  AddFtp(app);
  AddMqtt(app);
}

}  // namespace uclink::control::cli
