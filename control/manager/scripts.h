// The AT sequences the manager runs, as data a reader can follow top to bottom
// (docs/state-machine.md, "Scripts").
// Each step: {command, expected reply, failure replies, timeout}. The command is built by chat's
// typed encoders (chat/commands/*.h) from the configuration's cid and APN; the timeout is chat's
// (chat/commands/timeouts.h) unless the step overrides it, with the reason beside the override.
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chat/at_args.h"
#include "chat/commands/pdp.h"
#include "chat/final_result.h"

namespace uclink::control {

/// How a command ended: chat's final result (chat/final_result.h), or none when no answer came
/// (timeout, unresponsive module, closed port).
using AtOutcome = std::optional<chat::FinalKind>;
inline constexpr AtOutcome kNoAnswer = std::nullopt;
/// chat's name of the final result ("OK", "CONNECT", "+CME ERROR", ...), or "timeout".
const char* ToString(const AtOutcome& outcome);

/// What a step waits for.
enum class Expect { kOk, kConnect };
const char* ToString(Expect expect);

/// Which status field an information line fills (identity reads, manual §2.2–§2.6).
enum class Capture { kNone, kManufacturer, kModel, kRevision, kImei, kImsi };
const char* ToString(Capture capture);

using Millis = std::chrono::milliseconds;

/// What a script's commands may carry from the configuration (validated by chat's rules:
/// control/config/config.cc).
struct ScriptParams {
  int cid = 1;
  std::string_view apn;
  chat::PdpType pdp_type = chat::PdpType::kIp;  ///< <PDP_type> of AT+CGDCONT (manual §2.11)
};

/// Builds a step's command, with chat's typed encoder where the manual defines the command.
using StepCommand = chat::Result<std::string> (*)(const ScriptParams& params);

/// One step of a script as written in the tables.
struct ScriptStepSpec {
  StepCommand command;
  Expect expect;
  std::initializer_list<chat::FinalKind> failures;  ///< replies that mean "refused", not "lost"
  std::optional<Millis> timeout;  ///< nullopt: chat's table; a value: the manager's override
  bool optional;                  ///< a failure is logged and the script goes on
  Capture capture;
};

/// A step ready to send.
struct ScriptStep {
  std::string command;
  Expect expect = Expect::kOk;
  std::vector<chat::FinalKind> failures;
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
  kDefineContext,     ///< AT+CGDCONT alone: network.apn = "auto" defines each candidate
};
const char* ToString(Script script);

/// The table of a script.
std::span<const ScriptStepSpec> StepsOf(Script script);
/// The steps with their commands built for `cid` and `apn` and their timeouts resolved. An empty
/// APN drops the APN argument: AT+CGDCONT=1,"IP" (manual §2.11.2). `cid` and `apn` must have
/// passed the configuration's validation, which applies the encoders' own rules.
/// `pdp_type` is the <PDP_type> AT+CGDCONT defines the context with (manual §2.11).
std::vector<ScriptStep> Expand(Script script, int cid, std::string_view apn,
                               chat::PdpType pdp_type = chat::PdpType::kIp);

/// The status field an identity step fills, decoded from its information lines with chat's
/// decoders (manual §2.2–§2.6) as `uclink probe` decodes them; nullopt when they do not decode.
std::optional<std::string> DecodeCapture(Capture capture, const std::vector<std::string>& info);

}  // namespace uclink::control
