// The main() of the test `uclink`s: a CLI11 app with the commands a test needs, parsed with
// CLI11's own exit codes for usage errors.
#pragma once

#include <CLI/CLI.hpp>

namespace uclink::tests {

inline int RunTestCli(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace uclink::tests
