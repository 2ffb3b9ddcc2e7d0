#include "process/exit_status.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>

namespace uclink::process {

std::string SignalName(int signal_number) {
  const char* abbrev = ::sigabbrev_np(signal_number);  // glibc 2.32+
  if (abbrev == nullptr) return "signal " + std::to_string(signal_number);
  return std::string("SIG") + abbrev;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string text = "signal " + std::to_string(sig) + " (" + SignalName(sig) + ")";
    if (WCOREDUMP(status)) text += ", core dumped";
    return text;
  }
  if (WIFSTOPPED(status)) return "stopped by " + SignalName(WSTOPSIG(status));
  return "status " + std::to_string(status);
}

std::string DescribeProcess(pid_t pid, uid_t uid) {
  constexpr std::size_t kMaxCommand = 200;
  std::string text = "pid " + std::to_string(pid) + " (uid " + std::to_string(uid) + ": ";
  if (pid <= 0) return text + "the kernel)";
  std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string command((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (!file.is_open() && command.empty()) return text + "gone)";
  if (command.size() > kMaxCommand) command.resize(kMaxCommand);
  while (!command.empty() && command.back() == '\0') command.pop_back();
  for (char& c : command) {
    if (c == '\0') c = ' ';
  }
  return text + (command.empty() ? "no command line" : command) + ")";
}

}  // namespace uclink::process
