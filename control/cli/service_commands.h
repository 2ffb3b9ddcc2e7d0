// `uclink tcp|udp|http|ftp|mqtt`: the in-band services with identical output in PPP
// mode (--native) and in-band mode (--port P: the in-band clients run directly on the module's
// AT port). See docs/services.md for the commands, exit codes and the payload rules.
#ifndef UCLINK_CONTROL_CLI_SERVICE_COMMANDS_H_
#define UCLINK_CONTROL_CLI_SERVICE_COMMANDS_H_

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

// Adds the tcp, udp, http, ftp and mqtt subcommands to `app`.
void AddServiceCommands(CLI::App& app);

}  // namespace uclink::control::cli

#endif  // UCLINK_CONTROL_CLI_SERVICE_COMMANDS_H_
