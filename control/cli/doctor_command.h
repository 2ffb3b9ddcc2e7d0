// `uclink doctor [--port P] [--config FILE] [--json]`: the pre-flight check (docs/doctor.md).
// Exit status 0 when no check failed (warnings allowed), 1 otherwise.
#pragma once

#include "control/doctor/doctor.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

/// Adds the `doctor` subcommand to `app`.
void AddDoctorCommand(CLI::App& app);

/// Opens the port through AtSession (exclusive, UUCP lock in `lock_dir`) with the configured
/// baud and flow control; the runner keeps the session open until it is destroyed.
doctor::ModuleOpener AtSessionOpener(const std::string& lock_dir);

}  // namespace uclink::control::cli
