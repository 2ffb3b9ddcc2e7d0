// The UC8088 command set as data: every command of the manual (§2.1–§2.62), the forms it has,
// the name uclink sends, the misspellings the manual also prints, and the timeout class of each
// form (durations: timeouts.h). Typed encoders and decoders live in the per-area headers next to
// this one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "chat/at_args.h"

namespace uclink::chat {

// Every command of the UC8088 manual, in manual order.
enum class Command {
  kCfun,
  kCgmi,
  kCgmm,
  kCgmr,
  kCgsn,
  kCimi,
  kCmee,
  kCelllock,
  kCgatt,
  kCgact,
  kCgdcont,
  kCgqreq,
  kCgqmin,
  kCgpaddr,
  kCgreg,
  kCgdata,
  kCsq,
  kCops,
  kLpm,
  kIpcreate,
  kIpsend,
  kIpclose,
  kIprecv,
  kFtpmode,
  kFtptype,
  kFtpreset,
  kFtpserv,
  kFtpun,
  kFtppw,
  kFtpgetname,
  kFtppath,
  kFtpputname,
  kFtpmkd,
  kFtprmd,
  kFtpget,
  kFtpput,
  kFtplist,
  kFtpsize,
  kFtpscon,
  kFtpquit,
  kHttptls,
  kHttppara,
  kHttpdata,
  kHttpinit,
  kHttpaction,
  kHttpread,
  kMqtttls,
  kMqttconfig,
  kMqttconnect,
  kMqttpub,
  kMqttsub,
  kMqttunsub,
  kMqttstate,
  kMqttdisconnect,
  kFactorytest,
};

// Stable name of a Command: the canonical AT name without "AT", e.g. "+CFUN".
std::string_view ToString(Command command);

// The four command types of UC8088 manual §1.3.2.
enum class Form : std::uint8_t {
  kTest = 1,  // AT+X=?
  kRead = 2,  // AT+X?
  kSet = 4,   // AT+X=<...>
  kExec = 8,  // AT+X
};

// Stable name of a Form.
std::string_view ToString(Form form);

// The kind of work a command makes the module do. The durations are in chat/commands/timeouts.h.
enum class TimeoutClass {
  kBasic,     // local query or setting
  kFunction,  // AT+CFUN: radio on/off
  kAttach,    // GPRS attach, PDP activation, manual operator selection
  kScan,      // AT+COPS=?: full network scan
  kDial,      // AT+CGDATA until CONNECT
  kSocket,    // AT+IPCREATE until CONNECT OK / CONNECT FAIL
  kSocketIo,  // AT+IPSEND, AT+IPCLOSE
  kFtp,       // FTP commands that talk to the server
  kHttp,      // HTTP request and read
  kMqtt,      // MQTT commands that talk to the broker
};

// Stable name of a TimeoutClass.
std::string_view ToString(TimeoutClass timeout_class);

// One row of the command table.
struct CommandSpec {
  Command command;
  std::string_view name;     // canonical, sent: "+CGDCONT"
  std::uint8_t forms;        // bit set of Form
  TimeoutClass timeout;      // for the set and exec forms; test/read forms are kBasic
  std::string_view section;  // "§2.11"
  std::string_view aliases;  // misspellings the manual prints, space separated
};

// The whole table, one row per Command, in enum order.
std::span<const CommandSpec> CommandTable();

// The row of one command.
const CommandSpec& SpecOf(Command command);

// Whether a command has a form.
bool HasForm(Command command, Form form);

// The timeout class of one form of a command (test and read forms are kBasic, except
// AT+COPS=? which is kScan).
TimeoutClass TimeoutFor(Command command, Form form);

// Finds a command by name, with or without '+', any case, canonical or alias ("FTTPUT").
std::optional<Command> CommandFromName(std::string_view name);

// "AT+X=?", "AT+X?", "AT+X"; kUnsupportedForm if the manual gives the command no such form.
Result<std::string> EncodeTest(Command command);
Result<std::string> EncodeRead(Command command);
Result<std::string> EncodeExec(Command command);

// The usage text of a test-form answer that lists no values, e.g. `+IPCLOSE :mode(TCP/UDP)`
// (§2.24.1) → "mode(TCP/UDP)". Accepts the command's name, its aliases, and the other command
// names the manual prints in such answers (AT+IPSEND=? answers `+ IPCREATE: …`, §2.23.1;
// AT+FTPSERV=? answers `+ FTPMODE: <IP>`, §2.29.1; AT+MQTTCONNECT=? answers `+MQTTCONFIG`,
// §2.55; AT+HTTPACTION=? answers `+CGDCONT: (0-3)`, §2.47.1; AT+FTPRESET=? `+ FTPMODE`, §2.28).
Result<std::string> DecodeUsage(std::string_view line, Command command);

}  // namespace uclink::chat
