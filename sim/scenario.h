// What the simulated module and its network look like, and which faults to inject: the data
// behind --scenario FILE and the scenario flags. Pure (the TOML loader is scenario_toml.h).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/errors.h"

namespace uclink::sim {

using Millis = std::chrono::milliseconds;

/// One +CGREG state the network passes through after an attach starts (manual §2.15.3: 2 → 1).
struct RegistrationStep {
  int stat = 1;     ///< manual §2.15 <stat>
  Millis after{0};  ///< delay after the previous step
};

/// One entry of the AT+COPS=? scan list (manual §2.18.1).
struct PlmnEntry {
  int stat = 1;         ///< 0 unknown, 1 available, 2 current, 3 forbidden
  std::string numeric;  ///< e.g. "26242"
};

/// A control command scheduled at a time after start ("reboot at T", "NO CARRIER at T").
struct TimedCommand {
  Millis at{0};
  std::string command;  ///< a control-socket line, e.g. "drop", "csq 5"
};

/// Per-command latencies. Realistic by default; --fast zeroes them (explicit scenario delays,
/// such as a registration sequence, are kept).
struct Latencies {
  Millis command{20};        ///< any command's processing time
  Millis cfun{400};          ///< AT+CFUN=1 radio power-up
  Millis activate{800};      ///< PDP activation (AT+CGACT=1, implicit in CGDATA)
  Millis connect{300};       ///< CGDATA/ATD: CONNECT after the context is up
  Millis cops_scan{3000};    ///< AT+COPS=? network search
  Millis cops_select{1000};  ///< AT+COPS=1/0/4 selection
  Millis boot{1500};         ///< reboot → banner
  /// All zero: what --fast selects.
  static Latencies Fast();
};

/// The whole simulated world at start.
struct Scenario {
  // Identity, manual §2.2–2.6 defaults.
  std::string manufacturer = "ucchip";
  std::string model = "8088";
  std::vector<std::string> revision = {"+SOFTV:012345678", "+HARDV:00123456", "+MANUF:ucchip"};
  std::string imei = "863711020146740";
  std::string imsi = "460040812002376";
  /// Printed after a module restart. The manual shows none; "READY" is the simulator's choice.
  std::string banner = "READY";

  // Serial defaults.
  bool echo = true;  ///< ATE1 at power-on
  int cmee = 0;      ///< manual §2.7.4 reads +CMEE: 0 before any set

  // Network.
  int rssi = 21;  ///< manual §2.17.2
  int ber = 99;
  int lac = 13122;  ///< manual §2.15.3
  int ci = 32451;
  /// Empty: the default 2 → 1 sequence with realistic (or, with --fast, zero) delays.
  std::vector<RegistrationStep> registration;
  std::vector<PlmnEntry> scan = {{1, "26242"}};     ///< manual §2.18.4 example
  std::string home_plmn = "26242";                  ///< what automatic selection registers on
  std::vector<std::string> selectable = {"46000"};  ///< manual selection succeeds on these
  std::uint64_t cell_freq_hz = 935400000;  ///< the serving cell; CELLLOCK elsewhere → no service
  /// QoS the network grants on activation (precedence, delay, reliability, peak, mean), checked
  /// against AT+CGQMIN (manual §2.13.4 shows the mismatch ERROR).
  std::array<int, 5> granted_qos = {2, 4, 3, 4, 31};
  std::array<std::string, 2> pdp_addresses = {"192.168.40.13", "192.168.40.14"};  // §2.14.2
  std::map<std::string, std::string> host_map;  ///< --map HOST=127.0.0.1 for services

  // Faults at start.
  int attach_fail = 0;         ///< the next N attach attempts are rejected
  int pdp_fail = 0;            ///< the next N PDP activations fail
  bool refuse_cgdata = false;  ///< CGDATA/ATD answer ERROR (forces in-band services)
  /// Non-empty: the network activates only contexts with this APN; any other is refused with
  /// +CME ERROR: 133 "requested service option not subscribed" (manual §3.1), as a real network
  /// refuses an APN the subscription does not include.
  std::string require_apn;
  std::size_t chunk_size = 0;  ///< 0: whole writes; N: responses written in N-byte pieces
  Millis chunk_gap{0};         ///< pause between pieces
  std::vector<TimedCommand> timeline;

  // Behaviour switches.
  bool fast = false;       ///< --fast: zero latencies
  bool escape = false;     ///< --escape: "+++" / ATO / ATH (not in the manual, off by default)
  std::uint32_t seed = 1;  ///< garbage-byte generator seed
  Latencies latencies;

  /// Latencies after --fast.
  Latencies Effective() const { return fast ? Latencies::Fast() : latencies; }
};

/// A run-time fault or scenario step, as typed on the control socket or in a timeline entry.
struct ControlCommand {
  enum class Kind {
    kReboot,        ///< "reboot": restart banner, state back to CFUN=0
    kHang,          ///< "hang": stop answering (input dropped, no output)
    kUnhang,        ///< "unhang"
    kGarbage,       ///< "garbage N": N random bytes on the line
    kChunk,         ///< "chunk N GAP_MS": write responses in N-byte pieces (N=0: off)
    kUrcStorm,      ///< "urc-storm N": N +CGREG URCs at once
    kDrop,          ///< "drop": NO CARRIER now
    kSilentPpp,     ///< "silent-ppp": the peer stops answering; nothing is forwarded
    kBlackhole,     ///< "blackhole": LCP/NCP frames still pass, IP packets are dropped
    kRegister,      ///< "register STAT": the network changes registration state
    kCsq,           ///< "csq N": signal level
    kRefuseCgdata,  ///< "refuse-cgdata on|off"
    kAttachFail,    ///< "attach-fail N"
    kPdpFail,       ///< "pdp-fail N"
    kStatus,        ///< "status": one line describing the module state
    kWedge,         ///< "wedge": firmware hang; nothing but a power cycle brings it back
    kPowerCycle,    ///< "power-cycle": power off and on: banner, CFUN=0, answering again
  };
  Kind kind = Kind::kStatus;
  long value = 0;   ///< N, STAT, on (1) / off (0)
  long value2 = 0;  ///< GAP_MS
};

/// Name of a ControlCommand::Kind value.
std::string_view ToString(ControlCommand::Kind kind);

/// Parses one control line ("chunk 4 20"). Errors: kUnknownControl, kBadControlArgument.
std::optional<ControlCommand> ParseControlCommand(std::string_view line, std::error_code& error);

}  // namespace uclink::sim
