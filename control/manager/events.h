// What the connection manager consumes (events) and produces (actions). The Asio daemon turns
// AT-channel completions, decoded URCs, PPP backend callbacks and user requests into events, and
// performs the actions; the manager itself does no I/O (docs/ARCHITECTURE.md, "Design rules:
// pure cores").
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "control/api/events.h"
#include "control/api/state.h"
#include "control/api/status.h"
#include "control/config/config.h"
#include "control/manager/scripts.h"

namespace uclink::control {

using Clock = std::chrono::steady_clock;

/// What the manager is doing: the states and their wire names are the control API's
/// (control/api/state.h), so the CLI reads them without the manager.
using State = api::State;

/// The manager's timers; each fires as an ev::Timer.
enum class TimerId {
  kStateTimeout,      ///< the current state's budget (registration, PPP, hang-up phases, and
                      ///< online the budget of a monitoring slice)
  kRetry,             ///< probe retry, registration poll, back-off expiry, escape guard time
  kCsqPoll,           ///< AT+CSQ while the AT port is free
  kCgregPoll,         ///< AT+CGREG? while the AT port is free
  kRegistrationLost,  ///< grace period after losing registration while online
  kOnlineStable,      ///< online long enough to reset the back-off
  kRetryPpp,          ///< in-band: time to try PPP again
  kHealthProbe,       ///< online: time for the next data-path probe (monitor.probe)
};
inline constexpr int kTimerCount = 8;
const char* ToString(TimerId timer);

/// One APN to try (network.apn = "auto"), as the daemon found it (docs/apn.md).
struct ApnChoice {
  std::string apn;
  std::string username, password, auth;  ///< from the provider database; password never logged
  std::string source;                    ///< "auto: <provider>" or "remembered"
};

namespace ev {
/// The user (control socket, autoconnect) wants the link up. `ignore_limit`: even though a
/// `disconnect` usage cap holds the link down (`uclink connect --ignore-limit`).
struct UserConnect {
  bool ignore_limit = false;
};
/// The user wants the link down and to stay down.
struct UserDisconnect {};
/// An AT command sent with act::SendAt finished: `outcome` is the final result as chat
/// classified it (CONNECT, CONNECT OK and CONNECT FAIL stay distinct), none without an answer;
/// `code` is the +CME/+EXT number.
struct AtDone {
  std::uint64_t id = 0;
  AtOutcome outcome = chat::FinalKind::kOk;
  int code = 0;
  std::vector<std::string> info;  ///< information lines, echo and finals removed
};
/// A +CGREG reading, from the URC or from an AT+CGREG? answer (decoded by chat/commands).
struct Registration {
  int stat = 0;
  std::optional<std::string> lac, ci;
};
/// A +CSQ reading (decoded by chat/commands).
struct Signal {
  int csq = 99;
  int ber = 99;
};
/// "NO CARRIER" seen on the AT side outside a command: the module left data mode.
struct NoCarrier {};
/// The PPP backend has the interface up.
struct PppUp {
  std::string ifname, address, peer;
  std::vector<std::string> dns;
  int mtu = 1500;
};
/// The PPP backend's IPv6 side changed (network.pdp_type "IPV6"): up, an address formed or
/// gone, new RDNSS servers; nullopt when IPv6 went away.
struct Ipv6Changed {
  std::optional<api::Ipv6Info> ipv6;
};
/// The PPP backend stopped; `no_carrier` when the module's NO CARRIER ended it.
struct PppDown {
  std::string reason;
  bool no_carrier = false;
};
/// No PPP backend could be started (pppd missing, no TUN, no CAP_NET_ADMIN...).
struct PppUnavailable {
  std::string why;
};
/// The serial port vanished or failed.
struct PortClosed {
  std::string why;
  /// No retry can fix it: permission denied, or the path is not a terminal (the daemon decides
  /// from the errno).
  bool permanent = false;
};
/// The answer to act::RunResetCommand or act::RunEscalateCommand.
struct ResetDone {
  bool ok = false;
  std::string status;       ///< "exit 0", "exit 1", "timeout after 30 s (killed)", "ENOENT: ..."
  bool escalation = false;  ///< the escalate command's answer
};
/// The module printed a start-up banner (READY, RDY, ...: chat::UrcKind::kRestart): it rebooted,
/// losing its configuration, its PDP context and any data session.
struct ModuleRestarted {
  std::string banner;
};
/// The answer to act::RunProbe{id}: whether the data-path check through the interface worked.
struct ProbeResult {
  std::uint64_t id = 0;
  bool ok = false;
  std::string detail;  ///< why it failed ("connect: Connection refused", "timeout after 5 s")
};
/// The answer to act::LookUpApn (network.apn = "auto", docs/apn.md): the APNs to try in order,
/// the remembered one first. Empty `candidates`: none found, `error` says why, and the module's
/// default context is used.
struct ApnCandidates {
  std::string imsi;
  std::vector<ApnChoice> candidates;
  std::string error;
};
/// A reading of the PPP interface's counters (netlink link statistics) while online: received
/// IP packets prove the data path, so the probe is not needed (docs/data-budget.md).
struct LinkCounters {
  std::uint64_t rx_packets = 0;
};
/// The SIM's usage reached its cap (usage.limit_mb) with usage.on_limit disconnect or
/// inband-only (control/usage/ledger.h decides; the daemon reports it).
struct UsageLimitReached {
  OnLimit action = OnLimit::kDisconnect;
  std::string detail;  ///< "5.0 MiB of 5 MiB used in the period ending 2027-01-01T00:00:00Z"
};
/// A new billing period began (or the SIM changed): a cap no longer holds the link down.
struct UsagePeriodStarted {};
/// Time has passed; the manager fires due timers. Cheap to send spuriously.
struct Tick {};
/// A timer became due (queued internally by Tick).
struct Timer {
  TimerId id = TimerId::kRetry;
  std::uint64_t generation = 0;  ///< stale when the timer was re-armed or cancelled since
};
}  // namespace ev

using Event = std::variant<ev::UserConnect, ev::UserDisconnect, ev::AtDone, ev::Registration,
                           ev::Signal, ev::NoCarrier, ev::PppUp, ev::PppDown, ev::PppUnavailable,
                           ev::PortClosed, ev::ModuleRestarted, ev::ProbeResult, ev::Tick,
                           ev::Timer, ev::ApnCandidates, ev::Ipv6Changed, ev::ResetDone,
                           ev::LinkCounters, ev::UsageLimitReached, ev::UsagePeriodStarted>;
/// "user-connect", "at-done", ... for logs.
const char* EventName(const Event& event);

namespace act {
/// Submit this command to the AT channel; report the end as ev::AtDone{id}.
struct SendAt {
  std::uint64_t id = 0;
  std::string command;
  Millis timeout{0};
  bool expect_connect = false;  ///< CONNECT ends it and hands the line over to data mode
  bool data_port = false;       ///< with two ports: send on the data port (the dial)
};
/// Write raw bytes to the (data) line, bypassing AT framing: the "+++" escape of a monitoring
/// slice.
struct WriteRaw {
  std::vector<std::uint8_t> bytes;
};
/// Write an LCP Terminate-Request with `identifier` to the (data) line, framed by pppif
/// (pppif/lcp_terminate.h): the module may still be in PPP data mode with nothing running PPP,
/// and the manual documents no other way back to AT mode.
struct SendLcpTerminate {
  std::uint8_t identifier = 0;
};
/// Start the PPP backend on the line handed over at CONNECT (with the leftover bytes).
/// `username`/`password` are the PPP credentials of this attempt: network.username/password, or
/// with network.apn = "auto" and none configured, the provider database's for the candidate APN
/// (docs/apn.md). The daemon rebuilds the backend when they differ from the ones it was made with.
struct StartPpp {
  std::string username;
  std::string password;  ///< never logged
};
/// Stop the PPP backend gracefully (LCP Terminate); ev::PppDown follows.
struct StopPpp {};
/// A monitoring slice begins (single port, "+++"/ATO): the backend stops touching the line but
/// keeps its link; the daemon keeps the line until ResumeCommandMode.
struct SuspendPpp {};
/// ATO answered CONNECT: hand the line (and the bytes after CONNECT) back to the backend.
struct ResumePpp {};
/// Data mode is over: give the line back to the AT channel so it sees NO CARRIER and AT.
struct ResumeCommandMode {};
/// The port failed earlier: reopen it before the next AT command.
struct ReopenPort {};
/// Run the data-path probe `target` (monitor.probe, validated) through `ifname`, bounded by
/// `timeout`; report ev::ProbeResult{id}. The manager's own options, so a reload applies with
/// the rest at the next attempt.
struct RunProbe {
  std::uint64_t id = 0;
  std::string ifname;
  std::string target;
  Clock::duration timeout{};
};
/// network.apn = "auto": look the IMSI up (state directory first, then network.provider_db)
/// and answer ev::ApnCandidates (docs/apn.md). `imsi` is what AT+CIMI gave, possibly empty.
struct LookUpApn {
  std::string imsi;
};
/// An auto APN activated: remember it for this IMSI in the state directory ("apn" document).
struct RememberApn {
  std::string imsi;
  std::string apn;
  std::string provider;
};
/// Power-cycle the module: run `argv` (recovery.reset_command) without a shell, killed after
/// `timeout`; report ev::ResetDone. The daemon logs its exit status and the first 4 KiB of output.
struct RunResetCommand {
  std::vector<std::string> argv;
  Clock::duration timeout{};
};
/// The last resort (recovery.escalate_command, e.g. a reboot); report ev::ResetDone{escalation}.
struct RunEscalateCommand {
  std::vector<std::string> argv;
  Clock::duration timeout{};
};
/// The persisted recovery counters changed: write state document "recovery" (docs/state.md).
struct SaveRecoveryState {
  nlohmann::json document;
};
/// The state changed; the daemon logs "old → new (why)".
struct Transition {
  State from = State::kIdle;
  State to = State::kIdle;
  std::string why;
};
/// Publish an event to subscribers; the daemon stamps it with the time and encodes it
/// (api::ToEvent).
struct Publish {
  api::MonitorEvent event;
};
}  // namespace act

using Action =
    std::variant<act::SendAt, act::WriteRaw, act::SendLcpTerminate, act::StartPpp, act::StopPpp,
                 act::SuspendPpp, act::ResumePpp, act::ResumeCommandMode, act::ReopenPort,
                 act::RunProbe, act::Transition, act::Publish, act::LookUpApn, act::RememberApn,
                 act::RunResetCommand, act::RunEscalateCommand, act::SaveRecoveryState>;

}  // namespace uclink::control
