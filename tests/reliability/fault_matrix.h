// The fault matrix as data: every uclink-sim fault × every manager state it can hit, with the
// outcome the daemon must reach. fault_matrix_test.cc runs it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace uclink::reliability {

/// A simulator fault: how to inject it and how (and when) to undo it.
struct Fault {
  std::string name;    ///< column label in the table
  std::string inject;  ///< simulator control command; "kill" = SIGKILL the simulator
  std::string undo;    ///< control command after `undo_after` ("" = none; "restart" for kill)
  std::chrono::milliseconds undo_after{0};
  std::string undo_on_recovery;  ///< control command once the target state is reached
  /// Line noise a running PPP link must absorb: injected in the target state, the state must
  /// simply stay (no state event within 5 s, longer than echo-failure detection takes).
  bool link_survives = false;
};

/// One cell: inject `fault` when the manager enters `state`; expect `target` within `bound`.
struct Cell {
  Fault fault;
  std::string state;
  std::string target;  ///< "online" or "online-inband"
  std::chrono::seconds bound{60};
};

/// The PPP phase (realistic latencies so every connect state lasts long enough to be hit) and
/// the in-band phase (CGDATA refused from the start).
std::vector<Cell> PppPhaseCells();
std::vector<Cell> InbandPhaseCells();
/// Faults detected only by the LCP keepalive, run with its default interval (30 s): a module
/// that reboots during the call and then echoes our frames back. Bounded by one interval plus
/// the redial, far below the ten intervals a looped-back echo used to take.
std::vector<Cell> DefaultKeepaliveCells();

/// A wedged module (docs/simulator.md, `wedge`: silent until its power is cycled), recovered
/// only through recovery.reset_command (the simulator's `power-cycle`). `every_state`: each
/// connect state; otherwise a representative two (a script running, and online).
std::vector<Cell> WedgePhaseCells(bool every_state);
Fault WedgeFault();

/// The faults that leave an online PPP link recoverable without outside help (everything but a
/// refused CGDATA, an attach failure and a vanished port), in the order the faulted online
/// period (faulted_online_test.cc) cycles through them.
std::vector<Fault> RecoverableOnlineFaults();

}  // namespace uclink::reliability
