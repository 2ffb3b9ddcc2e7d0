#include "control/doctor/doctor.h"

#include <filesystem>
#include <iterator>
#include <string_view>

#include "control/doctor/apn_check.h"
#include "control/doctor/integration_checks.h"
#include "control/doctor/pdp_type_check.h"
#include "control/doctor/system_checks.h"

namespace uclink::control::doctor {
namespace {

constexpr std::string_view kModuleChecks[] = {"module", "cfun", "registration", "signal"};

void SkipModule(const std::string& reason, Report* report) {
  for (std::string_view name : kModuleChecks) {
    report->skipped.push_back({std::string(name), reason});
  }
}

}  // namespace

LoadedConfig CheckConfig(const std::string& path) {
  const bool given = !path.empty();
  const std::string file = given ? path : std::string(kDefaultConfigPath);
  ConfigResult result = LoadConfigFile(file, /*missing_ok=*/!given);
  if (!result.ok()) {
    std::string finding = file + " has " + std::to_string(result.issues.size()) + " problem" +
                          (result.issues.size() == 1 ? "" : "s") + ":";
    for (const ConfigIssue& issue : result.issues) finding += " " + issue.ToString() + ";";
    finding.pop_back();
    return {Config{},
            {"config", CheckStatus::kFail, finding + " (the other checks use the defaults)",
             "correct the keys named above (docs/configuration.md lists every key)"}};
  }
  std::error_code ec;
  if (!given && !std::filesystem::exists(file, ec)) {
    return {result.config, {"config", CheckStatus::kOk, file + " absent: defaults are used", ""}};
  }
  return {result.config, {"config", CheckStatus::kOk, "loaded " + file, ""}};
}

CheckResult CheckApn(const Config& config) {
  if (!config.network.apn.empty()) {
    return {"apn", CheckStatus::kOk, "APN \"" + config.network.apn + "\"", ""};
  }
  return {"apn", CheckStatus::kWarn,
          "no APN configured: the module's default PDP context is used (manual §2.10)",
          "set apn = \"<your operator's APN>\" under [network] in the configuration, or pass "
          "--apn to uclinkd"};
}

std::string DoctorPort(const DoctorOptions& options, const Config& config) {
  if (!options.port.empty()) return options.port;
  if (!config.modem.at_port.empty()) return config.modem.at_port;
  return config.modem.port;
}

Report RunDoctor(const Environment& env, const DoctorOptions& options, const ModuleOpener& open) {
  Report report;
  LoadedConfig loaded = CheckConfig(options.config_path);
  const Config& config = loaded.config;
  report.checks.push_back(std::move(loaded.check));
  report.checks.push_back(CheckApn(config));

  const std::string port = DoctorPort(options, config);
  std::string port_failure;
  const auto add_port_check = [&](CheckResult check) {
    if (check.status == CheckStatus::kFail && port_failure.empty()) port_failure = check.name;
    report.checks.push_back(std::move(check));
  };
  add_port_check(CheckPortExists(port));
  if (port_failure.empty()) {
    add_port_check(CheckPortLock(env, port));
    add_port_check(CheckPortBusy(env, port));
    add_port_check(CheckPortPermission(env, port));
  } else {
    for (const char* name : {"port_lock", "port_busy", "port_permission"}) {
      report.skipped.push_back({name, "the port does not exist"});
    }
  }
  report.checks.push_back(CheckModemManager(env, port));
  report.checks.push_back(CheckPppd(env, config));
  report.checks.push_back(CheckTun(env, config));
  report.checks.push_back(CheckCapNetAdmin(env, config));
  report.checks.push_back(CheckPortName(port));
  report.checks.push_back(CheckDns(env, config));
  report.checks.push_back(CheckHooks(config));

  if (!port_failure.empty()) {
    SkipModule("the " + port_failure + " check failed", &report);
    return report;
  }
  std::string error;
  const AtRunner run = open(port, config, &error);
  if (!run) {
    report.checks.push_back(CannotOpenPort(port, error));
    for (std::size_t i = 1; i < std::size(kModuleChecks); ++i) {
      report.skipped.push_back({std::string(kModuleChecks[i]), "the port could not be opened"});
    }
    return report;
  }
  CheckModule(run, port, &report);
  if (const CheckResult* module = report.Find("module");
      module != nullptr && module->status == CheckStatus::kOk) {
    report.checks.push_back(CheckSimApn(run, config));  // docs/apn.md
  } else {
    report.skipped.push_back({"sim_apn", "the module does not answer"});
  }
  // Only a type other than IP is in doubt: every module lists IP (manual §2.11.1).
  if (const CheckResult* module = report.Find("module");
      config.network.pdp_type != chat::PdpType::kIp && module != nullptr &&
      module->status == CheckStatus::kOk) {
    report.checks.push_back(CheckPdpType(run, port, config.network.pdp_type));
  }
  return report;
}

}  // namespace uclink::control::doctor
