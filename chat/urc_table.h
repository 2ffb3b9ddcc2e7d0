// UrcTable: which unsolicited result code a line is, from one table of prefixes. `+CGREG:` is
// both a query answer and a URC, and is told apart here in one place (docs/at-channel.md,
// "Lessons: one prefix, two meanings").
#pragma once

#include <span>
#include <string_view>

namespace uclink::chat {

// The unsolicited codes the UC8088 sends (manual §2.15, §2.22–2.25, §2.37, §2.40, §2.47, §2.61).
enum class UrcKind {
  kRegistration,   // +CGREG: <stat>[,<lac>,<ci>] (manual §2.15.3)
  kIpReceive,      // +IPRECV=<mode>,<len>,<data> (manual §2.25)
  kMqttMessage,    // +MQTTSUB:<topic>,<len>,<message> (manual §2.61)
  kFtpData,        // +FTPGET:<len>,<data> (manual §2.43)
  kFtpList,        // +FTPLIST:<mode>,<len> then the listing (manual §2.40, §2.43)
  kHttpAction,     // +HTTPACTION:<state>,<len> after OK (manual §2.49/2.50)
  kConnectResult,  // CONNECT OK / CONNECT FAIL after AT+IPCREATE's OK (manual §2.22)
  kNoCarrier,      // NO CARRIER outside a dial: the data call ended
  kRestart,        // a module (re)start banner (READY, RDY, START, Call Ready)
  kUnknown,        // anything else nobody asked for; reported, never taken as an answer
};

std::string_view ToString(UrcKind kind);

// One registered prefix, matched case-insensitively. Prefixes that start with '+' are written in
// upper case without spaces and must be followed by ':' or '=' (spaces in the line are ignored);
// bare words must match the whole line.
struct UrcEntry {
  std::string_view prefix;
  UrcKind kind;
};

class UrcTable {
 public:
  // The UC8088 table.
  UrcTable();
  explicit UrcTable(std::span<const UrcEntry> entries) : entries_(entries) {}

  // Classifies a line that is not the in-flight command's answer. Never fails: kUnknown.
  UrcKind Classify(std::string_view line) const;

  // Whether `line` carries the prefix `name` (e.g. "+CGREG"), followed by ':' or '='.
  static bool HasPrefix(std::string_view line, std::string_view name);

  // `+CGREG:` has two shapes (manual §2.15): the read answer `<n>,<stat>[,<lac>,<ci>[,<AcT>]]`
  // and the URC `<stat>[,<lac>,<ci>[,<AcT>]]`. True for the URC shape: a numeric first field and
  // 1 or 3 fields, or a quoted second field (the URC's <lac>). Only consulted while AT+CGREG?
  // is in flight; otherwise every +CGREG line is a URC.
  static bool IsCgregUrcShape(std::string_view line);

 private:
  std::span<const UrcEntry> entries_;
};

}  // namespace uclink::chat
