#include "control/doctor/system_checks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include "chat/serial_port.h"

namespace uclink::control::doctor {
namespace {

constexpr int kCapNetAdmin = 12;  // linux/capability.h

std::string Basename(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The device the path finally names (a --link symlink, /dev/serial/by-id/...), or the path.
std::string Resolved(const std::string& path) {
  char buffer[PATH_MAX];
  return ::realpath(path.c_str(), buffer) != nullptr ? std::string(buffer) : path;
}

// Unix98 pty slaves are majors 136–143 (Documentation/admin-guide/devices.txt).
std::optional<int> PtyIndex(const struct stat& st) {
  if (!S_ISCHR(st.st_mode)) return std::nullopt;
  const unsigned major_number = major(st.st_rdev);
  if (major_number < 136 || major_number > 143) return std::nullopt;
  return static_cast<int>((major_number - 136) * 256 + minor(st.st_rdev));
}

std::string Describe(const ProcessInfo& p) {
  return "PID " + std::to_string(p.pid) + " (" + p.command + ")";
}

// pppd utils.c lock() writes "%10d\n"; old Kermit-style locks hold the pid as a binary int.
std::optional<int> ReadLockPid(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::array<char, 64> buffer{};
  in.read(buffer.data(), buffer.size());
  const auto size = static_cast<std::size_t>(in.gcount());
  std::string_view text(buffer.data(), size);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  int pid = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec == std::errc() && pid > 0 && end != text.data()) return pid;
  if (size == sizeof(int)) {
    std::memcpy(&pid, buffer.data(), sizeof pid);
    if (pid > 0) return pid;
  }
  return 0;  // present but unreadable: treated as stale, like TakeLock()
}

// "" when `path` is a character device that opens read-write; else what is wrong.
std::string DeviceProblem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + " does not exist";
  if (!S_ISCHR(st.st_mode)) return path + " is not a character device";
  const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    std::string problem = path + " cannot be opened: " + std::strerror(error);
    if (error == ENODEV || error == ENXIO) problem += " (its kernel module is not loaded)";
    return problem;
  }
  ::close(fd);
  return "";
}

CheckResult Ok(std::string name, std::string finding) {
  return {std::move(name), CheckStatus::kOk, std::move(finding), ""};
}

}  // namespace

CheckResult CheckPortExists(const std::string& port) {
  struct stat st {};
  if (::stat(port.c_str(), &st) != 0) {
    return {"port", CheckStatus::kFail, port + " does not exist (" + std::strerror(errno) + ")",
            "plug the module in and check `dmesg | tail` for its tty name (ttyUSB*, ttyACM*, "
            "ttyS*, ttyAMA*), then pass --port or set [modem] port in the configuration"};
  }
  if (!S_ISCHR(st.st_mode)) {
    return {"port", CheckStatus::kFail, port + " is not a character device (not a serial port)",
            "point --port or [modem] port at the module's tty"};
  }
  const std::string resolved = Resolved(port);
  return Ok("port", resolved == port ? port + " exists" : port + " exists (" + resolved + ")");
}

CheckResult CheckPortLock(const Environment& env, const std::string& port) {
  // uclink locks the name it was given (chat/serial_port.h); other tools lock the real name.
  std::vector<std::string> paths = {chat::SerialPort::LockPathFor(env.lock_dir, port)};
  const std::string real = chat::SerialPort::LockPathFor(env.lock_dir, Resolved(port));
  if (real != paths.front()) paths.push_back(real);
  for (const std::string& path : paths) {
    const std::optional<int> pid = ReadLockPid(path);
    if (!pid) continue;
    const auto command = *pid > 0 ? ProcessCommand(env, *pid) : std::nullopt;
    if (command) {
      return {"port_lock", CheckStatus::kFail,
              "locked by PID " + std::to_string(*pid) + " (" + *command + ") through " + path,
              "stop that program first (`kill " + std::to_string(*pid) +
                  "`, or `systemctl stop` its service); if it is uclinkd, use `uclink status` / "
                  "`uclink at` instead of opening the port"};
    }
    return {"port_lock", CheckStatus::kWarn,
            "stale lock file " + path +
                (*pid > 0 ? " (PID " + std::to_string(*pid) + " is gone)" : " (no valid PID)"),
            "uclink removes it when it opens the port; or remove it now: rm " + path};
  }
  return Ok("port_lock", "no lock file in " + env.lock_dir);
}

CheckResult CheckPortBusy(const Environment& env, const std::string& port) {
  int unreadable = 0;
  const std::vector<ProcessInfo> holders = FindHolders(env, port, &unreadable);
  struct stat st {};
  const std::optional<int> pty = ::stat(port.c_str(), &st) == 0 ? PtyIndex(st) : std::nullopt;
  std::vector<ProcessInfo> others;
  std::string other_end;
  for (const ProcessInfo& holder : holders) {
    if (pty && HoldsPtyMaster(env, holder.pid, *pty)) {
      other_end = Describe(holder);
    } else {
      others.push_back(holder);
    }
  }
  const std::string note =
      unreadable > 0 ? " (" + std::to_string(unreadable) +
                           " processes could not be inspected: run as root to see them all)"
                     : "";
  if (others.empty()) {
    std::string finding = "no other process has " + port + " open";
    if (!other_end.empty()) finding += "; " + other_end + " is the pty's other end (the module)";
    return Ok("port_busy", finding + note);
  }
  std::string finding = port + " is open in ";
  bool modem_manager = false;
  std::string pids;
  for (std::size_t i = 0; i < others.size(); ++i) {
    finding += (i == 0 ? "" : ", ") + Describe(others[i]);
    pids += (i == 0 ? "" : " ") + std::to_string(others[i].pid);
    modem_manager = modem_manager || others[i].command == "ModemManager";
  }
  std::string fix = "stop it before uclink uses the port (`kill " + pids +
                    "` or `systemctl stop` its service); two readers split the module's answers";
  if (modem_manager) {
    fix =
        "keep ModemManager away from the port: a udev rule with ENV{ID_MM_DEVICE_IGNORE}=\"1\" "
        "(see the modemmanager check), or `systemctl stop ModemManager`";
  }
  return {"port_busy", CheckStatus::kFail, finding + note, fix};
}

CheckResult CheckPortPermission(const Environment& env, const std::string& port) {
  struct stat st {};
  if (::stat(port.c_str(), &st) != 0) {
    return {"port_permission", CheckStatus::kFail, "cannot stat " + port, "see the port check"};
  }
  const Credentials& who = env.credentials;
  if (who.uid == 0) return Ok("port_permission", "running as root");
  const bool in_group = who.gid == st.st_gid || std::find(who.groups.begin(), who.groups.end(),
                                                          st.st_gid) != who.groups.end();
  const mode_t rw = who.uid == st.st_uid ? (S_IRUSR | S_IWUSR)
                    : in_group           ? (S_IRGRP | S_IWGRP)
                                         : (S_IROTH | S_IWOTH);
  const auto group = LookupGroup(env, st.st_gid);
  const std::string group_name = group ? group->name : std::to_string(st.st_gid);
  if ((st.st_mode & rw) == rw) {
    return Ok("port_permission", "read/write allowed (group " + group_name + ")");
  }
  const std::string user = who.user.empty() ? "$USER" : who.user;
  std::string finding = "no read/write access to " + port + " (owner group " + group_name + ")";
  if ((st.st_mode & (S_IRGRP | S_IWGRP)) != (S_IRGRP | S_IWGRP)) {
    return {"port_permission", CheckStatus::kFail, finding,
            "give a group access with a udev rule, e.g. KERNEL==\"" + Basename(Resolved(port)) +
                "\", GROUP=\"dialout\", MODE=\"0660\" in /etc/udev/rules.d/99-uclink.rules and "
                "`udevadm trigger`, then join that group; or run as root"};
  }
  const bool listed = group && std::find(group->members.begin(), group->members.end(), user) !=
                                   group->members.end();
  if (listed) {
    return {"port_permission", CheckStatus::kFail,
            finding + "; " + user + " is listed in " + group_name +
                " but this login session started before that",
            "log out and back in (or run `newgrp " + group_name + "`)"};
  }
  return {"port_permission", CheckStatus::kFail, finding,
          "sudo usermod -aG " + group_name + " " + user + ", then log out and back in"};
}

CheckResult CheckModemManager(const Environment& env, const std::string& port) {
  const std::vector<ProcessInfo> running = FindProcessesNamed(env, "ModemManager");
  if (running.empty()) return Ok("modemmanager", "ModemManager is not running");
  const std::string who = "ModemManager is running (" + Describe(running.front()) + ")";
  struct stat st {};
  if (::stat(port.c_str(), &st) == 0 && PtyIndex(st)) {
    return Ok("modemmanager", who + " but does not probe pseudo-terminals");
  }
  if (::stat(port.c_str(), &st) == 0 && S_ISCHR(st.st_mode)) {
    // udev's database holds each device's properties as "E:KEY=VALUE" lines.
    const std::string db = env.udev_data_dir + "/c" + std::to_string(major(st.st_rdev)) + ":" +
                           std::to_string(minor(st.st_rdev));
    std::ifstream in(db);
    for (std::string line; std::getline(in, line);) {
      if (line == "E:ID_MM_DEVICE_IGNORE=1" || line == "E:ID_MM_PORT_IGNORE=1") {
        return Ok("modemmanager", who + " but udev marks " + port + " " + line.substr(2));
      }
    }
  }
  const std::string kernel = Basename(Resolved(port));
  return {"modemmanager", CheckStatus::kWarn,
          who + " and may probe " + port + " with its own AT commands",
          "echo 'KERNEL==\"" + kernel +
              "\", ENV{ID_MM_DEVICE_IGNORE}=\"1\"' > /etc/udev/rules.d/77-uclink-mm.rules && "
              "udevadm control --reload && udevadm trigger; or `systemctl disable --now "
              "ModemManager` when no other modem needs it"};
}

PppdProbe ProbePppd(const Environment& env) {
  PppdProbe probe;
  for (const std::string& dir : env.path_dirs) {
    const std::string candidate = dir + "/pppd";
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0) {
      probe.binary = candidate;
      break;
    }
  }
  probe.device_problem = DeviceProblem(env.dev_ppp);
  return probe;
}

CheckResult CheckPppd(const Environment& env, const Config& config) {
  if (config.connection.mode == ModeChoice::kInband) {
    return Ok("pppd", "not needed (mode = inband)");
  }
  if (config.connection.backend == BackendChoice::kUserspace) {
    return Ok("pppd", "not needed (backend = userspace)");
  }
  const PppdProbe probe = ProbePppd(env);
  if (probe.usable()) return Ok("pppd", probe.binary + " and " + env.dev_ppp + " are usable");
  const std::string finding = probe.binary.empty() ? "pppd is not installed" : probe.device_problem;
  const std::string fix = probe.binary.empty()
                              ? "apt install ppp"
                              : "modprobe ppp_generic (in a container, pass the device: "
                                "--device " +
                                    env.dev_ppp + ")";
  if (config.connection.backend == BackendChoice::kPppd) {
    return {"pppd", CheckStatus::kFail, finding + " but backend = pppd", fix};
  }
  return {"pppd", CheckStatus::kWarn, finding + "; the userspace PPP engine is used instead",
          fix + ", if you prefer pppd"};
}

CheckResult CheckTun(const Environment& env, const Config& config) {
  if (config.connection.mode == ModeChoice::kInband) {
    return Ok("tun", "not needed (mode = inband)");
  }
  if (config.connection.backend == BackendChoice::kPppd) {
    return Ok("tun", "not needed (backend = pppd)");
  }
  const std::string problem = DeviceProblem(env.dev_tun);
  if (problem.empty()) return Ok("tun", env.dev_tun + " is usable");
  const std::string fix =
      "modprobe tun (in a container, pass the device: --device " + env.dev_tun + ")";
  if (config.connection.backend == BackendChoice::kAuto && ProbePppd(env).usable()) {
    return {"tun", CheckStatus::kWarn, problem + "; pppd is used instead", fix};
  }
  return {"tun", CheckStatus::kFail, problem + ": the userspace PPP engine cannot run", fix};
}

CheckResult CheckCapNetAdmin(const Environment& env, const Config& config) {
  if (config.connection.mode == ModeChoice::kInband) {
    return Ok("cap_net_admin", "not needed (mode = inband)");
  }
  const auto caps = EffectiveCapabilities(env);
  if (!caps) {
    return {"cap_net_admin", CheckStatus::kWarn,
            "cannot read CapEff from " + env.proc_dir + "/self/status",
            "run uclinkd as root or with AmbientCapabilities=CAP_NET_ADMIN"};
  }
  if ((*caps >> kCapNetAdmin) & 1U) return Ok("cap_net_admin", "CAP_NET_ADMIN is effective");
  return {"cap_net_admin", CheckStatus::kFail,
          "no CAP_NET_ADMIN: the PPP interface, its address and routes cannot be set up",
          "run uclinkd as root, or grant the capability: AmbientCapabilities=CAP_NET_ADMIN in its "
          "systemd unit (setcap cap_net_admin+ep on the binary otherwise)"};
}

}  // namespace uclink::control::doctor
