#include "control/manager/ladder.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace uclink::control {

const char* ToString(FailureClass cls) {
  switch (cls) {
    case FailureClass::kModuleSilent:
      return "module-silent";
    case FailureClass::kRegistrationDenied:
      return "registration-denied";
    case FailureClass::kNoService:
      return "no-service";
    case FailureClass::kAttachFailed:
      return "attach-failed";
    case FailureClass::kPdpRejected:
      return "pdp-rejected";
    case FailureClass::kPppFailed:
      return "ppp-failed";
    case FailureClass::kLinkDead:
      return "link-dead";
  }
  return "?";
}

// docs/state-machine.md, "Back-off per class" explains each number.
const std::array<BackoffRow, 7>& BackoffTable() {
  static const std::array<BackoffRow, 7> kTable = {{
      // The power-cycle rung, not the delay, is what helps a silent module: retry soon.
      {FailureClass::kModuleSilent, 1},
      // A network that refuses us is not helped by asking again at once (3GPP TS 24.008 keeps a
      // refused mobile away for minutes, timer T3402): start at 12 × initial (60 s).
      {FailureClass::kRegistrationDenied, 12},
      {FailureClass::kNoService, 2},
      {FailureClass::kAttachFailed, 2},
      // A PDP context the network rejected is often a wrong APN or a busy GGSN: give it time.
      {FailureClass::kPdpRejected, 4},
      {FailureClass::kPppFailed, 1},
      // A link that was up: the quickest way back is to redial at once.
      {FailureClass::kLinkDead, 1},
  }};
  return kTable;
}

// SIM problems are +CME ERROR 10..16 (3GPP TS 27.007 §9.2.1, manual §3.1). Of those, the ones
// that need a person are permanent: PIN (11) or PUK (12) required, wrong SIM (15), incorrect
// password (16); retrying a PIN could even lock the SIM. "Not inserted" (10), "SIM failure" (13)
// and "busy" (14) can be a loose or slow SIM and are retried like any failure. "+CME ERROR: 4",
// operation not supported (manual 附表 3.1): this firmware cannot do what the step asks (an IPv6
// context on an IPv4-only build, say), and no retry changes firmware.
InitFailure ClassifyInitFailure(AtOutcome outcome, int cme_code) {
  if (outcome != chat::FinalKind::kCmeError) return {Errc::kInitFailed, false};
  if (cme_code >= 10 && cme_code <= 16) {
    const bool needs_a_person =
        cme_code == 11 || cme_code == 12 || cme_code == 15 || cme_code == 16;
    return {Errc::kSimError, needs_a_person};
  }
  if (cme_code == 4) return {Errc::kCommandUnsupported, true};
  return {Errc::kInitFailed, false};
}

FailureClass ClassOf(Errc code) {
  switch (code) {
    case Errc::kRegistrationDenied:
      return FailureClass::kRegistrationDenied;
    case Errc::kRegistrationTimeout:
    case Errc::kRegistrationLost:
      return FailureClass::kNoService;
    case Errc::kAttachFailed:
      return FailureClass::kAttachFailed;
    case Errc::kDialRefused:
    case Errc::kDialTimeout:
    case Errc::kInbandActivationFailed:
      return FailureClass::kPdpRejected;
    case Errc::kPppFailed:
    case Errc::kPppTimeout:
    case Errc::kBackendUnavailable:
      return FailureClass::kPppFailed;
    case Errc::kLinkDead:
    case Errc::kNoCarrier:
    case Errc::kDataPathDead:
    case Errc::kEscapeFailed:
      return FailureClass::kLinkDead;
    default:
      return FailureClass::kModuleSilent;
  }
}

double JitterSource::Next() {
  // splitmix64 (Steele, Lea, Flood 2014): tiny, and the same on every platform, unlike the
  // standard distributions.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-52 - 1.0;
}

std::chrono::steady_clock::duration ClassBackoff(FailureClass cls, int step,
                                                 const BackoffConfig& backoff,
                                                 JitterSource* jitter) {
  int multiplier = 1;
  for (const BackoffRow& row : BackoffTable()) {
    if (row.cls == cls) multiplier = row.first_multiplier;
  }
  using Ms = std::chrono::milliseconds;
  const Ms max = std::chrono::duration_cast<Ms>(backoff.max);
  Ms delay = std::min(std::chrono::duration_cast<Ms>(backoff.initial) * multiplier, max);
  for (int i = 1; i < step && delay < max; ++i) delay = std::min(delay * 2, max);
  if (jitter != nullptr) {
    const double factor = 1.0 + kJitter * jitter->Next();
    delay =
        Ms(static_cast<std::int64_t>(std::llround(static_cast<double>(delay.count()) * factor)));
  }
  return std::max(delay, Ms(1));
}

const char* ToString(Rung rung) {
  switch (rung) {
    case Rung::kReinit:
      return "re-init";
    case Rung::kRadioCycle:
      return "radio-cycle";
    case Rung::kPowerCycle:
      return "power-cycle";
    case Rung::kEscalate:
      return "escalate";
  }
  return "?";
}

namespace {

template <typename T>
void Read(const nlohmann::json& doc, const char* key, T* out) {
  auto it = doc.find(key);
  if (it == doc.end()) return;
  if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) {
    if (it->is_number_integer()) *out = it->get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) *out = it->get<std::string>();
  }
}

template <typename T>
void ReadOptional(const nlohmann::json& doc, const char* key, std::optional<T>* out) {
  T value{};
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return;
  Read(doc, key, &value);
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) *out = value;
  } else {
    if (it->is_number_integer()) *out = value;
  }
}

template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json RecoveryState::ToJson() const {
  return {
      {"schema", kSchema},
      {"consecutive_failures", consecutive_failures},
      {"failures_since_reset", failures_since_reset},
      {"resets_since_online", resets_since_online},
      {"resets", resets},
      {"last_reset", OrNull(last_reset)},
      {"last_reset_result", last_reset_result},
      {"last_escalation", OrNull(last_escalation)},
      {"escalations", escalations},
      {"last_online", OrNull(last_online)},
      {"last_error", last_error_code ? nlohmann::json{{"code", *last_error_code},
                                                      {"message", last_error_message.value_or("")},
                                                      {"at", OrNull(last_error_at)}}
                                     : nlohmann::json(nullptr)},
  };
}

RecoveryState RecoveryState::FromJson(const nlohmann::json& doc) {
  RecoveryState s;
  if (!doc.is_object()) return s;
  Read(doc, "consecutive_failures", &s.consecutive_failures);
  Read(doc, "failures_since_reset", &s.failures_since_reset);
  Read(doc, "resets_since_online", &s.resets_since_online);
  if (auto it = doc.find("resets"); it != doc.end() && it->is_array()) {
    for (const auto& t : *it) {
      if (t.is_number_integer() && s.resets.size() < 1000)
        s.resets.push_back(t.get<std::int64_t>());
    }
  }
  ReadOptional(doc, "last_reset", &s.last_reset);
  Read(doc, "last_reset_result", &s.last_reset_result);
  ReadOptional(doc, "last_escalation", &s.last_escalation);
  Read(doc, "escalations", &s.escalations);
  ReadOptional(doc, "last_online", &s.last_online);
  if (auto it = doc.find("last_error"); it != doc.end() && it->is_object()) {
    ReadOptional(*it, "code", &s.last_error_code);
    ReadOptional(*it, "message", &s.last_error_message);
    ReadOptional(*it, "at", &s.last_error_at);
  }
  // Counters from a damaged or hand-edited file must not be negative.
  s.consecutive_failures = std::max(s.consecutive_failures, 0);
  s.failures_since_reset = std::max(s.failures_since_reset, 0);
  s.resets_since_online = std::max(s.resets_since_online, 0);
  s.escalations = std::max(s.escalations, 0);
  return s;
}

void RecoveryState::Prune(std::int64_t unix_now) {
  std::erase_if(resets, [unix_now](std::int64_t t) { return t <= unix_now - 3600; });
}

namespace {

// A clock set back (no RTC before NTP) could put the last escalation in the future: treat a
// future time as "just now", so the interval is still respected.
bool EscalationAllowed(const RecoveryConfig& config, const RecoveryState& state,
                       std::int64_t unix_now) {
  if (config.escalate_command.empty()) return false;
  if (state.resets_since_online < config.escalate_after_resets) return false;
  if (!state.last_escalation) return true;
  const std::int64_t since = unix_now - *state.last_escalation;
  return since >= config.escalate_min_interval.count();
}

}  // namespace

std::optional<int> FailuresUntilReset(const RecoveryConfig& config, const RecoveryState& state) {
  if (config.reset_command.empty()) return std::nullopt;
  return std::max(config.reset_after - state.failures_since_reset, 0);
}

RungDecision DecideRung(const RecoveryConfig& config, const RecoveryState& state,
                        bool module_silent, std::int64_t unix_now) {
  RungDecision decision;
  const bool reset_due = !config.reset_command.empty() &&
                         (module_silent || state.failures_since_reset >= config.reset_after);
  if (reset_due) {
    if (EscalationAllowed(config, state, unix_now)) {
      decision.rung = Rung::kEscalate;
      return decision;
    }
    int in_last_hour = 0;
    std::int64_t oldest = unix_now;
    for (std::int64_t t : state.resets) {
      if (t > unix_now - 3600) {
        ++in_last_hour;
        oldest = std::min(oldest, t);
      }
    }
    if (in_last_hour < config.max_resets_per_hour) {
      decision.rung = Rung::kPowerCycle;
      return decision;
    }
    decision.reset_held_until = oldest + 3600;
  }
  decision.rung =
      state.consecutive_failures >= config.cfun_cycle_after ? Rung::kRadioCycle : Rung::kReinit;
  return decision;
}

}  // namespace uclink::control
