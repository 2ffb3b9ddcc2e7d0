#include "control/daemon/hook_scan.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace uclink::control {
namespace {

bool Ignored(const std::string& name) {
  return name.empty() || name.front() == '.' || name.back() == '~' ||
         name.find(".dpkg-") != std::string::npos || name.find(".rpm") != std::string::npos;
}

// Why `path` may not run, or "" when it may. stat(2) follows symlinks: the target is judged.
std::string Refusal(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    const int error = errno;
    if (error == ELOOP) return "symlink loop";
    return std::strerror(error);
  }
  if (S_ISDIR(status.st_mode)) return "a directory";
  if (!S_ISREG(status.st_mode)) return "not a regular file";
  if (status.st_uid != 0) return "not owned by root (uid " + std::to_string(status.st_uid) + ")";
  if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) return "writable by group or others";
  if ((status.st_mode & S_IXUSR) == 0) return "not executable";
  return "";
}

}  // namespace

const char* ToString(HookEvent event) {
  switch (event) {
    case HookEvent::kUp:
      return "up";
    case HookEvent::kDown:
      return "down";
    case HookEvent::kState:
      return "state";
    case HookEvent::kReset:
      return "reset";
    case HookEvent::kUsageLimit:
      return "usage-limit";
  }
  return "?";
}

std::vector<std::string> HookEnvironment(HookEvent event, const HookContext& c) {
  std::string dns;
  for (const std::string& server : c.dns) dns += (dns.empty() ? "" : " ") + server;
  return {
      std::string("UCLINK_EVENT=") + ToString(event),
      "UCLINK_STATE=" + c.state,
      "UCLINK_MODE=" + c.mode,
      "UCLINK_INTERFACE=" + c.interface,
      "UCLINK_ADDRESS=" + c.address,
      "UCLINK_PEER=" + c.peer,
      "UCLINK_DNS=" + dns,
      "UCLINK_LAST_ERROR=" + c.last_error,
  };
}

HookScan ScanHooks(const std::string& dir) {
  HookScan scan;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    const int error = errno;
    scan.dir_exists = error != ENOENT;
    scan.dir_problem = dir + ": " + std::strerror(error);
    return scan;
  }
  scan.dir_exists = true;
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (!Ignored(name)) names.push_back(std::move(name));
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());  // byte order, as run-parts and NetworkManager do
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    if (std::string why = Refusal(path); !why.empty()) {
      scan.skipped.push_back(name + ": " + why);
    } else {
      scan.programs.push_back(path);
    }
  }
  return scan;
}

}  // namespace uclink::control
