// slirp-fullbolt as the independent PPP peer (docs/ppp.md, "slirp-fullbolt as the test peer"):
// started on a fresh pty in the calling thread's network namespace (the host's, so its NAT
// reaches the host's 127.0.0.1), with its own HOME, `ppp nozeros`, and stderr in a log file.
// Killed by PID and reaped on destruction.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace uclink::pppif::testing {

/// True when the slirp-fullbolt binary is installed.
bool SlirpAvailable();

/// One slirp process on one pty.
class SlirpPeer {
 public:
  /// Starts `slirp-fullbolt ppp nozeros <options...>` with HOME = a new directory under
  /// `work_dir`. The pty is raw, so PPP bytes pass unchanged.
  static std::unique_ptr<SlirpPeer> Start(const std::string& work_dir,
                                          const std::vector<std::string>& options,
                                          std::error_code& ec);
  /// Kills slirp (if alive), reaps it, closes the pty and removes its HOME.
  ~SlirpPeer();
  SlirpPeer(const SlirpPeer&) = delete;
  SlirpPeer& operator=(const SlirpPeer&) = delete;

  /// The pty master: our end of the "modem line" (blocking, close-on-exec).
  int line_fd() const { return master_; }
  pid_t pid() const { return pid_; }
  /// SIGKILL and reap now; the pty master then reads EOF/EIO.
  void Kill();
  /// SIGSTOP: slirp stays alive but answers nothing (a radio link that went silent).
  void Freeze();
  /// CPU seconds slirp has used so far (user + system, from /proc/PID/stat); after Kill(), the
  /// total reaped with it.
  double CpuSeconds() const;
  /// slirp's stderr so far.
  std::string Log() const;

 private:
  SlirpPeer(pid_t pid, int master, std::string home);

  pid_t pid_;
  int master_;
  std::string home_;
  double cpu_seconds_ = 0;
};

}  // namespace uclink::pppif::testing
