// The "usage" document of the control API (`uclink usage --json`, docs/control-api.md): the
// ledger of the SIM in use as clients see it, times in ISO 8601 UTC like the status document.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "control/api/status.h"
#include "control/usage/ledger.h"

namespace uclink::control::usage {

/// {"imsi", "period": {"start", "end", "rx_bytes", "tx_bytes", ...}, "limit_bytes",
///  "session", "sessions": [...], "history": [...], "sessions_started"}. `limit_bytes` 0 → null.
/// `usage` of the status document: the SIM, its current period and its cap (0 → null).
api::UsageInfo StatusUsage(const Ledger& ledger, std::uint64_t limit_bytes);

nlohmann::json UsageDocument(const Ledger& ledger, std::uint64_t limit_bytes,
                             std::int64_t sessions_started, std::int64_t unix_now);

}  // namespace uclink::control::usage
