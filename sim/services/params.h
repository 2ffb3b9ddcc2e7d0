// Parameter splitting for the simulator's service commands. The simulator core already parsed
// the line, but data-carrying commands (IPSEND, FTPPUT, HTTPPARA, MQTTPUB) need the last field
// verbatim, commas included, so the services re-read the raw line themselves.
//
// What each parameter can carry (UC8088 manual §1.3.1: the line ends at CR or LF; §1.3.3: bare
// or quoted strings, no escape inside quotes), as this parser reads it:
//
//   parameter                                      syntax   carries
//   IPCREATE <mode>, <address>; IPCLOSE <mode>     quoted   no '"'; spaces inside are padding
//   IPSEND <data> (§2.25.1)                        quoted   no '"'; <n> must count it
//   FTPSERV/FTPUN/FTPPW/FTPPATH/FTPGETNAME/        bare     no '"' first; spaces around are
//     FTPPUTNAME/FTPMKD/FTPRMD/FTPSIZE (§2.29–36),          padding; one-parameter commands read
//     FTPGET=<mode>,<name> (§2.43)                          to the line end, FTPSERV and FTPGET
//                                                           split at the first ','  (uclink
//                                                           sends no ',' in a bare parameter)
//   FTPPUT <data>, HTTPDATA <data> (§2.39, §2.46)  counted  everything to the line end after the
//                                                           spaces that follow the comma
//   HTTPPARA <value> (§2.45)                       rest     commas and inner quotes; no '"'
//                                                           first; spaces around are padding;
//                                                           `user` turns \r \n into CR LF
//   MQTTCONFIG strings, MQTTPUB/SUB/UNSUB <topic>, quoted   no '"'; MQTTTLS turns \r \n
//     MQTTPUB <message>, MQTTTLS <cert> (§2.53–58)          into CR LF (§2.61 step 2)
//
// and for what the simulator writes: a quoted field of a report (the <topic> of +MQTTSUB,
// §2.61) must fit the same rules (FitsQuoted), or the report is not sent.
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

/// Splits the parameters after the first '=' of `raw` ("AT+X=a, "b",c"). A field that starts with
/// '"' is quoted and ends at the next '"' (no escape, §1.3.3); only spaces may follow it. At most
/// `max_fields` fields: an unquoted last one takes the rest of the line, so it may contain commas
/// and quotes (the manual's HTTP body example does, §2.51). Spaces before fields are dropped (the
/// manual writes `"TCP", 3, "123"`). Returns nullopt for an unterminated quote or text after a
/// closing quote.
std::optional<std::vector<Param>> SplitParams(std::string_view raw, std::size_t max_fields);

/// `<n>,<data>` of AT+FTPPUT (§2.39) and AT+HTTPDATA (§2.46) after the first '=' of `raw`: the
/// length in [0, max_length], then, after its comma and the spaces the manual writes there
/// (`AT+FTPPUT=5, 12345`, §2.43), the data verbatim to the line end. `data` is nullopt when no
/// comma follows the length (the prompt form). nullopt for anything else.
struct Counted {
  long length = 0;
  std::optional<std::string> data;
};
std::optional<Counted> SplitCounted(std::string_view raw, long max_length);

/// Whether `text` can be written as a quoted field of a line the simulator sends: no '"' (it
/// would end the field, §1.3.3), no CR or LF (they end the line), no other control byte (not
/// text).
bool FitsQuoted(std::string_view text);

/// The one parameter of a bare-name command (AT+FTPUN=<username>, AT+FTPPATH=<file path>, ...,
/// §2.30–§2.36), without the spaces around it; nullopt when there is not exactly one.
std::optional<std::string> OneBareParam(std::string_view raw);

/// The one parameter of a set command (AT+HTTPTLS=<n>, AT+HTTPACTION=<method>, ...) as a decimal
/// integer in [lo, hi]; nullopt when there is not exactly one or it is not such a number.
std::optional<long> OneInt(std::string_view raw, long lo, long hi);

/// AT+IPSEND=<mode>,<n>,"<data>" (§2.25.1), <mode>,"<data>" (§2.23's table) or <mode>,<n> (the
/// prompt form, a simulator extension). `mode` is as written (padding included).
struct IpsendArgs {
  std::string mode;
  std::optional<long> length;
  std::optional<std::string> data;
};
std::optional<IpsendArgs> ParseIpsend(std::string_view raw);

/// AT+MQTTPUB="<topic>",<qos>,<retain>,"<message>" (§2.61; §2.56's table drops a comma).
struct MqttpubArgs {
  std::string topic;
  std::string qos;
  std::string retain;
  std::string message;
};
std::optional<MqttpubArgs> ParseMqttpub(std::string_view raw);

/// The header lines one AT+HTTPPARA=user,<value> adds: §2.45 writes CR LF in user data as an
/// escape, read here as "\r\n" (UnescapeLineEnds); empty lines are dropped.
std::vector<std::string> UserHeaders(std::string_view value);

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
