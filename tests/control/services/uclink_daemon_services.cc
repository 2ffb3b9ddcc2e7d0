// A `uclink` with the daemon client commands, `at` and the service commands, for the
// end-to-end test through uclinkd (the same libraries cmd/uclink.cc links).
#include <CLI/CLI.hpp>

#include "control/cli/at_subcommand.h"
#include "control/cli/client_commands.h"
#include "control/cli/service_commands.h"
#include "tests/control/services/test_cli.h"

int main(int argc, char** argv) {
  CLI::App app("uclink through uclinkd (tests)", "uclink");
  app.require_subcommand(1);
  uclink::control::cli::AddClientCommands(app);  // --socket, status, ...
  uclink::control::cli::AddAtCommand(app);
  uclink::control::cli::AddServiceCommands(app);
  return uclink::tests::RunTestCli(app, argc, argv);
}
