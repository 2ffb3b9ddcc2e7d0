// A stand-in for `uclink` with only the daemon-facing subcommands (cmd/uclink.cc belongs to the
// lead, who adds AddClientCommands there); the integration test drives uclinkd through it.
#include <CLI/CLI.hpp>

#include "control/cli/client_commands.h"
#include "control/cli/exit_code.h"

int main(int argc, char** argv) {
  CLI::App app{"uclink (test build: connect, disconnect, status, monitor)"};
  uclink::control::cli::AddClientCommands(app);
  app.require_subcommand(1);
  return uclink::control::cli::ParseCommandLine(app, argc, argv).value_or(0);
}
