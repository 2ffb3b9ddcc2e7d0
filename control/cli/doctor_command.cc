#include "control/cli/doctor_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "control/cli/at_session.h"

namespace uclink::control::cli {
namespace {

struct DoctorFlags {
  doctor::DoctorOptions options;
  std::string lock_dir = "/run/lock";
  bool json = false;
};

int RunDoctorCommand(const DoctorFlags& flags) {
  doctor::Environment env = doctor::HostEnvironment();
  env.lock_dir = flags.lock_dir;
  const doctor::Report report =
      doctor::RunDoctor(env, flags.options, AtSessionOpener(flags.lock_dir));
  if (flags.json) {
    std::cout << doctor::ToJson(report).dump(2, ' ', false,
                                             nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << doctor::FormatHuman(report);
  }
  return doctor::ExitCode(report);
}

}  // namespace

doctor::ModuleOpener AtSessionOpener(const std::string& lock_dir) {
  return [lock_dir](const std::string& port, const Config& config,
                    std::string* error) -> doctor::AtRunner {
    PortFlags flags;
    flags.port = port;
    flags.baud = config.modem.baud;
    flags.rtscts = config.modem.flow_control == FlowControl::kRtsCts;
    flags.lock_dir = lock_dir;
    std::error_code code;
    std::shared_ptr<AtSession> session = AtSession::Open(flags, code);
    if (!session) {
      *error = code.message();
      return {};
    }
    return [session](chat::AtCommand command) { return session->Run(std::move(command)); };
  };
}

void AddDoctorCommand(CLI::App& app) {
  auto flags = std::make_shared<DoctorFlags>();
  CLI::App* command = app.add_subcommand(
      "doctor",
      "Pre-flight check: port, locks, permissions, ModemManager, PPP backends, module, "
      "registration, signal, APN; names the fix for each problem (exit 1 if any check fails)");
  command->add_option("--port,-p", flags->options.port,
                      "Serial device of the module (default: [modem] at_port or port)");
  command->add_option("--config,-c", flags->options.config_path,
                      "Configuration file (default: /etc/uclink/uclink.toml if present)");
  command->add_option("--lock-dir", flags->lock_dir, "Directory of UUCP lock files")
      ->capture_default_str();
  command->add_flag("--json", flags->json,
                    "Print {\"checks\": [{name, status, finding, fix}], \"skipped\", \"ok\"}");
  command->callback([flags] {
    const int code = RunDoctorCommand(*flags);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace uclink::control::cli
