// The manager's AT traffic: one command in flight, scripts run step by step (docs/state-machine.md,
// "Scripts"), and the AT+CSQ / AT+CGREG? polls that wait for the command in flight.
#include <utility>

#include "chat/at_command.h"
#include "chat/commands/command_table.h"
#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

}  // namespace

void ConnectionManager::SendAt(AtPurpose purpose, const ScriptStep& step, bool data_port) {
  const std::uint64_t id = next_at_id_++;
  pending_at_ = PendingAt{id, purpose};
  Emit(act::SendAt{id, step.command, step.timeout, step.expect == Expect::kConnect, data_port});
}

void ConnectionManager::SendProbe() {
  SendAt(AtPurpose::kProbe, Expand(Script::kProbe, 1, "").front());
}

void ConnectionManager::RunScript(std::vector<ScriptStep> steps, bool data_port) {
  script_ = std::move(steps);
  step_ = 0;
  script_on_data_port_ = data_port;
  failed_step_.reset();
  if (script_.empty()) return;
  SendAt(AtPurpose::kScriptStep, script_.front(), data_port);
}

ConnectionManager::StepResult ConnectionManager::ContinueScript(const ev::AtDone& done) {
  pending_at_.reset();
  const ScriptStep& step = script_[step_];
  const AtOutcome wanted =
      step.expect == Expect::kConnect ? chat::FinalKind::kConnect : chat::FinalKind::kOk;
  if (done.outcome == wanted) {
    // Decoded as `uclink probe` decodes them (manual §2.2–§2.6): +SOFTV:... is the revision.
    if (std::optional<std::string> value = DecodeCapture(step.capture, done.info)) {
      switch (step.capture) {
        case Capture::kManufacturer:
          module_.manufacturer = std::move(*value);
          break;
        case Capture::kModel:
          module_.model = std::move(*value);
          break;
        case Capture::kRevision:
          module_.revision = std::move(*value);
          break;
        case Capture::kImei:
          module_.imei = std::move(*value);
          break;
        case Capture::kImsi:
          module_.imsi = std::move(*value);
          break;
        case Capture::kNone:
          break;
      }
    }
  } else if (!step.optional) {
    failed_step_ = done;
    return StepResult::kFailed;
  }
  if (++step_ >= script_.size()) return StepResult::kCompleted;
  SendAt(AtPurpose::kScriptStep, script_[step_], script_on_data_port_);
  return StepResult::kRunning;
}

std::string ConnectionManager::DescribeFailedStep() const {
  if (!failed_step_ || step_ >= script_.size()) return "script failed";
  std::string text = script_[step_].command + " → " + ToString(failed_step_->outcome);
  if (failed_step_->outcome == chat::FinalKind::kCmeError ||
      failed_step_->outcome == chat::FinalKind::kExtError) {
    text += ": " + std::to_string(failed_step_->code);
  }
  return text;
}

bool ConnectionManager::PollingAllowed() const {
  return state_ == State::kOnlineInband ||
         (state_ == State::kOnline && !options_.config.modem.at_port.empty());
}

void ConnectionManager::Poll(AtPurpose purpose) {
  const bool csq = purpose == AtPurpose::kPollCsq;
  if (pending_at_) {
    (csq ? csq_due_ : cgreg_due_) = true;  // one command at a time: send when this one ends
    return;
  }
  // Manual §2.17 and §2.15; both are local queries with chat's basic timeout.
  static const chat::TimeoutTable kTimeouts;
  ScriptStep step;
  step.command =
      *(csq ? chat::EncodeExec(chat::Command::kCsq) : chat::EncodeRead(chat::Command::kCgreg));
  step.timeout = kTimeouts.For(step.command);
  SendAt(purpose, step);
}

void ConnectionManager::FlushDuePolls() {
  if (pending_at_ || !PollingAllowed()) return;
  if (std::exchange(csq_due_, false)) return Poll(AtPurpose::kPollCsq);
  if (std::exchange(cgreg_due_, false)) return Poll(AtPurpose::kPollCgreg);
}

}  // namespace uclink::control
