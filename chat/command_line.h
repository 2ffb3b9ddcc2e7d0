// A raw AT command line from a user (`uclink at`, the control API's `at` method) read the way the
// module reads it, and the one check that decides whether it may be sent. Pure: standard library
// only. Both the one-off CLI path and uclinkd call CheckUserCommandLine, so they refuse the same
// lines with the same words.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/at_command.h"

namespace uclink::chat {

// One command of a command line, e.g. `AT+CSQ;+CGREG?` holds {"CSQ", exec} and {"CGREG", read}.
// Basic commands keep their letter ("D", "E", "&F", "S0"), extended ones lose the '+'.
struct LineCommand {
  std::string name;
  CommandForm form = CommandForm::kExec;
};

// Splits a command line into its commands as the module reads it: the "AT"/"at" prefix
// (manual §1.3.1), spaces ignored outside quoted strings and names upper-cased (the manual's own
// examples write "AT+ IPCREATE?" and "AT+FTPSERV =..."; chat's tokenizer matches response names
// the same way), extended commands up to ';' (ITU-T V.250 §5.4), basic commands one letter
// with an optional number (V.250 §5.3), the dial command taking the rest of its command.
// A character that starts no command is skipped, so nothing after it can hide a command.
// nullopt when the line does not start with "AT" or "at".
std::optional<std::vector<LineCommand>> SplitCommandLine(std::string_view line);

// Why a user's command line is refused, or nullopt when it may go to the module:
//  * empty, or not starting with "AT"/"at" (manual §1.3.1);
//  * a control byte (NUL, CR, LF, Ctrl-Z, ESC, DEL, ...): the module ends a line at CR and
//    takes Ctrl-Z/ESC as the end or the abort of a '>' payload, and it has no backspace
//    (manual §1.4), so such a byte would change what the module executes; the message names
//    the byte and its offset;
//  * a command that switches the port to data mode: D (dial), A (answer), O (return to data
//    mode) of V.250 §6.3, and AT+CGDATA in its set and execute forms (manual §2.16: CONNECT).
//    The port would leave command mode with nobody to carry PPP; only the connection manager
//    (`uclink connect`) dials.
std::optional<std::string> CheckUserCommandLine(std::string_view line);

}  // namespace uclink::chat
