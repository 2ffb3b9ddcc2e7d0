#include "control/cli/at_subcommand.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "chat/command_line.h"
#include "chat/errc.h"
#include "control/api/protocol.h"
#include "control/cli/at_session.h"
#include "control/cli/client.h"

namespace uclink::control::cli {
namespace {

using namespace std::chrono_literals;

struct AtFlags {
  PortFlags port;
  std::string socket;                  // without --port: uclinkd's control socket
  CLI::Option* root_socket = nullptr;  // the app's own --socket, when it has one
  double timeout_s = 0;                // 0: the per-command table
  bool json = false;
  std::vector<std::string> commands;
};

void PrintText(const std::string& command, const chat::AtReply& reply) {
  std::cout << command << "\n";
  for (const std::string& line : reply.info) std::cout << line << "\n";
  if (!reply.payload.empty()) std::cout << reply.payload << "\n";
  if (reply.final) {
    std::cout << reply.Describe() << "\n";
  } else {
    std::cout << "error: " << chat::ToString(static_cast<chat::Errc>(reply.error.value())) << " ("
              << reply.error.message() << ")\n";
  }
}

// One reply of the daemon's `at` method, printed as PrintText/ReplyToJson print a local one.
ExitCode PrintDaemonReply(const std::string& command, const api::Response& response, bool json,
                          nlohmann::json* replies) {
  nlohmann::json out{{"command", command}, {"payload", nullptr}};
  ExitCode exit = ExitCode::kOk;
  if (!response.error) {
    out["lines"] = response.result.value("info", nlohmann::json::array());
    out["final"] = response.result.value("final", std::string());
    out["ok"] = true;
    out["error"] = nullptr;
  } else {
    const api::Error& e = *response.error;
    exit = ExitCodeFor(e.code);
    out["lines"] = nlohmann::json::array();
    out["final"] = e.code == api::Errc::kAtFailed ? nlohmann::json(e.message) : nullptr;
    out["ok"] = false;
    out["error"] = {{"code", api::ToString(e.code)}, {"number", nullptr}, {"text", e.message}};
    if (e.code == api::Errc::kPermissionDenied)
      std::cerr << "uclink at: " << PermissionHint() << "\n";
  }
  if (json) {
    replies->push_back(out);
    return exit;
  }
  std::cout << command << "\n";
  for (const auto& line : out["lines"]) std::cout << line.get<std::string>() << "\n";
  if (!response.error) {
    std::cout << out["final"].get<std::string>() << "\n";
  } else if (response.error->code == api::Errc::kAtFailed) {
    std::cout << response.error->message << "\n";
  } else {
    std::cout << "error: " << api::ToString(response.error->code) << " (" << response.error->message
              << ")\n";
  }
  return exit;
}

// Without --port the module belongs to uclinkd: the commands go through its one AT queue.
ExitCode RunAtThroughDaemon(const AtFlags& flags) {
  std::string path = flags.socket;
  if (path.empty() && flags.root_socket != nullptr && flags.root_socket->count() > 0) {
    path = flags.root_socket->as<std::string>();
  }
  if (path.empty()) path = std::string(api::kDefaultSocketPath);
  std::error_code error;
  std::optional<ControlClient> client = ControlClient::Connect(path, error);
  if (!client) {
    const api::Errc why = ClassifyError(error);
    if (why == api::Errc::kPermissionDenied) {
      std::cerr << "uclink at: " << path << ": " << error.message() << "; " << PermissionHint()
                << "\n";
      return ExitCodeFor(why);
    }
    std::cerr << "uclink at: cannot reach uclinkd at " << path << " (" << error.message()
              << "): start it, or give the module's port (--port)\n";
    return ExitCode::kUnreachable;
  }
  ExitCode worst = ExitCode::kOk;
  nlohmann::json replies = nlohmann::json::array();
  for (const std::string& text : flags.commands) {
    nlohmann::json params{{"command", text}};
    const auto timeout_ms = static_cast<std::uint32_t>(flags.timeout_s * 1000);
    if (timeout_ms > 0) params["timeout_ms"] = timeout_ms;
    // The daemon bounds the command (default 5 s); its queue may hold others first.
    const auto bound = std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 5000) + 30s;
    std::optional<api::Response> response =
        client->Call(api::Method::kAt, std::move(params), bound, error);
    if (!response) {
      std::cerr << "uclink at: uclinkd: " << error.message() << "\n";
      return std::max(worst, ExitCodeFor(ClassifyError(error)));
    }
    worst = std::max(worst, PrintDaemonReply(text, *response, flags.json, &replies));
  }
  if (flags.json) {
    std::cout << replies.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return worst;
}

// The command as the user can read it back: control bytes as \xNN.
std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

ExitCode RunAt(const AtFlags& flags) {
  // The same check uclinkd applies (chat/command_line.h), before the port or the daemon is
  // touched: a refused line in the middle must not leave the ones before it half done.
  for (const std::string& text : flags.commands) {
    if (std::optional<std::string> refused = chat::CheckUserCommandLine(text)) {
      std::cerr << "uclink at: '" << Printable(text) << "' refused: " << *refused << "\n";
      return ExitCode::kUsage;
    }
  }
  if (flags.port.port.empty()) return RunAtThroughDaemon(flags);
  std::error_code error;
  auto session = AtSession::Open(flags.port, error);
  if (!session) {
    const api::Errc why = ClassifyError(error);
    std::cerr << "uclink at: cannot open " << flags.port.port << ": " << error.message() << "\n";
    return ExitCodeFor(why);
  }
  ExitCode worst = ExitCode::kOk;
  nlohmann::json replies = nlohmann::json::array();
  for (const std::string& text : flags.commands) {
    chat::AtCommand command = chat::AtCommand::FromText(text);
    if (flags.timeout_s > 0) {
      command.timeout = std::chrono::milliseconds(static_cast<long>(flags.timeout_s * 1000));
    }
    const chat::AtReply reply = session->Run(std::move(command));
    worst = std::max(worst, ExitCodeFor(reply));
    if (flags.json) {
      replies.push_back(ReplyToJson(text, reply));
    } else {
      PrintText(text, reply);
    }
  }
  if (flags.json) {
    std::cout << replies.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return worst;
}

}  // namespace

ExitCode ExitCodeFor(const chat::AtReply& reply) {
  if (reply.ok()) return ExitCode::kOk;
  if (reply.final) return ExitCode::kFailed;  // ERROR, +CME/+EXT ERROR, NO CARRIER, CONNECT FAIL
  return ExitCodeFor(ClassifyError(reply.error));
}

nlohmann::json ReplyToJson(const std::string& command, const chat::AtReply& reply) {
  nlohmann::json out;
  out["command"] = command;
  out["lines"] = reply.info;
  out["final"] = reply.final ? nlohmann::json(reply.final_line) : nlohmann::json(nullptr);
  out["ok"] = reply.ok();
  if (reply.ok()) {
    out["error"] = nullptr;
  } else {
    nlohmann::json error;
    error["code"] = chat::ToString(static_cast<chat::Errc>(reply.error.value()));
    error["number"] = reply.error_number ? nlohmann::json(*reply.error_number) : nullptr;
    error["text"] = reply.error_text.empty() ? reply.error.message() : reply.error_text;
    out["error"] = error;
  }
  out["payload"] = reply.payload.empty() ? nlohmann::json(nullptr) : nlohmann::json(reply.payload);
  return out;
}

void AddAtCommand(CLI::App& app) {
  auto flags = std::make_shared<AtFlags>();
  CLI::App* at = app.add_subcommand("at", "Send AT commands to the module and print the answers");
  AddPortFlags(*at, flags->port);
  at->get_option("--port")->required(false)->description(
      "Serial device of the module (one-off); without it the commands go through uclinkd");
  at->add_option("--socket", flags->socket,
                 "without --port: uclinkd's control socket (default " +
                     std::string(api::kDefaultSocketPath) + ")");
  flags->root_socket = app.get_option_no_throw("--socket");
  at->add_option("--timeout,-t", flags->timeout_s,
                 "Timeout per command in seconds (default: the command's own, e.g. 2 s)");
  at->add_flag("--json", flags->json, "Print the answers as JSON");
  at->add_option("commands", flags->commands, "AT commands, e.g. 'AT+CSQ' 'AT+CGREG?'")->required();
  at->callback([flags] {
    const ExitCode code = RunAt(*flags);
    if (code != ExitCode::kOk) throw CLI::RuntimeError(static_cast<int>(code));
  });
}

}  // namespace uclink::control::cli
