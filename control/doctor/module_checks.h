// Module checks of `uclink doctor`: does the module answer AT, is the radio on, is it registered,
// is the signal known. Read-only queries (AT, AT+CFUN?, AT+CGREG?, AT+CSQ): the doctor never
// changes the module's state. Pure apart from the `run` callable, so tests script the replies.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "chat/at_command.h"
#include "control/doctor/check.h"

namespace uclink::control::doctor {

/// Sends one command and returns its reply (bounded by the command's timeout).
using AtRunner = std::function<chat::AtReply(chat::AtCommand)>;

/// How long "AT" may take before the module counts as not answering. One try: any final result
/// counts as an answer (in retention mode, manual §2.19, the first command gets ERROR), and after
/// a timeout the AT channel resynchronises for seconds before it would send a second one.
inline constexpr std::chrono::milliseconds kAtTimeout{1000};

/// Appends "module", then "cfun", "registration" and "signal" to `report`; when the module does
/// not answer, the last three go to report->skipped.
void CheckModule(const AtRunner& run, const std::string& port, Report* report);

/// "module" (fail) for a port the AT channel could not open.
CheckResult CannotOpenPort(const std::string& port, const std::string& reason);

}  // namespace uclink::control::doctor
