// A `uclink` with only the service commands, for the integration tests (the lead adds
// AddServiceCommands to cmd/uclink.cc).
#include <CLI/CLI.hpp>

#include "control/cli/service_commands.h"

int main(int argc, char** argv) {
  CLI::App app("uclink services (tests)", "uclink");
  app.require_subcommand(1);
  uclink::control::cli::AddServiceCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
