// Which programs in hooks.dir run, and the environment they get (docs/system-integration.md,
// "Dispatcher hooks"). The rule is NetworkManager-dispatcher's: a regular, executable file owned
// by root and writable by nobody else; anything else is skipped with a reason, because a hook
// runs as root with the daemon's privileges. Shared by uclinkd and `uclink doctor`; no Asio.
#pragma once

#include <string>
#include <vector>

namespace uclink::control {

/// The events hooks run on: "up", "down", "state", "reset", "usage-limit".
enum class HookEvent { kUp, kDown, kState, kReset, kUsageLimit };
const char* ToString(HookEvent event);

/// What a hook learns about the link (the status document's words, docs/control-api.md).
struct HookContext {
  std::string state;  ///< manager state, e.g. "online"
  std::string mode;   ///< "ppp" | "inband" | "none"
  std::string interface;
  std::string address;
  std::string peer;
  std::vector<std::string> dns;
  std::string last_error;  ///< "code: message", "" when none
};

/// UCLINK_EVENT, UCLINK_STATE, UCLINK_MODE, UCLINK_INTERFACE, UCLINK_ADDRESS, UCLINK_PEER,
/// UCLINK_DNS (space-separated), UCLINK_LAST_ERROR, as NAME=VALUE; every name always present.
std::vector<std::string> HookEnvironment(HookEvent event, const HookContext& context);

/// One look at the hooks directory.
struct HookScan {
  bool dir_exists = false;
  std::string dir_problem;            ///< why the directory cannot be read ("" = fine)
  std::vector<std::string> programs;  ///< full paths to run, in byte order of their names
  std::vector<std::string> skipped;   ///< "NAME: reason", one per refused entry
};

/// Reads `dir`: names starting with '.' and editor/package leftovers (~, .dpkg-*, .rpm*) are
/// ignored silently; every other entry is a program to run or a reason it is skipped.
HookScan ScanHooks(const std::string& dir);

}  // namespace uclink::control
