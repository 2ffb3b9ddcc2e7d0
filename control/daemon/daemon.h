// uclinkd's wiring: the AT channel(s) from chat/, the connection manager, a PPP backend from
// pppif/ and the control socket, all on one io_context thread (docs/ARCHITECTURE.md, "Threads and
// time"). The manager decides; this class only turns its actions into I/O and I/O into its events.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "chat/at_channel.h"
#include "control/config/config.h"
#include "control/daemon/control_server.h"
#include "control/daemon/dns_hand_off.h"
#include "control/daemon/health_probe.h"
#include "control/daemon/hooks.h"
#include "control/daemon/reset_runner.h"
#include "control/daemon/service_host.h"
#include "control/daemon/usage_tracker.h"
#include "control/manager/connection_manager.h"
#include "pppif/backend.h"

namespace uclink::control {

/// Where the configuration came from, so SIGHUP/"reload" can read it again the same way.
struct ConfigSource {
  std::string path = std::string(kDefaultConfigPath);
  bool explicit_path = false;  ///< given with --config: a missing file is an error
  ConfigOverrides overrides;
};

/// Reads the file and applies the overrides; the issues are empty on success.
ConfigResult LoadConfig(const ConfigSource& source);
/// The control socket's per-connection limits from [control].
ControlLimits ControlLimitsOf(const Config& config);

class Daemon {
 public:
  Daemon(boost::asio::io_context& io, Config config, ConfigSource source);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /// Opens the control socket, the port(s) and the PPP backend; connects if autoconnect.
  /// Only a control-socket error is fatal: a missing port is retried by the manager's back-off.
  std::error_code Start();
  /// SIGTERM: hang up cleanly (bounded), close everything, then call `done`.
  void Shutdown(std::function<void()> done);
  /// SIGHUP / "reload": re-reads the configuration; returns the problems (empty = applied).
  std::vector<ConfigIssue> Reload();
  /// Called on every state change (uclinkd uses it for sd_notify STATUS=).
  void SetStateObserver(std::function<void(State)> observer) { on_state_ = std::move(observer); }
  /// Runs the dispatcher hooks for `event` with the link's current status as their environment
  /// (docs/system-integration.md, "Dispatcher hooks"). Every event source calls this: up, down
  /// and state from transitions; reset and usage-limit from their features.
  void DispatchHook(HookEvent event);

 private:
  struct Port {
    std::unique_ptr<chat::AtChannel> channel;
    chat::ByteTransport* transport = nullptr;  ///< owned by `channel`; for raw LCP frames
  };

  std::error_code OpenPorts();
  std::error_code OpenPort(const std::string& path, Port* port, bool data_port);
  void ClosePorts();
  /// Builds the PPP backend from the configuration; `credentials` replace network.username and
  /// password (an auto APN's from the provider database, docs/apn.md).
  void CreateBackend(const std::optional<act::StartPpp>& credentials = std::nullopt);
  void MaybeRebuildBackend();
  ManagerOptions MakeManagerOptions() const;

  void Feed(Event event);
  // One overload per act:: type, chosen by std::visit in Feed.
  void Perform(const act::SendAt& send);
  void Perform(const act::WriteRaw& raw);
  void Perform(const act::SendLcpTerminate& terminate);
  // Raw bytes on the (data) line, bypassing AT framing: "+++" or an LCP Terminate-Request.
  void WriteToLine(const std::vector<std::uint8_t>& bytes);
  void Perform(const act::StartPpp&);
  void Perform(const act::StopPpp&);
  void Perform(const act::SuspendPpp&);
  void Perform(const act::ResumePpp&);
  void Perform(const act::ResumeCommandMode&);
  void Perform(const act::ReopenPort&);
  void Perform(const act::RunProbe& run);
  void Perform(const act::Transition& t);
  void Perform(const act::Publish& p);
  void Perform(const act::LookUpApn& lookup);  // network.apn = "auto": apn_store.h
  void Perform(const act::RememberApn& remember);
  // daemon_recovery.cc: the ladder's commands and its persisted counters.
  void Perform(const act::RunResetCommand& run);
  void Perform(const act::RunEscalateCommand& run);
  void Perform(const act::SaveRecoveryState& save);
  void RunLadderCommand(const std::vector<std::string>& argv, Clock::duration timeout,
                        bool escalation);
  /// Reads state document "recovery"; a bad file is a warning and a fresh start.
  std::optional<RecoveryState> LoadRecoveryState();
  std::string TakeBytesAfterData();
  void ArmTick();
  void OnAtReply(std::uint64_t id, const chat::AtReply& reply);
  void OnUrc(const chat::Urc& urc);
  void OnRequest(const api::Request& request, ControlServer::Reply reply);
  void HandleAt(const api::Request& request, ControlServer::Reply reply);
  Port& PortFor(bool data_port);
  // usage_wiring.cc: the data budget's hooks into the daemon.
  void StartUsage();
  void OnTransitionForUsage(const act::Transition& t);
  api::Status StatusNow() const;
  void MaybeFinishShutdown();

  boost::asio::io_context& io_;
  Config config_;
  ConfigSource source_;
  std::unique_ptr<ControlServer> server_;
  std::unique_ptr<ServiceHost> services_;  ///< the "service" requests (in-band mode)
  std::unique_ptr<ConnectionManager> manager_;
  std::unique_ptr<pppif::PppBackend> backend_;
  std::string backend_error_;
  /// A reload changed backend settings: rebuild once no session runs (MaybeRebuildBackend).
  bool backend_rebuild_pending_ = false;
  std::unique_ptr<HealthProbe> probe_;         ///< created by the first act::RunProbe
  std::unique_ptr<ResetRunner> reset_runner_;  ///< created by the first ladder command
  std::unique_ptr<UsageTracker> usage_;  ///< the SIM's data-usage ledger (docs/data-budget.md)
  int state_write_failures_ = 0;         ///< saves of the recovery document that failed (logged)
  Port control_port_;                    ///< at_port when configured, else the one port
  Port data_port_;                       ///< used only with a second port
  int line_fd_ = -1;                     ///< the data line between CONNECT and ResumeCommandMode
  std::string leftover_;
  act::StartPpp backend_credentials_;  ///< the PPP credentials the backend was built with
  boost::asio::steady_timer tick_;
  boost::asio::steady_timer shutdown_deadline_;
  std::deque<Event> inbox_;  ///< the one event queue (Feed); the manager keeps none
  bool feeding_ = false;
  bool shutting_down_ = false;
  std::function<void()> on_shutdown_done_;
  std::function<void(State)> on_state_;
  std::unique_ptr<DnsHandOff> dns_;  ///< interface.dns = "auto" | "resolved"
  std::unique_ptr<HookRunner> hooks_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::control
