#include "control/api/status.h"

#include <cstdio>
#include <ctime>

#include "control/api/json_fields.h"
#include "control/api/protocol.h"

namespace uclink::control::api {

using nlohmann::json;

json ToJson(const Status& s) {
  json doc;
  doc["schema"] = kSchemaVersion;
  doc["state"] = s.state;
  doc["mode"] = s.mode;
  doc["backend"] = OrNull(s.backend);
  doc["module"] = {{"manufacturer", OrNull(s.module.manufacturer)},
                   {"model", OrNull(s.module.model)},
                   {"revision", OrNull(s.module.revision)},
                   {"imei", OrNull(s.module.imei)},
                   {"imsi", OrNull(s.module.imsi)}};
  doc["registration"] = {{"stat", OrNull(s.registration.stat)},
                         {"name", OrNull(s.registration.name)},
                         {"lac", OrNull(s.registration.lac)},
                         {"ci", OrNull(s.registration.ci)},
                         {"age_s", OrNull(s.registration.age_s)}};
  doc["signal"] = {{"csq", OrNull(s.signal.csq)},
                   {"rssi_dbm", OrNull(s.signal.rssi_dbm)},
                   {"ber", OrNull(s.signal.ber)},
                   {"age_s", OrNull(s.signal.age_s)}};
  doc["interface"] = {{"name", OrNull(s.interface.name)},
                      {"address", OrNull(s.interface.address)},
                      {"peer", OrNull(s.interface.peer)},
                      {"dns", s.interface.dns.empty() ? json(nullptr) : json(s.interface.dns)},
                      {"mtu", OrNull(s.interface.mtu)},
                      {"ipv6", s.interface.ipv6 ? ToJson(*s.interface.ipv6) : json(nullptr)}};
  doc["since"] = OrNull(s.since);
  doc["last_error"] = s.last_error
                          ? json{{"code", s.last_error->code}, {"message", s.last_error->message}}
                          : json(nullptr);
  doc["attempt"] = OrNull(s.attempt);
  doc["retry_in_s"] = OrNull(s.retry_in_s);
  doc["monitoring"] = {{"escapes", s.monitoring.escapes},
                       {"last_escape_ms", OrNull(s.monitoring.last_escape_ms)},
                       {"probes", s.monitoring.probes},
                       {"probes_skipped", s.monitoring.probes_skipped}};
  doc["usage"] = s.usage ? ToJson(*s.usage) : json(nullptr);
  doc["network"] = {{"pdp_type", OrNull(s.network.pdp_type)},
                    {"apn", OrNull(s.network.apn)},
                    {"apn_source", OrNull(s.network.apn_source)}};
  const RecoveryInfo& rec = s.recovery;
  doc["recovery"] = {{"consecutive_failures", rec.consecutive_failures},
                     {"rung", rec.rung},
                     {"next_action", rec.next_action},
                     {"next_attempt_in_s", OrNull(rec.next_attempt_in_s)},
                     {"resets_last_hour", rec.resets_last_hour},
                     {"last_reset", OrNull(rec.last_reset)},
                     {"last_reset_result", OrNull(rec.last_reset_result)},
                     {"last_escalation", OrNull(rec.last_escalation)},
                     {"failures_until_reset", OrNull(rec.failures_until_reset)},
                     {"reset_held_until", OrNull(rec.reset_held_until)},
                     {"last_online", OrNull(rec.last_online)},
                     {"power_cycles", rec.power_cycles},
                     {"reconnects", rec.reconnects}};
  return doc;
}

Status StatusFromJson(const json& doc) {
  Status s;
  s.state = Get<std::string>(doc, "state").value_or("unknown");
  s.mode = Get<std::string>(doc, "mode").value_or("none");
  s.backend = Get<std::string>(doc, "backend");
  const json& m = Child(doc, "module");
  s.module = {Get<std::string>(m, "manufacturer"), Get<std::string>(m, "model"),
              Get<std::string>(m, "revision"), Get<std::string>(m, "imei"),
              Get<std::string>(m, "imsi")};
  const json& r = Child(doc, "registration");
  s.registration = {Get<int>(r, "stat"), Get<std::string>(r, "name"), Get<std::string>(r, "lac"),
                    Get<std::string>(r, "ci"), Get<double>(r, "age_s")};
  const json& g = Child(doc, "signal");
  s.signal = {Get<int>(g, "csq"), Get<int>(g, "rssi_dbm"), Get<int>(g, "ber"),
              Get<double>(g, "age_s")};
  const json& i = Child(doc, "interface");
  s.interface.name = Get<std::string>(i, "name");
  s.interface.address = Get<std::string>(i, "address");
  s.interface.peer = Get<std::string>(i, "peer");
  s.interface.mtu = Get<int>(i, "mtu");
  s.interface.ipv6 = Ipv6InfoFromJson(Child(i, "ipv6"));
  const json& dns = Child(i, "dns");
  if (dns.is_array()) {
    for (const json& entry : dns) {
      if (entry.is_string()) s.interface.dns.push_back(entry.get<std::string>());
    }
  }
  s.since = Get<std::string>(doc, "since");
  const json& e = Child(doc, "last_error");
  if (e.is_object()) {
    s.last_error = LastError{Get<std::string>(e, "code").value_or(""),
                             Get<std::string>(e, "message").value_or("")};
  }
  s.attempt = Get<int>(doc, "attempt");
  s.retry_in_s = Get<double>(doc, "retry_in_s");
  const json& mon = Child(doc, "monitoring");
  s.monitoring.escapes = Get<int>(mon, "escapes").value_or(0);  // integers only: no float casts
  s.monitoring.last_escape_ms = Get<double>(mon, "last_escape_ms");
  const json& net = Child(doc, "network");
  s.network.pdp_type = Get<std::string>(net, "pdp_type");
  s.network.apn = Get<std::string>(net, "apn");
  s.network.apn_source = Get<std::string>(net, "apn_source");
  const json& rec = Child(doc, "recovery");
  s.recovery.consecutive_failures = Get<int>(rec, "consecutive_failures").value_or(0);
  s.recovery.rung = Get<std::string>(rec, "rung").value_or("re-init");
  s.recovery.next_action = Get<std::string>(rec, "next_action").value_or("none");
  s.recovery.next_attempt_in_s = Get<double>(rec, "next_attempt_in_s");
  s.recovery.resets_last_hour = Get<int>(rec, "resets_last_hour").value_or(0);
  s.recovery.last_reset = Get<std::string>(rec, "last_reset");
  s.recovery.last_reset_result = Get<std::string>(rec, "last_reset_result");
  s.recovery.last_escalation = Get<std::string>(rec, "last_escalation");
  s.recovery.failures_until_reset = Get<int>(rec, "failures_until_reset");
  s.recovery.reset_held_until = Get<std::string>(rec, "reset_held_until");
  s.recovery.last_online = Get<std::string>(rec, "last_online");
  s.recovery.power_cycles = Get<int>(rec, "power_cycles").value_or(0);
  s.recovery.reconnects = Get<int>(rec, "reconnects").value_or(0);
  s.monitoring.probes = Get<std::int64_t>(mon, "probes").value_or(0);
  s.monitoring.probes_skipped = Get<std::int64_t>(mon, "probes_skipped").value_or(0);
  s.usage = UsageInfoFromJson(Child(doc, "usage"));
  return s;
}

std::string DescribeRecovery(const RecoveryInfo& r) {
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  if (r.next_attempt_in_s) {
    add("retrying in " + std::to_string(static_cast<long long>(*r.next_attempt_in_s + 0.5)) + " s");
  }
  if (r.next_action != "none" && r.next_action != "re-init" && r.next_action != "connect") {
    add("next: " + r.next_action);
  }
  if (r.failures_until_reset && *r.failures_until_reset > 0 && r.next_action != "power-cycle") {
    const int n = *r.failures_until_reset;
    add("power cycle after " + std::to_string(n) + " more failure" + (n == 1 ? "" : "s"));
  }
  if (r.reset_held_until)
    add("power cycles paused until " + *r.reset_held_until + " (hourly bound)");
  if (r.resets_last_hour > 0)
    add(std::to_string(r.resets_last_hour) + " power cycles in the last hour");
  if (r.last_reset) {
    add("last power cycle " + *r.last_reset +
        (r.last_reset_result ? " (" + *r.last_reset_result + ")" : ""));
  }
  if (r.last_escalation) add("last escalation " + *r.last_escalation);
  return text;
}

std::optional<int> CsqToDbm(int csq) {
  if (csq < 0 || csq > 31) return std::nullopt;  // 99 = unknown (manual §2.17)
  return -113 + 2 * csq;
}

std::optional<std::string> RegistrationStatName(int stat) {
  switch (stat) {
    case 0:
      return "not-registered";
    case 1:
      return "registered-home";
    case 2:
      return "searching";
    case 3:
      return "denied";
    case 4:
      return "unknown";
    case 5:
      return "registered-roaming";
    default:
      return std::nullopt;
  }
}

std::string FormatCellCode(std::uint32_t code) {
  char text[16];
  std::snprintf(text, sizeof text, "%X", code);
  return text;
}

std::string FormatUtc(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace uclink::control::api
