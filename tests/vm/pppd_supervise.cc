// pppd_supervise: the pppd backend's pure pieces driven by a minimal poll() loop, for the VM
// tier. It builds pppd's argv with BuildPppdArgv, puts the password (from the environment
// variable UCLINK_VM_PASSWORD) in a 0600 secrets file in a private directory, binds the hook's
// event socket, runs pppd (exec, no shell) and prints one line per event:
//   argv <words...>          what was executed (never contains the password)
//   pppd_pid <pid>
//   event <datagram fields>  each decoded ip-up / ip-down event
//   exit status=<n> name=<pppd.h name> class=<PppdExitClass> redial=<bool>
// Usage: pppd_supervise --tty PATH --ipparam ID [--user NAME] [--hook PATH] [--ifname NAME]
//          [--echo-interval S] [--echo-failure N] [-- pppd options...]
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "pppif/pppd_exit.h"
#include "pppif/pppd_hook_event.h"
#include "pppif/pppd_options.h"
#include "pppif/pppd_private_dir.h"

namespace {

using namespace uclink::pppif;

bool ParseArgs(int argc, char** argv, PppdOptions& options) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--") {
      options.user_options.assign(argv + i + 1, argv + argc);
      return true;
    }
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (flag == "--tty")
      options.tty = value;
    else if (flag == "--ipparam")
      options.ipparam = value;
    else if (flag == "--user")
      options.username = value;
    else if (flag == "--hook")
      options.hook_path = value;
    else if (flag == "--ifname")
      options.ifname = value;
    else if (flag == "--echo-interval")
      options.lcp_echo_interval_s = std::atoi(value.c_str());
    else if (flag == "--echo-failure")
      options.lcp_echo_failure = std::atoi(value.c_str());
    else
      return false;
  }
  return true;
}

int BindEventSocket(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return -1;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void PrintEvent(const PppdHookEvent& e) {
  std::cout << "event kind=" << ToString(e.kind) << " ifname=" << e.ifname
            << " local=" << FormatIpv4(e.local) << " remote=" << FormatIpv4(e.remote)
            << " dns1=" << (e.dns1 ? FormatIpv4(*e.dns1) : "-")
            << " dns2=" << (e.dns2 ? FormatIpv4(*e.dns2) : "-") << " ipparam=" << e.ipparam
            << std::endl;
}

int Report(int wait_status) {
  PppdTermination termination;
  if (WIFEXITED(wait_status)) termination.exit_status = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) termination.signal = WTERMSIG(wait_status);
  if (!termination.exit_status) {
    std::cout << "exit signal=" << termination.signal << " error=\""
              << ToErrorCode(termination).message() << "\"" << std::endl;
    return 128 + termination.signal;
  }
  int status = *termination.exit_status;
  auto exit = PppdExitFromStatus(status);
  std::cout << "exit status=" << status << " name=" << (exit ? ToString(*exit) : "undefined")
            << " class=" << (exit ? ToString(ClassOf(*exit)) : "undefined")
            << " redial=" << (exit && ShouldRedial(ClassOf(*exit)) ? "true" : "false") << std::endl;
  return status;
}

// Runs until pppd exits, printing hook events as they arrive (no polling: poll() sleeps on the
// socket and the pidfd).
int Supervise(pid_t pid, int events_fd) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return 70;
  std::array<char, 2048> buffer{};
  for (;;) {
    std::array<pollfd, 2> fds{pollfd{events_fd, POLLIN, 0}, pollfd{pidfd, POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents & POLLIN) {
      ssize_t n = ::recv(events_fd, buffer.data(), buffer.size(), 0);
      if (n < 0) continue;
      auto decoded = DecodeHookEvent(std::string_view(buffer.data(), static_cast<size_t>(n)));
      if (decoded.error) std::cout << "event-error " << decoded.error.message() << std::endl;
      if (!decoded.error) PrintEvent(decoded.event);
      continue;  // drain events before looking at the exit, so ip-down is printed first
    }
    if (fds[1].revents & POLLIN) {
      int wait_status = 0;
      if (::waitpid(pid, &wait_status, 0) != pid) return 71;
      // ip-down runs while pppd exits (pppd does not wait for it): let it report.
      pollfd last{events_fd, POLLIN, 0};
      while (::poll(&last, 1, 2000) > 0) {
        ssize_t n = ::recv(events_fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) break;
        auto decoded = DecodeHookEvent(std::string_view(buffer.data(), static_cast<size_t>(n)));
        if (!decoded.error) PrintEvent(decoded.event);
      }
      ::close(pidfd);
      return Report(wait_status);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  PppdOptions options;
  if (!ParseArgs(argc, argv, options)) {
    std::cerr << "usage: pppd_supervise --tty PATH --ipparam ID [...] [-- pppd options]\n";
    return 64;
  }
  std::error_code error;
  auto dir = PppdPrivateDir::Create("/tmp", error);
  if (!dir) {
    std::cerr << "private dir: " << error.message() << "\n";
    return 65;
  }
  if (const char* password = std::getenv("UCLINK_VM_PASSWORD")) {
    options.secrets_file = dir->WriteSecrets(password, error);
    if (error) {
      std::cerr << "secrets: " << error.message() << "\n";
      return 66;
    }
  }
  options.event_socket = dir->EventSocketPath();
  int events_fd = BindEventSocket(options.event_socket);
  if (events_fd < 0) return 67;
  auto built = BuildPppdArgv(options);
  if (built.error) {
    std::cerr << "argv: " << built.error.message() << "\n";
    return 68;
  }
  std::cout << "argv";
  for (const auto& word : built.argv) std::cout << ' ' << word;
  std::cout << std::endl;
  std::vector<char*> exec_argv;
  for (auto& word : built.argv) exec_argv.push_back(word.data());
  exec_argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(exec_argv[0], exec_argv.data());
    ::_exit(127);
  }
  if (pid < 0) return 69;
  std::cout << "pppd_pid " << pid << std::endl;
  int status = Supervise(pid, events_fd);
  ::close(events_fd);
  return status;
}
