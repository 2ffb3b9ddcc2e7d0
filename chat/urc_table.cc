#include "chat/urc_table.h"

#include <array>

#include "chat/ascii.h"

namespace uclink::chat {
namespace {

using ascii::Upper;

constexpr UrcEntry kUc8088Urcs[] = {
    {"+CGREG", UrcKind::kRegistration},
    {"+IPRECV", UrcKind::kIpReceive},
    {"+MQTTSUB", UrcKind::kMqttMessage},
    {"+FTPGET", UrcKind::kFtpData},
    {"+FTPLIST", UrcKind::kFtpList},
    {"+HTTPACTION", UrcKind::kHttpAction},
    {"CONNECT OK", UrcKind::kConnectResult},
    {"CONNECT FAIL", UrcKind::kConnectResult},
    {"NO CARRIER", UrcKind::kNoCarrier},
    // The manual documents no banner; these are the common ones, and "READY" is what
    // uclink-sim prints after a simulated reboot (sim/scenario.h).
    {"READY", UrcKind::kRestart},
    {"RDY", UrcKind::kRestart},
    {"START", UrcKind::kRestart},
    {"Call Ready", UrcKind::kRestart},
};

// Compares `pattern` with the start of `line`, ignoring case and spaces; returns the number of
// line bytes matched, or npos.
std::size_t MatchLoose(std::string_view line, std::string_view pattern) {
  std::size_t i = 0;
  for (char p : pattern) {
    if (p == ' ') continue;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || Upper(line[i]) != Upper(p)) return std::string_view::npos;
    ++i;
  }
  return i;
}

}  // namespace

std::string_view ToString(UrcKind kind) {
  switch (kind) {
    case UrcKind::kRegistration:
      return "registration";
    case UrcKind::kIpReceive:
      return "ip_receive";
    case UrcKind::kMqttMessage:
      return "mqtt_message";
    case UrcKind::kFtpData:
      return "ftp_data";
    case UrcKind::kFtpList:
      return "ftp_list";
    case UrcKind::kHttpAction:
      return "http_action";
    case UrcKind::kConnectResult:
      return "connect_result";
    case UrcKind::kNoCarrier:
      return "no_carrier";
    case UrcKind::kRestart:
      return "restart";
    case UrcKind::kUnknown:
      return "unknown";
  }
  return "?";
}

UrcTable::UrcTable() : entries_(kUc8088Urcs) {}

bool UrcTable::HasPrefix(std::string_view line, std::string_view name) {
  std::size_t i = MatchLoose(line, name);
  if (i == std::string_view::npos) return false;
  while (i < line.size() && line[i] == ' ') ++i;
  return i < line.size() && (line[i] == ':' || line[i] == '=');
}

UrcKind UrcTable::Classify(std::string_view line) const {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  if (line.empty()) return UrcKind::kUnknown;
  if (line.front() != '+') {
    for (const UrcEntry& entry : entries_) {
      if (entry.prefix.front() != '+' && MatchLoose(line, entry.prefix) == line.size()) {
        return entry.kind;
      }
    }
    return UrcKind::kUnknown;
  }
  // The name up to ':' or '=', upper-cased and without spaces (`+ FTPGET :`, `+httpaction:`).
  std::array<char, 24> name{};
  std::size_t len = 0;
  std::size_t i = 0;
  for (; i < line.size() && line[i] != ':' && line[i] != '='; ++i) {
    if (line[i] == ' ') continue;
    if (len == name.size()) return UrcKind::kUnknown;
    name[len++] = Upper(line[i]);
  }
  if (i == line.size()) return UrcKind::kUnknown;
  const std::string_view seen(name.data(), len);
  for (const UrcEntry& entry : entries_) {
    if (entry.prefix == seen) return entry.kind;
  }
  return UrcKind::kUnknown;
}

bool UrcTable::IsCgregUrcShape(std::string_view line) {
  const std::size_t colon = line.find_first_of(":=");
  if (colon == std::string_view::npos) return false;
  const std::string_view params = line.substr(colon + 1);
  int fields = 1;
  bool in_quotes = false;
  bool second_quoted = false;
  bool at_field_start = false;
  for (char c : params) {
    if (at_field_start && c != ' ') {
      if (fields == 2 && c == '"') second_quoted = true;
      at_field_start = false;
    }
    if (c == '"') in_quotes = !in_quotes;
    if (c == ',' && !in_quotes) {
      ++fields;
      at_field_start = true;
    }
  }
  const std::size_t first = params.find_first_not_of(' ');
  const bool numeric_stat =
      first != std::string_view::npos && params[first] >= '0' && params[first] <= '9';
  // The read answer's second field is the bare <stat>; the URC's is the quoted <lac> (Ericsson
  // F3607gw, Thuraya: docs/at-commands.md, "Answers from other firmware: +CGREG").
  return numeric_stat && (fields == 1 || fields == 3 || second_quoted);
}

}  // namespace uclink::chat
