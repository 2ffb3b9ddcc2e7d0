// uclink: the command-line client. main() only: subcommands live in control/cli/.
#include <CLI/CLI.hpp>
#include <string>

#include "control/api/protocol.h"
#include "control/cli/at_subcommand.h"
#include "control/cli/client_commands.h"
#include "control/cli/doctor_command.h"
#include "control/cli/exit_code.h"
#include "control/cli/probe_command.h"
#include "control/cli/service_commands.h"

int main(int argc, char** argv) {
  CLI::App app("uclink: connection manager for the UC8088 GPRS module", "uclink");
  app.set_version_flag("--version", "uclink " + std::string(uclink::control::api::kVersion));
  app.require_subcommand(1);
  // `uclink status --socket S` as well as `uclink --socket S status`: an option a subcommand
  // does not know falls through to the top level (set before the subcommands, which inherit it).
  app.fallthrough();
  uclink::control::cli::AddClientCommands(app);  // --socket, connect, disconnect, reload, ...
  uclink::control::cli::AddAtCommand(app);
  uclink::control::cli::AddProbeCommand(app);
  uclink::control::cli::AddDoctorCommand(app);
  uclink::control::cli::AddServiceCommands(app);  // tcp, udp, http, ftp, mqtt, forward
  // Exit codes: control/cli/exit_code.h (usage errors are 2, never CLI11's own 104-109).
  return uclink::control::cli::ParseCommandLine(app, argc, argv).value_or(0);
}
