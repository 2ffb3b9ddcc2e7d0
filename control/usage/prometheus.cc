#include "control/usage/prometheus.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "control/api/state.h"
#include "control/api/status.h"

namespace uclink::control::usage {
namespace {

// Exposition values: integers without a fraction (byte counts stay exact up to 2^53), others
// with enough digits to round-trip; NaN and infinities as the format spells them.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  if (std::floor(value) == value && std::fabs(value) < 9.007199254740992e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
  }
  return buffer;
}

const nlohmann::json* Find(const nlohmann::json& doc, std::initializer_list<const char*> path) {
  const nlohmann::json* node = &doc;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

std::optional<double> Number(const nlohmann::json& doc, std::initializer_list<const char*> path) {
  const nlohmann::json* node = Find(doc, path);
  if (node == nullptr || !node->is_number()) return std::nullopt;
  return node->get<double>();
}

class Builder {
 public:
  void Gauge(std::string name, std::string help, std::optional<double> value,
             std::vector<std::pair<std::string, std::string>> labels = {}) {
    Add(std::move(name), std::move(help), "gauge", value, std::move(labels));
  }
  void Counter(std::string name, std::string help, std::optional<double> value) {
    Add(std::move(name), std::move(help), "counter", value, {});
  }
  std::vector<MetricFamily> Take() { return std::move(families_); }

 private:
  void Add(std::string name, std::string help, std::string type, std::optional<double> value,
           std::vector<std::pair<std::string, std::string>> labels) {
    if (!value) return;
    families_.push_back({std::move(name),
                         std::move(help),
                         std::move(type),
                         {MetricSample{std::move(labels), *value}}});
  }
  std::vector<MetricFamily> families_;
};

std::optional<double> AsDouble(std::optional<int> value) {
  return value ? std::optional<double>(*value) : std::nullopt;
}

bool IsOnline(const std::string& state) {
  const std::optional<api::State> known = api::StateFromString(state);
  return known && api::IsOnline(*known);
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string FormatExposition(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& family : families) {
    out += "# HELP " + family.name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + family.name + " " + family.type + "\n";
    for (const MetricSample& sample : family.samples) {
      out += family.name;
      if (!sample.labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < sample.labels.size(); ++i) {
          if (i > 0) out += ',';
          out += sample.labels[i].first + "=\"" + EscapeLabelValue(sample.labels[i].second) + "\"";
        }
        out += '}';
      }
      out += " " + FormatValue(sample.value) + "\n";
    }
  }
  return out;
}

std::optional<std::int64_t> ParseUtc(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char z = 0;
  const std::string copy(text);
  if (copy.size() != 20 ||
      std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  // Days from civil (proleptic Gregorian), as in ledger.cc.
  const int yy = y - (mo <= 2);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = std::int64_t{era} * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

std::vector<MetricFamily> UclinkMetrics(const nlohmann::json& status, const nlohmann::json& usage,
                                        std::int64_t unix_now) {
  Builder b;
  const api::Status s = api::StatusFromJson(status);
  b.Gauge("uclink_state", "Connection manager state (docs/state-machine.md); always 1.", 1.0,
          {{"state", s.state}});
  b.Gauge("uclink_mode", "How the link is carried: ppp, inband or none; always 1.", 1.0,
          {{"mode", s.mode}});
  b.Gauge("uclink_online", "1 while online (PPP or in-band), else 0.",
          IsOnline(s.state) ? 1.0 : 0.0);
  if (IsOnline(s.state)) {
    if (s.since) {
      if (std::optional<std::int64_t> t = ParseUtc(*s.since)) {
        b.Gauge("uclink_online_seconds", "Seconds since the link came online.",
                static_cast<double>(std::max<std::int64_t>(0, unix_now - *t)));
      }
    }
  }
  b.Gauge("uclink_signal_csq", "Last AT+CSQ <rssi> reading, 0..31 (UC8088 manual §2.17).",
          AsDouble(s.signal.csq));
  b.Gauge("uclink_signal_rssi_dbm", "Received signal strength in dBm from the last AT+CSQ.",
          AsDouble(s.signal.rssi_dbm));
  b.Gauge("uclink_signal_ber", "Last AT+CSQ <ber> reading, 0..7.", AsDouble(s.signal.ber));
  if (s.registration.stat) {
    b.Gauge("uclink_registration_stat",
            "Last +CGREG <stat> (3GPP TS 27.007: 1 home, 5 roaming); the name as a label.",
            AsDouble(s.registration.stat), {{"name", s.registration.name.value_or("unknown")}});
  }
  b.Gauge("uclink_failed_attempts", "Consecutive failed connection attempts while recovering.",
          AsDouble(s.attempt));
  b.Counter("uclink_monitoring_escapes_total",
            "Completed monitoring slices (+++ ... ATO) since uclinkd started.",
            static_cast<double>(s.monitoring.escapes));
  b.Counter("uclink_reconnects_total",
            "Times the link came back online by itself (no new connect request) since uclinkd "
            "started.",
            static_cast<double>(s.recovery.reconnects));
  b.Counter("uclink_power_cycles_total",
            "Module power cycles (recovery.reset_command runs) since uclinkd started.",
            static_cast<double>(s.recovery.power_cycles));
  if (s.last_error) {
    b.Gauge("uclink_last_error_info", "The last failure the manager recorded; always 1.", 1.0,
            {{"code", s.last_error->code}, {"message", s.last_error->message}});
  }
  if (usage.is_object()) {
    b.Gauge("uclink_usage_period_rx_bytes", "Bytes received in the current billing period.",
            Number(usage, {"period", "rx_bytes"}));
    b.Gauge("uclink_usage_period_tx_bytes", "Bytes sent in the current billing period.",
            Number(usage, {"period", "tx_bytes"}));
    b.Gauge("uclink_usage_period_end_timestamp_seconds",
            "When the current billing period ends (Unix time).",
            Number(usage, {"period", "end_unix"}));
    b.Gauge("uclink_usage_limit_bytes", "The configured limit per period (usage.limit_mb).",
            Number(usage, {"limit_bytes"}));
    const nlohmann::json* current = Find(usage, {"session"});
    if (current != nullptr && current->is_object()) {
      b.Gauge("uclink_usage_session_rx_bytes", "Bytes received in the current session.",
              Number(*current, {"rx_bytes"}));
      b.Gauge("uclink_usage_session_tx_bytes", "Bytes sent in the current session.",
              Number(*current, {"tx_bytes"}));
    }
    b.Counter("uclink_sessions_total", "Sessions (connections) started since uclinkd started.",
              Number(usage, {"sessions_started"}));
  }
  return b.Take();
}

}  // namespace uclink::control::usage
