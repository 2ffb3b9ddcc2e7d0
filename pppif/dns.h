// Hands the DNS servers IPCP negotiated (RFC 1877) to the system, and takes them back on
// teardown. Two methods: write a resolv.conf file atomically (the whole file is ours while the
// link is up, as pppd's usepeerdns does with /etc/ppp/resolv.conf), or give them to a
// resolvconf(8)-compatible program (Debian resolvconf, openresolv, systemd's resolvectl alias),
// executed directly with no shell.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "pppif/ipv4.h"

namespace uclink::pppif {

/// Where DNS servers go.
enum class DnsMethod {
  kNone,               ///< leave name resolution alone
  kResolvConfFile,     ///< replace a resolv.conf file; restore it on teardown
  kResolvconfProgram,  ///< `resolvconf -a IFACE` with the servers on stdin; `-d IFACE` to undo
};
const char* ToString(DnsMethod method);

/// DNS hand-off configuration.
struct DnsOptions {
  DnsMethod method = DnsMethod::kNone;
  /// kResolvConfFile: the file to replace (a symlink is replaced and later restored as a link).
  std::string resolv_conf_path = "/etc/resolv.conf";
  /// kResolvconfProgram: the program's absolute path.
  std::string resolvconf_program = "/sbin/resolvconf";
  /// kResolvconfProgram: how long the program may run before it is killed.
  std::chrono::milliseconds program_timeout{5000};
};

/// The resolv.conf text for `servers`: a comment naming the interface, then one nameserver line
/// per server in order, then one per IPv6 server (the router advertisement's RDNSS, RFC 8106);
/// an IPv6 entry that is not an IPv6 address is left out.
std::string FormatResolvConf(const std::string& ifname, const std::vector<Ipv4>& servers,
                             const std::vector<std::string>& ipv6_servers = {});

/// Applies and reverts DNS servers for one link. Calls block: a file write, or running the
/// program (bounded by program_timeout).
class DnsConfigurator {
 public:
  explicit DnsConfigurator(DnsOptions options) : options_(std::move(options)) {}
  /// Reverts whatever is still applied.
  ~DnsConfigurator();
  DnsConfigurator(const DnsConfigurator&) = delete;
  DnsConfigurator& operator=(const DnsConfigurator&) = delete;

  /// Publishes `servers` (and `ipv6_servers` after them) for `ifname`; nothing to publish is
  /// not an error. A second Apply replaces the first.
  std::error_code Apply(const std::string& ifname, const std::vector<Ipv4>& servers,
                        const std::vector<std::string>& ipv6_servers = {});
  /// Undoes Apply(): restores the previous file (or removes ours), or runs `-d IFACE`.
  /// Idempotent.
  std::error_code Revert();

 private:
  // What the resolv.conf path held before Apply(), so Revert() can put it back.
  struct Previous {
    enum class Kind { kAbsent, kFile, kSymlink } kind = Kind::kAbsent;
    std::string content;  ///< file bytes, or the symlink's target
    unsigned mode = 0644;
  };

  std::error_code ApplyFile(const std::string& text);
  std::error_code RevertFile();

  DnsOptions options_;
  std::optional<Previous> previous_;           // set while a file is applied
  std::optional<std::string> applied_ifname_;  // set while resolvconf holds our entry
};

/// Runs `argv[0]` (an absolute path) with `argv`, `input` on its stdin, stdout/stderr discarded;
/// waits at most `timeout` and kills it after that. Returns the error, or success on exit 0.
std::error_code RunProgram(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout);

}  // namespace uclink::pppif
