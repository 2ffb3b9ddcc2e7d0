// `uclink tcp|udp|http|ftp|mqtt`: the in-band services with identical output in PPP
// mode (--native) and in-band mode (--port P: the in-band clients run directly on the module's
// AT port). See docs/services.md for the commands, exit codes and the payload rules.
#pragma once

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

// Adds the tcp, udp, http, ftp and mqtt subcommands to `app`.
void AddServiceCommands(CLI::App& app);

}  // namespace uclink::control::cli
