#include "control/cli/at_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <vector>

#include "chat/errc.h"
#include "control/cli/at_session.h"

namespace uclink::control::cli {
namespace {

struct AtFlags {
  PortFlags port;
  double timeout_s = 0;  // 0: the per-command table
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

int RunAt(const AtFlags& flags) {
  std::error_code error;
  auto session = AtSession::Open(flags.port, error);
  if (!session) {
    std::cerr << "uclink at: cannot open " << flags.port.port << ": " << error.message() << "\n";
    return static_cast<int>(AtExit::kCannotOpen);
  }
  AtExit worst = AtExit::kOk;
  nlohmann::json replies = nlohmann::json::array();
  for (const std::string& text : flags.commands) {
    chat::AtCommand command = chat::AtCommand::FromText(text);
    if (flags.timeout_s > 0) {
      command.timeout = std::chrono::milliseconds(static_cast<long>(flags.timeout_s * 1000));
    }
    const chat::AtReply reply = session->Run(std::move(command));
    worst = std::max(worst, ExitFor(reply));
    if (flags.json) {
      replies.push_back(ReplyToJson(text, reply));
    } else {
      PrintText(text, reply);
    }
  }
  if (flags.json) {
    std::cout << replies.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return static_cast<int>(worst);
}

}  // namespace

AtExit ExitFor(const chat::AtReply& reply) {
  if (reply.ok()) return AtExit::kOk;
  return reply.final ? AtExit::kModuleError : AtExit::kNoAnswer;
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
  at->add_option("--timeout,-t", flags->timeout_s,
                 "Timeout per command in seconds (default: the command's own, e.g. 2 s)");
  at->add_flag("--json", flags->json, "Print the answers as JSON");
  at->add_option("commands", flags->commands, "AT commands, e.g. 'AT+CSQ' 'AT+CGREG?'")->required();
  at->callback([flags] {
    const int code = RunAt(*flags);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace uclink::control::cli
