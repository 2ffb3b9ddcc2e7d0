// Identity commands, UC8088 manual §2.2–§2.6: AT+CGMI, AT+CGMM, AT+CGMR, AT+CGSN, AT+CIMI.
// Their answers are free-form lines without a prefix; the engine hands each information line of
// the command to the decoder. Encoders: EncodeExec / EncodeTest in command_table.h.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "chat/at_args.h"

namespace uclink::chat {

// Longest identity string accepted (manual §2.2–§2.4 examples are at most 15 characters).
inline constexpr std::size_t kMaxIdentityText = 128;

// Manufacturer, §2.2: `ucchip`. Also accepts `+CGMI: ucchip` and a quoted value.
Result<std::string> DecodeCgmi(std::string_view line);

// Model, §2.3: `8088`. Also accepts `+CGMM: 8088`.
Result<std::string> DecodeCgmm(std::string_view line);

// Revision, §2.4: three lines `+SOFTV:012345678`, `+HARDV:00123456`, `+MANUF:ucchip`.
struct Revision {
  std::string software;      // +SOFTV, or the single free-form line other firmware prints
  std::string hardware;      // +HARDV, empty if absent
  std::string manufacturer;  // +MANUF, empty if absent

  friend bool operator==(const Revision&, const Revision&) = default;
};

// Decodes all information lines of AT+CGMR. A single line without a known prefix is taken as the
// software revision (the 3GPP TS 27.007 §5.3 shape); unknown +XXX: lines are errors.
Result<Revision> DecodeCgmr(std::span<const std::string_view> lines);

// IMEI, §2.5: `863711020146740` (14–17 digits: IMEI, IMEI with check digit, IMEISV).
Result<std::string> DecodeCgsn(std::string_view line);

// IMSI, §2.6: `460040812002376` (6–15 digits, 3GPP TS 23.003 §2.2).
Result<std::string> DecodeCimi(std::string_view line);

}  // namespace uclink::chat
