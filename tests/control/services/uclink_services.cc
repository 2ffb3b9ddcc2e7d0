// A `uclink` with only the service commands, for the integration tests (the lead adds
// AddServiceCommands to cmd/uclink.cc).
#include <CLI/CLI.hpp>

#include "control/cli/service_commands.h"
#include "tests/control/services/test_cli.h"

int main(int argc, char** argv) {
  CLI::App app("uclink services (tests)", "uclink");
  app.require_subcommand(1);
  uclink::control::cli::AddServiceCommands(app);
  return uclink::tests::RunTestCli(app, argc, argv);
}
