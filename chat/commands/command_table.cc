#include "chat/commands/command_table.h"

#include <array>

namespace uclink::chat {
namespace {

constexpr std::uint8_t kT = static_cast<std::uint8_t>(Form::kTest);
constexpr std::uint8_t kR = static_cast<std::uint8_t>(Form::kRead);
constexpr std::uint8_t kS = static_cast<std::uint8_t>(Form::kSet);
constexpr std::uint8_t kE = static_cast<std::uint8_t>(Form::kExec);

using TC = TimeoutClass;

// Forms come from each section's command table, widened where the section's own examples use a
// form the table leaves out (AT+FTPGET=1,123 in §2.43, AT+FTPLIST? in §2.40.2).
constexpr std::array<CommandSpec, 55> kTable = {{
    {Command::kCfun, "+CFUN", kT | kR | kS, TC::kFunction, "§2.1", ""},
    {Command::kCgmi, "+CGMI", kT | kE, TC::kBasic, "§2.2", ""},
    {Command::kCgmm, "+CGMM", kT | kE, TC::kBasic, "§2.3", ""},
    {Command::kCgmr, "+CGMR", kT | kE, TC::kBasic, "§2.4", ""},
    {Command::kCgsn, "+CGSN", kT | kE, TC::kBasic, "§2.5", ""},
    {Command::kCimi, "+CIMI", kT | kE, TC::kBasic, "§2.6", ""},
    {Command::kCmee, "+CMEE", kT | kR | kS, TC::kBasic, "§2.7", ""},
    {Command::kCelllock, "+CELLLOCK", kT | kR | kS, TC::kBasic, "§2.8", ""},
    {Command::kCgatt, "+CGATT", kT | kR | kS, TC::kAttach, "§2.9", ""},
    {Command::kCgact, "+CGACT", kT | kR | kS, TC::kAttach, "§2.10", ""},
    {Command::kCgdcont, "+CGDCONT", kT | kR | kS, TC::kBasic, "§2.11", ""},
    {Command::kCgqreq, "+CGQREQ", kT | kR | kS, TC::kBasic, "§2.12", "+CGQRE"},
    {Command::kCgqmin, "+CGQMIN", kT | kR | kS, TC::kBasic, "§2.13", ""},
    {Command::kCgpaddr, "+CGPADDR", kT | kS, TC::kBasic, "§2.14", ""},
    {Command::kCgreg, "+CGREG", kT | kR | kS, TC::kBasic, "§2.15", ""},
    {Command::kCgdata, "+CGDATA", kT | kS, TC::kDial, "§2.16", ""},
    {Command::kCsq, "+CSQ", kT | kE, TC::kBasic, "§2.17", ""},
    {Command::kCops, "+COPS", kT | kR | kS, TC::kAttach, "§2.18", ""},
    {Command::kLpm, "+LPM", kT | kR | kS, TC::kBasic, "§2.19", ""},
    {Command::kIpcreate, "+IPCREATE", kT | kR | kS, TC::kSocket, "§2.22", ""},
    {Command::kIpsend, "+IPSEND", kT | kS, TC::kSocketIo, "§2.23", ""},
    {Command::kIpclose, "+IPCLOSE", kT | kS, TC::kSocketIo, "§2.24", ""},
    {Command::kIprecv, "+IPRECV", 0, TC::kBasic, "§2.25", ""},
    {Command::kFtpmode, "+FTPMODE", kT | kR | kS, TC::kBasic, "§2.26", ""},
    {Command::kFtptype, "+FTPTYPE", kT | kR | kS, TC::kFtp, "§2.27", "+FTPYPE"},
    {Command::kFtpreset, "+FTPRESET", kT | kR | kS, TC::kBasic, "§2.28", ""},
    {Command::kFtpserv, "+FTPSERV", kT | kR | kS, TC::kFtp, "§2.29", ""},
    {Command::kFtpun, "+FTPUN", kT | kR | kS, TC::kFtp, "§2.30", ""},
    {Command::kFtppw, "+FTPPW", kT | kR | kS, TC::kFtp, "§2.31", "+FTTPW"},
    {Command::kFtpgetname, "+FTPGETNAME", kT | kR | kS, TC::kBasic, "§2.32", ""},
    {Command::kFtppath, "+FTPPATH", kT | kR | kS, TC::kFtp, "§2.33", "+FTTPATH"},
    {Command::kFtpputname, "+FTPPUTNAME", kT | kR | kS, TC::kBasic, "§2.34", "+FTTPUTNAME"},
    {Command::kFtpmkd, "+FTPMKD", kT | kS, TC::kFtp, "§2.35", ""},
    {Command::kFtprmd, "+FTPRMD", kT | kS, TC::kFtp, "§2.36", "+FTPMD"},
    {Command::kFtpget, "+FTPGET", kT | kS | kE, TC::kFtp, "§2.37", ""},
    {Command::kFtpput, "+FTPPUT", kT | kS, TC::kFtp, "§2.39", "+FTTPUT"},
    {Command::kFtplist, "+FTPLIST", kT | kR | kE, TC::kFtp, "§2.40", ""},
    {Command::kFtpsize, "+FTPSIZE", kS, TC::kFtp, "§2.43", ""},
    {Command::kFtpscon, "+FTPSCON", kT | kE, TC::kBasic, "§2.41", ""},
    {Command::kFtpquit, "+FTPQUIT", kT | kE, TC::kFtp, "§2.42", ""},
    {Command::kHttptls, "+HTTPTLS", kT | kR | kS, TC::kBasic, "§2.44", ""},
    {Command::kHttppara, "+HTTPPARA", kT | kR | kS, TC::kBasic, "§2.45", "+HTTTPARA"},
    {Command::kHttpdata, "+HTTPDATA", kT | kS, TC::kBasic, "§2.46", "+HTTTPDATA"},
    {Command::kHttpinit, "+HTTPINIT", kE, TC::kBasic, "§2.50", ""},
    {Command::kHttpaction, "+HTTPACTION", kT | kS, TC::kHttp, "§2.47", ""},
    {Command::kHttpread, "+HTTPREAD", kT | kE, TC::kHttp, "§2.48", ""},
    {Command::kMqtttls, "+MQTTTLS", kT | kR | kS, TC::kBasic, "§2.53", "+MQTTLS"},
    {Command::kMqttconfig, "+MQTTCONFIG", kT | kR | kS, TC::kBasic, "§2.54", ""},
    {Command::kMqttconnect, "+MQTTCONNECT", kT | kE, TC::kMqtt, "§2.55", ""},
    {Command::kMqttpub, "+MQTTPUB", kS, TC::kMqtt, "§2.56", ""},
    {Command::kMqttsub, "+MQTTSUB", kR | kS, TC::kMqtt, "§2.57", ""},
    {Command::kMqttunsub, "+MQTTUNSUB", kR | kS, TC::kMqtt, "§2.58", ""},
    {Command::kMqttstate, "+MQTTSTATE", kE, TC::kBasic, "§2.59", ""},
    {Command::kMqttdisconnect, "+MQTTDISCONNECT", kE, TC::kMqtt, "§2.60", ""},
    {Command::kFactorytest, "+FACTORYTEST", kT | kS, TC::kBasic, "§2.62", ""},
}};

std::string_view StripPlus(std::string_view name) {
  while (!name.empty() && (name.front() == '+' || name.front() == ' ')) name.remove_prefix(1);
  return name;
}

bool AliasMatches(std::string_view aliases, std::string_view name) {
  while (!aliases.empty()) {
    std::size_t space = aliases.find(' ');
    if (EqualsIgnoreCase(StripPlus(aliases.substr(0, space)), name)) return true;
    if (space == std::string_view::npos) break;
    aliases.remove_prefix(space + 1);
  }
  return false;
}

Result<std::string> Encode(Command command, Form form) {
  const CommandSpec& spec = SpecOf(command);
  if ((spec.forms & static_cast<std::uint8_t>(form)) == 0) {
    return MakeError(CommandErrc::kUnsupportedForm,
                     "AT" + std::string(spec.name) + " has no " + std::string(ToString(form)) +
                         " form (UC8088 manual " + std::string(spec.section) + ")");
  }
  switch (form) {
    case Form::kTest:
      return TestForm(spec.name);
    case Form::kRead:
      return ReadForm(spec.name);
    case Form::kExec:
      return ExecForm(spec.name);
    case Form::kSet:
      break;
  }
  return MakeError(CommandErrc::kUnsupportedForm, "set forms have typed encoders");
}

}  // namespace

std::string_view ToString(Command command) { return SpecOf(command).name; }

std::string_view ToString(Form form) {
  switch (form) {
    case Form::kTest:
      return "test";
    case Form::kRead:
      return "read";
    case Form::kSet:
      return "set";
    case Form::kExec:
      return "exec";
  }
  return "unknown";
}

std::string_view ToString(TimeoutClass timeout_class) {
  switch (timeout_class) {
    case TimeoutClass::kBasic:
      return "basic";
    case TimeoutClass::kFunction:
      return "function";
    case TimeoutClass::kAttach:
      return "attach";
    case TimeoutClass::kScan:
      return "scan";
    case TimeoutClass::kDial:
      return "dial";
    case TimeoutClass::kSocket:
      return "socket";
    case TimeoutClass::kSocketIo:
      return "socket_io";
    case TimeoutClass::kFtp:
      return "ftp";
    case TimeoutClass::kHttp:
      return "http";
    case TimeoutClass::kMqtt:
      return "mqtt";
  }
  return "unknown";
}

std::span<const CommandSpec> CommandTable() { return kTable; }

const CommandSpec& SpecOf(Command command) { return kTable[static_cast<std::size_t>(command)]; }

bool HasForm(Command command, Form form) {
  return (SpecOf(command).forms & static_cast<std::uint8_t>(form)) != 0;
}

TimeoutClass TimeoutFor(Command command, Form form) {
  switch (form) {
    case Form::kTest:
      // manual §2.18.1: AT+COPS=? searches every PLMN before answering.
      return command == Command::kCops ? TimeoutClass::kScan : TimeoutClass::kBasic;
    case Form::kRead:
      return TimeoutClass::kBasic;
    case Form::kSet:
    case Form::kExec:
      return SpecOf(command).timeout;
  }
  return TimeoutClass::kBasic;
}

std::optional<Command> CommandFromName(std::string_view name) {
  name = StripPlus(name);
  for (const CommandSpec& spec : kTable) {
    if (EqualsIgnoreCase(StripPlus(spec.name), name) || AliasMatches(spec.aliases, name)) {
      return spec.command;
    }
  }
  return std::nullopt;
}

namespace {

// Test-form answers that the manual prints under another command's name.
struct UsageAlias {
  Command command;
  Command printed_as;
};
constexpr UsageAlias kUsageAliases[] = {
    {Command::kIpsend, Command::kIpcreate},         // §2.23.1
    {Command::kFtpserv, Command::kFtpmode},         // §2.29.1
    {Command::kFtpreset, Command::kFtpmode},        // §2.28 table
    {Command::kMqttconnect, Command::kMqttconfig},  // §2.55 table
    {Command::kHttpaction, Command::kCgdcont},      // §2.47.1
    {Command::kMqttsub, Command::kMqtttls},         // §2.57 table (+MQTTLS?)
    {Command::kMqttunsub, Command::kMqttconfig},    // §2.58 table (+MQTTCONFIG?)
};

bool UsageNameMatches(Command command, std::optional<Command> printed) {
  if (!printed) return false;
  if (*printed == command) return true;
  for (const UsageAlias& a : kUsageAliases) {
    if (a.command == command && a.printed_as == *printed) return true;
  }
  return false;
}

}  // namespace

Result<std::string> DecodeUsage(std::string_view line, Command command) {
  auto parts = SplitInfoLine(line);
  if (!parts || !UsageNameMatches(command, CommandFromName(parts->name))) {
    return MakeError(CommandErrc::kWrongPrefix, "expected " + std::string(ToString(command)));
  }
  return std::string(parts->params);
}

Result<std::string> EncodeTest(Command command) { return Encode(command, Form::kTest); }
Result<std::string> EncodeRead(Command command) { return Encode(command, Form::kRead); }
Result<std::string> EncodeExec(Command command) { return Encode(command, Form::kExec); }

}  // namespace uclink::chat
