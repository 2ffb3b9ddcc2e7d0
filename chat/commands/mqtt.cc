#include "chat/commands/mqtt.h"

#include "chat/commands/text_params.h"

namespace uclink::chat {
namespace {

std::optional<CommandError> CheckTopic(std::string_view topic) {
  return CheckParam(TextParam::kMqttTopic, topic);
}

std::optional<CommandError> CheckQos(int qos, std::string_view section) {
  return CheckRange(qos, 0, 2, "<qos>", section);
}

}  // namespace

std::string_view ToString(CertType type) {
  switch (type) {
    case CertType::kRootCa:
      return "root_ca";
    case CertType::kClientCert:
      return "client_cert";
    case CertType::kClientKey:
      return "client_key";
  }
  return "root_ca";
}

Result<std::string> EncodeMqtttls(int tls, CertType type, std::string_view cert, std::size_t size) {
  if (auto e = CheckRange(tls, 0, 1, "<tls>", "§2.53")) return *e;
  if (auto e = CheckParam(TextParam::kMqttCertificate, cert)) return *e;
  if (auto e =
          CheckRange(static_cast<std::int64_t>(size), 1,
                     static_cast<std::int64_t>(kMaxMqttCertificate), "<cert file size>", "§2.53")) {
    return *e;
  }
  return CommandText("+MQTTTLS")
      .Int(tls)
      .Int(static_cast<int>(type))
      .Quoted(cert)
      .Int(static_cast<std::int64_t>(size))
      .Take();
}

Result<MqttTlsState> DecodeMqtttls(std::string_view line) {
  auto args = ParseInfo(line, {"MQTTTLS", "MQTTLS"}, 4, 4);
  if (!args) return args.error();
  const auto& a = *args;
  MqttTlsState state;
  if (a[0].kind != ArgKind::kList) {
    auto tls = ParseInt(a[0], 0, 1, "<tls>");
    if (!tls) return tls.error();
    state.tls = static_cast<int>(*tls);
  }
  for (std::size_t i = 1; i < 4; ++i) {
    if (a[i].kind == ArgKind::kList) return MakeError(CommandErrc::kMalformed, "a list as a name");
  }
  state.ca_name = std::string(a[1].text);
  state.cert_name = std::string(a[2].text);
  state.key_name = std::string(a[3].text);
  return state;
}

Result<std::string> EncodeMqttconfig(const MqttConfig& c) {
  if (auto e = CheckParam(TextParam::kMqttHost, c.host)) return *e;
  if (auto e = CheckRange(c.port, 1, 65535, "<port>", "§2.54")) return *e;
  if (auto e = CheckParam(TextParam::kMqttClientId, c.client_id)) return *e;
  if (auto e = CheckRange(c.keepalive_s, 0, 65535, "<keepalive>", "§2.54")) return *e;
  if (auto e = CheckParam(TextParam::kMqttUsername, c.username)) return *e;
  if (auto e = CheckParam(TextParam::kMqttPassword, c.password)) return *e;
  return CommandText("+MQTTCONFIG")
      .Quoted(c.host)
      .Int(c.port)
      .Quoted(c.client_id)
      .Int(c.clean_session ? 1 : 0)
      .Int(c.keepalive_s)
      .Quoted(c.username)
      .Quoted(c.password)
      .Take();
}

Result<MqttConfig> DecodeMqttconfig(std::string_view line) {
  auto args = ParseInfo(line, {"MQTTCONFIG"}, 7, 7);
  if (!args) return args.error();
  const auto& a = *args;
  for (std::size_t i : {0u, 2u, 5u, 6u}) {
    if (a[i].kind == ArgKind::kList) return MakeError(CommandErrc::kMalformed, "a usage answer");
  }
  MqttConfig c;
  c.host = std::string(a[0].text);
  auto port = ParseInt(a[1], 1, 65535, "<port>");
  if (!port) return port.error();
  c.port = static_cast<int>(*port);
  c.client_id = std::string(a[2].text);
  auto clean = ParseInt(a[3], 0, 1, "<cleansession>");
  if (!clean) return clean.error();
  c.clean_session = *clean == 1;
  auto keepalive = ParseInt(a[4], 0, 65535, "<keepalive>");
  if (!keepalive) return keepalive.error();
  c.keepalive_s = static_cast<int>(*keepalive);
  c.username = std::string(a[5].text);
  c.password = std::string(a[6].text);
  return c;
}

Result<int> DecodeMqttconnect(std::string_view line) {
  auto args = ParseInfo(line, {"MQTTCONNECT"}, 1, 1);
  if (!args) return args.error();
  auto code = ParseInt((*args)[0], 0, 255, "<code>");
  if (!code) return code.error();
  return static_cast<int>(*code);
}

std::optional<CommandError> CheckPublishTopic(std::string_view topic) {
  // MQTT 3.1.1 §3.3.2.1 / MQTT 5.0 §3.3.2.1: "The Topic Name in the PUBLISH packet MUST NOT
  // contain wildcard characters"; a broker answers by closing the connection.
  const std::size_t at = topic.find_first_of("#+");
  if (at == std::string_view::npos) return std::nullopt;
  return MakeError(CommandErrc::kMalformed,
                   "<topic> of a publish holds the wildcard '" + std::string(1, topic[at]) +
                       "' at offset " + std::to_string(at) +
                       " (MQTT 3.1.1 §3.3.2.1: a Topic Name has no wildcards; subscribe to "
                       "filters, publish to names)");
}

std::optional<CommandError> CheckTopicFilter(std::string_view filter) {
  // MQTT 3.1.1 §4.7.1.2: '#' stands alone in the last level; §4.7.1.3: '+' fills a whole level.
  std::size_t level_start = 0;
  for (std::size_t i = 0; i <= filter.size(); ++i) {
    if (i < filter.size() && filter[i] != '/') continue;
    const std::string_view level = filter.substr(level_start, i - level_start);
    const bool last = i == filter.size();
    if (level.find('#') != std::string_view::npos && (level != "#" || !last)) {
      return MakeError(CommandErrc::kMalformed,
                       "<topic> filter: '#' must be a whole last level (MQTT 3.1.1 §4.7.1.2)");
    }
    if (level.find('+') != std::string_view::npos && level != "+") {
      return MakeError(CommandErrc::kMalformed,
                       "<topic> filter: '+' must be a whole level (MQTT 3.1.1 §4.7.1.3)");
    }
    level_start = i + 1;
  }
  return std::nullopt;
}

Result<std::string> EncodeMqttpub(std::string_view topic, int qos, bool retain,
                                  std::string_view message) {
  if (auto e = CheckTopic(topic)) return *e;
  if (auto e = CheckPublishTopic(topic)) return *e;
  if (auto e = CheckQos(qos, "§2.56")) return *e;
  if (auto e = CheckParam(TextParam::kMqttMessage, message)) return *e;
  return CommandText("+MQTTPUB").Quoted(topic).Int(qos).Int(retain ? 1 : 0).Quoted(message).Take();
}

Result<std::string> EncodeMqttsub(std::string_view topic, int qos) {
  if (auto e = CheckTopic(topic)) return *e;
  if (auto e = CheckTopicFilter(topic)) return *e;
  if (auto e = CheckQos(qos, "§2.57")) return *e;
  return CommandText("+MQTTSUB").Quoted(topic).Int(qos).Take();
}

Result<std::string> EncodeMqttunsub(std::string_view topic) {
  if (auto e = CheckTopic(topic)) return *e;
  if (auto e = CheckTopicFilter(topic)) return *e;
  return CommandText("+MQTTUNSUB").Quoted(topic).Take();
}

Result<bool> DecodeMqttstate(std::string_view line) {
  auto args = ParseInfo(line, {"MQTTSTATE"}, 1, 1);
  if (!args) return args.error();
  auto status = ParseInt((*args)[0], 0, 1, "<status>");
  if (!status) return status.error();
  return *status == 1;
}

Result<MqttMessageHeader> DecodeMqttsubHeader(std::string_view bytes, bool line_complete) {
  std::size_t end = 0;
  auto fields = ScanHeaderFields(bytes, {"MQTTSUB"}, 2, line_complete, &end);
  if (!fields) return fields.error();
  if ((*fields)[0].text.size() > kMaxMqttTopic) {
    return MakeError(CommandErrc::kTooLong, "<topic> is longer than 1024 bytes (§2.61)");
  }
  // §2.61: <msglen> is 1–1024.
  auto length = ParseInt((*fields)[1], 1, static_cast<std::int64_t>(kMaxMqttMessage), "<msglen>");
  if (!length) return length.error();
  auto payload =
      LocateInlinePayload(bytes, end, static_cast<std::size_t>(*length), line_complete, true);
  if (!payload) return payload.error();
  return MqttMessageHeader{std::string((*fields)[0].text), *payload};
}

}  // namespace uclink::chat
