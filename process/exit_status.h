// Words for how a process ended or who signalled it, for logs that must say why something
// stopped (docs/RELIABILITY.md: a child's exit status and signal are always recorded).
#pragma once

#include <sys/types.h>

#include <string>

namespace uclink::process {

/// waitpid(2)'s status as text: "exit 0", "exit 127", "signal 15 (SIGTERM)",
/// "signal 11 (SIGSEGV), core dumped".
std::string DescribeWaitStatus(int status);

/// "SIGTERM", "SIGHUP", ... ("signal 42" for one without a name).
std::string SignalName(int signal_number);

/// A process by its pid: "pid 1234 (uid 0: /usr/bin/kill -TERM 99)"; the command line from
/// /proc/PID/cmdline, cut at 200 bytes, or "gone" when the process has already exited.
std::string DescribeProcess(pid_t pid, uid_t uid);

}  // namespace uclink::process
