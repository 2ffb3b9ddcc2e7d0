// The daemon-facing `uclink` subcommands: connect, disconnect, status, monitor. They talk to
// uclinkd over its control socket (docs/control-api.md lists the exit codes).
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

/// Exit codes of the daemon-facing subcommands (docs/control-api.md).
enum class ClientExit {
  kOk = 0,                 ///< done; connect: online
  kFailed = 1,             ///< an error response, or connect saw state failed
  kUsage = 2,              ///< bad flags (CLI11's own code)
  kDaemonUnavailable = 3,  ///< socket unreachable or nonsense on it
  kPermissionDenied = 4,   ///< SO_PEERCRED refused a mutating method
  kTimeout = 5,            ///< connect --timeout elapsed / at timed out
  kInDataMode = 6,         ///< at refused while the only port carries PPP
};

/// Adds connect/disconnect/status/monitor to `app`, and a global `--socket PATH` option unless
/// the app already has one.
void AddClientCommands(CLI::App& app);

}  // namespace uclink::control::cli
