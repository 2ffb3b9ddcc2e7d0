// Parameter splitting for the simulator's service commands. The simulator core already parsed
// the line, but data-carrying commands (IPSEND, FTPPUT, HTTPPARA, MQTTPUB) need the last field
// verbatim, commas and quotes included, so the services re-read the raw line themselves.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::sim::services {

/// One parameter of a set command, with its surrounding quotes removed.
struct Param {
  std::string text;
  bool quoted = false;
};

/// Splits the parameters after the first '=' of `raw` ("AT+X=a, "b",c"). At most `max_fields`
/// fields: the last one takes the rest of the line, so data may contain commas and quotes (the
/// manual's MQTT and HTTP body examples do). Spaces around fields are dropped (the manual writes
/// `"TCP", 3, "123"`). Returns nullopt for text between a closing quote and the next comma.
std::optional<std::vector<Param>> SplitParams(std::string_view raw, std::size_t max_fields);

/// A decimal integer in [lo, hi], surrounding spaces allowed; nullopt otherwise.
std::optional<long> ParseInt(std::string_view text, long lo, long hi);

/// `text` without leading and trailing spaces and tabs.
std::string Trim(std::string_view text);

/// `text` in upper case (ASCII).
std::string Upper(std::string_view text);

/// Replaces the two-character escapes "\r" and "\n" by CR and LF (manual §2.45: CR LF in user
/// data must be escaped; §2.61: certificates are pasted with their line ends escaped).
std::string UnescapeLineEnds(std::string_view text);

}  // namespace uclink::sim::services
