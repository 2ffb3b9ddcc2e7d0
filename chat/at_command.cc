#include "chat/at_command.h"

#include <algorithm>

#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

using std::chrono::seconds;

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool Is(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string_view ToString(CommandForm form) {
  switch (form) {
    case CommandForm::kExec:
      return "exec";
    case CommandForm::kRead:
      return "read";
    case CommandForm::kTest:
      return "test";
    case CommandForm::kSet:
      return "set";
  }
  return "?";
}

CommandName ParseCommandName(std::string_view text) {
  CommandName result;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.size() >= 2 && Upper(text[0]) == 'A' && Upper(text[1]) == 'T') text.remove_prefix(2);
  // The module ignores spaces between the prefix and the name ("AT D*99#", "AT +CSQ"): so must
  // the name, or a dial would pass for something else (chat/command_line.h).
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::size_t i = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '&' || text[0] == '^')) ++i;
  if (!text.empty() && Upper(text[0]) == 'D') {
    result.name = "D";  // ATD<number>: the dial string is not part of the name
    return result;
  }
  while (i < text.size() && text[i] != '=' && text[i] != '?') {
    if (text[i] != ' ') result.name.push_back(Upper(text[i]));
    ++i;
  }
  if (!result.name.empty() &&
      (result.name[0] == '+' || result.name[0] == '&' || result.name[0] == '^')) {
    result.name.erase(0, 1);
  }
  const std::string_view rest = text.substr(std::min(i, text.size()));
  if (rest.starts_with("=?")) {
    result.form = CommandForm::kTest;
  } else if (rest.starts_with("?")) {
    result.form = CommandForm::kRead;
  } else if (rest.starts_with("=")) {
    result.form = CommandForm::kSet;
  }
  return result;
}

AtCommand AtCommand::FromText(std::string text) {
  AtCommand command;
  const CommandName name = ParseCommandName(text);
  command.text = std::move(text);
  if (name.name.empty()) return command;
  if (name.name == "D") {
    command.enters_data_mode = true;
    return command;
  }
  // Manual §2.2–2.6: identity commands print a bare value; §2.4 prints +SOFTV/+HARDV/+MANUF.
  if (Is(name.name, {"CGMI", "CGMM", "CGSN", "CIMI", "GMI", "GMM", "GSN", "GMR"})) {
    command.free_text_info = true;
  }
  if (name.name == "CGMR") {
    command.info_prefixes = {"+SOFTV", "+HARDV", "+MANUF", "+CGMR"};
    command.free_text_info = true;
    return command;
  }
  command.info_prefixes = {"+" + name.name};
  // §2.16: CGDATA answers CONNECT and the port switches to PPP (the test form does not).
  if (name.name == "CGDATA" && name.form != CommandForm::kTest && name.form != CommandForm::kRead) {
    command.enters_data_mode = true;
  }
  if (name.name == "IPCREATE" && name.form == CommandForm::kSet) {
    command.awaits_connect_result = true;
  }
  // §2.38/§2.39 spell FTPPUT/FTPPUTNAME as FTTPUT/FTTPUTNAME; accept the module echoing either.
  if (name.name == "FTPPUT") command.info_prefixes.push_back("+FTTPUT");
  return command;
}

std::string AtReply::Describe() const {
  if (!final) return error ? error.message() : "no final result";
  std::string line = final_line;
  // CMEE=1 gives a number: add the manual's text. CMEE=2 already printed the text.
  if (error_number && !error_text.empty() && !line.ends_with(error_text)) {
    line += " (" + error_text + ")";
  }
  return line;
}

std::optional<std::string_view> DescribeModuleError(FinalKind kind, int number) {
  switch (kind) {
    case FinalKind::kCmeError:
      return DescribeCme(number);
    case FinalKind::kExtError:
      return DescribeExt(number);
    case FinalKind::kOk:
    case FinalKind::kError:
    case FinalKind::kConnect:
    case FinalKind::kConnectOk:
    case FinalKind::kConnectFail:
    case FinalKind::kNoCarrier:
      return std::nullopt;
  }
  return std::nullopt;
}

TimeoutTable::TimeoutTable() {
  const auto s = [](int n) { return Duration(seconds(n)); };
  entries_ = {
      // CFUN=1 needs up to 10 s on some modules (docs/at-channel.md, "Lessons: timeouts to start
      // from").
      {"CFUN", CommandForm::kSet, s(15)},
      // Attach and PDP activation: TinyGSM 60 s, Mbed 3 min.
      {"CGATT", CommandForm::kSet, s(90)},
      {"CGACT", CommandForm::kSet, s(90)},
      // Network scan (Particle PR #1886) and manual selection (§2.18.2 may search).
      {"COPS", CommandForm::kTest, s(180)},
      {"COPS", CommandForm::kSet, s(180)},
      {"COPS", CommandForm::kRead, s(5)},
      // Dial → CONNECT (Zephyr dial script 10 s).
      {"CGDATA", CommandForm::kSet, s(10)},
      {"CGDATA", CommandForm::kExec, s(10)},
      {"D", CommandForm::kExec, s(10)},
      // TCP connect: three attempts before CONNECT FAIL (§2.22), TinyGSM 75 s.
      {"IPCREATE", CommandForm::kSet, s(75)},
      {"IPSEND", CommandForm::kSet, s(10)},
      {"IPCLOSE", CommandForm::kSet, s(15)},
      // FTP commands talk to the server before they answer (§2.43: +FTPPATH:250).
      {"FTPSERV", CommandForm::kSet, s(30)},
      {"FTPPATH", CommandForm::kSet, s(30)},
      {"FTPTYPE", CommandForm::kSet, s(30)},
      {"FTPMKD", CommandForm::kSet, s(30)},
      {"FTPRMD", CommandForm::kSet, s(30)},
      {"FTPSIZE", CommandForm::kSet, s(30)},
      {"FTPGET", CommandForm::kSet, s(60)},
      {"FTPGET", CommandForm::kExec, s(60)},
      {"FTPPUT", CommandForm::kSet, s(60)},
      {"FTPLIST", CommandForm::kExec, s(60)},
      {"FTPLIST", CommandForm::kSet, s(60)},
      {"FTPQUIT", CommandForm::kExec, s(15)},
      // HTTP: the request runs inside HTTPACTION (§2.47).
      {"HTTPINIT", CommandForm::kExec, s(10)},
      {"HTTPACTION", CommandForm::kSet, s(60)},
      {"HTTPREAD", CommandForm::kExec, s(30)},
      {"HTTPREAD", CommandForm::kSet, s(30)},
      // MQTT: connect timeout defaults to 5 s in the module (§2.55); allow the round trip.
      {"MQTTCONNECT", CommandForm::kExec, s(15)},
      {"MQTTPUB", CommandForm::kSet, s(15)},
      {"MQTTSUB", CommandForm::kSet, s(15)},
      {"MQTTUNSUB", CommandForm::kSet, s(15)},
      {"MQTTDISCONNECT", CommandForm::kExec, s(15)},
      {"MQTTLS", CommandForm::kSet, s(10)},
      {"FACTORYTEST", CommandForm::kSet, s(10)},
  };
}

void TimeoutTable::Set(std::string_view name, CommandForm form, Duration timeout) {
  std::string upper(name);
  for (char& c : upper) c = Upper(c);
  for (Entry& entry : entries_) {
    if (entry.name == upper && entry.form == form) {
      entry.timeout = timeout;
      return;
    }
  }
  entries_.push_back({std::move(upper), form, timeout});
}

Duration TimeoutTable::For(std::string_view command_text) const {
  const CommandName name = ParseCommandName(command_text);
  for (const Entry& entry : entries_) {
    if (entry.name == name.name && entry.form == name.form) return entry.timeout;
  }
  return default_;
}

}  // namespace uclink::chat
