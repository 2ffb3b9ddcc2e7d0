// A private system bus for the tests that talk to resolve1 (resolved_test, resolved_errors_test):
// dbus-daemon listening on /run/dbus/system_bus_socket, where the test has mounted a private
// tmpfs in its own mount namespace, and letting every peer own and call anything. Test-only.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>

#include "process/spawn.h"

namespace uclink::control::testing {

struct SystemBus {
  pid_t pid = -1;         ///< the daemon (set as soon as it was spawned), -1 when spawning failed
  bool ready = false;     ///< it printed its address: it listens
  std::error_code error;  ///< why spawning failed
};

/// Writes the bus configuration to `config_path`, starts dbus-daemon with it and waits (bounded:
/// 10 s) for the address it prints once it listens. Its stderr goes to `log` ("" : /dev/null).
inline SystemBus StartSystemBus(const std::string& config_path, const std::string& log = "") {
  std::ofstream(config_path) << R"(<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
)";
  SystemBus result;
  // dbus-daemon prints its address once it listens: that line is the readiness event.
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    result.error = {errno, std::system_category()};
    return result;
  }
  process::SpawnOptions options;
  options.redirects = {process::Null(0), process::FromFd(1, out[1]),
                       log.empty() ? process::Null(2) : process::AppendTo(2, log)};
  const process::Spawned bus =
      process::Spawn({"/usr/bin/dbus-daemon", "--config-file=" + config_path, "--nofork",
                      "--nopidfile", "--print-address=1"},
                     options);
  ::close(out[1]);
  result.pid = bus.pid;
  result.error = bus.error;
  pollfd entry{out[0], POLLIN, 0};
  char line[256];
  result.ready = bus && ::poll(&entry, 1, 10000) == 1 && ::read(out[0], line, sizeof line) > 0;
  ::close(out[0]);
  return result;
}

}  // namespace uclink::control::testing
