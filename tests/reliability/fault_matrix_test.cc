// Runs the fault matrix (fault_matrix.cc) against uclink-sim + uclinkd in one daemon per phase:
// for each cell, connect from idle, inject the fault when the manager enters the cell's state,
// undo it when the fault says so, and wait for the expected state. After each cell what the test
// itself owns is compared with a baseline taken in the same state: the daemon's fds, RSS and
// children, and the TUN device in the test's private namespace (never machine-wide counts such as
// /run/netns, which other programs change). When the simulator or the daemon dies, the phase
// stops at once and says how (exit status or signal, the last lines of its log). At the end of each
// phase the daemon is stopped and the module must answer AT (never left in data mode). The table
// goes to $TEST_UNDECLARED_OUTPUTS_DIR/fault_matrix.md.
#include "tests/reliability/fault_matrix.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "tests/reliability/reliability_rig.h"

namespace uclink::reliability {
namespace {

using namespace std::chrono_literals;

constexpr long kRssSlackKb = 4096;  // allocator noise; the soak checks flatness more tightly

struct Outcome {
  bool passed = false;
  std::string text;  // "✓ 3.1 s (no-carrier)" or "✗ reason"
};

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string Seconds(Clock::duration d) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << std::chrono::duration<double>(d).count() << " s";
  return out.str();
}

class MatrixRunner {
 public:
  MatrixRunner(UclinkRig& rig, std::vector<std::string> sim_args)
      : rig_(rig), sim_args_(std::move(sim_args)) {}

  // Connects once to take the baseline in `target`, then goes idle again.
  bool TakeBaseline(const std::string& target) {
    {
      EventStream events(rig_.socket_path(), &rig_);
      rig_.Call("connect");
      if (!events.WaitForState(target, 60s)) return false;
    }
    baseline_[target] = rig_.SettledSample();  // with the subscriber dropped on its side too
    return GoIdle();
  }

  Outcome Run(const Cell& cell) {
    if (!GoIdle()) return {false, "✗ did not return to idle before the cell"};
    Outcome outcome = Inject(cell);
    if (const std::string casualty = rig_.Casualty(); !casualty.empty()) {
      return {false, "✗ " + casualty};
    }
    if (!outcome.passed) return outcome;
    const std::string leak = CheckLeaks(cell.target);
    if (!leak.empty()) return {false, "✗ leak: " + leak};
    return outcome;
  }

  bool GoIdle() {
    if (rig_.State() == "idle") return true;
    rig_.Call("disconnect");
    return rig_.WaitForState("idle", 40s);
  }

 private:
  Outcome Inject(const Cell& cell) {
    EventStream events(rig_.socket_path(), &rig_);
    if (!events.open()) return {false, "✗ no subscription"};
    rig_.Call("connect");
    if (!events.WaitForState(cell.state, 60s)) return {false, "✗ state not reached"};
    const auto injected = Clock::now();
    if (cell.fault.inject == "kill") {
      rig_.KillSim();
    } else if (rig_.SimControl(cell.fault.inject).rfind("OK", 0) != 0) {
      return {false, "✗ simulator refused " + cell.fault.inject};
    }
    std::set<std::string> errors;
    auto note = [&](const nlohmann::json& e) {
      if (e.value("event", "") == "error") errors.insert(e["data"].value("code", "?"));
      return EntersState(e, cell.target);
    };
    bool reached = false;
    if (cell.state == cell.target && cell.fault.link_survives) {
      // A fault the link absorbs leaves the state alone: no state event within 5 s is "stayed".
      const auto left = events.WaitFor(
          [&](const nlohmann::json& e) {
            note(e);
            return e.value("event", "") == "state";
          },
          5s);
      if (!left && rig_.State() == cell.target) {
        if (!cell.fault.undo_on_recovery.empty()) rig_.SimControl(cell.fault.undo_on_recovery);
        return {true, "✓ stayed " + cell.target};
      }
    }
    if (!cell.fault.undo.empty()) {
      // Keep reading while the fault lasts: a subscriber that does not read is dropped.
      reached = events.WaitFor(note, cell.fault.undo_after).has_value();
      if (cell.fault.undo == "restart") {
        rig_.StartSim(sim_args_);
      } else {
        rig_.SimControl(cell.fault.undo);
      }
    }
    if (!reached) reached = events.WaitFor(note, cell.bound).has_value();
    const auto took = Clock::now() - injected;
    if (!cell.fault.undo_on_recovery.empty()) rig_.SimControl(cell.fault.undo_on_recovery);
    std::string why;
    for (const std::string& e : errors) why += (why.empty() ? "" : ", ") + e;
    if (!reached) {
      const nlohmann::json s = rig_.Status();
      return {false, "✗ not " + cell.target + " after " + Seconds(took) + ", state " +
                         s.value("state", "?") + " (" + why + ")"};
    }
    return {true, "✓ " + Seconds(took) + (why.empty() ? "" : " (" + why + ")")};
  }

  std::string CheckLeaks(const std::string& target) {
    const ResourceSample now = rig_.SettledSample();
    // A state first reached during a cell (in-band in the PPP phase) gets its baseline there.
    if (baseline_[target].fds < 0) baseline_[target] = now;
    const ResourceSample& base = baseline_[target];
    std::ostringstream leak;
    // Fewer fds than the baseline is not a leak (e.g. a closed subscriber counted there).
    if (now.fds > base.fds) leak << "fds " << base.fds << "→" << now.fds << " ";
    if (!kUnderAddressSanitizer && now.rss_kb > base.rss_kb + kRssSlackKb)
      leak << "rss " << base.rss_kb << "→" << now.rss_kb;
    if (now.children != 0) leak << "children " << now.children << " ";
    if (now.tun_present != (target == "online")) leak << "tun " << now.tun_present << " ";
    last_rss_kb_ = now.rss_kb;
    return leak.str();
  }

 public:
  const ResourceSample& baseline(const std::string& target) { return baseline_[target]; }
  long last_rss_kb() const { return last_rss_kb_; }

 private:
  UclinkRig& rig_;
  std::vector<std::string> sim_args_;
  std::map<std::string, ResourceSample> baseline_;
  long last_rss_kb_ = -1;
};

// The fast configuration with the keepalive of a field deployment (docs/configuration.md).
std::string DefaultKeepaliveConfig() {
  std::string config = FastRecoveryConfig();
  auto set = [&](const std::string& key, const std::string& value) {
    const std::size_t at = config.find(key + " = ");
    config.replace(at, config.find('\n', at) - at, key + " = " + value);
  };
  set("echo_interval_s", "30");
  set("echo_failures", "4");
  return config;
}

class FaultMatrixTest : public PrivateNamespacesTest {
 protected:
  // Runs one phase; appends its rows to table_. Returns the number of failed cells.
  int RunPhase(const std::string& title, const std::vector<std::string>& sim_args,
               const std::vector<Cell>& cells, const std::string& target,
               const std::string& config = FastRecoveryConfig(), bool with_reset_command = false) {
    UclinkRig rig(config);
    // Each wedge cell needs a power cycle: more than the default 4 an hour.
    if (with_reset_command) AddSimPowerCycleResetCommand(rig, 60);
    EXPECT_TRUE(rig.StartSim(sim_args));
    EXPECT_TRUE(rig.StartDaemon());
    MatrixRunner runner(rig, sim_args);
    if (!runner.TakeBaseline(target)) {
      ADD_FAILURE() << title << ": no baseline connection\n" << rig.DaemonLog();
      return 1;
    }
    const ResourceSample base = runner.baseline(target);
    table_ << "\n### " << title << "\n\nBaseline in `" << target << "`: " << base.fds
           << " fds, RSS " << base.rss_kb
           << " kB.\n\n| fault | state hit | outcome |\n|---|---|---|\n";
    int failed = 0;
    for (const Cell& cell : cells) {
      const Outcome outcome = runner.Run(cell);
      table_ << "| " << cell.fault.name << " | " << cell.state << " | " << FirstLine(outcome.text)
             << " |\n";
      std::cout << cell.fault.name << " @ " << cell.state << ": " << outcome.text << std::endl;
      if (!outcome.passed) {
        ++failed;
        ADD_FAILURE() << cell.fault.name << " in " << cell.state << ": " << outcome.text;
      }
      // Fail fast: without its simulator or daemon no later cell can pass.
      if (const std::string casualty = rig.Casualty(); !casualty.empty() || !rig.DaemonAlive()) {
        ADD_FAILURE() << title << ": stopped after " << cell.fault.name << " @ " << cell.state
                      << ": " << casualty << "\n"
                      << rig.ChildrenLog();
        return failed + 1;
      }
    }
    table_ << "\nDaemon RSS after the last cell: " << runner.last_rss_kb() << " kB.\n";
    // Shutdown from the final state must leave the module in command mode.
    const int exit_code = rig.StopDaemon();
    EXPECT_EQ(exit_code, 0) << rig.DaemonLog();
    const bool answers = rig.ModuleAnswersAt();
    EXPECT_TRUE(answers) << title << ": the module was left in data mode";
    table_ << "After SIGTERM: uclinkd exit " << exit_code << "; `AT` on the simulator → "
           << (answers ? "OK" : "no answer (data mode)") << ".\n";
    if (failed > 0) std::cout << "daemon log of the phase:\n" << rig.DaemonLog();
    return failed;
  }

  void WriteTable() { PublishReport("fault_matrix.md", table_.str()); }

  std::ostringstream table_;
};

TEST_F(FaultMatrixTest, EveryFaultInEveryStateRecoversWithoutLeaks) {
  const auto start = Clock::now();
  // Realistic latencies (CFUN=1 0.4 s, attach 2 s, CONNECT 0.3 s) keep each connect state
  // long enough to be hit; a shorter registration keeps the whole matrix within minutes.
  RunPhase("PPP (userspace engine, slirp peer)", {"--registration", "2:300,1:700"}, PppPhaseCells(),
           "online");
  RunPhase("In-band (CGDATA refused)", {"--fast", "--refuse-cgdata"}, InbandPhaseCells(),
           "online-inband");
  // The keepalive at its default interval: a module rebooted during the call echoes our own LCP
  // frames back (echo on after a restart); that must end the link at the first keepalive, not
  // after ten of them (pppif/session.cc, RFC 1661 §6.4).
  RunPhase("Keepalive at default intervals (echo every 30 s, 4 failures)",
           {"--registration", "2:300,1:700"}, DefaultKeepaliveCells(), "online",
           DefaultKeepaliveConfig());
  // A wedged module answers nothing until its power is cycled: the ladder must reach the
  // power-cycle rung from wherever the wedge hit (docs/state-machine.md, "Recovery ladder").
  const char* wedge_states = std::getenv("UCLINK_FAULT_MATRIX_WEDGE");
  RunPhase("Wedge (silent until power-cycled; recovery.reset_command power-cycles the simulator)",
           {"--registration", "2:300,1:700"},
           WedgePhaseCells(wedge_states != nullptr && std::string(wedge_states) == "all"), "online",
           FastRecoveryConfig(), /*with_reset_command=*/true);
  table_ << "\nWhole matrix: " << Seconds(Clock::now() - start) << ".\n";
  WriteTable();
}

}  // namespace
}  // namespace uclink::reliability
