#include "chat/commands/text_params.h"

#include <algorithm>
#include <array>

#include "chat/commands/ftp.h"
#include "chat/commands/http.h"
#include "chat/commands/ip.h"
#include "chat/commands/mqtt.h"

namespace uclink::chat {
namespace {

// §2.45: "<USRE>: ...（数据中“\r\n”需要转义）" — CR LF in user data are written as an escape the
// manual does not spell out, so a module may read a backslash as the start of one.
constexpr std::string_view kUserEscape =
    "§2.45 writes CR LF in user data as an escape it does not define, so a '\\' may read as one";

constexpr TextRule Name(std::string_view what, std::string_view section) {
  return {.what = what, .max = kMaxFtpName, .section = section};
}

// The table. Strings (names, topics, messages, ids) may hold UTF-8 (eight_bit); URLs, header
// lines and the data of IPSEND/FTPPUT/HTTPDATA are printable ASCII (binary data has the prompt
// form); host names are ASCII by definition (RFC 1035).
constexpr std::array<TextParamSpec, 23> kTable = {{
    {TextParam::kIpcreateAddress,
     "AT+IPCREATE",
     TextStyle::kQuoted,
     {.what = "<address>",
      .max = kMaxHost,
      .section = "§2.22",
      .eight_bit = false,
      .padded = true}},
    {TextParam::kIpsendData,
     "AT+IPSEND",
     TextStyle::kQuoted,
     {.what = "<data>", .max = kMaxIpSendData, .section = "§2.23", .eight_bit = false}},
    {TextParam::kFtpServer,
     "AT+FTPSERV",
     TextStyle::kBare,
     {.what = "<ip>", .max = kMaxFtpName, .section = "§2.29", .eight_bit = false}},
    {TextParam::kFtpUser, "AT+FTPUN", TextStyle::kBare, Name("<username>", "§2.30")},
    {TextParam::kFtpPassword, "AT+FTPPW", TextStyle::kBare, Name("<password>", "§2.31")},
    {TextParam::kFtpGetName, "AT+FTPGETNAME", TextStyle::kBare, Name("<file name>", "§2.32")},
    {TextParam::kFtpPath, "AT+FTPPATH", TextStyle::kBare, Name("<file path>", "§2.33")},
    {TextParam::kFtpPutName, "AT+FTPPUTNAME", TextStyle::kBare, Name("<file name>", "§2.34")},
    {TextParam::kFtpDirectory, "AT+FTPMKD", TextStyle::kBare, Name("<dir>", "§2.35")},
    {TextParam::kFtpSizeName, "AT+FTPSIZE", TextStyle::kBare, Name("<file name>", "§2.43")},
    {TextParam::kFtpPutData,
     "AT+FTPPUT",
     TextStyle::kCounted,
     {.what = "<data>",
      .max = kMaxFtpPutData,
      .section = "§2.39",
      .allow_empty = true,
      .eight_bit = false}},
    {TextParam::kHttpUrl,
     "AT+HTTPPARA",
     TextStyle::kRest,
     {.what = "<URL>", .max = kMaxHttpUrl, .section = "§2.45", .eight_bit = false}},
    {TextParam::kHttpUser,
     "AT+HTTPPARA",
     TextStyle::kRest,
     {.what = "<USER>",
      .max = kMaxHttpUser,
      .section = "§2.45",
      .eight_bit = false,
      .refused = "\\",
      .refused_why = kUserEscape}},
    {TextParam::kHttpBody,
     "AT+HTTPPARA",
     TextStyle::kRest,
     {.what = "<BODY>", .max = kMaxHttpBody, .section = "§2.45", .eight_bit = false}},
    {TextParam::kHttpPath,
     "AT+HTTPPARA",
     TextStyle::kRest,
     {.what = "path", .max = kMaxHttpPath, .section = "§2.49", .eight_bit = false}},
    {TextParam::kHttpData,
     "AT+HTTPDATA",
     TextStyle::kCounted,
     {.what = "<data>", .max = kMaxHttpData, .section = "§2.46", .eight_bit = false}},
    {TextParam::kMqttHost,
     "AT+MQTTCONFIG",
     TextStyle::kQuoted,
     {.what = "<url>",
      .max = kMaxMqttHost,
      .section = "§2.54",
      .eight_bit = false,
      .padded = true}},
    {TextParam::kMqttClientId,
     "AT+MQTTCONFIG",
     TextStyle::kQuoted,
     {.what = "<clientid>", .max = kMaxMqttClientId, .section = "§2.54"}},
    {TextParam::kMqttUsername,
     "AT+MQTTCONFIG",
     TextStyle::kQuoted,
     {.what = "<username>", .max = kMaxMqttUsername, .section = "§2.54", .allow_empty = true}},
    {TextParam::kMqttPassword,
     "AT+MQTTCONFIG",
     TextStyle::kQuoted,
     {.what = "<password>",
      .max = kMaxMqttPassword,
      .section = "§2.54/§2.61",
      .allow_empty = true}},
    {TextParam::kMqttTopic,
     "AT+MQTTPUB",
     TextStyle::kQuoted,
     {.what = "<topic>", .max = kMaxMqttTopic, .section = "§2.56–§2.58"}},
    {TextParam::kMqttMessage,
     "AT+MQTTPUB",
     TextStyle::kQuoted,
     {.what = "<message>", .max = kMaxMqttMessage, .section = "§2.56", .allow_empty = true}},
    {TextParam::kMqttCertificate,
     "AT+MQTTTLS",
     TextStyle::kQuoted,
     {.what = "<cert file content>", .max = kMaxMqttCertificate, .section = "§2.53"}},
}};

constexpr bool TableInEnumOrder() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].param) != i) return false;
  }
  return true;
}
static_assert(TableInEnumOrder(), "kTable must list TextParam in declaration order");

}  // namespace

std::span<const TextParamSpec> TextParams() { return kTable; }

const TextParamSpec& TextParamOf(TextParam param) {
  return kTable[static_cast<std::size_t>(param)];
}

std::optional<CommandError> CheckParam(TextParam param, std::string_view value) {
  const TextParamSpec& spec = TextParamOf(param);
  TextRule rule = spec.rule;
  const std::string what = std::string(spec.command) + "'s " + std::string(rule.what);
  rule.what = what;
  return CheckText(value, spec.style, rule);
}

std::optional<Uncarriable> FindUncarriable(TextParam param, std::string_view value) {
  const TextParamSpec& spec = TextParamOf(param);
  return FindUncarriable(value, spec.style, spec.rule);
}

PartPlan PlanInlineParts(TextParam param, std::string_view data, std::size_t max_part) {
  const TextParamSpec& spec = TextParamOf(param);
  PartPlan plan;
  if (max_part == 0) max_part = 1;
  // Every byte but the edges is judged on the whole data; a counted part's first byte below.
  if (auto bad = FindUncarriable(data, spec.style, spec.rule)) {
    plan.refused = bad;
    return plan;
  }
  const bool counted = spec.style == TextStyle::kCounted;
  std::size_t off = 0;
  while (off < data.size()) {
    std::size_t end = std::min(off + max_part, data.size());
    // data[off] is not a space (offset 0 was checked above, later offsets by this loop).
    while (counted && end < data.size() && data[end] == ' ' && end > off + 1) --end;
    if (counted && end < data.size() && data[end] == ' ') {
      plan.refused = Uncarriable{end, ' ',
                                 "a run of spaces as long as a part: one part would begin with a "
                                 "space, which the manual writes as padding (§2.43)"};
      plan.sizes.clear();
      return plan;
    }
    plan.sizes.push_back(end - off);
    off = end;
  }
  return plan;
}

}  // namespace uclink::chat
