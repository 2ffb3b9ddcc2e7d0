// What every text parameter of the in-band service commands can carry, in one table, and the one
// check every encoder of chat/commands runs before writing a value verbatim (CheckParam).
//
// UC8088 manual §1.3.1: a command line ends at CR. §1.3.3: a string parameter is bare (abc) or
// quoted ("Hello, World!"); the manual defines no escape inside the quotes, so a quoted
// parameter cannot carry '"'. The manual pads parameters with spaces in its examples, so an
// unquoted parameter cannot begin or end with one. What a parameter cannot carry is refused
// (naming the byte, its offset and the reason), never escaped or altered: a value reaches the
// module byte for byte or not at all. Data with such bytes travels losslessly only after the
// `>` prompt (control/inband PayloadEncoding::kPrompt, a uclink-sim extension) or over PPP.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "chat/at_args.h"

namespace uclink::chat {

// Every text parameter of the service commands (§2.22–§2.61).
enum class TextParam {
  kIpcreateAddress,  // AT+IPCREATE="TCP","<address>",port           §2.22
  kIpsendData,       // AT+IPSEND="TCP",<n>,"<data>"                  §2.23, §2.25.1
  kFtpServer,        // AT+FTPSERV=<ip>                               §2.29
  kFtpUser,          // AT+FTPUN=<username>                           §2.30
  kFtpPassword,      // AT+FTPPW=<password>                           §2.31
  kFtpGetName,       // AT+FTPGETNAME=<file name>, AT+FTPGET=1,<name>  §2.32, §2.43
  kFtpPath,          // AT+FTPPATH=<file path>                        §2.33
  kFtpPutName,       // AT+FTPPUTNAME=<file name>                     §2.34
  kFtpDirectory,     // AT+FTPMKD=<dir>, AT+FTPRMD=<dir>              §2.35, §2.36
  kFtpSizeName,      // AT+FTPSIZE=<file name>                        §2.43
  kFtpPutData,       // AT+FTPPUT=<n>,<data>                          §2.39
  kHttpUrl,          // AT+HTTPPARA=url,<URL>                         §2.45
  kHttpUser,         // AT+HTTPPARA=user,<one header line>            §2.45
  kHttpBody,         // AT+HTTPPARA=body,<body>                       §2.45
  kHttpPath,         // AT+HTTPPARA=path,<path>                       §2.49
  kHttpData,         // AT+HTTPDATA=<n>,<data>                        §2.46
  kMqttHost,         // AT+MQTTCONFIG="<url>",...                     §2.54
  kMqttClientId,     // AT+MQTTCONFIG=...,"<clientid>",...            §2.54
  kMqttUsername,     // AT+MQTTCONFIG=...,"<username>",...            §2.54
  kMqttPassword,     // AT+MQTTCONFIG=...,"<password>"                §2.54
  kMqttTopic,        // AT+MQTTPUB/SUB/UNSUB="<topic>",...            §2.56–§2.58
  kMqttMessage,      // AT+MQTTPUB=...,"<message>"                    §2.56
  kMqttCertificate,  // AT+MQTTTLS=1,<type>,"<cert file content>",n   §2.53
};

// One row of the table.
struct TextParamSpec {
  TextParam param;
  std::string_view command;  // "AT+MQTTPUB"
  TextStyle style;
  TextRule rule;  // rule.what names the parameter as the manual does ("<message>")
};

// The whole table, in the order of TextParam.
std::span<const TextParamSpec> TextParams();

// The row of `param`.
const TextParamSpec& TextParamOf(TextParam param);

// Checks `value` against its row: empty, length and every byte (CheckText). The detail names the
// command, the parameter, the manual section and, for a byte, its value, offset and reason.
std::optional<CommandError> CheckParam(TextParam param, std::string_view value);

// The first byte of `value` its row cannot carry (lengths aside).
std::optional<Uncarriable> FindUncarriable(TextParam param, std::string_view value);

// How data too long for one command (IPSEND, FTPPUT, HTTPDATA) is split for the inline form:
// parts of at most `max_part` bytes (0 < max_part), each a value `param` can carry. A counted
// part must not begin with a space, so a boundary moves back before a run of spaces. `refused`
// names the first byte (offset in `data`) that no split can carry; `sizes` is then empty.
struct PartPlan {
  std::vector<std::size_t> sizes;
  std::optional<Uncarriable> refused;
};
PartPlan PlanInlineParts(TextParam param, std::string_view data, std::size_t max_part);

}  // namespace uclink::chat
