// The exit codes of `uclink`: one table for every subcommand (README.md and docs/control-api.md
// print the same table). Every error a subcommand meets becomes an api::Errc — the daemon's
// answers already are, and the one-off paths classify theirs with the functions below — and
// ExitCodeFor(api::Errc) is the only place that turns one into a number.
#pragma once

#include <optional>
#include <string>
#include <system_error>

#include "control/api/errc.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

/// docs/control-api.md, "`uclink` exit codes".
enum class ExitCode {
  kOk = 0,           ///< success
  kFailed = 1,       ///< the daemon, the module, a service or its peer reported an error
  kUsage = 2,        ///< bad flags or arguments, a refused AT line, an invalid configuration
  kUnreachable = 3,  ///< uclinkd's socket, the one-off port, or a service's peer not reachable
  kRefused = 4,      ///< permission denied, or busy (the port or module client is in use)
  kTimeout = 5,      ///< a --timeout elapsed, or the module did not answer in time
  kNotNow = 6,       ///< the only port carries PPP (at), or the link is not up (services)
};

/// The table.
ExitCode ExitCodeFor(api::Errc errc);

/// An error the CLI met by itself, in the table's vocabulary: api::Errc as is; chat::Errc of a
/// one-off AT session (module error, timeout, closed or locked port, data mode); system errors
/// of opening a socket or a port (EACCES/EPERM: permission denied; EINVAL: invalid params;
/// others: unreachable); any other category is a failure reported (service-failed).
api::Errc ClassifyError(const std::error_code& error);

/// Text that follows a permission-denied message: who may use uclinkd's mutating methods and
/// its socket, and where that is configured.
std::string PermissionHint();

/// Parses `argv` with `app`, running the chosen subcommand's callback. nullopt when the program
/// goes on; else the exit code it ends with: the subcommand's own (CLI::RuntimeError), 0 after
/// --help or --version, kUsage for every CLI11 parse error (CLI11's codes 104-109 are not part
/// of the table). uclink and uclinkd both parse with it.
std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv);

}  // namespace uclink::control::cli
