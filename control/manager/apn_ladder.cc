// network.apn = "auto" and network.roaming (docs/apn.md). The daemon looks the IMSI up and
// answers with the candidates; the manager defines and activates them one by one, moves to the
// next one when the network refuses the PDP context, asks the daemon to remember the one that
// activated, and reports every refusal when none did. Registered-roaming with roaming = deny
// keeps the manager waiting for registration, offline, with last_error roaming-denied.
#include <utility>

#include "chat/error_tables.h"
#include "control/manager/connection_manager.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// Between two candidates: the module is registered and attached, only the context changes, so a
// short pause (not the back-off ladder) is enough to let the network finish its rejection.
constexpr Clock::duration kNextApnDelay = 2s;

// 3GPP TS 27.007 §9.2.2 / manual §3.1: the network refuses this PDP context (APN unknown or
// not subscribed, authentication, unspecified GPRS error), so another APN may work. A plain
// ERROR is how some firmware reports the same (docs/apn.md).
bool IsPdpRejection(const ev::AtDone& done) {
  if (done.outcome == chat::FinalKind::kError) return true;
  if (done.outcome != chat::FinalKind::kCmeError) return false;
  switch (done.code) {
    case 27:   // invalid characters in dial string (an APN the firmware dislikes)
    case 132:  // GPRS service option not supported
    case 133:  // requested service option not subscribed
    case 134:  // service option temporarily out of order
    case 148:  // unspecified GPRS error
    case 149:  // PDP authorisation error
      return true;
    default:
      return false;
  }
}

// Manual §3.1, +CME ERROR 113 "Roaming not allowed in Location Area".
constexpr int kCmeRoamingNotAllowed = 113;

std::string Answer(const ev::AtDone& done) {
  std::string text = ToString(done.outcome);
  if (done.outcome == chat::FinalKind::kCmeError) {
    text += ": " + std::to_string(done.code);
    if (std::optional<std::string_view> meaning = chat::DescribeCme(done.code)) {
      text += " (" + std::string(*meaning) + ")";
    }
  } else if (done.outcome == chat::FinalKind::kExtError) {
    text += ": " + std::to_string(done.code);
  }
  return text;
}

}  // namespace

std::string_view ConnectionManager::CurrentApn() const {
  if (!AutoApn()) return options_.config.network.apn;
  if (apn_.index < apn_.candidates.size()) return apn_.candidates[apn_.index].apn;
  return "";  // no candidate (yet): the module's default context
}

// Credentials the user configured always win; without any, an auto candidate brings the ones
// its provider database entry lists (some operators require a user name even when the
// password is empty).
act::StartPpp ConnectionManager::PppCredentials() const {
  const NetworkConfig& network = options_.config.network;
  const bool configured = !network.username.empty() || !network.password.empty();
  if (configured || !AutoApn() || apn_.index >= apn_.candidates.size()) {
    return {network.username, network.password};
  }
  const ApnChoice& choice = apn_.candidates[apn_.index];
  return {choice.username, choice.password};
}

void ConnectionManager::LookUpApn() {
  apn_ = ApnLadder{};
  apn_.imsi = module_.imsi.value_or("");
  Emit(act::LookUpApn{apn_.imsi});
}

void ConnectionManager::TakeApnCandidates(const ev::ApnCandidates& found) {
  if (!AutoApn() || found.imsi != apn_.imsi) return;  // a late answer for another SIM
  apn_.candidates = found.candidates;
  apn_.index = 0;
  apn_.tried.clear();
  apn_.known = true;
  api::ApnCandidatesFound event{{}, found.error};
  for (const ApnChoice& choice : apn_.candidates) {
    event.candidates.push_back({choice.apn, choice.source});
  }
  Emit(act::Publish{std::move(event)});
}

void ConnectionManager::RunActivation(State state) {
  apn_.waiting = false;
  const auto& config = options_.config;
  const bool dial = state == State::kDialing;
  std::vector<ScriptStep> steps;
  if (AutoApn()) {
    steps =
        Expand(Script::kDefineContext, config.network.cid, CurrentApn(), config.network.pdp_type);
  }
  for (ScriptStep& step :
       Expand(dial ? Script::kDial : Script::kInbandActivate, config.network.cid, CurrentApn())) {
    steps.push_back(std::move(step));
  }
  RunScript(std::move(steps), dial && !config.modem.at_port.empty());
}

bool ConnectionManager::FailOnRoamingError() {
  if (!failed_step_ || failed_step_->outcome != chat::FinalKind::kCmeError ||
      failed_step_->code != kCmeRoamingNotAllowed) {
    return false;
  }
  Fail(Errc::kRoamingDenied, DescribeFailedStep() + " (" + Answer(*failed_step_) + ")");
  return true;
}

bool ConnectionManager::TryNextApn() {
  if (FailOnRoamingError()) return true;
  if (!failed_step_ || !AutoApn() || apn_.index >= apn_.candidates.size()) return false;
  // CGDATA's plain ERROR is also how a module without PPP answers: that is the in-band
  // fallback's case, not an APN's (docs/apn.md).
  const bool on_dial = step_ < script_.size() && script_[step_].expect == Expect::kConnect;
  if (!IsPdpRejection(*failed_step_) ||
      (on_dial && failed_step_->outcome == chat::FinalKind::kError)) {
    return false;
  }
  const std::string apn = apn_.candidates[apn_.index].apn;
  apn_.tried.push_back("\"" + apn + "\" → " + Answer(*failed_step_));
  if (++apn_.index < apn_.candidates.size()) {
    apn_.waiting = true;
    SetTimer(TimerId::kRetry, kNextApnDelay);
    Emit(
        act::Publish{api::ApnRefused{apn, Answer(*failed_step_), apn_.candidates[apn_.index].apn}});
    return true;
  }
  std::string detail = "every APN candidate was refused: ";
  for (std::size_t i = 0; i < apn_.tried.size(); ++i) detail += (i ? "; " : "") + apn_.tried[i];
  apn_.index = 0;  // the next attempt starts from the top (the remembered one) again
  Fail(Errc::kApnRefused, detail);
  return true;
}

bool ConnectionManager::HandleApnRetry(const Event& event) {
  if (!apn_.waiting) return false;
  if (const auto* timer = std::get_if<ev::Timer>(&event); timer && timer->id == TimerId::kRetry) {
    apn_.waiting = false;
    RunActivation(state_);
    return true;
  }
  if (std::holds_alternative<ev::UserDisconnect>(event)) {
    apn_.waiting = false;
    TransitionTo(State::kIdle, "disconnect requested");
    return true;
  }
  return false;  // port loss and the rest: the state's own handling
}

void ConnectionManager::ApnActivated() {
  apn_.waiting = false;
  if (!AutoApn() || apn_.index >= apn_.candidates.size()) return;
  const ApnChoice& choice = apn_.candidates[apn_.index];
  if (choice.apn.empty() || apn_.imsi.empty() || choice.source == "remembered") return;
  const std::string prefix = "auto: ";
  const std::string provider =
      choice.source.rfind(prefix, 0) == 0 ? choice.source.substr(prefix.size()) : choice.source;
  Emit(act::RememberApn{apn_.imsi, choice.apn, provider});
}

bool ConnectionManager::RoamingRefused(int stat) const {
  return stat == 5 && options_.config.network.roaming == RoamingPolicy::kDeny;
}

void ConnectionManager::WaitOutRoaming(int stat) {
  // Offline but watching: no registration timeout (roaming may last hours), the registration
  // poll goes on, and home registration (stat 1) continues the attempt.
  CancelTimer(TimerId::kStateTimeout);
  if (roaming_reported_) return;
  roaming_reported_ = true;
  RecordError(Errc::kRoamingDenied, "+CGREG stat " + std::to_string(stat) +
                                        " (registered, roaming) and network.roaming = deny");
}

void ConnectionManager::FillApnStatus(api::Status& status) const {
  if (!AutoApn()) {
    status.network.apn = options_.config.network.apn;
    status.network.apn_source = "config";
    return;
  }
  if (!apn_.known) return;
  if (apn_.index < apn_.candidates.size()) {
    status.network.apn = apn_.candidates[apn_.index].apn;
    status.network.apn_source = apn_.candidates[apn_.index].source;
  } else {
    status.network.apn = "";
    status.network.apn_source = "auto: module default";
  }
}

}  // namespace uclink::control
