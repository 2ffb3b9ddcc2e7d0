// `uclink at`: send AT commands and print each answer (docs/at-channel.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chat/at_command.h"
#include "control/cli/exit_code.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

// Adds the `at` subcommand to `app`.
void AddAtCommand(CLI::App& app);

// One reply as `uclink at --json` prints it: {"command", "lines", "final", "ok", "error",
// "payload"}; "error" is null or {"code", "number", "text"}.
nlohmann::json ReplyToJson(const std::string& command, const chat::AtReply& reply);

// The exit code a reply contributes (control/cli/exit_code.h): 0 OK or CONNECT, 1 an error
// final result, 5 no answer in time, 3 the port closed.
ExitCode ExitCodeFor(const chat::AtReply& reply);

}  // namespace uclink::control::cli
