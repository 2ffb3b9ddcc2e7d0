// uclinkd: the connection manager daemon. Foreground, logs to stderr (journald picks
// it up), systemd Type=notify. Exit codes: 0 stopped cleanly, 1 start-up failed, 2 bad
// configuration or flags (docs/configuration.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "control/api/protocol.h"
#include "control/cli/exit_code.h"
#include "control/config/config.h"
#include "control/daemon/daemon.h"
#include "process/signal_watch.h"

namespace {

using uclink::control::ConfigSource;

// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET, a path or "@name" in the
// abstract namespace. libsystemd and the five libraries it loads cost uclinkd about 1 MB of
// resident memory for this one call (docs/PERFORMANCE.md). Does nothing outside systemd.
void NotifySystemd(const std::string& state) {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  if (socket_path == nullptr || (socket_path[0] != '/' && socket_path[0] != '@')) return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = std::strlen(socket_path);
  if (length >= sizeof(address.sun_path)) return;
  std::memcpy(address.sun_path, socket_path, length);
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address),
           static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length));
  ::close(fd);
}

// The systemd watchdog (sd_watchdog_enabled(3)): with WATCHDOG_USEC set, and WATCHDOG_PID unset
// or ours, WATCHDOG=1 goes out every half interval from a timer on the one io_context, so a ping
// proves that the event loop runs (a separate thread would keep pinging a wedged loop).
std::optional<std::chrono::microseconds> WatchdogInterval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (usec == nullptr) return std::nullopt;
  if (const char* pid = std::getenv("WATCHDOG_PID")) {
    if (std::strtoll(pid, nullptr, 10) != static_cast<long long>(::getpid())) return std::nullopt;
  }
  char* end = nullptr;
  const long long value = std::strtoll(usec, &end, 10);
  if (end == usec || *end != '\0' || value <= 0) return std::nullopt;
  return std::chrono::microseconds(value);
}

void PingWatchdog(boost::asio::steady_timer& timer, std::chrono::microseconds half) {
  NotifySystemd("WATCHDOG=1");
  timer.expires_after(half);
  timer.async_wait([&timer, half](boost::system::error_code ec) {
    if (!ec) PingWatchdog(timer, half);
  });
}

// Every stop and reload is logged with the sender of its signal (process/signal_watch.h), so a
// daemon that stops is never a mystery: "SIGTERM from pid 812 (uid 0: systemctl stop ...)".
void WatchSignals(uclink::process::SignalWatch& signals, uclink::control::Daemon& daemon,
                  boost::asio::io_context& io) {
  signals.Watch([&](const uclink::process::SignalInfo& signal) {
    if (signal.number == SIGHUP) {
      spdlog::info("{}: reloading the configuration", signal.description);
      daemon.Reload();
      return;
    }
    spdlog::info("{}: hanging up and exiting", signal.description);
    signals.Cancel();
    NotifySystemd("STOPPING=1");
    daemon.Shutdown([&io] { io.stop(); });
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"uclinkd: keeps a UC8088 GPRS module online (PPP, in-band fallback)"};
  ConfigSource source;
  std::string config_path;
  auto& o = source.overrides;
  std::string port, at_port, apn, backend, mode, interface, socket, state_dir;
  int baud = 0, cid = 0;
  bool verbose = false;
  app.add_option("--config", config_path, "configuration file (default /etc/uclink/uclink.toml)");
  app.add_option("--port", port, "serial port of the module (AT, and PPP with one port)");
  app.add_option("--at-port", at_port, "second port that stays in AT mode during PPP");
  app.add_option("--baud", baud, "baud rate");
  app.add_option("--apn", apn, "APN");
  app.add_option("--cid", cid, "PDP context id (1 or 2)");
  app.add_option("--backend", backend, "auto | pppd | userspace");
  app.add_option("--mode", mode, "auto | ppp | inband");
  app.add_option("--interface", interface, "network interface name");
  app.add_option("--socket", socket, "control socket path");
  app.add_option("--state-dir", state_dir,
                 "directory kept across restarts (default /var/lib/uclink)");
  app.add_flag("-v,--verbose", verbose, "debug logging");
  app.set_version_flag("--version", "uclink " + std::string(uclink::control::api::kVersion));
  // A bad flag is a usage error, 2 like a bad configuration (never CLI11's own 104-109).
  if (std::optional<int> code = uclink::control::cli::ParseCommandLine(app, argc, argv)) {
    return *code;
  }

  if (!config_path.empty()) {
    source.path = config_path;
    source.explicit_path = true;
  }
  auto set = [](std::optional<std::string>& field, const std::string& value) {
    if (!value.empty()) field = value;
  };
  set(o.port, port);
  set(o.at_port, at_port);
  set(o.apn, apn);
  set(o.backend, backend);
  set(o.mode, mode);
  set(o.interface, interface);
  set(o.socket, socket);
  set(o.state_dir, state_dir);
  if (baud != 0) o.baud = baud;
  if (cid != 0) o.cid = cid;

  auto logger = spdlog::stderr_color_mt("uclinkd");
  logger->set_pattern("%^%l%$ %v");  // journald adds the time
  spdlog::set_default_logger(logger);

  uclink::control::ConfigResult loaded = uclink::control::LoadConfig(source);
  if (!loaded.ok()) {
    for (const auto& issue : loaded.issues) {
      std::cerr << "uclinkd: " << issue.ToString() << "\n";
    }
    return 2;
  }
  const std::string level = verbose ? "debug" : loaded.config.log.level;
  spdlog::set_level(spdlog::level::from_str(level));
  ::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not kill the daemon

  boost::asio::io_context io(1);
  uclink::control::Daemon daemon(io, loaded.config, source);
  daemon.SetStateObserver([](uclink::control::State state) {
    NotifySystemd(std::string("STATUS=") + uclink::control::api::ToString(state));
  });
  uclink::process::SignalWatch signals(io, {SIGTERM, SIGINT, SIGHUP});
  if (signals.error()) {
    std::cerr << "uclinkd: cannot watch signals: " << signals.error().message() << "\n";
    return 1;
  }
  WatchSignals(signals, daemon, io);
  if (daemon.Start()) return 1;  // logged, with what to do (a missing socket directory, ...)
  NotifySystemd("READY=1");
  boost::asio::steady_timer watchdog(io);
  if (std::optional<std::chrono::microseconds> interval = WatchdogInterval()) {
    spdlog::info("systemd watchdog: pinging every {} ms", interval->count() / 2000);
    PingWatchdog(watchdog, *interval / 2);
  }
  io.run();
  spdlog::info("stopped");
  return 0;
}
