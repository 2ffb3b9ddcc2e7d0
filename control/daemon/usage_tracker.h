// The daemon's side of the data budget (docs/data-budget.md): it feeds the pure usage ledger
// (control/usage/ledger.h) with interface counters while PPP runs and with payload sizes in
// in-band mode, keeps one ledger per SIM (IMSI) in the state directory, publishes
// usage-warning / usage-limit and tells the manager when a cap must act. It also writes the
// Prometheus textfile ([metrics] textfile). One io_context thread, like the rest of the daemon.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "control/api/events.h"
#include "control/config/config.h"
#include "control/manager/events.h"
#include "control/state/state_dir.h"
#include "control/usage/ledger.h"
#include "pppif/link_stats.h"

namespace uclink::control {

class UsageTracker {
 public:
  /// How the tracker reaches the rest of the daemon.
  struct Hooks {
    std::function<void(Event)> feed;  ///< to the manager (ev::LinkCounters, ev::UsageLimit...)
    std::function<void(api::MonitorEvent event)> publish;  ///< usage-warning, usage-limit
    std::function<nlohmann::json()> status;  ///< the status document, for the metrics textfile
    /// The serial line's bytes of the PPP session (framing included), when the backend counts
    /// them (userspace); nullopt otherwise.
    std::function<std::optional<usage::Counters>()> line_counters;
  };

  /// How often the interface counters are read while PPP runs. One netlink round trip each.
  static constexpr std::chrono::seconds kSampleInterval{10};

  UsageTracker(boost::asio::io_context& io, const Config& config, Hooks hooks);
  ~UsageTracker();
  UsageTracker(const UsageTracker&) = delete;
  UsageTracker& operator=(const UsageTracker&) = delete;

  /// Starts the sampling and metrics timers.
  void Start();
  /// A reload: new limits apply at the next reading.
  void Reconfigure(const Config& config);
  /// The SIM's IMSI as the manager read it (AT+CIMI): loads (or starts) that SIM's ledger; a
  /// different IMSI saves the old ledger and switches (a new SIM, the old ledger kept).
  void OnImsi(const std::string& imsi);
  /// The PPP interface `ifname` is up: a session begins, counted from the counters it has now.
  void OnPppUp(const std::string& ifname);
  /// The PDP context is active for in-band services: a session begins.
  void OnInbandUp();
  /// The link is down (hang-up, loss): the last reading, the session closed, the ledger saved.
  void OnLinkDown();
  /// In-band payload bytes the module reported (IPSEND/IPRECV, HTTP, FTP, MQTT).
  void AddInbandBytes(std::uint64_t rx, std::uint64_t tx);
  /// Reads the interface counters now (the manager compares them with the last probe's).
  void SampleNow();
  /// SIGTERM: the open session closed and everything saved.
  void Shutdown();
  /// Rewrites the metrics textfile now (a state change shows at once, not an interval later).
  void WriteMetrics();

  /// The "usage" method's document; null before an IMSI is known.
  nlohmann::json Document() const;
  /// The status document's "usage": the current period; null before an IMSI is known.
  std::optional<api::UsageInfo> StatusUsage() const;
  /// The limit in bytes (usage.limit_mb MiB); 0 without one.
  std::uint64_t LimitBytes() const;

 private:
  void ArmSample();
  void ArmMetrics();
  void AfterChange(bool force_save);
  void CheckCap();
  void Save();
  std::int64_t UnixNow() const;

  boost::asio::io_context& io_;
  Config config_;
  Hooks hooks_;
  state::StateDir state_dir_;
  std::optional<usage::Ledger> ledger_;
  std::unique_ptr<pppif::LinkStatsReader> stats_;
  std::string ifname_;  ///< the PPP interface while a PPP session runs
  std::int64_t sessions_started_ = 0;
  bool dirty_ = false;
  bool shut_down_ = false;
  std::chrono::steady_clock::time_point last_save_{};
  boost::asio::steady_timer sample_timer_;
  boost::asio::steady_timer metrics_timer_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

/// Whether "connect" params ask to connect despite a usage cap ({"ignore_limit": true}).
bool IgnoreLimitRequested(const nlohmann::json& params);

/// "usage-460001234567890": the state document of one SIM; nullopt for an IMSI that is not
/// 5 to 15 digits (3GPP TS 23.003 §2.2), which is never used as a file name.
std::optional<std::string> UsageDocumentName(const std::string& imsi);

}  // namespace uclink::control
