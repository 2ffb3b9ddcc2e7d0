// `uclink usage` and `uclink metrics` (docs/data-budget.md, docs/metrics.md): the text people
// read, from the documents uclinkd returns. Pure formatting, tested without a daemon.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace uclink::control::cli {

/// `uclink usage` for people: the SIM, the period with its totals against the limit, the
/// current session and the past periods.
std::string FormatUsage(const nlohmann::json& usage);

/// `uclink metrics`: Prometheus text exposition of a status document and a usage document
/// (null when uclinkd has no ledger yet).
std::string FormatMetrics(const nlohmann::json& status, const nlohmann::json& usage,
                          std::int64_t unix_now);

/// "1.2 MiB", "512 B": a byte count as a person reads it.
std::string HumanBytes(std::uint64_t bytes);

}  // namespace uclink::control::cli
