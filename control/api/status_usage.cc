// `usage` of the status document (docs/control-api.md, "The status document"; docs/data-budget.md):
// the same period fields `uclink usage --json` shows for the current period.
#include "control/api/status.h"

namespace uclink::control::api {
namespace {

using nlohmann::json;

// value[key] when it has the type of `T`, else nullopt.
template <typename T>
std::optional<T> Get(const json& value, const char* key) {
  const auto it = value.find(key);
  if (it == value.end()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) return it->get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) return it->get<bool>();
  } else if constexpr (std::is_unsigned_v<T>) {
    if (it->is_number_unsigned()) return it->get<T>();
  } else {
    if (it->is_number_integer()) return it->get<T>();
  }
  return std::nullopt;
}

}  // namespace

json ToJson(const UsageInfo& usage) {
  const UsagePeriodInfo& p = usage.period;
  return {{"imsi", usage.imsi},
          {"period",
           {{"start", p.start},
            {"end", p.end},
            {"start_unix", p.start_unix},
            {"end_unix", p.end_unix},
            {"rx_bytes", p.rx_bytes},
            {"tx_bytes", p.tx_bytes},
            {"warned", p.warned},
            {"limit_reached", p.limit_reached}}},
          {"limit_bytes", usage.limit_bytes ? json(*usage.limit_bytes) : json(nullptr)}};
}

std::optional<UsageInfo> UsageInfoFromJson(const json& value) {
  if (!value.is_object()) return std::nullopt;
  std::optional<std::string> imsi = Get<std::string>(value, "imsi");
  if (!imsi) return std::nullopt;
  UsageInfo usage;
  usage.imsi = std::move(*imsi);
  usage.limit_bytes = Get<std::uint64_t>(value, "limit_bytes");
  const auto period = value.find("period");
  if (period == value.end() || !period->is_object()) return usage;
  UsagePeriodInfo& p = usage.period;
  p.start = Get<std::string>(*period, "start").value_or("");
  p.end = Get<std::string>(*period, "end").value_or("");
  p.start_unix = Get<std::int64_t>(*period, "start_unix").value_or(0);
  p.end_unix = Get<std::int64_t>(*period, "end_unix").value_or(0);
  p.rx_bytes = Get<std::uint64_t>(*period, "rx_bytes").value_or(0);
  p.tx_bytes = Get<std::uint64_t>(*period, "tx_bytes").value_or(0);
  p.warned = Get<bool>(*period, "warned").value_or(false);
  p.limit_reached = Get<bool>(*period, "limit_reached").value_or(false);
  return usage;
}

}  // namespace uclink::control::api
