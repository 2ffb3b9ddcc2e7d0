// uclink-sim: the UC8088 simulator. Serves a pty (first stdout line: "PTY <path>"), answers like
// the manual, bridges data mode to a PPP peer and misbehaves on request. See docs/simulator.md.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <charconv>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "process/signal_watch.h"
#include "sim/peer_process.h"
#include "sim/scenario.h"
#include "sim/scenario_toml.h"
#include "sim/services/services.h"
#include "sim/simulator.h"

namespace {

using uclink::sim::Millis;
using uclink::sim::Scenario;

long ToNumber(const std::string& text, const std::string& what) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    throw std::runtime_error("bad number in " + what + ": '" + text + "'");
  }
  return value;
}

// "--registration 2:500,1:1500": stat:after_ms pairs.
std::vector<uclink::sim::RegistrationStep> ParseRegistration(const std::string& text) {
  std::vector<uclink::sim::RegistrationStep> steps;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::size_t colon = item.find(':');
    if (colon == std::string::npos) throw std::runtime_error("--registration wants STAT:MS,...");
    long stat = ToNumber(item.substr(0, colon), "--registration");
    if (stat > 5) throw std::runtime_error("--registration: stat must be 0-5");
    steps.push_back(
        {static_cast<int>(stat), Millis{ToNumber(item.substr(colon + 1), "--registration")}});
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return steps;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"uclink-sim: UC8088 GPRS module simulator"};
  uclink::sim::SimulatorOptions options;
  std::string scenario_file, peer_command, registration, imsi, require_apn;
  std::vector<std::string> at_commands, maps;
  bool fast = false, escape = false, refuse_cgdata = false;
  int attach_fail = -1, pdp_fail = -1, csq = -1, chunk_size = -1, chunk_gap = -1;
  long seed = -1;
  app.add_option("--link", options.link, "make PATH a symlink to the pty");
  app.add_option("--tcp", options.tcp, "also serve the AT port on 127.0.0.1:PORT (0: any)");
  app.add_option("--control", options.control, "control socket path (one command per line)");
  app.add_option("--log", options.log, "timestamped transcript of every serial byte");
  app.add_option("--ppp-peer", peer_command, "PPP peer command (default: slirp-fullbolt)");
  app.add_option("--scenario", scenario_file, "TOML scenario file");
  app.add_flag("--fast", fast, "zero per-command latencies (tests)");
  app.add_flag("--escape", escape, "enable +++ / ATO / ATH (not in the manual)");
  app.add_flag("--refuse-cgdata", refuse_cgdata, "CGDATA/ATD answer ERROR");
  app.add_option("--attach-fail", attach_fail, "reject the next N attach attempts");
  app.add_option("--pdp-fail", pdp_fail, "fail the next N PDP activations");
  app.add_option("--csq", csq, "signal level (0-31, 99)");
  app.add_option("--imsi", imsi, "the SIM's IMSI (AT+CIMI)");
  app.add_option("--require-apn", require_apn,
                 "activate only contexts with this APN; others get +CME ERROR: 133");
  app.add_option("--chunk-size", chunk_size, "write responses in N-byte pieces");
  app.add_option("--chunk-gap-ms", chunk_gap, "pause between pieces");
  app.add_option("--registration", registration, "registration sequence STAT:MS,...");
  app.add_option("--at", at_commands, "MS:COMMAND — run a control command at MS after start");
  app.add_option("--map", maps, "HOST=ADDR — let services reach HOST at ADDR");
  app.add_option("--seed", seed, "garbage generator seed");
  CLI11_PARSE(app, argc, argv);

  try {
    Scenario scenario;
    if (!scenario_file.empty()) uclink::sim::LoadScenarioFile(scenario_file, scenario);
    if (fast) scenario.fast = true;
    if (escape) scenario.escape = true;
    if (refuse_cgdata) scenario.refuse_cgdata = true;
    if (attach_fail >= 0) scenario.attach_fail = attach_fail;
    if (pdp_fail >= 0) scenario.pdp_fail = pdp_fail;
    if (csq >= 0) scenario.rssi = csq;
    if (!imsi.empty()) scenario.imsi = imsi;
    if (!require_apn.empty()) scenario.require_apn = require_apn;
    if (chunk_size >= 0) scenario.chunk_size = static_cast<std::size_t>(chunk_size);
    if (chunk_gap >= 0) scenario.chunk_gap = Millis{chunk_gap};
    if (seed >= 0) scenario.seed = static_cast<std::uint32_t>(seed);
    if (!registration.empty()) scenario.registration = ParseRegistration(registration);
    for (const std::string& item : at_commands) {
      std::size_t colon = item.find(':');
      if (colon == std::string::npos) throw std::runtime_error("--at wants MS:COMMAND");
      std::string command = item.substr(colon + 1);
      std::error_code error;
      if (!uclink::sim::ParseControlCommand(command, error)) {
        throw std::runtime_error("--at '" + command + "': " + error.message());
      }
      scenario.timeline.push_back({Millis{ToNumber(item.substr(0, colon), "--at")}, command});
    }
    for (const std::string& item : maps) {
      std::size_t eq = item.find('=');
      if (eq == std::string::npos) throw std::runtime_error("--map wants HOST=ADDR");
      scenario.host_map[item.substr(0, eq)] = item.substr(eq + 1);
    }
    if (!peer_command.empty()) {
      options.peer = uclink::sim::SplitCommandLine(peer_command);
      if (options.peer.empty()) throw std::runtime_error("--ppp-peer is empty");
    }

    ::signal(SIGPIPE, SIG_IGN);
    boost::asio::io_context io;
    uclink::sim::Simulator simulator(io, std::move(scenario), options);
    simulator.InstallServices<uclink::sim::Services>();
    // Signals first: a test may stop us as soon as it has read the PTY line. Every exit says
    // why, with the sender of the signal (docs/RELIABILITY.md, "Who stopped the simulator").
    uclink::process::SignalWatch signals(io, {SIGINT, SIGTERM});
    if (signals.error()) {
      std::cerr << "uclink-sim: cannot watch signals: " << signals.error().message() << "\n";
      return 1;
    }
    signals.Watch([&](const uclink::process::SignalInfo& signal) {
      std::cerr << "uclink-sim: exiting on " << signal.description << std::endl;
      signals.Cancel();
      simulator.Stop();
      io.stop();
    });
    std::error_code error = simulator.Start(std::cout);
    if (error) {
      std::cerr << "uclink-sim: " << error.message() << "\n";
      return 1;
    }
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "uclink-sim: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
