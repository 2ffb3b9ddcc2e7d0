#include "control/cli/client_commands.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "control/api/status.h"
#include "control/cli/client.h"
#include "control/cli/foreground.h"

namespace uclink::control::cli {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kRequestTimeout = 10s;

struct Options {
  std::string socket = std::string(api::kDefaultSocketPath);
  bool wait = false;
  double timeout_s = 0;  // 0 = no limit
  bool json = false;
  bool keyvalue = false;
  // `connect --port P ...`: no daemon; the manager runs in this process (foreground.h).
  ConfigSource foreground;
  std::string config_path;
  bool verbose = false;
};

[[noreturn]] void Exit(ClientExit code) { throw CLI::RuntimeError(static_cast<int>(code)); }

ClientExit ExitFor(api::Errc errc) {
  switch (errc) {
    case api::Errc::kPermissionDenied:
      return ClientExit::kPermissionDenied;
    case api::Errc::kTimeout:
      return ClientExit::kTimeout;
    case api::Errc::kInDataMode:
      return ClientExit::kInDataMode;
    case api::Errc::kDaemonUnavailable:
    case api::Errc::kProtocolError:
      return ClientExit::kDaemonUnavailable;
    case api::Errc::kBadRequest:
    case api::Errc::kUnknownMethod:
    case api::Errc::kInvalidParams:
    case api::Errc::kRequestTooLong:
    case api::Errc::kAtFailed:
    case api::Errc::kBusy:
    case api::Errc::kConfigInvalid:
    case api::Errc::kShuttingDown:
    case api::Errc::kConnectFailed:
    case api::Errc::kNotOnline:  // the service errors (not used by these commands)
    case api::Errc::kUseNative:
    case api::Errc::kUnreachable:
    case api::Errc::kServiceFailed:
      return ClientExit::kFailed;
  }
  return ClientExit::kFailed;
}

ControlClient ConnectOrExit(const Options& o) {
  std::error_code error;
  std::optional<ControlClient> client = ControlClient::Connect(o.socket, error);
  if (!client) {
    std::cerr << "uclink: cannot reach uclinkd at " << o.socket << ": " << error.message() << "\n";
    Exit(ClientExit::kDaemonUnavailable);
  }
  return std::move(*client);
}

// Sends one request; exits with the documented code on any error.
api::Response CallOrExit(ControlClient& client, api::Method method) {
  std::error_code error;
  std::optional<api::Response> response = client.Call(method, {}, kRequestTimeout, error);
  if (!response) {
    std::cerr << "uclink: " << api::ToString(method) << ": " << error.message() << "\n";
    Exit(error == api::Errc::kTimeout ? ClientExit::kTimeout : ClientExit::kDaemonUnavailable);
  }
  if (response->error) {
    std::cerr << "uclink: " << api::ToString(method) << ": " << api::ToString(response->error->code)
              << ": " << response->error->message << "\n";
    Exit(ExitFor(response->error->code));
  }
  return *response;
}

std::string Text(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// What a person reads for each state change during `connect --wait`.
std::string Describe(const nlohmann::json& data, const nlohmann::json& status) {
  const std::string to = Text(data.value("to", nlohmann::json()));
  if (to == "probing") return "checking the module";
  if (to == "configuring") return "configuring the module";
  if (to == "awaiting-registration") return "registering";
  if (to == "attaching") return "attaching";
  if (to == "dialing") return "dialing";
  if (to == "negotiating-ppp") return "PPP negotiating";
  if (to == "activating-inband") return "activating the module's IP stack (in-band)";
  if (to == "online-inband") return "online (in-band)";
  if (to == "online") {
    const nlohmann::json& i = status["interface"];
    return "online: " + Text(i["name"]) + " address " + Text(i["address"]) + " peer " +
           Text(i["peer"]);
  }
  return to + " (" + Text(data.value("why", nlohmann::json())) + ")";
}

void PrintStatus(const nlohmann::json& s) {
  std::printf("state:        %s (since %s)\n", Text(s["state"]).c_str(), Text(s["since"]).c_str());
  std::printf("mode:         %s%s\n", Text(s["mode"]).c_str(),
              s["backend"].is_null() ? "" : (" via " + Text(s["backend"])).c_str());
  const auto& m = s["module"];
  std::printf("module:       %s %s %s imei %s\n", Text(m["manufacturer"]).c_str(),
              Text(m["model"]).c_str(), Text(m["revision"]).c_str(), Text(m["imei"]).c_str());
  const auto& r = s["registration"];
  std::printf("registration: %s lac %s ci %s (%s s ago)\n", Text(r["name"]).c_str(),
              Text(r["lac"]).c_str(), Text(r["ci"]).c_str(),
              r["age_s"].is_number() ? std::to_string(r["age_s"].get<int>()).c_str() : "-");
  const auto& g = s["signal"];
  std::printf("signal:       csq %s, %s dBm, ber %s (%s s ago)\n", Text(g["csq"]).c_str(),
              Text(g["rssi_dbm"]).c_str(), Text(g["ber"]).c_str(),
              g["age_s"].is_number() ? std::to_string(g["age_s"].get<int>()).c_str() : "-");
  const auto& i = s["interface"];
  std::printf("interface:    %s %s peer %s dns %s mtu %s\n", Text(i["name"]).c_str(),
              Text(i["address"]).c_str(), Text(i["peer"]).c_str(), Text(i["dns"]).c_str(),
              Text(i["mtu"]).c_str());
  if (!s["last_error"].is_null()) {
    std::printf("last error:   %s: %s\n", Text(s["last_error"]["code"]).c_str(),
                Text(s["last_error"]["message"]).c_str());
  }
}

void RunStatus(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  api::Response response = CallOrExit(client, api::Method::kStatus);
  if (o.json) {
    std::cout << response.result.dump(2) << "\n";
  } else if (o.keyvalue) {
    for (const std::string& line : api::FlattenKeyValue(response.result)) std::cout << line << "\n";
  } else {
    PrintStatus(response.result);
  }
}

bool IsOnline(const std::string& state) { return state == "online" || state == "online-inband"; }

// Asks for the connection and, with --wait, prints each step until online; exits on failure.
void ConnectAndWait(ControlClient& client, const Options& o, Clock::time_point start) {
  // Subscribe first, on the same connection, so no state change between the two is missed.
  api::Response subscribed = o.wait ? CallOrExit(client, api::Method::kSubscribe) : api::Response{};
  api::Response accepted = CallOrExit(client, api::Method::kConnect);
  std::string state = Text(accepted.result["state"]);
  if (!o.wait) {
    std::printf("connect requested (state %s)\n", state.c_str());
    return;
  }
  if (IsOnline(Text(subscribed.result["status"]["state"]))) state = "online";
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const std::optional<Clock::time_point> deadline =
      o.timeout_s > 0 ? std::optional(start + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(o.timeout_s)))
                      : std::nullopt;
  while (!IsOnline(state)) {
    auto left =
        deadline ? std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now())
                 : std::chrono::milliseconds(3600'000);
    if (left.count() <= 0) {
      std::fprintf(stderr, "uclink: not online after %.1f s (state %s)\n", elapsed(),
                   state.c_str());
      Exit(ClientExit::kTimeout);
    }
    std::error_code error;
    std::optional<api::ServerLine> line = client.ReadLine(left, error);
    if (!line) {
      if (error == api::Errc::kTimeout) continue;  // the loop's deadline check decides
      std::cerr << "uclink: connection to uclinkd lost: " << error.message() << "\n";
      Exit(ClientExit::kDaemonUnavailable);
    }
    if (!line->event) continue;
    const api::Event& event = *line->event;
    if (event.name == "error") {
      std::printf("[%7.3fs] error %s: %s\n", elapsed(), Text(event.data["code"]).c_str(),
                  Text(event.data["message"]).c_str());
      continue;
    }
    if (event.name != "state") continue;
    state = Text(event.data["to"]);
    nlohmann::json status;
    if (state == "online") {
      status = CallOrExit(client, api::Method::kStatus).result;
    }
    std::printf("[%7.3fs] %s\n", elapsed(), Describe(event.data, status).c_str());
    std::fflush(stdout);
    if (state == "failed") {
      std::fprintf(stderr, "uclink: connect failed: %s\n", Text(event.data["why"]).c_str());
      Exit(ClientExit::kFailed);
    }
  }
}

void PrintEvent(const api::Event& e) {
  if (e.name == "state") {
    std::printf("%s state %s -> %s (%s)\n", e.time.c_str(), Text(e.data["from"]).c_str(),
                Text(e.data["to"]).c_str(), Text(e.data["why"]).c_str());
  } else {
    std::printf("%s %s %s\n", e.time.c_str(), e.name.c_str(), e.data.dump().c_str());
  }
  std::fflush(stdout);
}

void RunConnect(const Options& o) {
  const Clock::time_point start = Clock::now();
  ControlClient client = ConnectOrExit(o);
  ConnectAndWait(client, o, start);
}

// `connect --port P`: progress as with uclinkd, then the link stays up (events printed, the
// manager recovering as the daemon would) until SIGINT/SIGTERM/SIGHUP hangs it up cleanly.
void RunForegroundConnect(Options o) {
  const Clock::time_point start = Clock::now();
  if (!o.config_path.empty()) {
    o.foreground.path = o.config_path;
    o.foreground.explicit_path = true;
  }
  std::string error;
  bool config_invalid = false;
  std::unique_ptr<ForegroundDaemon> daemon =
      ForegroundDaemon::Start(o.foreground, o.verbose, &error, &config_invalid);
  if (!daemon) {
    std::fprintf(stderr, "uclink: %s\n", error.c_str());
    Exit(config_invalid ? ClientExit::kUsage : ClientExit::kFailed);
  }
  o.socket = daemon->socket_path();
  o.wait = true;
  ControlClient client = ConnectOrExit(o);
  ConnectAndWait(client, o, start);
  std::printf("connected; Ctrl-C hangs up (status: uclink --socket %s status)\n", o.socket.c_str());
  std::fflush(stdout);
  while (true) {
    std::error_code read_error;
    std::optional<api::ServerLine> line = client.ReadLine(std::chrono::hours(24), read_error);
    if (!line) {
      if (read_error == api::Errc::kTimeout) continue;
      break;  // the daemon stopped: a signal, or it ended by itself
    }
    if (!line->event) continue;
    PrintEvent(*line->event);
    if (line->event->name == "state" && Text(line->event->data["to"]) == "failed") {
      std::fprintf(stderr, "uclink: link failed: %s\n", Text(line->event->data["why"]).c_str());
      daemon.reset();  // hangs up and releases the port before the exit
      Exit(ClientExit::kFailed);
    }
  }
  const bool by_signal = daemon->stop_requested();
  daemon.reset();
  if (!by_signal) {
    std::fprintf(stderr, "uclink: the connection manager stopped unexpectedly\n");
    Exit(ClientExit::kFailed);
  }
  std::printf("hung up after %.1f s\n",
              std::chrono::duration<double>(Clock::now() - start).count());
}

void RunDisconnect(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  api::Response response = CallOrExit(client, api::Method::kDisconnect);
  std::printf("disconnect requested (state %s)\n", Text(response.result["state"]).c_str());
}

void RunMonitor(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  api::Response subscribed = CallOrExit(client, api::Method::kSubscribe);
  if (!o.json) std::printf("state %s\n", Text(subscribed.result["status"]["state"]).c_str());
  while (true) {
    std::error_code error;
    std::optional<api::ServerLine> line = client.ReadLine(std::chrono::hours(24), error);
    if (!line) {
      if (error == api::Errc::kTimeout) continue;
      std::cerr << "uclink: connection to uclinkd lost: " << error.message() << "\n";
      Exit(ClientExit::kDaemonUnavailable);
    }
    if (!line->event) continue;
    const api::Event& e = *line->event;
    if (o.json) {
      std::string text = api::EncodeEvent(e);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    } else {
      PrintEvent(e);
    }
  }
}

// The uclinkd flags that make sense for a one-off connection; --port selects that mode.
void AddForegroundFlags(CLI::App& connect, Options& o) {
  ConfigOverrides& f = o.foreground.overrides;
  connect.add_option("--port", f.port, "no daemon: dial on this port in the foreground");
  connect.add_option("--at-port", f.at_port, "no daemon: second port that stays in AT mode");
  connect.add_option("--config", o.config_path, "no daemon: configuration file");
  connect.add_option("--baud", f.baud, "no daemon: baud rate");
  connect.add_option("--apn", f.apn, "no daemon: APN");
  connect.add_option("--cid", f.cid, "no daemon: PDP context id (1 or 2)");
  connect.add_option("--backend", f.backend, "no daemon: auto | pppd | userspace");
  connect.add_option("--mode", f.mode, "no daemon: auto | ppp | inband");
  connect.add_option("--interface", f.interface, "no daemon: network interface name");
  connect.add_flag("-v,--verbose", o.verbose, "no daemon: the manager's debug log on stderr");
}

}  // namespace

void AddClientCommands(CLI::App& app) {
  auto options = std::make_shared<Options>();
  if (app.get_option_no_throw("--socket") == nullptr) {
    app.add_option("--socket", options->socket, "uclinkd control socket")->capture_default_str();
  } else {
    // The app defined --socket itself: read its value when a subcommand runs.
    CLI::Option* socket = app.get_option("--socket");
    app.parse_complete_callback([options, socket] {
      if (socket->count() > 0) options->socket = socket->as<std::string>();
    });
  }

  CLI::App* connect = app.add_subcommand("connect", "bring the link up through uclinkd");
  connect->add_flag("--wait", options->wait, "show progress; exit 0 only once online");
  connect->add_option("--timeout", options->timeout_s, "with --wait: give up after S seconds");
  AddForegroundFlags(*connect, *options);
  connect->callback([options] {
    const bool foreground = options->foreground.overrides.port.has_value() ||
                            options->foreground.overrides.at_port.has_value();
    if (foreground) return RunForegroundConnect(*options);
    RunConnect(*options);
  });

  CLI::App* disconnect = app.add_subcommand("disconnect", "hang up and stay offline");
  disconnect->callback([options] { RunDisconnect(*options); });

  CLI::App* status = app.add_subcommand("status", "show the link and module status");
  auto* json = status->add_flag("--json", options->json, "the status document as JSON");
  status->add_flag("--keyvalue", options->keyvalue, "key=value lines")->excludes(json);
  status->callback([options] { RunStatus(*options); });

  CLI::App* monitor = app.add_subcommand("monitor", "print events as they happen");
  monitor->add_flag("--json", options->json, "one JSON event per line");
  monitor->callback([options] { RunMonitor(*options); });
}

}  // namespace uclink::control::cli
