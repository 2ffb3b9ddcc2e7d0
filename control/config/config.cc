#include "control/config/config.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "chat/commands/pdp.h"
#include "control/config/probe_target.h"

namespace uclink::control {
namespace {

// Reads one TOML value into the Config; returns an error message or nullopt.
using Reader = std::function<std::optional<std::string>(const toml::node&, Config&)>;

struct Field {
  std::string_view key;  // "section.name"
  Reader read;
};

template <typename Get>
Reader String(Get get) {
  return [get](const toml::node& node, Config& c) -> std::optional<std::string> {
    if (!node.is_string()) return "must be a string";
    get(c) = node.as_string()->get();
    return std::nullopt;
  };
}

template <typename Get>
Reader Integer(Get get) {
  return [get](const toml::node& node, Config& c) -> std::optional<std::string> {
    if (!node.is_integer()) return "must be an integer";
    const std::int64_t value = node.as_integer()->get();
    if (value < -1000000000 || value > 1000000000) return "is out of range";
    get(c) = static_cast<int>(value);
    return std::nullopt;
  };
}

template <typename Get>
Reader Boolean(Get get) {
  return [get](const toml::node& node, Config& c) -> std::optional<std::string> {
    if (!node.is_boolean()) return "must be true or false";
    get(c) = node.as_boolean()->get();
    return std::nullopt;
  };
}

// Durations are integers in seconds (the key names end in _s).
template <typename Get>
Reader Duration(Get get) {
  return [get](const toml::node& node, Config& c) -> std::optional<std::string> {
    if (!node.is_integer()) return "must be an integer number of seconds";
    const std::int64_t value = node.as_integer()->get();
    if (value < 0 || value > 86400) return "must be between 0 and 86400 seconds";
    get(c) = Seconds(value);
    return std::nullopt;
  };
}

// An argv: a non-empty array of non-empty strings without NUL (run without a shell); an empty
// array means "not configured".
template <typename Get>
Reader Argv(Get get) {
  return [get](const toml::node& node, Config& c) -> std::optional<std::string> {
    const toml::array* array = node.as_array();
    if (array == nullptr) return "must be an array of strings (argv, no shell)";
    std::vector<std::string> argv;
    for (const toml::node& element : *array) {
      if (!element.is_string()) return "must be an array of strings (argv, no shell)";
      const std::string& text = element.as_string()->get();
      if (text.empty() || text.find('\0') != std::string::npos) {
        return "must not contain empty strings or NUL bytes";
      }
      argv.push_back(text);
    }
    if (argv.size() > 64) return "must have at most 64 elements";
    get(c) = std::move(argv);
    return std::nullopt;
  };
}

template <typename Get, typename Parse>
Reader Choice(Get get, Parse parse, std::string_view allowed) {
  return [get, parse, allowed](const toml::node& node, Config& c) -> std::optional<std::string> {
    if (!node.is_string()) return "must be a string: " + std::string(allowed);
    auto value = parse(node.as_string()->get());
    if (!value) return "must be one of " + std::string(allowed);
    get(c) = *value;
    return std::nullopt;
  };
}

// The PDP types whose packets a PPP link carries (RFC 1332 IPCP, RFC 5072 IPV6CP); X.25, OSPIH
// and PPP (manual §2.11) have no network-layer protocol in uclink. Exact upper case: the module
// wants it so (manual §2.11.4).
std::optional<chat::PdpType> PppPdpTypeFromString(std::string_view text) {
  for (chat::PdpType type : {chat::PdpType::kIp, chat::PdpType::kIpv6}) {
    if (text == chat::ToString(type)) return type;
  }
  return std::nullopt;
}

#define UCLINK_REF(path) \
  [](Config & c) -> auto& { return c.path; }

const std::vector<Field>& Schema() {
  static const std::vector<Field> kFields = {
      {"modem.port", String(UCLINK_REF(modem.port))},
      {"modem.at_port", String(UCLINK_REF(modem.at_port))},
      {"modem.data_port", String(UCLINK_REF(modem.data_port))},
      {"modem.baud", Integer(UCLINK_REF(modem.baud))},
      {"modem.flow_control",
       Choice(UCLINK_REF(modem.flow_control), FlowControlFromString, "none, rtscts")},
      {"modem.escape_supported", Boolean(UCLINK_REF(modem.escape_supported))},
      {"network.apn", String(UCLINK_REF(network.apn))},
      {"network.cid", Integer(UCLINK_REF(network.cid))},
      {"network.pdp_type", Choice(UCLINK_REF(network.pdp_type), PppPdpTypeFromString, "IP, IPV6")},
      {"network.username", String(UCLINK_REF(network.username))},
      {"network.password", String(UCLINK_REF(network.password))},
      {"network.provider_db", String(UCLINK_REF(network.provider_db))},
      {"network.roaming",
       Choice(UCLINK_REF(network.roaming), RoamingPolicyFromString, "allow, deny")},
      {"connection.backend",
       Choice(UCLINK_REF(connection.backend), BackendChoiceFromString, "auto, pppd, userspace")},
      {"connection.mode",
       Choice(UCLINK_REF(connection.mode), ModeChoiceFromString, "auto, ppp, inband")},
      {"connection.autoconnect", Boolean(UCLINK_REF(connection.autoconnect))},
      {"connection.retry_ppp_after_s", Duration(UCLINK_REF(connection.retry_ppp_after))},
      {"connection.registration_timeout_s", Duration(UCLINK_REF(connection.registration_timeout))},
      {"connection.ppp_timeout_s", Duration(UCLINK_REF(connection.ppp_timeout))},
      {"monitor.csq_interval_s", Duration(UCLINK_REF(monitor.csq_interval))},
      {"monitor.cgreg_interval_s", Duration(UCLINK_REF(monitor.cgreg_interval))},
      {"monitor.echo_interval_s", Duration(UCLINK_REF(monitor.echo_interval))},
      {"monitor.echo_failures", Integer(UCLINK_REF(monitor.echo_failures))},
      {"monitor.registration_lost_grace_s", Duration(UCLINK_REF(monitor.registration_lost_grace))},
      {"monitor.probe", String(UCLINK_REF(monitor.probe))},
      {"monitor.probe_interval_s", Duration(UCLINK_REF(monitor.probe_interval))},
      {"monitor.probe_timeout_s", Duration(UCLINK_REF(monitor.probe_timeout))},
      {"monitor.probe_failures", Integer(UCLINK_REF(monitor.probe_failures))},
      {"backoff.initial_s", Duration(UCLINK_REF(backoff.initial))},
      {"backoff.max_s", Duration(UCLINK_REF(backoff.max))},
      {"backoff.reset_after_s", Duration(UCLINK_REF(backoff.reset_after))},
      {"recovery.probe_attempts", Integer(UCLINK_REF(recovery.probe_attempts))},
      {"recovery.cfun_cycle_after", Integer(UCLINK_REF(recovery.cfun_cycle_after))},
      {"recovery.fail_after", Integer(UCLINK_REF(recovery.fail_after))},
      {"recovery.ppp_failures_before_inband",
       Integer(UCLINK_REF(recovery.ppp_failures_before_inband))},
      {"recovery.reset_command", Argv(UCLINK_REF(recovery.reset_command))},
      {"recovery.reset_after", Integer(UCLINK_REF(recovery.reset_after))},
      {"recovery.reset_timeout_s", Duration(UCLINK_REF(recovery.reset_timeout))},
      {"recovery.reset_settle_s", Duration(UCLINK_REF(recovery.reset_settle))},
      {"recovery.max_resets_per_hour", Integer(UCLINK_REF(recovery.max_resets_per_hour))},
      {"recovery.escalate_command", Argv(UCLINK_REF(recovery.escalate_command))},
      {"recovery.escalate_after_resets", Integer(UCLINK_REF(recovery.escalate_after_resets))},
      {"recovery.escalate_min_interval_s", Duration(UCLINK_REF(recovery.escalate_min_interval))},
      {"interface.name", String(UCLINK_REF(interface.name))},
      {"interface.default_route", Boolean(UCLINK_REF(interface.default_route))},
      {"interface.route_metric", Integer(UCLINK_REF(interface.route_metric))},
      {"interface.dns", Choice(UCLINK_REF(interface.dns), DnsMethodFromString,
                               "auto, resolved, resolvconf, file, none")},
      {"interface.mtu", Integer(UCLINK_REF(interface.mtu))},
      {"control.socket", String(UCLINK_REF(control.socket))},
      {"control.group", String(UCLINK_REF(control.group))},
      {"control.idle_timeout_s", Duration(UCLINK_REF(control.idle_timeout))},
      {"control.max_connections_per_uid", Integer(UCLINK_REF(control.max_connections_per_uid))},
      {"daemon.state_dir", String(UCLINK_REF(daemon.state_dir))},
      {"usage.period_start_day", Integer(UCLINK_REF(usage.period_start_day))},
      {"usage.save_interval_s", Duration(UCLINK_REF(usage.save_interval))},
      {"usage.limit_mb", Integer(UCLINK_REF(usage.limit_mb))},
      {"usage.warn_percent", Integer(UCLINK_REF(usage.warn_percent))},
      {"usage.on_limit",
       Choice(UCLINK_REF(usage.on_limit), OnLimitFromString, "warn, disconnect, inband-only")},
      {"metrics.textfile", String(UCLINK_REF(metrics.textfile))},
      {"metrics.interval_s", Duration(UCLINK_REF(metrics.interval))},
      {"log.level", String(UCLINK_REF(log.level))},
      {"hooks.dir", String(UCLINK_REF(hooks.dir))},
      {"hooks.timeout_s", Duration(UCLINK_REF(hooks.timeout))},
  };
  return kFields;
}

#undef UCLINK_REF

bool KnownSection(std::string_view section) {
  const auto& fields = Schema();
  return std::any_of(fields.begin(), fields.end(),
                     [&](const Field& f) { return f.key.substr(0, f.key.find('.')) == section; });
}

const Field* FindField(std::string_view key) {
  for (const Field& f : Schema()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

bool ValidInterfaceName(const std::string& name) {
  // Linux IFNAMSIZ is 16 including the NUL; '/' and whitespace are refused by the kernel.
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](unsigned char ch) {
    return ch == '/' || ch == ':' || ch <= ' ' || ch >= 0x7f;
  });
}

bool ValidAtText(const std::string& text) {
  // Credentials are quoted in pppd's options and secrets (pppif/pppd_secrets.h): no quotes, no
  // CR/LF.
  return std::none_of(text.begin(), text.end(), [](unsigned char ch) {
    return ch == '"' || ch == '\r' || ch == '\n' || ch < 0x20;
  });
}

void Require(bool condition, std::string key, std::string message,
             std::vector<ConfigIssue>* issues) {
  if (!condition) issues->push_back({std::move(key), 0, std::move(message)});
}

// Why an existing path cannot be the module's serial port, or nullopt. A missing path is fine
// (a USB module appears when plugged in; the manager retries), but a directory, a regular file
// or a character device that is no terminal (/dev/null) never answers AT: retrying it would
// hide a typo forever. sysfs names each character device's class ("tty" for serial ports and
// USB modems); pseudo-terminals have no entry there and pass.
std::optional<std::string> NotASerialPort(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (S_ISDIR(st.st_mode)) return path + " is a directory, not a serial port";
  if (S_ISREG(st.st_mode)) return path + " is a regular file, not a serial port";
  if (!S_ISCHR(st.st_mode)) return path + " is not a character device, so not a serial port";
  char sysfs[64];
  std::snprintf(sysfs, sizeof sysfs, "/sys/dev/char/%u:%u/subsystem", major(st.st_rdev),
                minor(st.st_rdev));
  std::error_code error;
  const std::filesystem::path subsystem = std::filesystem::read_symlink(sysfs, error);
  if (!error && subsystem.filename() != "tty") {
    return path + " is a \"" + subsystem.filename().string() + "\" device, not a serial port (tty)";
  }
  return std::nullopt;
}

// control.group must name a group of this system (the socket is chowned to it).
bool GroupExists(const std::string& name) {
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  return getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
         found != nullptr;
}

// [usage] and [metrics] (docs/data-budget.md, docs/metrics.md).
void ValidateUsage(const Config& c, std::vector<ConfigIssue>* issues) {
  // Day 28 at most: every month has it, so every period has one start.
  Require(c.usage.period_start_day >= 1 && c.usage.period_start_day <= 28, "usage.period_start_day",
          "must be between 1 and 28", issues);
  Require(c.usage.save_interval.count() >= 10, "usage.save_interval_s",
          "must be between 10 and 86400 seconds", issues);
  // 2^31 MiB would overflow nothing, but no GPRS plan is larger than a terabyte.
  Require(c.usage.limit_mb >= 0 && c.usage.limit_mb <= 1048576, "usage.limit_mb",
          "must be between 0 (no limit) and 1048576", issues);
  Require(c.usage.warn_percent >= 1 && c.usage.warn_percent <= 100, "usage.warn_percent",
          "must be between 1 and 100", issues);
  Require(c.metrics.textfile.empty() ||
              (c.metrics.textfile.front() == '/' && c.metrics.textfile.ends_with(".prom")),
          "metrics.textfile",
          "must be an absolute path ending in .prom (node_exporter's textfile collector reads "
          "only those)",
          issues);
  Require(c.metrics.interval.count() >= 1, "metrics.interval_s",
          "must be between 1 and 86400 seconds", issues);
}

}  // namespace

const char* ToString(FlowControl value) {
  switch (value) {
    case FlowControl::kNone:
      return "none";
    case FlowControl::kRtsCts:
      return "rtscts";
  }
  return "?";
}

const char* ToString(BackendChoice value) {
  switch (value) {
    case BackendChoice::kAuto:
      return "auto";
    case BackendChoice::kPppd:
      return "pppd";
    case BackendChoice::kUserspace:
      return "userspace";
  }
  return "?";
}

const char* ToString(ModeChoice value) {
  switch (value) {
    case ModeChoice::kAuto:
      return "auto";
    case ModeChoice::kPpp:
      return "ppp";
    case ModeChoice::kInband:
      return "inband";
  }
  return "?";
}

const char* ToString(DnsMethod value) {
  switch (value) {
    case DnsMethod::kNone:
      return "none";
    case DnsMethod::kResolvConfFile:
      return "file";
    case DnsMethod::kResolvconf:
      return "resolvconf";
    case DnsMethod::kAuto:
      return "auto";
    case DnsMethod::kResolved:
      return "resolved";
  }
  return "?";
}

std::optional<FlowControl> FlowControlFromString(std::string_view text) {
  for (FlowControl v : {FlowControl::kNone, FlowControl::kRtsCts}) {
    if (text == ToString(v)) return v;
  }
  return std::nullopt;
}

std::optional<BackendChoice> BackendChoiceFromString(std::string_view text) {
  for (BackendChoice v : {BackendChoice::kAuto, BackendChoice::kPppd, BackendChoice::kUserspace}) {
    if (text == ToString(v)) return v;
  }
  return std::nullopt;
}

std::optional<ModeChoice> ModeChoiceFromString(std::string_view text) {
  for (ModeChoice v : {ModeChoice::kAuto, ModeChoice::kPpp, ModeChoice::kInband}) {
    if (text == ToString(v)) return v;
  }
  return std::nullopt;
}

std::optional<DnsMethod> DnsMethodFromString(std::string_view text) {
  for (DnsMethod v : {DnsMethod::kNone, DnsMethod::kResolvConfFile, DnsMethod::kResolvconf,
                      DnsMethod::kAuto, DnsMethod::kResolved}) {
    if (text == ToString(v)) return v;
  }
  return std::nullopt;
}

const char* ToString(OnLimit value) {
  switch (value) {
    case OnLimit::kWarn:
      return "warn";
    case OnLimit::kDisconnect:
      return "disconnect";
    case OnLimit::kInbandOnly:
      return "inband-only";
  }
  return "?";
}

std::optional<OnLimit> OnLimitFromString(std::string_view text) {
  for (OnLimit v : {OnLimit::kWarn, OnLimit::kDisconnect, OnLimit::kInbandOnly}) {
    if (text == ToString(v)) return v;
  }
  return std::nullopt;
}

std::string ConfigIssue::ToString() const {
  std::string text = key;
  if (line > 0) text += " (line " + std::to_string(line) + ")";
  return text + ": " + message;
}

std::vector<ConfigIssue> Validate(const Config& c) {
  std::vector<ConfigIssue> issues;
  static constexpr std::array<int, 8> kBauds = {9600,   19200,  38400,  57600,
                                                115200, 230400, 460800, 921600};
  Require(!c.modem.port.empty(), "modem.port", "must name a serial device", &issues);
  Require(std::find(kBauds.begin(), kBauds.end(), c.modem.baud) != kBauds.end(), "modem.baud",
          "must be one of 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600", &issues);
  Require(c.modem.data_port.empty() || !c.modem.at_port.empty(), "modem.data_port",
          "needs modem.at_port (the second port that stays in AT mode)", &issues);
  for (const auto& [key, path] :
       {std::pair<const char*, const std::string&>{"modem.port", c.modem.port},
        {"modem.at_port", c.modem.at_port},
        {"modem.data_port", c.modem.data_port}}) {
    if (std::optional<std::string> why = NotASerialPort(path)) {
      issues.push_back({key, 0, *why});
    }
  }
  // The rules chat's AT+CGDCONT / AT+CGDATA encoders apply (chat/commands/pdp.h), checked here
  // so that a bad value is a configuration error with its line, not a failed init step.
  Require(!chat::CheckCid(c.network.cid), "network.cid",
          "must be 1 or 2 (UC8088 manual §2.10.2 supports only these)", &issues);
  Require(!chat::CheckApn(c.network.apn), "network.apn",
          "must be at most 100 characters without quotes or control characters", &issues);
  Require(!c.network.AutoApn() || !c.network.provider_db.empty(), "network.provider_db",
          "must name the provider database when network.apn = \"auto\"", &issues);
  Require(ValidAtText(c.network.username) && ValidAtText(c.network.password), "network.username",
          "credentials must not contain quotes or control characters", &issues);
  Require(c.connection.registration_timeout.count() > 0, "connection.registration_timeout_s",
          "must be greater than 0", &issues);
  Require(c.connection.ppp_timeout.count() > 0, "connection.ppp_timeout_s",
          "must be greater than 0", &issues);
  Require(c.monitor.csq_interval.count() > 0, "monitor.csq_interval_s", "must be greater than 0",
          &issues);
  Require(c.monitor.cgreg_interval.count() > 0, "monitor.cgreg_interval_s",
          "must be greater than 0", &issues);
  Require(c.monitor.echo_failures >= 1 && c.monitor.echo_failures <= 100, "monitor.echo_failures",
          "must be between 1 and 100", &issues);
  std::string probe_error;
  const bool probe_ok = c.monitor.probe.empty() || ParseProbeTarget(c.monitor.probe, &probe_error);
  Require(probe_ok, "monitor.probe", probe_error, &issues);
  Require(c.monitor.probe_interval.count() > 0, "monitor.probe_interval_s",
          "must be greater than 0", &issues);
  Require(
      c.monitor.probe_timeout.count() > 0 && c.monitor.probe_timeout <= c.monitor.probe_interval,
      "monitor.probe_timeout_s", "must be between 1 and monitor.probe_interval_s", &issues);
  Require(c.monitor.probe_failures >= 1 && c.monitor.probe_failures <= 100,
          "monitor.probe_failures", "must be between 1 and 100", &issues);
  Require(c.backoff.initial.count() > 0, "backoff.initial_s", "must be greater than 0", &issues);
  Require(c.backoff.max >= c.backoff.initial, "backoff.max_s", "must be at least backoff.initial_s",
          &issues);
  Require(c.recovery.probe_attempts >= 1 && c.recovery.probe_attempts <= 20,
          "recovery.probe_attempts", "must be between 1 and 20", &issues);
  Require(c.recovery.cfun_cycle_after >= 1, "recovery.cfun_cycle_after", "must be at least 1",
          &issues);
  // recovery.fail_after is deprecated and ignored (the ladder never gives up on a transient
  // failure); any integer still loads.
  Require(c.recovery.reset_after >= 1 && c.recovery.reset_after <= 1000, "recovery.reset_after",
          "must be between 1 and 1000", &issues);
  Require(c.recovery.reset_timeout.count() >= 1 && c.recovery.reset_timeout.count() <= 600,
          "recovery.reset_timeout_s", "must be between 1 and 600 seconds", &issues);
  Require(c.recovery.reset_settle.count() >= 1 && c.recovery.reset_settle.count() <= 600,
          "recovery.reset_settle_s", "must be between 1 and 600 seconds", &issues);
  Require(c.recovery.max_resets_per_hour >= 1 && c.recovery.max_resets_per_hour <= 60,
          "recovery.max_resets_per_hour", "must be between 1 and 60", &issues);
  Require(c.recovery.escalate_after_resets >= 1 && c.recovery.escalate_after_resets <= 100,
          "recovery.escalate_after_resets", "must be between 1 and 100", &issues);
  // An hour at least: the last resort (a reboot) must never become a loop.
  Require(c.recovery.escalate_min_interval.count() >= 3600, "recovery.escalate_min_interval_s",
          "must be between 3600 and 86400 seconds", &issues);
  Require(c.recovery.ppp_failures_before_inband >= 1, "recovery.ppp_failures_before_inband",
          "must be at least 1", &issues);
  Require(ValidInterfaceName(c.interface.name), "interface.name",
          "must be a Linux interface name (1..15 characters, no '/', ':' or spaces)", &issues);
  Require(c.interface.route_metric >= 0, "interface.route_metric", "must not be negative", &issues);
  Require(c.interface.mtu == 0 || (c.interface.mtu >= 576 && c.interface.mtu <= 1500),
          "interface.mtu", "must be 0 (negotiated) or 576..1500", &issues);
  Require(
      !c.control.socket.empty() && c.control.socket.front() == '/' && c.control.socket.size() < 108,
      "control.socket", "must be an absolute path shorter than 108 bytes (sun_path)", &issues);
  Require(c.control.group.empty() || GroupExists(c.control.group), "control.group",
          "no such group \"" + c.control.group + "\" on this system (getent group)", &issues);
  // 1 s at least: a client needs a moment to send its line; an hour at most, so a stalled
  // client gives its slot back within the hour (docs/control-api.md, "Connection limits").
  Require(c.control.idle_timeout.count() >= 1 && c.control.idle_timeout.count() <= 3600,
          "control.idle_timeout_s", "must be between 1 and 3600 seconds", &issues);
  // 64 is the daemon's whole session budget (ControlServer::kMaxSessions).
  Require(c.control.max_connections_per_uid >= 1 && c.control.max_connections_per_uid <= 64,
          "control.max_connections_per_uid", "must be between 1 and 64", &issues);
  Require(!c.daemon.state_dir.empty() && c.daemon.state_dir.front() == '/' &&
              c.daemon.state_dir.find('\0') == std::string::npos,
          "daemon.state_dir", "must be an absolute directory path", &issues);
  Require(!c.hooks.dir.empty() && c.hooks.dir.front() == '/', "hooks.dir",
          "must be an absolute directory path", &issues);
  // A hook bounds nothing but itself (hooks run one at a time): 10 minutes is already generous.
  Require(c.hooks.timeout.count() >= 1 && c.hooks.timeout.count() <= 600, "hooks.timeout_s",
          "must be between 1 and 600 seconds", &issues);
  ValidateUsage(c, &issues);
  const std::array<std::string_view, 5> levels = {"trace", "debug", "info", "warn", "error"};
  Require(std::find(levels.begin(), levels.end(), c.log.level) != levels.end(), "log.level",
          "must be one of trace, debug, info, warn, error", &issues);
  return issues;
}

ConfigResult ParseConfig(std::string_view text) {
  ConfigResult result;
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& error) {
    result.issues.push_back({"(syntax)", static_cast<int>(error.source().begin.line),
                             std::string(error.description())});
    return result;
  }
  std::map<std::string, int> lines;
  for (const auto& [section_key, section] : root) {
    const std::string section_name(section_key.str());
    if (!KnownSection(section_name)) {
      result.issues.push_back({section_name, LineOf(section), "unknown section"});
      continue;
    }
    if (!section.is_table()) {
      result.issues.push_back({section_name, LineOf(section), "must be a [table]"});
      continue;
    }
    for (const auto& [key, value] : *section.as_table()) {
      const std::string full = section_name + "." + std::string(key.str());
      const Field* field = FindField(full);
      if (field == nullptr) {
        result.issues.push_back({full, LineOf(value), "unknown key"});
        continue;
      }
      lines[full] = LineOf(value);
      if (std::optional<std::string> error = field->read(value, result.config)) {
        result.issues.push_back({full, LineOf(value), *error});
      }
    }
  }
  // Every problem at once: the range and cross-field checks run even when some value had the
  // wrong type, except for those keys (they hold the default, so a check would say nothing).
  std::set<std::string> unreadable;
  for (const ConfigIssue& issue : result.issues) unreadable.insert(issue.key);
  for (ConfigIssue& issue : Validate(result.config)) {
    if (unreadable.contains(issue.key)) continue;
    auto it = lines.find(issue.key);
    issue.line = it == lines.end() ? 0 : it->second;
    result.issues.push_back(std::move(issue));
  }
  return result;
}

ConfigResult LoadConfigFile(const std::string& path, bool missing_ok) {
  std::ifstream file(path);
  if (!file) {
    ConfigResult result;
    if (!missing_ok) result.issues.push_back({path, 0, "cannot be read"});
    return result;
  }
  std::ostringstream text;
  text << file.rdbuf();
  // Bounded: a configuration is a few kilobytes; refuse anything absurd rather than parse it.
  if (text.tellp() > 1024 * 1024) {
    ConfigResult result;
    result.issues.push_back({path, 0, "is larger than 1 MiB"});
    return result;
  }
  return ParseConfig(text.str());
}

std::vector<ConfigIssue> ApplyOverrides(const ConfigOverrides& flags, Config* c) {
  std::vector<ConfigIssue> issues;
  if (flags.port) c->modem.port = *flags.port;
  if (flags.at_port) c->modem.at_port = *flags.at_port;
  if (flags.data_port) c->modem.data_port = *flags.data_port;
  if (flags.apn) c->network.apn = *flags.apn;
  if (flags.interface) c->interface.name = *flags.interface;
  if (flags.socket) c->control.socket = *flags.socket;
  if (flags.state_dir) c->daemon.state_dir = *flags.state_dir;
  if (flags.baud) c->modem.baud = *flags.baud;
  if (flags.cid) c->network.cid = *flags.cid;
  if (flags.backend) {
    if (auto v = BackendChoiceFromString(*flags.backend)) {
      c->connection.backend = *v;
    } else {
      issues.push_back({"--backend", 0, "must be one of auto, pppd, userspace"});
    }
  }
  if (flags.mode) {
    if (auto v = ModeChoiceFromString(*flags.mode)) {
      c->connection.mode = *v;
    } else {
      issues.push_back({"--mode", 0, "must be one of auto, ppp, inband"});
    }
  }
  // Name the flag when a flag supplied the rejected value, so the user knows what to fix.
  const std::map<std::string_view, std::pair<bool, std::string_view>> flag_of = {
      {"modem.port", {flags.port.has_value(), "--port"}},
      {"modem.at_port", {flags.at_port.has_value(), "--at-port"}},
      {"modem.data_port", {flags.data_port.has_value(), "--data-port"}},
      {"modem.baud", {flags.baud.has_value(), "--baud"}},
      {"network.apn", {flags.apn.has_value(), "--apn"}},
      {"network.cid", {flags.cid.has_value(), "--cid"}},
      {"interface.name", {flags.interface.has_value(), "--interface"}},
      {"control.socket", {flags.socket.has_value(), "--socket"}},
      {"daemon.state_dir", {flags.state_dir.has_value(), "--state-dir"}},
  };
  for (ConfigIssue& issue : Validate(*c)) {
    auto it = flag_of.find(issue.key);
    if (it != flag_of.end() && it->second.first) issue.key = std::string(it->second.second);
    issues.push_back(std::move(issue));
  }
  return issues;
}

}  // namespace uclink::control
