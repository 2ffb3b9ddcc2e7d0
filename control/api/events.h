// The events uclinkd publishes to subscribers ("subscribe", `uclink monitor`), one type per kind,
// each with its wire name and one encoding (docs/control-api.md, "Events"). The manager and the
// daemon build these; the control server sends `ToEvent(...)`; the CLI reads them back with
// `MonitorEventFromJson`. The JSON is schema 1: fields are added, never renamed or removed
// (tests/control/golden/ holds the bytes).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "control/api/protocol.h"
#include "control/api/state.h"
#include "control/api/status.h"

namespace uclink::control::api {

/// "state": the manager moved from one state to another.
struct StateChanged {
  State from = State::kIdle;
  State to = State::kIdle;
  std::string why;
};

/// "registration": a new +CGREG reading (manual §2.15); `name` on the wire follows from `stat`.
struct RegistrationChanged {
  int stat = 0;
  std::optional<std::string> lac, ci;
};

/// "signal": a new +CSQ reading (manual §2.17); 99 ("unknown") travels as null.
struct SignalChanged {
  std::optional<int> csq, rssi_dbm, ber;
  /// From the module's numbers: 99 becomes null, the RSSI is derived from the CSQ.
  static SignalChanged FromCsq(int csq, int ber);
};

/// "link": the PPP interface came up (`up` false: it went down; no address then).
struct LinkChanged {
  bool up = true;
  std::string interface, address, peer;
  std::vector<std::string> dns;
  int mtu = 0;
};

/// "error": the manager recorded a failure (the status document's last_error).
struct ErrorRecorded {
  std::string code;  ///< control::Errc's name, e.g. "no-carrier"
  std::string message;
};

/// "probe": the data-path probe (monitor.probe) failed, or passed again after failures.
struct ProbeReport {
  std::string target;
  bool ok = false;
  int failures = 0;                   ///< in a row; 0 when ok
  std::optional<std::string> detail;  ///< why it failed; absent when ok
};

/// "rung": the recovery ladder climbed to a rung that changes the next attempt.
struct RungReached {
  std::string rung;  ///< "radio-cycle", ...
  int consecutive_failures = 0;
};

/// "reset" with phase "started": recovery.reset_command (a power cycle) runs.
struct ResetStarted {
  std::vector<std::string> argv;
  std::int64_t resets_last_hour = 0;
  int consecutive_failures = 0;
};

/// "escalate" with phase "started": recovery.escalate_command, the last resort, runs.
struct EscalateStarted {
  std::vector<std::string> argv;
  int resets_since_online = 0;
};

/// "reset" or "escalate" with phase "done": how the command ended.
struct CommandFinished {
  bool escalation = false;  ///< "escalate" rather than "reset"
  bool ok = false;
  std::string status;  ///< "exit 0", "timeout after 30 s (killed)", ...
};

/// "ipv6": the IPv6 side changed; the global addresses that appeared and went as "addr/len".
struct Ipv6Changed {
  std::optional<Ipv6Info> ipv6;  ///< nullopt: IPv6 went down
  std::vector<std::string> added, removed;
};

/// One APN to try and where it came from (docs/apn.md).
struct ApnCandidate {
  std::string apn;
  std::string source;  ///< "config" | "auto: <provider>" | "remembered"
};

/// "apn" (network.apn = "auto"): the candidates found for the SIM.
struct ApnCandidatesFound {
  std::vector<ApnCandidate> candidates;
  std::string error;  ///< why the list is empty or short; "" otherwise
};

/// "apn" (network.apn = "auto"): a candidate was refused, the next one follows.
struct ApnRefused {
  std::string refused, answer, next;
};

/// "monitoring": a monitoring slice on a single port completed (docs/state-machine.md).
struct SliceCompleted {
  std::int64_t escapes = 0;
  double last_escape_ms = 0;
};

/// "usage-warning" / "usage-limit": the SIM's data cap (docs/data-budget.md).
struct UsageCapReached {
  bool limit = false;  ///< "usage-limit" rather than "usage-warning"
  std::string imsi;
  std::uint64_t used_bytes = 0;
  std::uint64_t limit_bytes = 0;
  std::string period_end;  ///< ISO 8601 UTC
  std::string on_limit;    ///< usage.on_limit: "warn" | "disconnect" | ...
};

/// "reload": uclinkd re-read its configuration (`uclink reload` or SIGHUP); a refused file
/// names every problem, and the running configuration stays (docs/configuration.md).
struct ReloadDone {
  bool ok = false;
  std::vector<std::string> issues;  ///< empty when ok
};

/// Every event kind uclinkd publishes to subscribers.
using MonitorEvent = std::variant<StateChanged, RegistrationChanged, SignalChanged, LinkChanged,
                                  ErrorRecorded, ProbeReport, RungReached, ResetStarted,
                                  EscalateStarted, CommandFinished, Ipv6Changed, ApnCandidatesFound,
                                  ApnRefused, SliceCompleted, UsageCapReached, ReloadDone>;

/// The wire name: "state", "registration", ..., "usage-limit".
const char* EventName(const MonitorEvent& event);
/// The event's "data" object.
nlohmann::json ToJson(const MonitorEvent& event);
/// The line a subscriber receives, stamped with `time` (ISO 8601 UTC).
Event ToEvent(const MonitorEvent& event, std::string time);
/// Reads an event's data back; nullopt for a name this build does not know or data of the wrong
/// shape (a client then shows its fields as they are).
std::optional<MonitorEvent> MonitorEventFromJson(std::string_view name, const nlohmann::json& data);

}  // namespace uclink::control::api
