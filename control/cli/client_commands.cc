#include "control/cli/client_commands.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <memory>

#include "control/api/events.h"
#include "control/api/status.h"
#include "control/cli/client.h"
#include "control/cli/exit_code.h"
#include "control/cli/foreground.h"
#include "control/cli/usage_commands.h"

namespace uclink::control::cli {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kRequestTimeout = 10s;

struct Options {
  std::string socket = std::string(api::kDefaultSocketPath);
  bool wait = false;
  double timeout_s = 0;  // 0 = no limit
  bool json = false;
  bool keyvalue = false;
  bool ignore_limit = false;  // connect despite a usage cap (docs/data-budget.md)
  // `connect --port P ...`: no daemon; the manager runs in this process (foreground.h).
  ConfigSource foreground;
  std::string config_path;
  bool verbose = false;
  // Foreground only: whether the manager was stopped by SIGINT/SIGTERM/SIGHUP. Its control
  // socket then closes on purpose, which is the clean hang-up the user asked for, not an error.
  std::function<bool()> stopped_by_signal;
};

// Thrown when the foreground manager's connection ends because a signal stopped it.
struct Interrupted {};

[[noreturn]] void Exit(ExitCode code) { throw CLI::RuntimeError(static_cast<int>(code)); }

// Reports an error of `what` and exits with the table's code for it.
[[noreturn]] void Fail(const std::string& what, api::Errc errc, const std::string& message) {
  if (errc == api::Errc::kConfigInvalid) {
    // reload: every problem on its own line, as uclinkd prints them at start-up.
    std::cerr << "uclink: " << what << ": the configuration is invalid; uclinkd keeps running "
              << "with the one it has:\n";
    std::string rest = message;
    for (std::size_t at; (at = rest.find("; ")) != std::string::npos; rest.erase(0, at + 2)) {
      std::cerr << "uclink:   " << rest.substr(0, at) << "\n";
    }
    std::cerr << "uclink:   " << rest << "\n";
  } else {
    std::cerr << "uclink: " << what << ": " << api::ToString(errc) << ": " << message << "\n";
  }
  if (errc == api::Errc::kPermissionDenied) std::cerr << "uclink: " << PermissionHint() << "\n";
  Exit(ExitCodeFor(errc));
}

ControlClient ConnectOrExit(const Options& o) {
  std::error_code error;
  std::optional<ControlClient> client = ControlClient::Connect(o.socket, error);
  if (!client) {
    if (ClassifyError(error) == api::Errc::kPermissionDenied) {
      // The socket is mode 0660, root and control.group (docs/control-api.md): even `status`
      // cannot connect.
      std::cerr << "uclink: " << o.socket << ": " << error.message()
                << "\nuclink: " << PermissionHint() << "\n";
      Exit(ExitCodeFor(api::Errc::kPermissionDenied));
    }
    std::cerr << "uclink: cannot reach uclinkd at " << o.socket << ": " << error.message()
              << " (is it running? --socket PATH names another socket)\n";
    Exit(ExitCodeFor(api::Errc::kDaemonUnavailable));
  }
  return std::move(*client);
}

// The connection ended or failed: an interruption of the foreground manager, else an error.
[[noreturn]] void Lost(const Options& o, const std::string& what, const std::error_code& error) {
  if (o.stopped_by_signal) {
    if (o.stopped_by_signal()) throw Interrupted{};
    // docs/control-api.md: the foreground manager ending by itself is a failure (1).
    std::cerr << "uclink: the connection manager stopped unexpectedly (" << error.message()
              << ")\n";
    Exit(ExitCode::kFailed);
  }
  std::cerr << "uclink: " << what << ": " << error.message() << "\n";
  Exit(ExitCodeFor(ClassifyError(error)));
}

// Sends one request; exits with the documented code on any error.
api::Response CallOrExit(ControlClient& client, api::Method method, const Options& o) {
  std::error_code error;
  const json params = method == api::Method::kConnect && o.ignore_limit
                          ? json{{"ignore_limit", true}}
                          : json::object();
  std::optional<api::Response> response = client.Call(method, params, kRequestTimeout, error);
  if (!response) Lost(o, api::ToString(method), error);
  if (response->error) {
    if (o.stopped_by_signal && o.stopped_by_signal()) throw Interrupted{};
    Fail(api::ToString(method), response->error->code, response->error->message);
  }
  return *response;
}

std::string Text(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// object[key], or null when `object` has no such key (operator[] on a const json asserts).
const json& Field(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The status document, or exit 3 (protocol-error) when uclinkd's answer is not one: every
// document of schema 1 is an object with a string `state` (docs/control-api.md, "The status
// document"). The decoder reads what it can of the rest, so this is the one check.
json StatusOrExit(ControlClient& client, const Options& o) {
  json result = CallOrExit(client, api::Method::kStatus, o).result;
  if (!Field(result, "state").is_string()) {
    Fail("status", api::Errc::kProtocolError, "uclinkd's answer is not a status document");
  }
  return result;
}

void RunStatus(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  const json status = StatusOrExit(client, o);
  if (o.json) {
    std::cout << status.dump(2) << "\n";
  } else if (o.keyvalue) {
    for (const std::string& line : api::FlattenKeyValue(status)) std::cout << line << "\n";
  } else {
    std::cout << FormatStatus(status);
  }
}

void RunUsage(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  const json usage = CallOrExit(client, api::Method::kUsage, o).result;
  std::cout << (o.json ? usage.dump(2) + "\n" : FormatUsage(usage));
}

void RunMetrics(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  const json status = StatusOrExit(client, o);
  // Before the SIM is known there is no ledger: the status series alone.
  std::error_code error;
  std::optional<api::Response> usage =
      client.Call(api::Method::kUsage, json::object(), kRequestTimeout, error);
  const json usage_doc = usage && !usage->error ? usage->result : json(nullptr);
  std::cout << FormatMetrics(status, usage_doc, static_cast<std::int64_t>(std::time(nullptr)));
}

bool IsOnline(std::optional<api::State> state) { return state && api::IsOnline(*state); }

// Asks for the connection and, with --wait, prints each step until online; exits on failure.
void ConnectAndWait(ControlClient& client, const Options& o, Clock::time_point start) {
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  // Subscribe first, on the same connection, so no state change between the two is missed.
  api::Response subscribed =
      o.wait ? CallOrExit(client, api::Method::kSubscribe, o) : api::Response{};
  api::Response accepted = CallOrExit(client, api::Method::kConnect, o);
  std::string state_name = Text(Field(accepted.result, "state"));
  std::optional<api::State> state = api::StateFromString(state_name);
  if (!o.wait) {
    std::printf("connect requested (state %s)\n", state_name.c_str());
    return;
  }
  const api::Status current = api::StatusFromJson(Field(subscribed.result, "status"));
  if (const std::optional<api::State> now = api::StateFromString(current.state); IsOnline(now)) {
    // Nothing will change, so no event will say it: say it now.
    std::printf("[%7.3fs] already %s\n", elapsed(),
                DescribeProgress({*now, *now, ""}, current).c_str());
    std::fflush(stdout);
    return;
  }
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
                   state_name.c_str());
      Exit(ExitCode::kTimeout);
    }
    std::error_code error;
    std::optional<api::ServerLine> line = client.ReadLine(left, error);
    if (!line) {
      if (error == api::Errc::kTimeout) continue;  // the loop's deadline check decides
      Lost(o, "connection to uclinkd lost", error);
    }
    if (!line->event) continue;
    const api::Event& event = *line->event;
    const std::optional<api::MonitorEvent> typed =
        api::MonitorEventFromJson(event.name, event.data);
    const auto* change = typed ? std::get_if<api::StateChanged>(&*typed) : nullptr;
    const bool error_event = typed && std::holds_alternative<api::ErrorRecorded>(*typed);
    if (error_event || (change == nullptr && event.name == "state")) {
      // Errors, and a state this client does not know (a newer uclinkd), as `monitor` shows them.
      std::printf("[%7.3fs] %s\n", elapsed(), FormatEvent(event.name, event.data).c_str());
      continue;
    }
    if (change == nullptr) continue;
    state = change->to;
    state_name = api::ToString(change->to);
    api::Status status;
    if (change->to == api::State::kOnline) {
      status = api::StatusFromJson(StatusOrExit(client, o));
    }
    std::printf("[%7.3fs] %s\n", elapsed(), DescribeProgress(*change, status).c_str());
    std::fflush(stdout);
    if (change->to == api::State::kFailed) {
      std::fprintf(stderr, "uclink: connect failed: %s\n", Unstutter(change->why).c_str());
      Exit(ExitCodeFor(api::Errc::kConnectFailed));
    }
  }
}

void PrintEvent(const api::Event& e) {
  std::printf("%s %s\n", e.time.c_str(), FormatEvent(e.name, e.data).c_str());
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
    Exit(config_invalid ? ExitCodeFor(api::Errc::kConfigInvalid) : ExitCode::kFailed);
  }
  o.socket = daemon->socket_path();
  o.wait = true;
  o.stopped_by_signal = [raw = daemon.get()] { return raw->stop_requested(); };
  const auto hung_up = [&] {
    daemon.reset();  // the hang-up finishes and the port is released before we say so
    std::printf("hung up after %.1f s\n",
                std::chrono::duration<double>(Clock::now() - start).count());
  };
  ControlClient client = ConnectOrExit(o);
  try {
    ConnectAndWait(client, o, start);
  } catch (const Interrupted&) {
    // Ctrl-C before online (docs/control-api.md): the clean hang-up the user asked for, exit 0.
    std::printf("interrupted before online\n");
    return hung_up();
  }
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
    const std::optional<api::MonitorEvent> typed =
        api::MonitorEventFromJson(line->event->name, line->event->data);
    const auto* change = typed ? std::get_if<api::StateChanged>(&*typed) : nullptr;
    if (change && change->to == api::State::kFailed) {
      std::fprintf(stderr, "uclink: link failed: %s\n", Unstutter(change->why).c_str());
      daemon.reset();  // hangs up and releases the port before the exit
      Exit(ExitCodeFor(api::Errc::kConnectFailed));
    }
  }
  if (!daemon->stop_requested()) {
    daemon.reset();
    std::fprintf(stderr, "uclink: the connection manager stopped unexpectedly\n");
    Exit(ExitCode::kFailed);
  }
  hung_up();
}

void RunDisconnect(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  api::Response response = CallOrExit(client, api::Method::kDisconnect, o);
  std::printf("disconnect requested (state %s)\n", Text(Field(response.result, "state")).c_str());
}

void RunReload(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  CallOrExit(client, api::Method::kReload, o);
  std::printf("configuration reloaded; it applies from the next connection attempt\n");
}

void RunMonitor(const Options& o) {
  ControlClient client = ConnectOrExit(o);
  api::Response subscribed = CallOrExit(client, api::Method::kSubscribe, o);
  const json& document = Field(subscribed.result, "status");
  if (o.json) {
    // The state to start from, as a line of the same stream (docs/control-api.md).
    const std::string text =
        api::EncodeEvent({"status", api::FormatUtc(std::time(nullptr)), document});
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    const api::Status status = api::StatusFromJson(document);
    std::printf("state %s since %s\n", status.state.c_str(), status.since.value_or("-").c_str());
  }
  std::fflush(stdout);
  while (true) {
    std::error_code error;
    std::optional<api::ServerLine> line = client.ReadLine(std::chrono::hours(24), error);
    if (!line) {
      if (error == api::Errc::kTimeout) continue;
      Lost(o, "connection to uclinkd lost", error);
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

std::string Normalized(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '-' || c == '_') c = ' ';
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::string Unstutter(const std::string& text) {
  std::string out;
  std::string last;
  std::size_t from = 0;
  while (from <= text.size()) {
    std::size_t at = text.find(": ", from);
    if (at == std::string::npos) at = text.size();
    const std::string part = text.substr(from, at - from);
    const std::string normalized = Normalized(part);
    if (out.empty() || normalized != last) {
      out += (out.empty() ? "" : ": ") + part;
      last = normalized;
    }
    from = at + 2;
  }
  return out;
}

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
  connect->add_flag("--ignore-limit", options->ignore_limit,
                    "connect even though the usage cap (usage.on_limit = disconnect) was reached");
  AddForegroundFlags(*connect, *options);
  connect->callback([options] {
    const bool foreground = options->foreground.overrides.port.has_value() ||
                            options->foreground.overrides.at_port.has_value();
    if (foreground) return RunForegroundConnect(*options);
    RunConnect(*options);
  });

  CLI::App* disconnect = app.add_subcommand("disconnect", "hang up and stay offline");
  disconnect->callback([options] { RunDisconnect(*options); });

  CLI::App* reload = app.add_subcommand(
      "reload", "make uclinkd re-read its configuration (as SIGHUP does; next attempt on)");
  reload->callback([options] { RunReload(*options); });

  CLI::App* status = app.add_subcommand("status", "show the link and module status");
  auto* json_flag = status->add_flag("--json", options->json, "the status document as JSON");
  status->add_flag("--keyvalue", options->keyvalue, "key=value lines")->excludes(json_flag);
  status->callback([options] { RunStatus(*options); });

  CLI::App* monitor = app.add_subcommand("monitor", "print events as they happen");
  monitor->add_flag("--json", options->json,
                    "one JSON line per event, the current status first (event \"status\")");
  monitor->callback([options] { RunMonitor(*options); });

  CLI::App* usage = app.add_subcommand("usage", "show the SIM's data usage and its limit");
  usage->add_flag("--json", options->json, "the usage document as JSON");
  usage->callback([options] { RunUsage(*options); });

  CLI::App* metrics =
      app.add_subcommand("metrics", "print status and usage as Prometheus text exposition");
  metrics->callback([options] { RunMetrics(*options); });
}

}  // namespace uclink::control::cli
