// uclinkd: the connection manager daemon (issue 6). Foreground, logs to stderr (journald picks
// it up), systemd Type=notify. Exit codes: 0 stopped cleanly, 1 start-up failed, 2 bad
// configuration (docs/configuration.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "control/config/config.h"
#include "control/daemon/daemon.h"

namespace {

using uclink::control::ConfigSource;

void WatchSignals(boost::asio::signal_set& signals, uclink::control::Daemon& daemon,
                  boost::asio::io_context& io) {
  signals.async_wait([&](boost::system::error_code ec, int number) {
    if (ec) return;
    if (number == SIGHUP) {
      spdlog::info("SIGHUP: reloading the configuration");
      daemon.Reload();
      WatchSignals(signals, daemon, io);
      return;
    }
    sd_notify(0, "STOPPING=1");
    daemon.Shutdown([&io] { io.stop(); });
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"uclinkd: keeps a UC8088 GPRS module online (PPP, in-band fallback)"};
  ConfigSource source;
  std::string config_path;
  auto& o = source.overrides;
  std::string port, at_port, apn, backend, mode, interface, socket;
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
  app.add_flag("-v,--verbose", verbose, "debug logging");
  CLI11_PARSE(app, argc, argv);

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
    sd_notifyf(0, "STATUS=%s", uclink::control::ToString(state));
  });
  boost::asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
  WatchSignals(signals, daemon, io);
  if (daemon.Start()) return 1;
  sd_notify(0, "READY=1");
  io.run();
  spdlog::info("stopped");
  return 0;
}
