// uclink: the command-line client. main() only: subcommands live in control/cli/.
#include <CLI/CLI.hpp>

#include "control/cli/at_command.h"
#include "control/cli/client_commands.h"
#include "control/cli/doctor_command.h"
#include "control/cli/probe_command.h"
#include "control/cli/service_commands.h"

int main(int argc, char** argv) {
  CLI::App app("uclink: connection manager for the UC8088 GPRS module", "uclink");
  app.require_subcommand(1);
  uclink::control::cli::AddClientCommands(app);  // --socket, connect, disconnect, status, monitor
  uclink::control::cli::AddAtCommand(app);
  uclink::control::cli::AddProbeCommand(app);
  uclink::control::cli::AddDoctorCommand(app);
  uclink::control::cli::AddServiceCommands(app);  // tcp, udp, http, ftp, mqtt, forward
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
