// How long each command may take before its answer is given up: the one timeout table of
// uclink, keyed by command name and form. The engine's TimeoutTable starts from it; the
// connection manager's scripts take their step timeouts from it too and name their overrides.
#pragma once

#include <chrono>
#include <span>
#include <string_view>

#include "chat/commands/command_table.h"

namespace uclink::chat {

// A command the table does not list: a local query or setting (docs/at-channel.md, "Lessons:
// timeouts to start from").
inline constexpr std::chrono::milliseconds kBasicTimeout{2000};

// One row: the command's name without "AT" and '+' ("CGATT", "D" for ATD), upper case.
struct CommandTimeout {
  std::string_view name;
  Form form;
  std::chrono::milliseconds timeout;
};

// Every command that may take longer than kBasicTimeout.
std::span<const CommandTimeout> CommandTimeouts();

// The row's timeout for `name` in `form`, or kBasicTimeout.
std::chrono::milliseconds TimeoutOf(std::string_view name, Form form);

}  // namespace uclink::chat
