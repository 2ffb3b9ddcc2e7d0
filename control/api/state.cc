#include "control/api/state.h"

#include <array>
#include <utility>

namespace uclink::control::api {
namespace {

// One table, both directions; the order is the enum's.
constexpr std::array<std::pair<State, std::string_view>, 14> kNames = {{
    {State::kIdle, "idle"},
    {State::kProbing, "probing"},
    {State::kConfiguring, "configuring"},
    {State::kAwaitingRegistration, "awaiting-registration"},
    {State::kAttaching, "attaching"},
    {State::kDialing, "dialing"},
    {State::kNegotiatingPpp, "negotiating-ppp"},
    {State::kOnline, "online"},
    {State::kActivatingInband, "activating-inband"},
    {State::kOnlineInband, "online-inband"},
    {State::kHangingUp, "hanging-up"},
    {State::kBackoff, "backoff"},
    {State::kResetting, "resetting"},
    {State::kFailed, "failed"},
}};

}  // namespace

const char* ToString(State state) {
  for (const auto& [value, name] : kNames) {
    if (value == state) return name.data();
  }
  return "?";
}

std::optional<State> StateFromString(std::string_view name) {
  for (const auto& [value, text] : kNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

bool IsOnline(State state) { return state == State::kOnline || state == State::kOnlineInband; }

}  // namespace uclink::control::api
