// `uclink connect --port P` without uclinkd: the daemon's wiring (control::Daemon — the same
// manager, backends and control socket) runs on a thread of this process with a private control
// socket, and the CLI talks to it through the control API exactly as it would to uclinkd. So a
// one-off connection behaves like the daemon's (progress, recovery, clean hang-up) — the
// "pppd nodetach" use, without a second implementation.
#pragma once

#include <memory>
#include <string>

#include "control/daemon/daemon.h"

namespace uclink::control::cli {

class ForegroundDaemon {
 public:
  /// Loads the configuration (file + flags; the control socket goes to a private 0700 directory),
  /// starts the daemon on its own thread and lets SIGINT/SIGTERM reach only that thread, where
  /// they start the clean hang-up. nullptr with `error` naming the problem; `config_invalid` is
  /// set when the configuration was the problem.
  static std::unique_ptr<ForegroundDaemon> Start(ConfigSource source, bool verbose,
                                                 std::string* error, bool* config_invalid);
  /// Hangs up if still connected (bounded by the daemon's shutdown budget), joins the thread and
  /// removes the private directory.
  ~ForegroundDaemon();
  ForegroundDaemon(const ForegroundDaemon&) = delete;
  ForegroundDaemon& operator=(const ForegroundDaemon&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  /// SIGINT/SIGTERM arrived (the daemon is hanging up or has stopped).
  bool stop_requested() const;

 private:
  struct Impl;
  explicit ForegroundDaemon(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::string socket_path_;
};

}  // namespace uclink::control::cli
