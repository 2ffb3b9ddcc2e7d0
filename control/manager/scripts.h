// The AT sequences the manager runs, as data a reader can follow top to bottom
// (docs/state-machine.md, "Scripts").
// Each step: {command, expected reply, failure replies, timeout}. "{cid}" and "{apn}" are
// filled in from the configuration by Expand().
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::control {

/// How the AT channel reports the end of a command (its final result, or none).
enum class AtOutcome { kOk, kConnect, kError, kCmeError, kExtError, kNoCarrier, kTimeout };
const char* ToString(AtOutcome outcome);

/// What a step waits for.
enum class Expect { kOk, kConnect };
const char* ToString(Expect expect);

/// Which status field an information line fills (identity reads, manual §2.2–§2.6).
enum class Capture { kNone, kManufacturer, kModel, kRevision, kImei, kImsi };
const char* ToString(Capture capture);

using Millis = std::chrono::milliseconds;

/// One step of a script as written in the tables.
struct ScriptStepSpec {
  std::string_view command;
  Expect expect;
  std::initializer_list<AtOutcome> failures;  ///< replies that mean "refused", not "lost"
  Millis timeout;
  bool optional;  ///< a failure is logged and the script goes on
  Capture capture;
};

/// A step ready to send.
struct ScriptStep {
  std::string command;
  Expect expect = Expect::kOk;
  std::vector<AtOutcome> failures;
  Millis timeout{0};
  bool optional = false;
  Capture capture = Capture::kNone;
};

/// The named scripts.
enum class Script {
  kProbe,
  kRadioCycle,
  kInit,
  kAttach,
  kDial,
  kInbandActivate,
  kDeactivate,
  kEscapeSlice,       ///< AT, AT+CSQ, AT+CGREG?, ATO: the steps a monitoring slice picks from
  kEndSuspendedCall,  ///< ATH before AT+CGACT=0 when a slice left the call suspended
};
const char* ToString(Script script);

/// The table of a script.
std::span<const ScriptStepSpec> StepsOf(Script script);
/// Fills in {cid}/{apn}. An empty APN drops the APN argument: AT+CGDCONT=1,"IP" (manual §2.11.2).
std::vector<ScriptStep> Expand(Script script, int cid, std::string_view apn);

/// An LCP Terminate-Request (RFC 1661 §5.5) in RFC 1662 HDLC framing with the default ACCM.
/// Sent when the module may still be in PPP data mode from an earlier run: the manual documents
/// no "+++" escape, so asking the module's PPP peer to terminate is the way back to AT mode.
std::vector<std::uint8_t> LcpTerminateRequestFrame(std::uint8_t identifier);
/// RFC 1662 §C.2 FCS-16 over `bytes` starting from `fcs` (0xFFFF initially).
std::uint16_t Fcs16(std::uint16_t fcs, std::span<const std::uint8_t> bytes);

}  // namespace uclink::control
