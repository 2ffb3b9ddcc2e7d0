// A test-only `uclink` with just the doctor command, to try it by hand before cmd/uclink.cc
// wires it in: bazel run //tests/control/doctor:doctor_main -- doctor --port /dev/pts/N
#include <CLI/CLI.hpp>

#include "control/cli/doctor_command.h"

int main(int argc, char** argv) {
  CLI::App app("uclink (doctor only, for tests)");
  app.require_subcommand(1);
  uclink::control::cli::AddDoctorCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
