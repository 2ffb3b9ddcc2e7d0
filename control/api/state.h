// The connection manager's states and their wire names: the status document's "state" and the
// "state" event (docs/control-api.md, docs/state-machine.md). The manager runs them; the names
// belong to the control API, which the CLI reads without knowing the manager.
#pragma once

#include <optional>
#include <string_view>

namespace uclink::control::api {

/// What the connection manager is doing.
enum class State {
  kIdle,                  ///< offline by request; nothing in progress
  kProbing,               ///< "AT" until the module answers (recovering a stuck data mode)
  kConfiguring,           ///< init script: ATE0, CMEE, CFUN, identity, CGDCONT, CGREG=1
  kAwaitingRegistration,  ///< waiting for +CGREG stat 1 or 5 (URC or poll)
  kAttaching,             ///< AT+CGATT=1
  kDialing,               ///< AT+CGDATA="PPP",<cid> → CONNECT
  kNegotiatingPpp,        ///< PPP backend running, IPCP not yet up
  kOnline,                ///< PPP up with an address
  kActivatingInband,      ///< AT+CGACT=1,<cid> for the module's own IP stack
  kOnlineInband,          ///< PDP active, in-band services usable, AT polling continues
  kHangingUp,             ///< stop PPP, wait NO CARRIER, resync AT, AT+CGACT=0
  kBackoff,               ///< waiting before the next attempt
  kResetting,             ///< recovery.reset_command runs, then the banner or an OK is awaited
  kFailed,                ///< a permanent problem (last_error says which); a connect starts over
};

/// The wire name: "idle", "awaiting-registration", "online-inband", ...
const char* ToString(State state);
/// The state a wire name stands for; nullopt for a name this build does not know.
std::optional<State> StateFromString(std::string_view name);
/// Online through PPP or in-band: `connect --wait` is done.
bool IsOnline(State state);

}  // namespace uclink::control::api
