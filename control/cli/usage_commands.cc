#include "control/cli/usage_commands.h"

#include <cstdio>

#include "control/usage/prometheus.h"

namespace uclink::control::cli {
namespace {

using nlohmann::json;

std::uint64_t Count(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number_unsigned()) return 0;
  return object[key].get<std::uint64_t>();
}

std::string Str(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "-";
  return object[key].get<std::string>();
}

std::string Line(const json& entry) {
  return Str(entry, "start") + " – " + Str(entry, "end") + "  rx " +
         HumanBytes(Count(entry, "rx_bytes")) + "  tx " + HumanBytes(Count(entry, "tx_bytes"));
}

}  // namespace

std::string HumanBytes(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  }
  return text;
}

std::string FormatUsage(const json& usage) {
  std::string out = "SIM (IMSI)   " + Str(usage, "imsi") + "\n";
  const json& period = usage.is_object() && usage.contains("period") ? usage["period"] : json();
  const std::uint64_t used = Count(period, "rx_bytes") + Count(period, "tx_bytes");
  out += "period       " + Line(period) + "\n";
  const std::uint64_t limit = Count(usage, "limit_bytes");
  if (limit > 0) {
    char share[32];
    std::snprintf(share, sizeof share, "%.0f %%", 100.0 * static_cast<double>(used) / limit);
    out += "limit        " + HumanBytes(used) + " of " + HumanBytes(limit) + " (" + share + ")\n";
  } else {
    out += "limit        none (" + HumanBytes(used) + " used)\n";
  }
  if (usage.contains("session") && usage["session"].is_object()) {
    const json& s = usage["session"];
    out += "session      " + Str(s, "mode") + " since " + Str(s, "start") + "  rx " +
           HumanBytes(Count(s, "rx_bytes")) + "  tx " + HumanBytes(Count(s, "tx_bytes")) + "\n";
  }
  if (usage.contains("history") && usage["history"].is_array() && !usage["history"].empty()) {
    out += "past periods\n";
    for (const json& entry : usage["history"]) out += "  " + Line(entry) + "\n";
  }
  return out;
}

std::string FormatMetrics(const json& status, const json& usage, std::int64_t unix_now) {
  return usage::FormatExposition(usage::UclinkMetrics(status, usage, unix_now));
}

}  // namespace uclink::control::cli
