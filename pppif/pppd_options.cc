#include "pppif/pppd_options.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "pppif/pppd_errc.h"

namespace uclink::pppif {
namespace {

constexpr std::array<std::string_view, 27> kReserved = {
    "password", "show-password", "record",       "+ua",   "detach",  "updetach",      "persist",
    "demand",   "connect",       "disconnect",   "init",  "pty",     "notty",         "socket",
    "welcome",  "modem",         "file",         "call",  "ipparam", "ifname",        "unit",
    "set",      "unset",         "ip-up-script", "logfd", "logfile", "ip-down-script"};

bool HasControlOrSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

bool IsAbsolutePath(std::string_view path) {
  return !path.empty() && path.front() == '/' && !HasControlOrSpace(path) && path.size() < 4096;
}

bool IsInterfaceName(std::string_view name) {
  // IFNAMSIZ is 16 including the NUL; pppd terminates when the name cannot be used.
  return !name.empty() && name.size() <= 15 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// pppd(8): "mtu n" / "mru n"; values below 128 are refused for MRU, and the kernel caps both.
bool IsMtu(const std::optional<int>& value) { return !value || (*value >= 128 && *value <= 16384); }

std::error_code Validate(const PppdOptions& o) {
  if (!IsAbsolutePath(o.pppd_path) || !IsAbsolutePath(o.tty)) return PppdErrc::kBadTty;
  if (o.baud <= 0) return PppdErrc::kBadBaud;
  if (!o.ifname.empty() && !IsInterfaceName(o.ifname)) return PppdErrc::kBadInterfaceName;
  if (o.unit && (*o.unit < 0 || *o.unit > 9999)) return PppdErrc::kBadUnit;
  if (!IsMtu(o.mtu) || !IsMtu(o.mru)) return PppdErrc::kBadMtu;
  if (o.lcp_echo_interval_s < 0 || o.lcp_echo_failure < 0) return PppdErrc::kBadEcho;
  // The hook reports ipparam inside a line-oriented datagram: no whitespace or control bytes.
  if (o.ipparam.empty() || o.ipparam.size() > 64 || HasControlOrSpace(o.ipparam)) {
    return PppdErrc::kBadIpparam;
  }
  if (!o.username.empty() && (o.username.size() > 255 || HasControlOrSpace(o.username))) {
    return PppdErrc::kBadUsername;
  }
  if (!o.secrets_file.empty() && !IsAbsolutePath(o.secrets_file)) return PppdErrc::kBadPath;
  if (!o.hook_path.empty() && !IsAbsolutePath(o.hook_path)) return PppdErrc::kBadPath;
  if (!o.event_socket.empty() && !IsAbsolutePath(o.event_socket)) return PppdErrc::kBadPath;
  for (const auto& word : o.user_options) {
    if (IsReservedPppdOption(word)) return PppdErrc::kReservedOption;
  }
  return {};
}

void Append(std::vector<std::string>& argv, std::initializer_list<std::string> words) {
  argv.insert(argv.end(), words);
}

}  // namespace

bool IsReservedPppdOption(const std::string& word) {
  return std::find(kReserved.begin(), kReserved.end(), word) != kReserved.end();
}

PppdArgv BuildPppdArgv(const PppdOptions& o) {
  PppdArgv result;
  if ((result.error = Validate(o))) return result;
  auto& argv = result.argv;
  Append(argv, {o.pppd_path, o.tty, std::to_string(o.baud)});
  // Debian's /etc/ppp/options says `auth crtscts lock modem`; each is overridden here because
  // pppd reads that file first and a pty slave has no modem lines, no RTS/CTS and needs no lock
  // (uclink holds the real port). nodetach: uclink supervises the child and reads its status.
  Append(argv, {"nodetach", "noauth", "local", "nocrtscts", "nolock", "hide-password"});
  // NM's recipe: the manager owns routes and DNS (nodefaultroute), asks the network for
  // addresses and DNS (noipdefault, usepeerdns) and disables compression GPRS networks don't
  // carry (novj, nobsdcomp, nodeflate). idle 0: never hang up for idleness; the manager decides.
  Append(argv, {"noipdefault", "nodefaultroute", "usepeerdns", "novj", "nobsdcomp", "nodeflate",
                "idle", "0"});
  Append(argv, {"lcp-echo-interval", std::to_string(o.lcp_echo_interval_s), "lcp-echo-failure",
                std::to_string(o.lcp_echo_failure)});
  Append(argv, {"ipparam", o.ipparam});
  if (o.unit) Append(argv, {"unit", std::to_string(*o.unit)});
  if (!o.ifname.empty()) Append(argv, {"ifname", o.ifname});
  if (o.mtu) Append(argv, {"mtu", std::to_string(*o.mtu)});
  if (o.mru) Append(argv, {"mru", std::to_string(*o.mru)});
  if (!o.username.empty()) Append(argv, {"user", o.username});
  if (!o.secrets_file.empty()) Append(argv, {"file", o.secrets_file});
  if (!o.hook_path.empty()) {
    // The same helper serves both: pppd sets CONNECT_TIME only for ip-down (pppd(8) SCRIPTS).
    Append(argv, {"ip-up-script", o.hook_path, "ip-down-script", o.hook_path});
  }
  if (!o.event_socket.empty()) {
    // pppd runs scripts with an empty environment; `set` is its way to add a variable.
    Append(argv, {"set", std::string(kPppdEventSocketEnv) + "=" + o.event_socket});
  }
  if (o.ipv6) {
    // pppd 2.4.9 negotiates IPV6CP only with +ipv6. ipv6cp-accept-local takes the identifier
    // the network Naks us with (RFC 5072 §4.1), as the userspace engine does; the identifier
    // pppd starts from is its own (a persistent id or a random one).
    Append(argv, {"+ipv6", "ipv6cp-accept-local"});
  }
  if (o.debug) argv.push_back("debug");
  argv.insert(argv.end(), o.user_options.begin(), o.user_options.end());
  return result;
}

}  // namespace uclink::pppif
