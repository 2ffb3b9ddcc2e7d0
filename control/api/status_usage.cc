// `usage` of the status document (docs/control-api.md, "The status document"; docs/data-budget.md):
// the same period fields `uclink usage --json` shows for the current period.
#include "control/api/json_fields.h"
#include "control/api/status.h"

namespace uclink::control::api {

using nlohmann::json;

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
          {"limit_bytes", OrNull(usage.limit_bytes)}};
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
