// The names of the manager's timers, phases and events, for logs and tests (the states' names
// are the control API's: control/api/state.cc).
#include <iterator>
#include <variant>

#include "control/manager/connection_manager.h"

namespace uclink::control {

const char* ToString(TimerId timer) {
  switch (timer) {
    case TimerId::kStateTimeout:
      return "state-timeout";
    case TimerId::kRetry:
      return "retry";
    case TimerId::kCsqPoll:
      return "csq-poll";
    case TimerId::kCgregPoll:
      return "cgreg-poll";
    case TimerId::kRegistrationLost:
      return "registration-lost";
    case TimerId::kOnlineStable:
      return "online-stable";
    case TimerId::kRetryPpp:
      return "retry-ppp";
    case TimerId::kHealthProbe:
      return "health-probe";
  }
  return "?";
}

const char* ToString(AtPurpose purpose) {
  switch (purpose) {
    case AtPurpose::kProbe:
      return "probe";
    case AtPurpose::kScriptStep:
      return "script-step";
    case AtPurpose::kPollCsq:
      return "poll-csq";
    case AtPurpose::kPollCgreg:
      return "poll-cgreg";
    case AtPurpose::kSlice:
      return "slice";
  }
  return "?";
}

const char* ToString(HangupPhase phase) {
  switch (phase) {
    case HangupPhase::kStart:
      return "start";
    case HangupPhase::kStoppingPpp:
      return "stopping-ppp";
    case HangupPhase::kAwaitingNoCarrier:
      return "awaiting-no-carrier";
    case HangupPhase::kResync:
      return "resync";
    case HangupPhase::kDeactivating:
      return "deactivating";
  }
  return "?";
}

const char* ToString(NextStep next) {
  switch (next) {
    case NextStep::kIdle:
      return "idle";
    case NextStep::kBackoff:
      return "backoff";
    case NextStep::kRedial:
      return "redial";
    case NextStep::kInband:
      return "inband";
    case NextStep::kFailed:
      return "failed";
    case NextStep::kReset:
      return "reset";
  }
  return "?";
}

const char* EventName(const Event& event) {
  static constexpr const char* kNames[] = {"user-connect",
                                           "user-disconnect",
                                           "at-done",
                                           "registration",
                                           "signal",
                                           "no-carrier",
                                           "ppp-up",
                                           "ppp-down",
                                           "ppp-unavailable",
                                           "port-closed",
                                           "module-restarted",
                                           "probe-result",
                                           "tick",
                                           "timer",
                                           "apn-candidates",
                                           "ipv6-changed",
                                           "reset-done",
                                           "link-counters",
                                           "usage-limit-reached",
                                           "usage-period-started"};
  static_assert(std::size(kNames) == std::variant_size_v<Event>);
  return kNames[event.index()];
}

}  // namespace uclink::control
