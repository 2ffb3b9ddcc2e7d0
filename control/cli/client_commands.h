// The daemon-facing `uclink` subcommands: connect, disconnect, reload, status, monitor, usage,
// metrics. They talk to uclinkd over its control socket; their exit codes are the one table of
// control/cli/exit_code.h (docs/control-api.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/api/events.h"
#include "control/api/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

/// Adds connect/disconnect/reload/status/monitor to `app`, and a global `--socket PATH` option
/// unless the app already has one.
void AddClientCommands(CLI::App& app);

/// `uclink status` for people: the state with its age and, while recovering, the attempt and the
/// time to the next one; then only what is known (no line of placeholders while idle).
std::string FormatStatus(const nlohmann::json& status);

/// One event line of `uclink monitor` (without the timestamp): `state idle -> probing (why)`,
/// `registration registered-home (stat 1), lac 3342, ci 7EC3`, `error no-carrier: ...`.
std::string FormatEvent(const std::string& name, const nlohmann::json& data);

/// What `connect --wait` prints for a step towards online: "registering", "PPP negotiating",
/// "online: uclink0 address 10.0.2.15 peer 10.0.2.2" (from `status`), else the state and why.
std::string DescribeProgress(const api::StateChanged& change, const api::Status& status);

/// "no-carrier: no carrier: NO CARRIER" → "no-carrier": the manager's code, the backend's reason
/// and the module's words often say the same thing; each `: `-separated part that repeats the
/// one before it (case, '-' and '_' aside) is dropped.
std::string Unstutter(const std::string& text);

}  // namespace uclink::control::cli
