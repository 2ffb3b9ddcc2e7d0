// `uclink probe`: read the module's identity, radio and PDP state in one go (docs/at-channel.md).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "chat/at_command.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

// Adds the `probe` subcommand to `app`.
void AddProbeCommand(CLI::App& app);

// Runs the probe's read-only queries through `run` and builds the document `--json` prints:
// {"module": {...}, "cfun", "signal": {...}, "registration": {...}, "operator", "attached",
// "pdp_contexts": [...]}; anything unknown is null. Pure apart from `run`, so tests can script it.
nlohmann::json Probe(const std::function<chat::AtReply(chat::AtCommand)>& run);

}  // namespace uclink::control::cli
