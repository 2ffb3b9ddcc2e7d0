// Prometheus text exposition (format 0.0.4, docs/metrics.md) of uclink's status and data usage:
// what `uclink metrics` prints and what uclinkd writes for node_exporter's textfile collector.
// Pure: documents in, text out.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uclink::control::usage {

/// One sample of a metric family: its labels (name, unescaped value) and value.
struct MetricSample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

/// One metric family: "# HELP", "# TYPE", then its samples.
struct MetricFamily {
  std::string name;
  std::string help;
  std::string type = "gauge";  ///< "gauge" | "counter"
  std::vector<MetricSample> samples;
};

/// A label value as the format writes it between quotes: backslash, double quote and line feed
/// escaped as \\, \" and \n.
std::string EscapeLabelValue(std::string_view value);
/// HELP text: backslash and line feed escaped as \\ and \n.
std::string EscapeHelp(std::string_view text);
/// Renders the families; every line ends with '\n' (the format requires the last one too).
std::string FormatExposition(const std::vector<MetricFamily>& families);

/// The uclink metric families from a status document (control/api/status.h) and, when the
/// daemon has one, the usage document (`uclink usage --json`; null without). `unix_now` turns
/// the status's "since" into seconds online. Only what the documents hold is emitted: a
/// reading the daemon does not have (no +CSQ yet) produces no sample rather than a made-up one.
std::vector<MetricFamily> UclinkMetrics(const nlohmann::json& status, const nlohmann::json& usage,
                                        std::int64_t unix_now);

/// Seconds since the Unix epoch of "2026-11-27T14:05:00Z" (api::FormatUtc's form); nullopt for
/// anything else.
std::optional<std::int64_t> ParseUtc(std::string_view text);

}  // namespace uclink::control::usage
