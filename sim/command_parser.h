// The simulator's own AT command-line parser (never chat/'s: a bug in one must not hide the
// same bug in the other). One received line in, one SimCommand out. Pure.
#pragma once

#include <optional>
#include <string_view>

#include "sim/service_host.h"

namespace uclink::sim {

/// Parses one command line without its line end. Accepts the "AT"/"at" prefixes of manual §1.3.1
/// and the spacing the manual's own examples use ("AT+ CELLLOCK?", "AT+FTPSERV =1.2.3.4",
/// "AT+CGDCONT=1, \"IP\""). Extended commands get names like "+CGACT"; basic ones are "E", "D",
/// "O", "H" with the rest of the line as args[0]; a bare "AT" has an empty name.
/// Returns nullopt when the line is not a command (no prefix, or an unparsable tail: an
/// unterminated quoted argument or text after its closing quote, manual §1.3.3).
std::optional<SimCommand> ParseCommandLine(std::string_view line);

/// Name of a SimCommand::Form value.
std::string_view ToString(SimCommand::Form form);

}  // namespace uclink::sim
