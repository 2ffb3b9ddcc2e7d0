// `uclink at`: send AT commands and print each answer (docs/at-channel.md).
#ifndef UCLINK_CONTROL_CLI_AT_COMMAND_H_
#define UCLINK_CONTROL_CLI_AT_COMMAND_H_

#include <nlohmann/json.hpp>
#include <string>

#include "chat/at_command.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

// Exit codes of `uclink at` and `uclink probe`.
enum class AtExit {
  kOk = 0,           // every command answered OK (or CONNECT)
  kModuleError = 1,  // some command got ERROR / +CME ERROR / +EXT ERROR / NO CARRIER / CONNECT FAIL
  kNoAnswer = 2,     // some command timed out, or the port closed
  kCannotOpen = 3,   // the port could not be opened (missing, locked, bad baud)
};

// Adds the `at` subcommand to `app`.
void AddAtCommand(CLI::App& app);

// One reply as `uclink at --json` prints it: {"command", "lines", "final", "ok", "error",
// "payload"}; "error" is null or {"code", "number", "text"}.
nlohmann::json ReplyToJson(const std::string& command, const chat::AtReply& reply);

// The exit code a reply contributes.
AtExit ExitFor(const chat::AtReply& reply);

}  // namespace uclink::control::cli

#endif  // UCLINK_CONTROL_CLI_AT_COMMAND_H_
