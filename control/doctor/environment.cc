#include "control/doctor/environment.h"

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>

namespace uclink::control::doctor {
namespace {

// Reads at most `limit` bytes: proc files are small, a fake tree might not be.
std::optional<std::string> ReadSmallFile(const std::string& path, std::size_t limit = 64 * 1024) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::optional<long long> ParseNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Numeric entries of the proc dir: the pids.
std::vector<pid_t> ListPids(const Environment& env) {
  std::vector<pid_t> pids;
  DIR* dir = ::opendir(env.proc_dir.c_str());
  if (dir == nullptr) return pids;
  while (const dirent* entry = ::readdir(dir)) {
    if (auto pid = ParseNumber(entry->d_name); pid && *pid > 0) {
      pids.push_back(static_cast<pid_t>(*pid));
    }
  }
  ::closedir(dir);
  return pids;
}

std::string PidDir(const Environment& env, pid_t pid) {
  return env.proc_dir + "/" + std::to_string(pid);
}

bool SameFile(const struct stat& a, const struct stat& b) {
  if (S_ISCHR(a.st_mode) || S_ISCHR(b.st_mode)) {
    return S_ISCHR(a.st_mode) && S_ISCHR(b.st_mode) && a.st_rdev == b.st_rdev;
  }
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Descriptor numbers under /proc/PID/fd; false when the directory cannot be read.
bool ListFds(const std::string& fd_dir, std::vector<std::string>* fds) {
  DIR* dir = ::opendir(fd_dir.c_str());
  if (dir == nullptr) return false;
  while (const dirent* entry = ::readdir(dir)) {
    if (ParseNumber(entry->d_name)) fds->push_back(entry->d_name);
  }
  ::closedir(dir);
  return true;
}

}  // namespace

Environment HostEnvironment() {
  Environment env;
  env.self_pid = ::getpid();
  env.credentials.uid = ::geteuid();
  env.credentials.gid = ::getegid();
  const int count = ::getgroups(0, nullptr);
  if (count > 0) {
    env.credentials.groups.resize(static_cast<std::size_t>(count));
    const int got = ::getgroups(count, env.credentials.groups.data());
    env.credentials.groups.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  }
  if (const passwd* pw = ::getpwuid(env.credentials.uid)) env.credentials.user = pw->pw_name;
  return env;
}

std::optional<std::string> ProcessCommand(const Environment& env, pid_t pid) {
  const std::string dir = PidDir(env, pid);
  if (auto comm = ReadSmallFile(dir + "/comm", 256)) {
    while (!comm->empty() && comm->back() == '\n') comm->pop_back();
    if (!comm->empty()) return comm;
  }
  if (auto cmdline = ReadSmallFile(dir + "/cmdline", 4096)) {
    const std::string first = cmdline->substr(0, cmdline->find('\0'));
    if (!first.empty()) return first;
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return std::string("?");
  return std::nullopt;
}

std::vector<ProcessInfo> FindProcessesNamed(const Environment& env, const std::string& command) {
  std::vector<ProcessInfo> found;
  for (pid_t pid : ListPids(env)) {
    if (auto name = ProcessCommand(env, pid); name && *name == command) {
      found.push_back({pid, *name});
    }
  }
  return found;
}

std::vector<ProcessInfo> FindHolders(const Environment& env, const std::string& path,
                                     int* unreadable) {
  std::vector<ProcessInfo> holders;
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return holders;
  for (pid_t pid : ListPids(env)) {
    if (pid == env.self_pid) continue;
    const std::string fd_dir = PidDir(env, pid) + "/fd";
    std::vector<std::string> fds;
    if (!ListFds(fd_dir, &fds)) {
      if (unreadable != nullptr) ++*unreadable;
      continue;
    }
    for (const std::string& fd : fds) {
      struct stat st {};
      if (::stat((fd_dir + "/" + fd).c_str(), &st) == 0 && SameFile(st, target)) {
        holders.push_back({pid, ProcessCommand(env, pid).value_or("?")});
        break;
      }
    }
  }
  return holders;
}

bool HoldsPtyMaster(const Environment& env, pid_t pid, int pty_index) {
  const std::string dir = PidDir(env, pid);
  std::vector<std::string> fds;
  if (!ListFds(dir + "/fd", &fds)) return false;
  for (const std::string& fd : fds) {
    char target[256];
    const ssize_t n = ::readlink((dir + "/fd/" + fd).c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    const std::string_view link(target, static_cast<std::size_t>(n));
    if (link != "/dev/ptmx" && link != "/dev/pts/ptmx") continue;
    const auto info = ReadSmallFile(dir + "/fdinfo/" + fd, 4096);
    if (!info) continue;
    std::istringstream lines(*info);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("tty-index:", 0) != 0) continue;
      if (ParseNumber(std::string_view(line).substr(10)) == pty_index) return true;
    }
  }
  return false;
}

std::optional<GroupEntry> LookupGroup(const Environment& env, gid_t gid) {
  const auto text = ReadSmallFile(env.group_file, 1024 * 1024);
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  // group(5): name:password:GID:user_list
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream parts(line);
    for (std::string field; std::getline(parts, field, ':');) fields.push_back(field);
    if (fields.size() < 3 || ParseNumber(fields[2]) != static_cast<long long>(gid)) continue;
    GroupEntry entry{fields[0], {}};
    if (fields.size() > 3) {
      std::istringstream members(fields[3]);
      for (std::string m; std::getline(members, m, ',');) {
        if (!m.empty()) entry.members.push_back(m);
      }
    }
    return entry;
  }
  return std::nullopt;
}

std::optional<unsigned long long> EffectiveCapabilities(const Environment& env) {
  const auto text = ReadSmallFile(env.proc_dir + "/self/status");
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    // 64 bits of hex: parsed unsigned, since future capability numbers may reach bit 63.
    std::string_view hex = std::string_view(line).substr(7);
    while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
    unsigned long long value = 0;
    const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (ec == std::errc() && end != hex.data()) return value;
  }
  return std::nullopt;
}

}  // namespace uclink::control::doctor
