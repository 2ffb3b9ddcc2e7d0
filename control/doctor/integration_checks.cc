#include "control/doctor/integration_checks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "control/daemon/dns_policy.h"
#include "control/daemon/hook_scan.h"

namespace uclink::control::doctor {
namespace {

CheckResult Ok(std::string name, std::string finding) {
  return {std::move(name), CheckStatus::kOk, std::move(finding), ""};
}

// systemd-resolved's process name (comm is cut at 15 bytes: "systemd-resolve").
bool ResolvedRunning(const Environment& env) {
  return !FindProcessesNamed(env, "systemd-resolve").empty() ||
         !FindProcessesNamed(env, "systemd-resolved").empty();
}

}  // namespace

CheckResult CheckPortName(const std::string& port) {
  static const std::regex kEnumerated(R"(/dev/tty(USB|ACM)[0-9]+)");
  if (!std::regex_match(port, kEnumerated)) {
    return Ok("port_name", port + " is a name that stays with the device");
  }
  return {"port_name", CheckStatus::kWarn,
          port +
              " is numbered in the order USB serial ports appear: after a module reset or a "
              "re-plug the same port can come back under another number",
          "install dist/udev/77-uclink.rules (matching your module's USB vendor, product and "
          "interface) as /etc/udev/rules.d/77-uclink.rules, run `udevadm control --reload && "
          "udevadm trigger`, and set port = \"/dev/uclink/modem\" under [modem]; uclink locks the "
          "device the name resolves to, so both names share one lock"};
}

CheckResult CheckDns(const Environment& env, const Config& config) {
  DnsHostFacts facts;
  const bool bus = ::access(env.system_bus_socket.c_str(), F_OK) == 0;
  facts.resolved_on_bus = bus && ResolvedRunning(env);
  facts.resolvconf_installed = ::access(env.resolvconf_program.c_str(), X_OK) == 0;
  struct stat st {};
  const std::string dir = std::filesystem::path(env.resolv_conf).parent_path().string();
  facts.resolv_conf_plain_writable =
      ::lstat(env.resolv_conf.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      ::access(env.resolv_conf.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
  const std::optional<DnsChoice> choice = ChooseDns(config.interface.dns, facts);
  if (!choice) return Ok("dns", "undecided");  // not reached: the facts are all known here
  const std::string finding = std::string("interface.dns = \"") + ToString(config.interface.dns) +
                              "\" → " + ToString(choice->route) + " (" + choice->why + ")";
  if (!choice->warn) return Ok("dns", finding);
  if (choice->route == DnsRoute::kResolved) {
    return {"dns", CheckStatus::kWarn, finding,
            "start systemd-resolved (`systemctl enable --now systemd-resolved`), or choose "
            "another interface.dns method"};
  }
  return {"dns", CheckStatus::kWarn, finding,
          "install systemd-resolved or resolvconf; or let uclinkd replace " + env.resolv_conf +
              " (a regular file, and under the unit's ProtectSystem=full a drop-in with "
              "ReadWritePaths=/etc); or set interface.dns = \"none\" if names resolve another "
              "way"};
}

CheckResult CheckHooks(const Config& config) {
  const HookScan scan = ScanHooks(config.hooks.dir);
  if (!scan.dir_exists) {
    return Ok("hooks", config.hooks.dir + " does not exist: no dispatcher hooks run");
  }
  if (!scan.dir_problem.empty()) {
    return {"hooks", CheckStatus::kWarn, "cannot read " + scan.dir_problem,
            "make " + config.hooks.dir + " a directory root can read"};
  }
  std::string finding = std::to_string(scan.programs.size()) + " hook" +
                        (scan.programs.size() == 1 ? "" : "s") + " in " + config.hooks.dir +
                        " run in name order";
  if (scan.skipped.empty()) return Ok("hooks", finding);
  finding += "; skipped:";
  for (const std::string& skipped : scan.skipped) finding += " " + skipped + ";";
  finding.pop_back();
  return {"hooks", CheckStatus::kWarn, finding,
          "a hook must be a regular executable file owned by root and writable only by root: "
          "chown root:root FILE && chmod 0755 FILE (or remove what is not a hook)"};
}

}  // namespace uclink::control::doctor
