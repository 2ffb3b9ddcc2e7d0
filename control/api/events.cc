// The events' wire form (docs/control-api.md, "Events"), schema 1: one ToJson and one FromJson
// per kind. The field names and JSON types are the ones clients have parsed since schema 1
// (tests/control/golden/events_*.jsonl); nlohmann::json orders an object's keys, so the order of
// the lines below does not reach the wire.
#include "control/api/events.h"

#include <iterator>

#include "control/api/json_fields.h"

namespace uclink::control::api {
namespace {

using nlohmann::json;

// --- one ToJson per kind ---

json Data(const StateChanged& e) {
  return {{"from", ToString(e.from)}, {"to", ToString(e.to)}, {"why", e.why}};
}
json Data(const RegistrationChanged& e) {
  return {{"stat", e.stat},
          {"name", RegistrationStatName(e.stat).value_or("unknown")},
          {"lac", OrNull(e.lac)},
          {"ci", OrNull(e.ci)}};
}
json Data(const SignalChanged& e) {
  return {{"csq", OrNull(e.csq)}, {"rssi_dbm", OrNull(e.rssi_dbm)}, {"ber", OrNull(e.ber)}};
}
json Data(const LinkChanged& e) {
  if (!e.up) return {{"up", false}};
  return {{"up", true},           {"interface", e.interface},
          {"address", e.address}, {"peer", e.peer},
          {"dns", e.dns},         {"mtu", e.mtu}};
}
json Data(const ErrorRecorded& e) { return {{"code", e.code}, {"message", e.message}}; }
json Data(const ProbeReport& e) {
  json data = {{"target", e.target}, {"ok", e.ok}, {"failures", e.failures}};
  if (e.detail) data["detail"] = *e.detail;
  return data;
}
json Data(const RungReached& e) {
  return {{"rung", e.rung}, {"consecutive_failures", e.consecutive_failures}};
}
json Data(const ResetStarted& e) {
  return {{"phase", "started"},
          {"argv", e.argv},
          {"resets_last_hour", e.resets_last_hour},
          {"consecutive_failures", e.consecutive_failures}};
}
json Data(const EscalateStarted& e) {
  return {{"phase", "started"}, {"argv", e.argv}, {"resets_since_online", e.resets_since_online}};
}
json Data(const CommandFinished& e) {
  return {{"phase", "done"}, {"ok", e.ok}, {"status", e.status}};
}
json Data(const Ipv6Changed& e) {
  json data = e.ipv6 ? ToJson(*e.ipv6) : json::object();
  data["up"] = e.ipv6.has_value();
  data["added"] = e.added;
  data["removed"] = e.removed;
  return data;
}
json Data(const ApnCandidatesFound& e) {
  json list = json::array();
  for (const ApnCandidate& c : e.candidates) list.push_back({{"apn", c.apn}, {"source", c.source}});
  return {{"candidates", std::move(list)}, {"error", e.error}};
}
json Data(const ApnRefused& e) {
  return {{"refused", e.refused}, {"answer", e.answer}, {"next", e.next}};
}
json Data(const SliceCompleted& e) {
  return {{"escapes", e.escapes}, {"last_escape_ms", e.last_escape_ms}};
}
json Data(const UsageCapReached& e) {
  return {{"imsi", e.imsi},
          {"used_bytes", e.used_bytes},
          {"limit_bytes", e.limit_bytes},
          {"period_end", e.period_end},
          {"on_limit", e.on_limit}};
}
json Data(const ReloadDone& e) {
  if (e.ok) return {{"ok", true}};
  return {{"ok", false}, {"issues", e.issues}};
}

// --- one FromJson per kind ---

std::optional<MonitorEvent> StateFrom(const json& d) {
  const auto from = Get<std::string>(d, "from"), to = Get<std::string>(d, "to");
  if (!from || !to) return std::nullopt;
  const auto a = StateFromString(*from), b = StateFromString(*to);
  if (!a || !b) return std::nullopt;
  return StateChanged{*a, *b, Get<std::string>(d, "why").value_or("")};
}
std::optional<MonitorEvent> RegistrationFrom(const json& d) {
  const auto stat = Get<int>(d, "stat");
  if (!stat) return std::nullopt;
  return RegistrationChanged{*stat, Get<std::string>(d, "lac"), Get<std::string>(d, "ci")};
}
std::optional<MonitorEvent> SignalFrom(const json& d) {
  return SignalChanged{Get<int>(d, "csq"), Get<int>(d, "rssi_dbm"), Get<int>(d, "ber")};
}
std::optional<MonitorEvent> LinkFrom(const json& d) {
  LinkChanged e;
  e.up = Get<bool>(d, "up").value_or(false);
  if (!e.up) return e;
  e.interface = Get<std::string>(d, "interface").value_or("");
  e.address = Get<std::string>(d, "address").value_or("");
  e.peer = Get<std::string>(d, "peer").value_or("");
  e.dns = GetStrings(d, "dns");
  e.mtu = Get<int>(d, "mtu").value_or(0);
  return e;
}
std::optional<MonitorEvent> ErrorFrom(const json& d) {
  return ErrorRecorded{Get<std::string>(d, "code").value_or(""),
                       Get<std::string>(d, "message").value_or("")};
}
std::optional<MonitorEvent> ProbeFrom(const json& d) {
  return ProbeReport{Get<std::string>(d, "target").value_or(""), Get<bool>(d, "ok").value_or(false),
                     Get<int>(d, "failures").value_or(0), Get<std::string>(d, "detail")};
}
std::optional<MonitorEvent> RungFrom(const json& d) {
  return RungReached{Get<std::string>(d, "rung").value_or(""),
                     Get<int>(d, "consecutive_failures").value_or(0)};
}
std::optional<MonitorEvent> CommandFrom(const json& d, bool escalation) {
  const std::string phase = Get<std::string>(d, "phase").value_or("");
  if (phase == "done") {
    return CommandFinished{escalation, Get<bool>(d, "ok").value_or(false),
                           Get<std::string>(d, "status").value_or("")};
  }
  if (phase != "started") return std::nullopt;
  if (escalation) {
    return EscalateStarted{GetStrings(d, "argv"), Get<int>(d, "resets_since_online").value_or(0)};
  }
  return ResetStarted{GetStrings(d, "argv"), Get<std::int64_t>(d, "resets_last_hour").value_or(0),
                      Get<int>(d, "consecutive_failures").value_or(0)};
}
std::optional<MonitorEvent> Ipv6From(const json& d) {
  Ipv6Changed e;
  if (Get<bool>(d, "up").value_or(false)) e.ipv6 = Ipv6InfoFromJson(d);
  e.added = GetStrings(d, "added");
  e.removed = GetStrings(d, "removed");
  return e;
}
std::optional<MonitorEvent> ApnFrom(const json& d) {
  if (const auto refused = Get<std::string>(d, "refused")) {
    return ApnRefused{*refused, Get<std::string>(d, "answer").value_or(""),
                      Get<std::string>(d, "next").value_or("")};
  }
  ApnCandidatesFound e;
  const auto it = d.find("candidates");
  if (it != d.end() && it->is_array()) {
    for (const json& c : *it) {
      if (!c.is_object()) continue;
      e.candidates.push_back(
          {Get<std::string>(c, "apn").value_or(""), Get<std::string>(c, "source").value_or("")});
    }
  }
  e.error = Get<std::string>(d, "error").value_or("");
  return e;
}
std::optional<MonitorEvent> SliceFrom(const json& d) {
  const auto it = d.find("last_escape_ms");
  return SliceCompleted{Get<std::int64_t>(d, "escapes").value_or(0),
                        it != d.end() && it->is_number() ? it->get<double>() : 0.0};
}
std::optional<MonitorEvent> UsageFrom(const json& d, bool limit) {
  return UsageCapReached{limit,
                         Get<std::string>(d, "imsi").value_or(""),
                         Get<std::uint64_t>(d, "used_bytes").value_or(0),
                         Get<std::uint64_t>(d, "limit_bytes").value_or(0),
                         Get<std::string>(d, "period_end").value_or(""),
                         Get<std::string>(d, "on_limit").value_or("")};
}
std::optional<MonitorEvent> ReloadFrom(const json& d) {
  const auto ok = Get<bool>(d, "ok");
  if (!ok) return std::nullopt;
  return ReloadDone{*ok, GetStrings(d, "issues")};
}

// The wire names, in the variant's order, except where a field picks between two.
constexpr const char* kNames[] = {"state", "registration", "signal",   "link",  "error", "probe",
                                  "rung",  "reset",        "escalate", "",      "ipv6",  "apn",
                                  "apn",   "monitoring",   "",         "reload"};
static_assert(std::size(kNames) == std::variant_size_v<MonitorEvent>);

}  // namespace

SignalChanged SignalChanged::FromCsq(int csq, int ber) {
  return SignalChanged{csq == 99 ? std::nullopt : std::optional(csq), CsqToDbm(csq),
                       ber == 99 ? std::nullopt : std::optional(ber)};
}

const char* EventName(const MonitorEvent& event) {
  if (const auto* done = std::get_if<CommandFinished>(&event)) {
    return done->escalation ? "escalate" : "reset";
  }
  if (const auto* cap = std::get_if<UsageCapReached>(&event)) {
    return cap->limit ? "usage-limit" : "usage-warning";
  }
  return kNames[event.index()];
}

json ToJson(const MonitorEvent& event) {
  return std::visit([](const auto& e) { return Data(e); }, event);
}

Event ToEvent(const MonitorEvent& event, std::string time) {
  return Event{EventName(event), std::move(time), ToJson(event)};
}

std::optional<MonitorEvent> MonitorEventFromJson(std::string_view name, const json& data) {
  if (!data.is_object()) return std::nullopt;
  if (name == "state") return StateFrom(data);
  if (name == "registration") return RegistrationFrom(data);
  if (name == "signal") return SignalFrom(data);
  if (name == "link") return LinkFrom(data);
  if (name == "error") return ErrorFrom(data);
  if (name == "probe") return ProbeFrom(data);
  if (name == "rung") return RungFrom(data);
  if (name == "reset") return CommandFrom(data, false);
  if (name == "escalate") return CommandFrom(data, true);
  if (name == "ipv6") return Ipv6From(data);
  if (name == "apn") return ApnFrom(data);
  if (name == "monitoring") return SliceFrom(data);
  if (name == "usage-warning") return UsageFrom(data, false);
  if (name == "usage-limit") return UsageFrom(data, true);
  if (name == "reload") return ReloadFrom(data);
  return std::nullopt;
}

}  // namespace uclink::control::api
