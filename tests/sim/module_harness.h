// Drives the pure sim::Module with explicit time: feed bytes, advance the clock, collect what
// the module wrote. No pty, no sleeps.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sim/module.h"
#include "sim/scenario.h"

namespace uclink::sim::testing {

/// A scenario with zero latencies (what --fast selects).
Scenario FastScenario();

class ModuleHarness {
 public:
  using TimePoint = Module::TimePoint;

  explicit ModuleHarness(Scenario scenario = FastScenario());

  /// Writes bytes as the DTE at the current time and lets due work run.
  void Send(std::string_view bytes);
  /// Advances the clock by `ms` in steps to every deadline on the way.
  void Advance(std::chrono::milliseconds ms);
  /// Advances to each pending deadline until the module is idle (at most `limit` of time).
  void Settle(std::chrono::milliseconds limit = std::chrono::milliseconds(600000));
  /// Sends `line` + CR, settles, and returns the serial output without the echoed line.
  std::string Command(std::string_view line);
  /// Like Command but splits the answer into its non-empty lines.
  std::vector<std::string> Lines(std::string_view line);
  /// Serial output collected so far (and forgets it).
  std::string TakeSerial();
  /// Peer-side actions collected so far (and forgets them).
  std::vector<ModuleAction> TakePeerActions();
  /// A control command at the current time.
  std::string Control(std::string_view line);

  Module& module() { return module_; }
  TimePoint now() const { return now_; }
  std::chrono::milliseconds elapsed() const;

 private:
  void Collect();

  TimePoint start_;
  TimePoint now_;
  Module module_;
  std::string serial_;
  std::vector<ModuleAction> peer_;
};

/// Splits output into its non-empty CRLF-separated lines.
std::vector<std::string> SplitLines(std::string_view output);

}  // namespace uclink::sim::testing
