// Radio and network commands: AT+CFUN (§2.1), AT+CMEE (§2.7), AT+CELLLOCK (§2.8), AT+CGREG
// (§2.15), AT+CSQ (§2.17), AT+COPS (§2.18), AT+LPM (§2.19). Test forms decode with
// DecodeSupported (at_args.h); plain test/read/exec forms encode with command_table.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/at_args.h"

namespace uclink::chat {

// --- AT+CFUN, §2.1 -------------------------------------------------------------------------

// AT+CFUN=<fun>[,<rst>]: fun 0 minimum / 1 full; rst 0 no reset / 1 reset.
Result<std::string> EncodeCfun(int fun, std::optional<int> rst = std::nullopt);

// `+CFUN: 1` (§2.1.3); `+CFUN: 1,0` from other firmware (docs/at-commands.md, "Answers from
// other firmware: +CFUN").
struct CfunState {
  int fun = 0;  // 0 minimum, 1 full; 2–127 kept as vendor values (3GPP TS 27.007 §8.2)
  std::optional<int> rst;

  friend bool operator==(const CfunState&, const CfunState&) = default;
};
Result<CfunState> DecodeCfun(std::string_view line);

// --- AT+CMEE, §2.7 -------------------------------------------------------------------------

// AT+CMEE=<n>: 0 plain ERROR, 1 numeric +CME ERROR: <n>, 2 verbose text.
Result<std::string> EncodeCmee(int n);

// `+CMEE: 2` → 2.
Result<int> DecodeCmee(std::string_view line);

// --- AT+CELLLOCK, §2.8 ---------------------------------------------------------------------

// AT+CELLLOCK=<state>,<freq>: lock (1) to a carrier in Hz inside E-GSM900, DCS1800 or PCS1900,
// or unlock (0, freq 0).
Result<std::string> EncodeCelllock(int state, std::uint32_t freq_hz);

// `+CELLLOCK: 1, 935400000`; also `+ CELLLOCK:` and the `+CGATT: 1, 935400000` of §2.8.4.
struct CellLock {
  bool locked = false;
  std::uint32_t freq_hz = 0;

  friend bool operator==(const CellLock&, const CellLock&) = default;
};
Result<CellLock> DecodeCelllock(std::string_view line);

// --- AT+CGREG, §2.15 -----------------------------------------------------------------------

// Registration status <stat> of §2.15.
enum class RegStatus {
  kNotRegistered = 0,  // not registered, not searching
  kHome = 1,           // registered, home network
  kSearching = 2,      // not registered, searching
  kDenied = 3,         // registration denied
  kUnknown = 4,        // unknown (the manual prints 位置, a typo of 未知)
  kRoaming = 5,        // registered, roaming
};

// Stable name of a RegStatus: "not_registered", "home", "searching", "denied", "unknown",
// "roaming".
std::string_view ToString(RegStatus status);

// True for kHome and kRoaming.
bool IsRegistered(RegStatus status);

// AT+CGREG=<n>: 0 no URC, 1 URC on change (§2.15.1 lists (0-1)).
Result<std::string> EncodeCgreg(int n);

// The read answer `+CGREG: <n>,<stat>[,<lac>,<ci>[,<AcT>]]` or the URC
// `+CGREG: <stat>[,<lac>,<ci>[,<AcT>[,<rac>]]]`.
struct Registration {
  std::optional<int> n;  // present in the read answer only
  RegStatus status = RegStatus::kNotRegistered;
  std::optional<std::uint32_t> lac;
  std::optional<std::uint32_t> ci;
  std::optional<int> act;  // access technology, when the firmware adds it

  friend bool operator==(const Registration&, const Registration&) = default;
};

// The field count cannot tell the two shapes apart (docs/at-commands.md, "Answers from other
// firmware: +CGREG"), so
// the caller says whether an AT+CGREG? is in flight: then the read-answer shape is tried first,
// otherwise the URC shape. A line that does not fit that shape is tried in the other one (a
// one-field URC during the query; firmware that puts <n> into URCs); `n` tells which matched.
Result<Registration> DecodeCgreg(std::string_view line, bool query_in_flight);

// --- AT+CSQ, §2.17 -------------------------------------------------------------------------

// `+CSQ: 21, 99` → csq 21, rssi_dbm -71, ber nullopt.
struct SignalQuality {
  int csq = 99;                 // the raw <rss>, 0–31 or 99
  std::optional<int> rssi_dbm;  // -113 + 2·csq; nullopt when csq is 99 (unknown), never 0
  std::optional<int> ber;       // 0–7; nullopt when 99 (unknown)

  friend bool operator==(const SignalQuality&, const SignalQuality&) = default;
};
Result<SignalQuality> DecodeCsq(std::string_view line);

// Maps <rss> to dBm per §2.17: 0 → -113 (or less), 1 → -111, 2–30 → -109..-53, 31 → -51 (or
// more), 99 → nullopt. Other values → nullopt.
std::optional<int> CsqToDbm(int csq);

// --- AT+COPS, §2.18 ------------------------------------------------------------------------

// AT+COPS=<mode>[,<format>[,"<oper>"]]: mode 0 automatic, 1 manual, 2 deregister, 3 set format,
// 4 manual then automatic; modes 1 and 4 need format and oper, mode 3 needs format.
Result<std::string> EncodeCops(int mode, std::optional<int> format = std::nullopt,
                               std::string_view oper = {});

// `+COPS: 0,2,"26242"` (§2.18.3), `+COPS: 0`, `+COPS: 1,0,"CHINA MOBILE",7`.
struct OperatorSelection {
  int mode = 0;
  std::optional<int> format;
  std::string oper;
  std::optional<int> act;

  friend bool operator==(const OperatorSelection&, const OperatorSelection&) = default;
};
Result<OperatorSelection> DecodeCops(std::string_view line);

// <stat> of an AT+COPS=? entry.
enum class OperatorStatus { kUnknown = 0, kAvailable = 1, kCurrent = 2, kForbidden = 3 };

// Stable name of an OperatorStatus.
std::string_view ToString(OperatorStatus status);

// One `(stat,"long","short","numeric"[,AcT])` entry.
struct OperatorEntry {
  OperatorStatus status = OperatorStatus::kUnknown;
  std::string long_name;
  std::string short_name;
  std::string numeric;
  std::optional<int> act;

  friend bool operator==(const OperatorEntry&, const OperatorEntry&) = default;
};

// The operator list of AT+COPS=? (§2.18.1) or of a failed manual selection (§2.18.2). Accepts a
// `+COPS:` line or a continuation line that starts with '(' (Nokia 2720). Like ModemManager, skips
// groups that are not operators (trailing mode/format lists, codes under 5 digits) and stray text
// between groups (docs/at-commands.md, "Answers from other firmware: +COPS").
Result<std::vector<OperatorEntry>> DecodeCopsList(std::string_view line);

// --- AT+LPM, §2.19 -------------------------------------------------------------------------

// AT+LPM=<mode>,<control>: mode 0 sleep / 1 retention; control 0 allow / 1 forbid low power.
Result<std::string> EncodeLpm(int mode, int control);

// `+LPM: <mode>,<control>`.
struct LowPower {
  int mode = 0;
  int control = 0;

  friend bool operator==(const LowPower&, const LowPower&) = default;
};
Result<LowPower> DecodeLpm(std::string_view line);

}  // namespace uclink::chat
