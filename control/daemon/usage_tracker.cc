#include "control/daemon/usage_tracker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <utility>

#include "control/api/status.h"
#include "control/state/atomic_file.h"
#include "control/usage/document.h"
#include "control/usage/prometheus.h"

namespace uclink::control {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::string MiB(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return text;
}

}  // namespace

bool IgnoreLimitRequested(const nlohmann::json& params) {
  if (!params.is_object()) return false;
  auto it = params.find("ignore_limit");
  return it != params.end() && it->is_boolean() && it->get<bool>();
}

std::optional<std::string> UsageDocumentName(const std::string& imsi) {
  const bool digits =
      std::all_of(imsi.begin(), imsi.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || imsi.size() < 5 || imsi.size() > 15) return std::nullopt;
  return "usage-" + imsi;
}

UsageTracker::UsageTracker(boost::asio::io_context& io, const Config& config, Hooks hooks)
    : io_(io),
      config_(config),
      hooks_(std::move(hooks)),
      state_dir_(config.daemon.state_dir),
      sample_timer_(io),
      metrics_timer_(io) {}

UsageTracker::~UsageTracker() { *alive_ = 1; }

void UsageTracker::Start() {
  ArmSample();
  if (!config_.metrics.textfile.empty()) WriteMetrics();
  ArmMetrics();
}

void UsageTracker::Reconfigure(const Config& config) {
  const bool metrics_was_off = config_.metrics.textfile.empty();
  config_ = config;
  state_dir_ = state::StateDir(config.daemon.state_dir);
  if (metrics_was_off && !config_.metrics.textfile.empty()) ArmMetrics();
  AfterChange(false);
}

std::int64_t UsageTracker::UnixNow() const { return static_cast<std::int64_t>(std::time(nullptr)); }

std::uint64_t UsageTracker::LimitBytes() const {
  return static_cast<std::uint64_t>(config_.usage.limit_mb) * kMiB;
}

void UsageTracker::OnImsi(const std::string& imsi) {
  if (imsi.empty() || (ledger_ && ledger_->imsi() == imsi)) return;
  const std::int64_t now = UnixNow();
  const bool in_session = ledger_ && ledger_->current_session();
  if (ledger_) {
    spdlog::info("SIM changed ({} → {}): a new usage ledger; the old one is kept", ledger_->imsi(),
                 imsi);
    ledger_->EndSession(now);
    Save();
  }
  const int start_day = config_.usage.period_start_day;
  ledger_.emplace(imsi, start_day, now);
  dirty_ = false;
  const std::optional<std::string> name = UsageDocumentName(imsi);
  if (!name) {
    spdlog::warn("IMSI \"{}\" is not 5..15 digits: its usage is counted but not saved", imsi);
    return;
  }
  state::Loaded loaded = state_dir_.Load(*name, usage::Ledger::kSchema);
  if (!loaded.warning.empty()) spdlog::warn("usage ledger: {}", loaded.warning);
  if (loaded.document) {
    std::string why;
    if (auto ledger = usage::Ledger::FromJson(*loaded.document, imsi, start_day, now, &why)) {
      ledger_ = std::move(*ledger);
    } else {
      // Valid JSON with a schema, but not this SIM's ledger: kept aside like any untrusted
      // state file (docs/state.md), and counting starts from zero.
      const std::string path = state_dir_.PathOf(*name);
      std::error_code ec;
      std::filesystem::rename(path, path + ".corrupt", ec);
      spdlog::warn("usage ledger {}: {}; kept as {}.corrupt, counting from zero", path, why, path);
    }
  }
  if (in_session) ledger_->BeginSession(ifname_.empty() ? "inband" : "ppp", now);
  // A cap reached before a restart still holds in this period.
  const usage::Period& period = ledger_->period();
  if (period.limit_reached && config_.usage.limit_mb > 0 &&
      config_.usage.on_limit != OnLimit::kWarn) {
    hooks_.feed(ev::UsageLimitReached{
        config_.usage.on_limit, MiB(period.total()) + " used of " +
                                    std::to_string(config_.usage.limit_mb) +
                                    " MiB in the period ending " + api::FormatUtc(period.end)});
  }
  AfterChange(true);
}

void UsageTracker::OnPppUp(const std::string& ifname) {
  ifname_ = ifname;
  ++sessions_started_;
  std::optional<usage::Counters> baseline;
  std::error_code ec;
  if (!stats_) stats_ = pppif::LinkStatsReader::Connect(ec);
  if (stats_) {
    if (auto stats = stats_->Read(ifname, ec)) {
      baseline = usage::Counters{stats->rx_bytes, stats->tx_bytes};
      hooks_.feed(ev::LinkCounters{stats->rx_packets});
    }
  }
  if (ec) spdlog::warn("usage: counters of {}: {}", ifname, ec.message());
  if (ledger_) ledger_->BeginSession("ppp", UnixNow(), baseline);
}

void UsageTracker::OnInbandUp() {
  ifname_.clear();
  ++sessions_started_;
  if (ledger_) ledger_->BeginSession("inband", UnixNow());
}

void UsageTracker::OnLinkDown() {
  SampleNow();
  ifname_.clear();
  if (ledger_) ledger_->EndSession(UnixNow());
  AfterChange(true);
}

void UsageTracker::AddInbandBytes(std::uint64_t rx, std::uint64_t tx) {
  if (!ledger_ || (rx == 0 && tx == 0)) return;
  ledger_->AddBytes(rx, tx, UnixNow());
  dirty_ = true;
  AfterChange(false);
}

void UsageTracker::SampleNow() {
  if (ifname_.empty()) return;
  std::error_code ec;
  if (!stats_) stats_ = pppif::LinkStatsReader::Connect(ec);
  if (!stats_) return;
  std::optional<pppif::LinkStats> stats = stats_->Read(ifname_, ec);
  if (!stats) return;  // the interface is gone with the link: its last reading counted
  hooks_.feed(ev::LinkCounters{stats->rx_packets});
  if (!ledger_) return;
  ledger_->AddCounters({stats->rx_bytes, stats->tx_bytes}, UnixNow());
  if (hooks_.line_counters) {
    if (std::optional<usage::Counters> line = hooks_.line_counters()) {
      ledger_->SetLineBytes(line->rx_bytes, line->tx_bytes);
    }
  }
  dirty_ = true;
  AfterChange(false);
}

void UsageTracker::AfterChange(bool force_save) {
  if (!ledger_) return;
  if (ledger_->Roll(UnixNow())) {
    spdlog::info("usage: a new billing period began ({})", api::FormatUtc(ledger_->period().start));
    hooks_.feed(ev::UsagePeriodStarted{});
    force_save = true;
  }
  CheckCap();
  const auto now = std::chrono::steady_clock::now();
  if (force_save || (dirty_ && now - last_save_ >= config_.usage.save_interval)) Save();
}

void UsageTracker::CheckCap() {
  const std::uint64_t limit = LimitBytes();
  const usage::CapDecision decision =
      usage::EvaluateCap(ledger_->period(), limit, config_.usage.warn_percent);
  if (!decision.warn && !decision.limit) return;
  const usage::Period& period = ledger_->period();
  api::UsageCapReached event{false,
                             ledger_->imsi(),
                             period.total(),
                             limit,
                             api::FormatUtc(period.end),
                             ToString(config_.usage.on_limit)};
  const std::string text = MiB(period.total()) + " used of " +
                           std::to_string(config_.usage.limit_mb) + " MiB in the period ending " +
                           api::FormatUtc(period.end);
  if (decision.warn) {
    ledger_->MarkWarned();
    spdlog::warn("usage warning: {} ({} % of the limit reached)", text, config_.usage.warn_percent);
    hooks_.publish(event);
  }
  if (decision.limit) {
    ledger_->MarkLimitReached();
    spdlog::warn("usage limit reached: {}; on_limit = {}", text, ToString(config_.usage.on_limit));
    event.limit = true;
    hooks_.publish(event);
    hooks_.feed(ev::UsageLimitReached{config_.usage.on_limit, text});
  }
  dirty_ = true;
  Save();
}

void UsageTracker::Save() {
  if (!ledger_) return;
  last_save_ = std::chrono::steady_clock::now();
  dirty_ = false;
  const std::optional<std::string> name = UsageDocumentName(ledger_->imsi());
  if (!name) return;
  // A failed save changes nothing else; the next one retries (docs/state.md).
  if (std::optional<std::string> error = state_dir_.Save(*name, ledger_->ToJson())) {
    spdlog::warn("usage ledger not saved: {}", *error);
  }
}

void UsageTracker::Shutdown() {
  if (std::exchange(shut_down_, true)) return;  // its reading may re-enter the daemon's Feed
  sample_timer_.cancel();
  metrics_timer_.cancel();
  if (!ledger_) return;
  SampleNow();
  ledger_->EndSession(UnixNow());
  Save();
  if (!config_.metrics.textfile.empty()) WriteMetrics();
}

nlohmann::json UsageTracker::Document() const {
  if (!ledger_) return nullptr;
  return usage::UsageDocument(*ledger_, LimitBytes(), sessions_started_, UnixNow());
}

std::optional<api::UsageInfo> UsageTracker::StatusUsage() const {
  if (!ledger_) return std::nullopt;
  return usage::StatusUsage(*ledger_, LimitBytes());
}

void UsageTracker::ArmSample() {
  sample_timer_.expires_after(kSampleInterval);
  sample_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || alive.expired()) return;
        SampleNow();
        AfterChange(false);  // a period may end while no link runs
        ArmSample();
      });
}

void UsageTracker::ArmMetrics() {
  if (config_.metrics.textfile.empty()) return;
  metrics_timer_.expires_after(config_.metrics.interval);
  metrics_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || alive.expired()) return;
        WriteMetrics();
        ArmMetrics();
      });
}

void UsageTracker::WriteMetrics() {
  const std::string& path = config_.metrics.textfile;
  if (path.empty()) return;
  const std::string text = usage::FormatExposition(usage::UclinkMetrics(
      hooks_.status ? hooks_.status() : nlohmann::json(nullptr), Document(), UnixNow()));
  // node_exporter reads only *.prom: the temporary (…prom.tmp-XXXXXX) is never half-read.
  if (std::error_code ec = state::WriteFileAtomically(path, text, 0644)) {
    spdlog::warn("metrics textfile {}: {}", path, ec.message());
  }
}

}  // namespace uclink::control
