#include "tests/reliability/fault_matrix.h"

namespace uclink::reliability {
namespace {

using namespace std::chrono_literals;

// The faults of docs/simulator.md's control socket, each with the undo that lets the next
// attempt succeed (a module that stays hung forever is a `failed` report, not a recovery).
const Fault kReboot{"reboot", "reboot", "", 0ms, "", false};
const Fault kHang{"hang 3 s", "hang", "unhang", 3000ms, "", false};
const Fault kGarbage{"garbage 2 KiB", "garbage 2048", "", 0ms, "", true};
const Fault kChunked{"chunked 2 B / 1 ms", "chunk 2 1", "", 0ms, "chunk 0 0", true};
const Fault kUrcStorm{"URC storm 1000", "urc-storm 1000", "", 0ms, "", true};
const Fault kNoCarrier{"NO CARRIER", "drop", "", 0ms, "", false};
const Fault kSilentPpp{"silent PPP death", "silent-ppp", "", 0ms, "", false};
const Fault kRefuseCgdata{
    "CGDATA refused", "refuse-cgdata on", "", 0ms, "refuse-cgdata off", false};
// Longer than registration_lost_grace_s (2 s in the test configuration).
const Fault kRegistrationLoss{
    "registration lost 4 s", "register 2", "register 1", 4000ms, "", false};
const Fault kAttachFail{"attach failure", "attach-fail 1", "", 0ms, "", false};
const Fault kPortVanishes{"port vanishes 1 s", "kill", "restart", 1000ms, "", false};

const std::vector<std::string> kConnectStates = {
    "configuring", "awaiting-registration", "attaching", "dialing", "negotiating-ppp", "online"};

}  // namespace

std::vector<Cell> PppPhaseCells() {
  std::vector<Cell> cells;
  for (const Fault& f : {kReboot, kHang}) {
    for (const std::string& state : kConnectStates) cells.push_back({f, state, "online"});
  }
  // Line noise matters where the AT channel parses (and online, where it must not disturb PPP).
  for (const Fault& f : {kGarbage, kChunked, kUrcStorm}) {
    for (const char* state : {"configuring", "awaiting-registration", "dialing", "online"}) {
      cells.push_back({f, state, "online"});
    }
  }
  for (const char* state : {"configuring", "attaching", "online"}) {
    cells.push_back({kPortVanishes, state, "online"});
  }
  // Only a data call can be dropped or die silently.
  for (const Fault& f : {kNoCarrier, kSilentPpp}) {
    cells.push_back({f, "negotiating-ppp", "online"});
    cells.push_back({f, "online", "online"});
  }
  // The module ends a data call on deregistration (NO CARRIER); before it, the attach waits.
  for (const char* state : {"awaiting-registration", "attaching", "online"}) {
    cells.push_back({kRegistrationLoss, state, "online"});
  }
  // attach-fail arms the next AT+CGATT=1: states before it is sent.
  for (const char* state : {"configuring", "awaiting-registration"}) {
    cells.push_back({kAttachFail, state, "online"});
  }
  // Last: once fallen back, the manager stays in-band for later connects (retry_ppp_after_s
  // = 0 in the test configuration). A refused dial falls back whenever it is set before the dial.
  for (const char* state : {"configuring", "awaiting-registration", "attaching"}) {
    cells.push_back({kRefuseCgdata, state, "online-inband"});
  }
  return cells;
}

std::vector<Cell> InbandPhaseCells() {
  std::vector<Cell> cells;
  for (const Fault& f :
       {kReboot, kHang, kGarbage, kChunked, kUrcStorm, kRegistrationLoss, kPortVanishes}) {
    cells.push_back({f, "online-inband", "online-inband"});
  }
  return cells;
}

std::vector<Cell> DefaultKeepaliveCells() {
  const Fault echoing_reboot{"reboot, echo on", "reboot", "", 0ms, "", false};
  return {{echoing_reboot, "online", "online", 60s}};
}

Fault WedgeFault() { return {"wedge (until power-cycled)", "wedge", "", 0ms, "", false}; }

std::vector<Cell> WedgePhaseCells(bool every_state) {
  // Detection (the probe's silent tries), the power cycle, the settle and a whole connect.
  const Fault wedge = WedgeFault();
  const std::vector<std::string> states =
      every_state ? kConnectStates : std::vector<std::string>{"configuring", "online"};
  std::vector<Cell> cells;
  for (const std::string& state : states) cells.push_back({wedge, state, "online", 120s});
  return cells;
}

std::vector<Fault> RecoverableOnlineFaults() {
  return {kNoCarrier, kSilentPpp, kRegistrationLoss, kGarbage, kChunked, kUrcStorm, kReboot, kHang};
}

}  // namespace uclink::reliability
