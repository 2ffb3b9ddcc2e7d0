// A private system bus for the tests that talk to resolve1 (resolved_test, resolved_errors_test):
// dbus-daemon listening on /run/dbus/system_bus_socket, where the test has mounted a private
// tmpfs in its own mount namespace, and letting every peer own and call anything. Test-only.
#pragma once

#include <sys/types.h>

#include <string>
#include <system_error>

namespace uclink::control::testing {

struct SystemBus {
  pid_t pid = -1;         ///< the daemon (set as soon as it was spawned), -1 when spawning failed
  bool ready = false;     ///< it printed its address: it listens
  std::error_code error;  ///< why spawning failed
};

/// Writes the bus configuration to `config_path`, starts dbus-daemon with it and waits (bounded:
/// 10 s) for the address it prints once it listens. Its stderr goes to `log` ("" : /dev/null).
SystemBus StartSystemBus(const std::string& config_path, const std::string& log = "");

}  // namespace uclink::control::testing
