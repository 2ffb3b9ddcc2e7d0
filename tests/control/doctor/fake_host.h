// A fake host tree in a temp dir for the doctor's checks: /proc entries, lock dir, udev database,
// /etc/group and a PATH directory, all reached through doctor::Environment.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "control/doctor/environment.h"

namespace uclink::control::doctor::testing {

class FakeHost {
 public:
  FakeHost() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string templ = std::string(base != nullptr ? base : "/tmp") + "/doctor-XXXXXX";
    root_ = ::mkdtemp(templ.data()) != nullptr ? templ : "";
    env_.proc_dir = root_ + "/proc";
    env_.lock_dir = root_ + "/run/lock";
    env_.dev_ppp = root_ + "/dev/ppp";
    env_.dev_tun = root_ + "/dev/net/tun";
    env_.udev_data_dir = root_ + "/run/udev/data";
    env_.group_file = root_ + "/etc/group";
    env_.resolv_conf = root_ + "/etc/resolv.conf";  // a plain writable file: dns "auto" → file
    env_.resolvconf_program = root_ + "/sbin/resolvconf";
    env_.system_bus_socket = root_ + "/run/dbus/system_bus_socket";
    env_.path_dirs = {root_ + "/usr/sbin"};
    env_.self_pid = 1;
    std::filesystem::create_directories(env_.proc_dir);
    std::filesystem::create_directories(env_.lock_dir);
    Write("etc/resolv.conf", "nameserver 192.0.2.53\n");
  }
  ~FakeHost() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  Environment& env() { return env_; }
  const std::string& root() const { return root_; }

  /// Writes `text` to root/relative, creating directories; returns the full path.
  std::string Write(const std::string& relative, const std::string& text) {
    const std::string path = root_ + "/" + relative;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  /// A process: /proc/PID/comm and an empty fd directory.
  void AddProcess(pid_t pid, const std::string& comm) {
    Write("proc/" + std::to_string(pid) + "/comm", comm + "\n");
    std::filesystem::create_directories(env_.proc_dir + "/" + std::to_string(pid) + "/fd");
  }

  /// /proc/PID/fd/FD → target (as the kernel shows an open descriptor).
  void AddFd(pid_t pid, int fd, const std::string& target, const std::string& fdinfo = "") {
    const std::string dir = env_.proc_dir + "/" + std::to_string(pid);
    std::filesystem::create_directories(dir + "/fd");
    std::filesystem::create_symlink(target, dir + "/fd/" + std::to_string(fd));
    if (!fdinfo.empty())
      Write("proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd), fdinfo);
  }

 private:
  std::string root_;
  Environment env_;
};

}  // namespace uclink::control::doctor::testing
