// What `uclink status`, `uclink monitor` and `uclink connect --wait` print for people. The daemon's
// JSON is read once, into the control API's types (api::StatusFromJson, api::MonitorEventFromJson),
// so no field or state name is spelled here; an event this client does not know is shown as
// its fields (docs/control-api.md).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "control/api/events.h"
#include "control/api/status.h"
#include "control/cli/client_commands.h"

namespace uclink::control::cli {
namespace {

using nlohmann::json;

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

// An unknown value shows as "-".
std::string Or(const std::optional<std::string>& text) { return text.value_or("-"); }
template <typename T>
std::string Or(const std::optional<T>& number) {
  return number ? std::to_string(*number) : std::string("-");
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f s", seconds);
  return text;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

// "uclink0 address 10.0.2.15 peer 10.0.2.2 dns 10.0.2.3 mtu 1500".
std::string DescribeInterface(const std::string& name, const std::optional<std::string>& address,
                              const std::optional<std::string>& peer,
                              const std::vector<std::string>& dns, std::optional<int> mtu) {
  std::string text = name + " address " + Or(address);
  if (peer) text += " peer " + *peer;
  if (!dns.empty()) text += " dns " + Joined(dns);
  if (mtu) text += " mtu " + std::to_string(*mtu);
  return text;
}

// "fe80::11 peer fe80::1 addresses 2001:db8:1::11/64 dns 2001:db8::53" (interface.ipv6 and the
// "ipv6" event, docs/control-api.md).
std::string DescribeIpv6(const api::Ipv6Info& v) {
  std::string text = v.link_local;
  if (v.peer_link_local) text += " peer " + *v.peer_link_local;
  std::vector<std::string> addresses;
  for (const api::Ipv6AddressInfo& a : v.addresses) {
    addresses.push_back(a.address + "/" + std::to_string(a.prefix_len));
  }
  text += " addresses " + (addresses.empty() ? std::string("none yet") : Joined(addresses));
  if (!v.dns.empty()) text += " dns " + Joined(v.dns);
  return text;
}

// One line per event kind: a sentence rather than JSON.
struct EventSentence {
  std::string operator()(const api::StateChanged& e) const {
    return std::string("state ") + api::ToString(e.from) + " -> " + api::ToString(e.to) + " (" +
           Unstutter(e.why) + ")";
  }
  std::string operator()(const api::ErrorRecorded& e) const {
    return "error " + Unstutter(e.code + ": " + e.message);
  }
  std::string operator()(const api::RegistrationChanged& e) const {
    std::string text = "registration " + api::RegistrationStatName(e.stat).value_or("unknown") +
                       " (stat " + std::to_string(e.stat) + ")";
    if (e.lac) text += ", lac " + *e.lac;
    if (e.ci) text += ", ci " + *e.ci;
    return text;
  }
  std::string operator()(const api::SignalChanged& e) const {
    if (!e.csq) return "signal unknown (csq 99)";
    std::string text = "signal csq " + std::to_string(*e.csq) + ", " + Or(e.rssi_dbm) + " dBm";
    if (e.ber) text += ", ber " + std::to_string(*e.ber);
    return text;
  }
  std::string operator()(const api::LinkChanged& e) const {
    if (!e.up) return "link down";
    return "link up: " + DescribeInterface(e.interface, e.address, e.peer, e.dns, e.mtu);
  }
  std::string operator()(const api::Ipv6Changed& e) const {
    if (!e.ipv6) return "ipv6 down";
    return "ipv6: " + DescribeIpv6(*e.ipv6);
  }
  std::string operator()(const api::SliceCompleted& e) const {
    return "monitoring slice " + std::to_string(e.escapes) + ": " +
           std::to_string(std::lround(e.last_escape_ms)) + " ms out of data mode";
  }
  // network.apn = "auto" (docs/apn.md).
  std::string operator()(const api::ApnRefused& e) const {
    return "apn \"" + e.refused + "\" refused (" + e.answer + "); next \"" + e.next + "\"";
  }
  std::string operator()(const api::ApnCandidatesFound& e) const {
    std::string text = "apn candidates:";
    for (const api::ApnCandidate& c : e.candidates) {
      text += " \"" + c.apn + "\" (" + c.source + ")";
    }
    if (e.candidates.empty()) text += " none, the module's default context";
    if (!e.error.empty()) text += "; " + e.error;
    return text;
  }
  std::string operator()(const api::ProbeReport& e) const {
    if (e.ok) return "probe " + e.target + " ok again";
    std::string text =
        "probe " + e.target + " failed (" + std::to_string(e.failures) + " in a row)";
    if (e.detail) text += ": " + *e.detail;
    return text;
  }
  std::string operator()(const api::ReloadDone& e) const {
    if (e.ok) return "configuration reloaded; it applies from the next attempt";
    std::string text = "reload refused, the running configuration stays:";
    for (const std::string& issue : e.issues) text += " " + issue + ";";
    if (!e.issues.empty()) text.pop_back();
    return text;
  }
  // The recovery ladder and the data cap: their fields as key=value, as before they had types.
  template <typename E>
  std::string operator()(const E& e) const {
    std::string text = api::EventName(api::MonitorEvent(e));
    for (const std::string& field : api::FlattenKeyValue(api::ToJson(api::MonitorEvent(e)))) {
      text += " " + field;
    }
    return text;
  }
};

}  // namespace

std::string FormatStatus(const json& document) {
  const api::Status s = api::StatusFromJson(document);
  std::ostringstream out;
  out << "state:        " << s.state << " since " << Or(s.since) << "\n";
  if (s.attempt || s.retry_in_s) {
    out << "attempt:      ";
    if (s.attempt) out << *s.attempt << " failed in a row";
    if (s.retry_in_s)
      out << (s.attempt ? "; " : "") << "next attempt in " << Seconds(*s.retry_in_s);
    out << "\n";
  }
  if (s.mode != "none") {
    out << "mode:         " << s.mode << (s.backend ? " via " + *s.backend : "") << "\n";
  }
  const api::ModuleInfo& m = s.module;
  if (m.manufacturer || m.model || m.imei) {
    out << "module:       " << Or(m.manufacturer) << " " << Or(m.model);
    if (m.revision) out << " " << *m.revision;
    if (m.imei) out << ", imei " << *m.imei;
    if (m.imsi) out << ", imsi " << *m.imsi;
    out << "\n";
  }
  if (s.network.apn_source) {  // docs/apn.md
    const std::string apn = Or(s.network.apn);
    out << "apn:          " << (apn.empty() ? "module default" : "\"" + apn + "\"") << " ("
        << *s.network.apn_source << ")\n";
  }
  const api::RegistrationInfo& r = s.registration;
  if (r.stat) {
    out << "registration: " << (r.name ? *r.name : "stat " + std::to_string(*r.stat));
    if (r.lac) out << ", lac " << *r.lac;
    if (r.ci) out << ", ci " << *r.ci;
    if (r.age_s) out << " (" << Seconds(*r.age_s) << " ago)";
    out << "\n";
  }
  const api::SignalInfo& g = s.signal;
  if (g.age_s) {
    out << "signal:       "
        << (g.csq ? "csq " + std::to_string(*g.csq) + ", " + Or(g.rssi_dbm) + " dBm"
                  : std::string("unknown (csq 99)"));
    if (g.ber) out << ", ber " << *g.ber;
    out << " (" << Seconds(*g.age_s) << " ago)\n";
  }
  const api::InterfaceInfo& i = s.interface;
  if (i.name) {
    out << "interface:    " << DescribeInterface(*i.name, i.address, i.peer, i.dns, i.mtu) << "\n";
  }
  if (i.ipv6) out << "ipv6:         " << DescribeIpv6(*i.ipv6) << "\n";
  if (s.monitoring.escapes != 0) {
    out << "monitoring:   " << s.monitoring.escapes << " slices";
    if (s.monitoring.last_escape_ms) {
      out << ", the last " << std::lround(*s.monitoring.last_escape_ms) << " ms out of data mode";
    }
    out << "\n";
  }
  // One line for the recovery ladder: "retrying in 40 s; power cycle after 2 more failures".
  const std::string recovery = api::DescribeRecovery(s.recovery);
  if (!recovery.empty()) out << "recovery:     " << recovery << "\n";
  if (s.last_error) {
    out << "last error:   " << Unstutter(s.last_error->code + ": " + s.last_error->message) << "\n";
  }
  return out.str();
}

std::string FormatEvent(const std::string& name, const json& data) {
  if (const std::optional<api::MonitorEvent> event = api::MonitorEventFromJson(name, data)) {
    return std::visit(EventSentence{}, *event);
  }
  // An event this client does not know yet: its fields as key=value, still one readable line.
  std::string text = name;
  for (const std::string& field : api::FlattenKeyValue(data)) text += " " + field;
  return text;
}

std::string DescribeProgress(const api::StateChanged& change, const api::Status& status) {
  switch (change.to) {
    case api::State::kProbing:
      return "checking the module";
    case api::State::kConfiguring:
      return "configuring the module";
    case api::State::kAwaitingRegistration:
      return "registering";
    case api::State::kAttaching:
      return "attaching";
    case api::State::kDialing:
      return "dialing";
    case api::State::kNegotiatingPpp:
      return "PPP negotiating";
    case api::State::kActivatingInband:
      return "activating the module's IP stack (in-band)";
    case api::State::kOnlineInband:
      return "online (in-band)";
    case api::State::kOnline:
      return "online: " + Or(status.interface.name) + " address " + Or(status.interface.address) +
             " peer " + Or(status.interface.peer);
    default:
      return std::string(api::ToString(change.to)) + " (" + Unstutter(change.why) + ")";
  }
}

}  // namespace uclink::control::cli
