// Where the doctor looks: every host path and identity it reads, so tests can point the checks at
// a fake tree in a temp dir (fake /proc, lock dir, device nodes, udev database, /etc/group).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace uclink::control::doctor {

/// Who is asking: the identity permission checks compare against.
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups of this process
  std::string user;           ///< login name, for the usermod fix ("" if unknown)
};

/// The host as the checks see it.
struct Environment {
  std::string proc_dir = "/proc";
  std::string lock_dir = "/run/lock";  ///< UUCP lock files (pppd's `lock`, chat/serial_port.h)
  std::string dev_ppp = "/dev/ppp";
  std::string dev_tun = "/dev/net/tun";
  std::string udev_data_dir = "/run/udev/data";  ///< udev database: c<major>:<minor> files
  std::string group_file = "/etc/group";
  std::string resolv_conf = "/etc/resolv.conf";                   ///< interface.dns = "file"
  std::string resolvconf_program = "/sbin/resolvconf";            ///< interface.dns = "resolvconf"
  std::string system_bus_socket = "/run/dbus/system_bus_socket";  ///< systemd-resolved's bus
  std::vector<std::string> path_dirs = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                        "/usr/bin",        "/sbin",          "/bin"};
  pid_t self_pid = 0;  ///< never reported as holding the port (the doctor's own descriptors)
  Credentials credentials;
};

/// The real host: this process's credentials and pid, the default paths.
Environment HostEnvironment();

/// A process seen in the proc tree.
struct ProcessInfo {
  pid_t pid = 0;
  std::string command;  ///< /proc/PID/comm, else argv[0] from cmdline, else "?"
};

/// The command name of `pid` (see ProcessInfo::command), or nullopt when no such process.
std::optional<std::string> ProcessCommand(const Environment& env, pid_t pid);

/// Processes whose command name is exactly `command` (e.g. "ModemManager").
std::vector<ProcessInfo> FindProcessesNamed(const Environment& env, const std::string& command);

/// Processes other than env.self_pid with an open descriptor on the file at `path` (same device
/// number for character devices, else same inode). Unreadable processes are skipped and counted
/// in `*unreadable` when given.
std::vector<ProcessInfo> FindHolders(const Environment& env, const std::string& path,
                                     int* unreadable = nullptr);

/// True when `pid` holds the pty master (/dev/ptmx) whose slave has index `pty_index`, read
/// from /proc/PID/fdinfo "tty-index:" (Linux >= 4.20): that process is the device's other end.
bool HoldsPtyMaster(const Environment& env, pid_t pid, int pty_index);

/// Name of group `gid` from env.group_file, and its listed members.
struct GroupEntry {
  std::string name;
  std::vector<std::string> members;
};
std::optional<GroupEntry> LookupGroup(const Environment& env, gid_t gid);

/// The effective capability mask from <proc>/self/status ("CapEff:"), or nullopt.
std::optional<unsigned long long> EffectiveCapabilities(const Environment& env);

}  // namespace uclink::control::doctor
