// uclinkd configuration: /etc/uclink/uclink.toml (docs/configuration.md lists every key), then
// command-line overrides. Loading never throws; every problem names the key and the line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/commands/pdp.h"

namespace uclink::control {

/// Default location of the configuration file.
inline constexpr std::string_view kDefaultConfigPath = "/etc/uclink/uclink.toml";

/// RTS/CTS or none (UART wiring dependent).
enum class FlowControl { kNone, kRtsCts };
/// Which PPP implementation runs the data link.
enum class BackendChoice { kAuto, kPppd, kUserspace };
/// How the manager gets the module online (`connection.mode`, docs/configuration.md).
enum class ModeChoice { kAuto, kPpp, kInband };
/// What is done with the DNS servers IPCP (or the module) reports. kAuto picks systemd-resolved,
/// then resolvconf, then the file, then none (control/daemon/dns_policy.h).
enum class DnsMethod { kNone, kResolvConfFile, kResolvconf, kAuto, kResolved };

const char* ToString(FlowControl value);
const char* ToString(BackendChoice value);
const char* ToString(ModeChoice value);
const char* ToString(DnsMethod value);
std::optional<FlowControl> FlowControlFromString(std::string_view text);
std::optional<BackendChoice> BackendChoiceFromString(std::string_view text);
std::optional<ModeChoice> ModeChoiceFromString(std::string_view text);
std::optional<DnsMethod> DnsMethodFromString(std::string_view text);

using Seconds = std::chrono::seconds;

/// [modem]: the serial side.
struct ModemConfig {
  std::string port = "/dev/ttyUSB0";  ///< the AT + data port when only one exists
  std::string at_port;                ///< optional second port used for AT while PPP runs
  std::string data_port;              ///< optional port for CGDATA/PPP (defaults to `port`)
  int baud = 115200;
  FlowControl flow_control = FlowControl::kNone;
  /// The UC8088 manual documents no "+++"/ATO; enable only for firmware known to support it.
  bool escape_supported = false;
};

/// network.roaming: whether registered-roaming (+CGREG stat 5) may be used (docs/apn.md).
enum class RoamingPolicy { kAllow, kDeny };
const char* ToString(RoamingPolicy value);
std::optional<RoamingPolicy> RoamingPolicyFromString(std::string_view text);

/// network.apn's value that asks for the APN from the SIM (docs/apn.md).
inline constexpr std::string_view kAutoApn = "auto";

/// [network]: PDP context and PPP credentials.
struct NetworkConfig {
  /// Empty: the module's default PDP parameters (manual §2.10); "auto": candidates from the
  /// IMSI and provider_db, the one that worked remembered per SIM (docs/apn.md).
  std::string apn;
  int cid = 1;  ///< manual §2.10.2: only cid 1 and 2 exist
  /// <PDP_type> sent in AT+CGDCONT (manual §2.11): IP or IPV6 (the types a PPP link can carry).
  chat::PdpType pdp_type = chat::PdpType::kIp;
  std::string username;
  std::string password;  ///< never logged nor reported
  /// mobile-broadband-provider-info's database, read only when apn = "auto".
  std::string provider_db = "/usr/share/mobile-broadband-provider-info/serviceproviders.xml";
  RoamingPolicy roaming = RoamingPolicy::kAllow;
  bool AutoApn() const { return apn == kAutoApn; }
};

/// [connection]
struct ConnectionConfig {
  BackendChoice backend = BackendChoice::kAuto;
  ModeChoice mode = ModeChoice::kAuto;
  bool autoconnect = true;       ///< connect when the daemon starts
  Seconds retry_ppp_after{600};  ///< in-band fallback: try PPP again after this (0 = never)
  Seconds registration_timeout{120};
  Seconds ppp_timeout{30};  ///< CONNECT → IP up
};

/// [monitor]
struct MonitorConfig {
  Seconds csq_interval{15};
  Seconds cgreg_interval{30};
  Seconds echo_interval{30};  ///< LCP echo; 0 disables
  int echo_failures = 4;
  Seconds registration_lost_grace{15};  ///< ModemManager's deferred-unregistration 15 s
  /// Data-path probe while online with PPP (control/config/probe_target.h); empty = off.
  std::string probe;
  Seconds probe_interval{60};  ///< between the end of one probe and the start of the next
  Seconds probe_timeout{5};    ///< one probe's bound
  int probe_failures = 3;      ///< failures in a row that declare the link dead
};

/// [backoff]: 5 s doubling to 10 min, reset after 60 s online (wvdial's ladder).
struct BackoffConfig {
  Seconds initial{5};
  Seconds max{600};
  Seconds reset_after{60};
};

/// [recovery]: the escalation ladder.
struct RecoveryConfig {
  int probe_attempts = 5;    ///< "AT" tries per probe
  int cfun_cycle_after = 3;  ///< failed attempts before AT+CFUN=0/1 joins the init
  /// Deprecated and ignored: the manager never gives up on a transient failure
  /// (docs/configuration.md). Still accepted so that existing files load.
  int fail_after = 8;
  int ppp_failures_before_inband = 3;
  /// Module power cycle (docs/state-machine.md, "Recovery ladder"): argv, run without a shell;
  /// empty = no power-cycle rung.
  std::vector<std::string> reset_command;
  int reset_after = 6;          ///< consecutive failures (since the last one) before a power cycle
  Seconds reset_timeout{30};    ///< the command is killed after this
  Seconds reset_settle{30};     ///< wait this long for the start-up banner or an OK after it
  int max_resets_per_hour = 4;  ///< power cycles in any hour
  /// Last resort (opt-in), e.g. ["systemctl", "reboot"]; empty = never.
  std::vector<std::string> escalate_command;
  int escalate_after_resets = 3;         ///< power cycles without getting online before it
  Seconds escalate_min_interval{86400};  ///< at most once per this (persisted)
};

/// [interface]: the IP side.
struct InterfaceConfig {
  std::string name = "uclink0";
  bool default_route = true;
  int route_metric = 700;  ///< NetworkManager's default for WWAN devices
  DnsMethod dns = DnsMethod::kAuto;
  int mtu = 0;  ///< 0 = as negotiated
};

/// [control]: the control socket.
struct ControlConfig {
  std::string socket = "/run/uclink/uclinkd.sock";
  std::string group;  ///< group allowed to use mutating methods; empty = root only
  /// A connection that completes no request line for this long is closed (subscribers and
  /// requests in progress are exempt), so stalled clients cannot hold every slot.
  Seconds idle_timeout{30};
  /// Connections one uid other than root may hold at once (docs/control-api.md).
  int max_connections_per_uid = 16;
};

/// [daemon]: what uclinkd keeps across restarts.
struct DaemonConfig {
  /// Recovery counters, usage ledgers and remembered APNs (docs/state.md); systemd's
  /// StateDirectory=uclink creates the default.
  std::string state_dir = "/var/lib/uclink";
};

/// [hooks]: the site's own programs run on link events (docs/system-integration.md).
struct HooksConfig {
  std::string dir = "/etc/uclink/dispatcher.d";
  Seconds timeout{20};  ///< one hook's bound; it is killed (by its pid) past it
};

/// What a reached usage cap does (`usage.on_limit`, docs/data-budget.md).
enum class OnLimit {
  kWarn,        ///< publish usage-limit and log; the link stays up
  kDisconnect,  ///< hang up and stay down until the next period or `connect --ignore-limit`
  kInbandOnly,  ///< hang up PPP; only the module's in-band services, driven by the user
};
const char* ToString(OnLimit value);
std::optional<OnLimit> OnLimitFromString(std::string_view text);

/// [usage]: the data budget per SIM and billing period (docs/data-budget.md).
struct UsageConfig {
  int period_start_day = 1;    ///< 1..28: the day of the month a billing period starts (UTC)
  Seconds save_interval{300};  ///< at most this often to the state directory (flash wear)
  int limit_mb = 0;            ///< MiB per period; 0 = no limit
  int warn_percent = 80;       ///< usage-warning at this share of the limit
  OnLimit on_limit = OnLimit::kWarn;
};

/// [metrics]: the Prometheus textfile for node_exporter (docs/metrics.md).
struct MetricsConfig {
  std::string textfile;  ///< empty = not written
  Seconds interval{60};  ///< how often uclinkd rewrites it
};

/// [log]
struct LogConfig {
  std::string level = "info";  ///< trace|debug|info|warn|error
};

/// The whole configuration.
struct Config {
  ModemConfig modem;
  NetworkConfig network;
  ConnectionConfig connection;
  MonitorConfig monitor;
  BackoffConfig backoff;
  RecoveryConfig recovery;
  InterfaceConfig interface;
  ControlConfig control;
  DaemonConfig daemon;
  UsageConfig usage;
  MetricsConfig metrics;
  LogConfig log;
  HooksConfig hooks;
};

/// One validation problem: "modem.baud (line 3): must be one of ...".
struct ConfigIssue {
  std::string key;  ///< dotted key, e.g. "network.cid"
  int line = 0;     ///< 1-based; 0 when not from the file (flags, file-level errors)
  std::string message;
  std::string ToString() const;
};

/// A configuration and the problems found while building it; usable only when ok().
struct ConfigResult {
  Config config;
  std::vector<ConfigIssue> issues;
  bool ok() const { return issues.empty(); }
};

/// Parses TOML text (source_name appears in messages only).
ConfigResult ParseConfig(std::string_view toml_text);
/// Reads and parses a file. A missing file is an issue unless `missing_ok` (default path).
ConfigResult LoadConfigFile(const std::string& path, bool missing_ok);

/// Command-line flags of uclinkd; each set field replaces the file's value.
struct ConfigOverrides {
  std::optional<std::string> port, at_port, data_port, apn, backend, mode, interface, socket,
      state_dir;
  std::optional<int> baud, cid;
};
/// Applies flags on top of `config`, then re-validates; issues name the flag ("--baud").
std::vector<ConfigIssue> ApplyOverrides(const ConfigOverrides& flags, Config* config);
/// Checks the cross-field rules and ranges; used by ParseConfig and ApplyOverrides.
std::vector<ConfigIssue> Validate(const Config& config);

}  // namespace uclink::control
