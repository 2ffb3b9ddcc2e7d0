// The "status" document: what `uclink status --json` prints (docs/control-api.md, "The status
// document"). Every field the daemon does not know is null, never 0, and AT-side readings carry
// their age.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace uclink::control::api {

/// Module identity as read with AT+CGMI/CGMM/CGMR/CGSN/CIMI (UC8088 manual §2.2–§2.6).
struct ModuleInfo {
  std::optional<std::string> manufacturer, model, revision, imei, imsi;
};

/// Last +CGREG reading (manual §2.15) and how old it is.
struct RegistrationInfo {
  std::optional<int> stat;          ///< 27.007 <stat>, 0..5 on the UC8088
  std::optional<std::string> name;  ///< "registered-home", "searching", ...
  std::optional<std::string> lac;   ///< as the module printed it
  std::optional<std::string> ci;
  std::optional<double> age_s;
};

/// Last +CSQ reading (manual §2.17) and how old it is; 99 ("unknown") is reported as null.
struct SignalInfo {
  std::optional<int> csq;
  std::optional<int> rssi_dbm;
  std::optional<int> ber;
  std::optional<double> age_s;
};

/// One global IPv6 address with its prefix length.
struct Ipv6AddressInfo {
  std::string address;
  int prefix_len = 0;
  friend bool operator==(const Ipv6AddressInfo&, const Ipv6AddressInfo&) = default;
};

/// The IPv6 side with network.pdp_type "IPV6" (docs/ppp-engine.md, "IPv6"): the link-local
/// addresses IPV6CP formed, the global ones SLAAC formed, the RA's RDNSS servers.
struct Ipv6Info {
  std::string link_local;
  std::optional<std::string> peer_link_local;
  std::vector<Ipv6AddressInfo> addresses;
  std::vector<std::string> dns;
  friend bool operator==(const Ipv6Info&, const Ipv6Info&) = default;
};

/// The IP side once the link is up.
struct InterfaceInfo {
  std::optional<std::string> name, address, peer;
  std::vector<std::string> dns;  ///< empty ⇒ null
  std::optional<int> mtu;
  std::optional<Ipv6Info> ipv6;  ///< null unless IPv6 is up
};

/// Monitoring slices on a single port ("+++" … ATO, modem.escape_supported; docs/state-machine.md).
struct MonitoringInfo {
  std::int64_t escapes = 0;              ///< completed slices since uclinkd started
  std::optional<double> last_escape_ms;  ///< time out of data mode of the last slice
  std::int64_t probes = 0;               ///< data-path probes sent (monitor.probe) since start-up
  std::int64_t probes_skipped = 0;       ///< probes not sent: received traffic proved the path
};

/// The last failure the manager recorded: code from control::Errc plus details.
struct LastError {
  std::string code;
  std::string message;
};

/// The PDP context: its type and APN, and where the APN came from (docs/apn.md).
struct NetworkInfo {
  std::optional<std::string> pdp_type;    ///< "IP" | "IPV6" (manual §2.11)
  std::optional<std::string> apn;         ///< "" = the module's default context
  std::optional<std::string> apn_source;  ///< "config" | "auto: <provider>" | "remembered"
};

/// What the recovery ladder will do next (docs/state-machine.md, "Recovery ladder").
struct RecoveryInfo {
  int consecutive_failures = 0;
  std::string rung = "re-init";      ///< "re-init" | "radio-cycle" | "power-cycle" | "escalate"
  std::string next_action = "none";  ///< "none" | the rung of the next attempt | "connect"
  std::optional<double> next_attempt_in_s;
  int resets_last_hour = 0;
  std::optional<std::string> last_reset;         ///< ISO 8601 UTC
  std::optional<std::string> last_reset_result;  ///< "exit 0", "timeout after 30 s (killed)"
  std::optional<std::string> last_escalation;    ///< ISO 8601 UTC
  std::optional<int> failures_until_reset;       ///< null without recovery.reset_command
  std::optional<std::string> reset_held_until;   ///< max_resets_per_hour reached: until then
  std::optional<std::string> last_online;        ///< ISO 8601 UTC, also from before a restart
  int power_cycles = 0;                          ///< reset_command runs since uclinkd started
  int reconnects = 0;  ///< times the link came back online by itself since uclinkd started
};

/// The SIM's current billing period as the status document carries it (docs/data-budget.md);
/// `uclink usage` has the whole ledger.
struct UsagePeriodInfo {
  std::string start, end;  ///< ISO 8601 UTC; [start, end)
  std::int64_t start_unix = 0, end_unix = 0;
  std::uint64_t rx_bytes = 0, tx_bytes = 0;
  bool warned = false;         ///< usage-warning was published for this period
  bool limit_reached = false;  ///< usage-limit was published for this period
  friend bool operator==(const UsagePeriodInfo&, const UsagePeriodInfo&) = default;
};

/// `usage` of the status document: the SIM in use, its period and its cap.
struct UsageInfo {
  std::string imsi;
  UsagePeriodInfo period;
  std::optional<std::uint64_t> limit_bytes;  ///< null without usage.limit_mb
  friend bool operator==(const UsageInfo&, const UsageInfo&) = default;
};

/// "retrying in 40 s; power cycle after 2 more failures": the human `status` line.
std::string DescribeRecovery(const RecoveryInfo& recovery);

/// The complete status document.
struct Status {
  std::string state = "idle";          ///< manager state, e.g. "online", "awaiting-registration"
  std::string mode = "none";           ///< "ppp" | "inband" | "none"
  std::optional<std::string> backend;  ///< "userspace" | "pppd" while a PPP backend is used
  ModuleInfo module;
  RegistrationInfo registration;
  SignalInfo signal;
  InterfaceInfo interface;
  std::optional<std::string> since;  ///< ISO 8601 UTC time the current state was entered
  std::optional<LastError> last_error;
  std::optional<int> attempt;        ///< consecutive failed attempts, while recovering
  std::optional<double> retry_in_s;  ///< in state backoff: time to the next attempt
  MonitoringInfo monitoring;
  NetworkInfo network;
  RecoveryInfo recovery;
  /// The current billing period of the SIM in use (docs/data-budget.md); null before uclinkd
  /// knows the IMSI. Filled by the daemon, which owns the ledger.
  std::optional<UsageInfo> usage;
};

nlohmann::json ToJson(const Status& status);
/// `interface.ipv6` of the status document and the data of the "ipv6" event (status_ipv6.cc).
nlohmann::json ToJson(const Ipv6Info& ipv6);
/// Reads `interface.ipv6` back; nullopt when it is null or not an object.
std::optional<Ipv6Info> Ipv6InfoFromJson(const nlohmann::json& value);
/// `usage` of the status document (status_usage.cc).
nlohmann::json ToJson(const UsageInfo& usage);
/// Reads `usage` back; nullopt when it is null, not an object or has no IMSI.
std::optional<UsageInfo> UsageInfoFromJson(const nlohmann::json& value);
/// Reads a status document back (CLI side); fields with the wrong type become null.
Status StatusFromJson(const nlohmann::json& document);

/// RSSI in dBm for a CSQ value (manual §2.17: 0 → -113, 31 → -51, 2 dBm per step); null for 99.
std::optional<int> CsqToDbm(int csq);
/// Name of a +CGREG <stat> (manual §2.15): "not-registered", "registered-home", ...
std::optional<std::string> RegistrationStatName(int stat);

/// A location area code or cell id as the status document, events and `uclink probe` show it:
/// upper-case hexadecimal without prefix ("3342"), the 3GPP TS 27.007 convention for <lac>/<ci>
/// (the UC8088 prints them in decimal, manual §2.15.3; chat's decoder reads either).
std::string FormatCellCode(std::uint32_t code);

/// Formats seconds since the Unix epoch as "2026-11-27T14:05:00Z".
std::string FormatUtc(std::int64_t unix_seconds);

}  // namespace uclink::control::api
