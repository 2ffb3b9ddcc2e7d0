// The daemon's side of the recovery ladder: it runs recovery.reset_command and
// recovery.escalate_command (ResetRunner: no shell, bounded, output capped) and keeps the
// ladder's counters in state document "recovery" (docs/state.md). The manager decides when.
#include <spdlog/spdlog.h>

#include <ctime>

#include "control/daemon/daemon.h"
#include "control/state/state_dir.h"

namespace uclink::control {
namespace {

std::string Joined(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

}  // namespace

std::optional<RecoveryState> Daemon::LoadRecoveryState() {
  const state::StateDir dir(config_.daemon.state_dir);
  state::Loaded loaded = dir.Load("recovery", RecoveryState::kSchema);
  if (!loaded.warning.empty()) {
    spdlog::warn("state {}: {}; the recovery ladder starts fresh", dir.PathOf("recovery"),
                 loaded.warning);
  }
  if (!loaded.document) return std::nullopt;
  RecoveryState restored = RecoveryState::FromJson(*loaded.document);
  restored.Prune(std::time(nullptr));
  spdlog::info("state {}: {} consecutive failures, {} power cycles in the last hour restored",
               dir.PathOf("recovery"), restored.consecutive_failures, restored.resets.size());
  return restored;
}

void Daemon::Perform(const act::SaveRecoveryState& save) {
  const state::StateDir dir(config_.daemon.state_dir);
  if (std::optional<std::string> error = dir.Save("recovery", save.document)) {
    // A read-only /var must not stop the ladder: it goes on with the counters in memory.
    ++state_write_failures_;
    spdlog::warn("state {}: {} ({} failed writes; the ladder goes on from memory)",
                 dir.PathOf("recovery"), *error, state_write_failures_);
  }
}

void Daemon::Perform(const act::RunResetCommand& run) {
  spdlog::warn("power-cycling the module: {}", Joined(run.argv));
  RunLadderCommand(run.argv, run.timeout, /*escalation=*/false);
}

void Daemon::Perform(const act::RunEscalateCommand& run) {
  spdlog::error("escalating (last resort): {}", Joined(run.argv));
  RunLadderCommand(run.argv, run.timeout, /*escalation=*/true);
}

void Daemon::RunLadderCommand(const std::vector<std::string>& argv, Clock::duration timeout,
                              bool escalation) {
  if (!reset_runner_) reset_runner_ = std::make_unique<ResetRunner>(io_);
  const auto bound = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  reset_runner_->Run(argv, bound,
                     [this, escalation, name = argv.empty() ? "" : argv[0],
                      alive = std::weak_ptr<int>(alive_)](const CommandResult& r) {
                       if (alive.expired()) return;
                       const char* what = escalation ? "escalate_command" : "reset_command";
                       if (r.ok) {
                         spdlog::info("{} {}: {}", what, name, r.status);
                       } else {
                         spdlog::warn("{} {}: {}", what, name, r.status);
                       }
                       if (r.output_bytes > 0) {
                         spdlog::info("{} output ({} bytes{}): {}", what, r.output_bytes,
                                      r.output_bytes > r.output.size() ? ", first 4 KiB" : "",
                                      r.output);
                       }
                       Feed(ev::ResetDone{r.ok, r.status, escalation});
                     });
}

}  // namespace uclink::control
