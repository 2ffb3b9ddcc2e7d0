#include "control/usage/document.h"

#include "control/api/status.h"

namespace uclink::control::usage {
namespace {

nlohmann::json PeriodJson(const Period& p) {
  return {{"start", api::FormatUtc(p.start)},
          {"end", api::FormatUtc(p.end)},
          {"start_unix", p.start},
          {"end_unix", p.end},
          {"rx_bytes", p.rx_bytes},
          {"tx_bytes", p.tx_bytes}};
}

nlohmann::json SessionJson(const Session& s, std::int64_t unix_now) {
  return {{"start", api::FormatUtc(s.start)},
          {"end", s.end ? nlohmann::json(api::FormatUtc(*s.end)) : nlohmann::json(nullptr)},
          {"duration_s", s.DurationAt(unix_now)},
          {"mode", s.mode},
          {"rx_bytes", s.rx_bytes},
          {"tx_bytes", s.tx_bytes},
          {"line_rx_bytes", s.line_rx_bytes},
          {"line_tx_bytes", s.line_tx_bytes}};
}

}  // namespace

api::UsageInfo StatusUsage(const Ledger& ledger, std::uint64_t limit_bytes) {
  const Period& p = ledger.period();
  api::UsageInfo usage;
  usage.imsi = ledger.imsi();
  usage.period = {api::FormatUtc(p.start),
                  api::FormatUtc(p.end),
                  p.start,
                  p.end,
                  p.rx_bytes,
                  p.tx_bytes,
                  p.warned,
                  p.limit_reached};
  if (limit_bytes > 0) usage.limit_bytes = limit_bytes;
  return usage;
}

nlohmann::json UsageDocument(const Ledger& ledger, std::uint64_t limit_bytes,
                             std::int64_t sessions_started, std::int64_t unix_now) {
  nlohmann::json period = PeriodJson(ledger.period());
  period["warned"] = ledger.period().warned;
  period["limit_reached"] = ledger.period().limit_reached;
  nlohmann::json sessions = nlohmann::json::array();
  for (const Session& s : ledger.sessions()) sessions.push_back(SessionJson(s, unix_now));
  nlohmann::json history = nlohmann::json::array();
  for (const Period& p : ledger.history()) history.push_back(PeriodJson(p));
  const auto& current = ledger.current_session();
  return {{"imsi", ledger.imsi()},
          {"period", std::move(period)},
          {"limit_bytes", limit_bytes > 0 ? nlohmann::json(limit_bytes) : nlohmann::json(nullptr)},
          {"session", current ? SessionJson(*current, unix_now) : nlohmann::json(nullptr)},
          {"sessions", std::move(sessions)},
          {"history", std::move(history)},
          {"sessions_started", sessions_started}};
}

}  // namespace uclink::control::usage
