// The pppd command line uclink execs (no shell), on the slave of the pty that uclink bridges to
// the serial port. pppd only negotiates, the way NetworkManager runs it for a modem that
// ModemManager dialed: no connect script (uclink dialed), foreground child (nodetach), no
// default route and no resolv.conf of its own (uclink applies both from the hook's events).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace uclink::pppif {

/// Everything that shapes pppd's argv. Credentials are not here: the user name is, the password
/// only ever reaches pppd through `secrets_file` (pppif/pppd_secrets.h).
struct PppdOptions {
  std::string pppd_path = "/usr/sbin/pppd";
  std::string tty;          ///< the pty slave, e.g. "/dev/pts/3"
  int baud = 115200;        ///< a pty slave reports speed 0 and pppd refuses it without a speed
  std::string ipparam;      ///< the connection id; the hook reports it back with every event
  std::optional<int> unit;  ///< "unit N": ppp<N> when free
  std::string ifname;       ///< "ifname NAME" (wins over unit in pppd); empty = pppd's choice
  std::optional<int> mtu;   ///< "mtu N"; nullopt = pppd's default (1500)
  std::optional<int> mru;   ///< "mru N"
  int lcp_echo_interval_s = 30;  ///< 0 disables echo (it overrides /etc/ppp/options either way)
  int lcp_echo_failure = 4;
  std::string username;      ///< "user NAME" when non-empty
  std::string secrets_file;  ///< "file PATH": the 0600 options file holding `password`
  std::string hook_path;     ///< ip-up/ip-down helper (//pppif:pppd_hook); empty = none
  std::string event_socket;  ///< where the helper sends its datagrams (UCLINK_PPPD_EVENTS)
  bool debug = false;        ///< pppd's packet log (passwords stay hidden: hide-password)
  /// network.pdp_type "IPV6": "+ipv6 ipv6cp-accept-local" (docs/ppp-engine.md, "IPv6").
  bool ipv6 = false;
  std::vector<std::string> user_options;  ///< appended verbatim, after the reserved-word check
};

/// The environment variable (pppd `set`) that tells the hook where to report.
inline constexpr const char* kPppdEventSocketEnv = "UCLINK_PPPD_EVENTS";

/// pppd's argv (argv[0] = pppd_path), or an error naming the first invalid field.
struct PppdArgv {
  std::vector<std::string> argv;
  std::error_code error;
};
PppdArgv BuildPppdArgv(const PppdOptions& options);

/// Whether `word` may appear in user_options. Reserved: options that would put a secret on the
/// command line or in a log (password, show-password, record), detach pppd from supervision
/// (detach, updetach, persist, demand), take the line away from the bridge (connect, disconnect,
/// init, pty, notty, socket, welcome, modem), or override what uclink wires itself (file, call,
/// ipparam, ifname, unit, set, unset, ip-up-script, ip-down-script, logfd, logfile).
bool IsReservedPppdOption(const std::string& word);

}  // namespace uclink::pppif
