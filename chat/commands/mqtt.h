// MQTT client: AT+MQTTTLS (§2.53), AT+MQTTCONFIG (§2.54), AT+MQTTCONNECT (§2.55), AT+MQTTPUB
// (§2.56), AT+MQTTSUB (§2.57), AT+MQTTUNSUB (§2.58), AT+MQTTSTATE (§2.59), AT+MQTTDISCONNECT
// (§2.60) and the +MQTTSUB message URC (§2.61). Strings are quoted (the tables say "需要用"
// "括住").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "chat/at_args.h"

namespace uclink::chat {

// Limits of §2.53–§2.61.
inline constexpr std::size_t kMaxMqttCertificate = 1536;
inline constexpr std::size_t kMaxMqttClientId = 64;
inline constexpr std::size_t kMaxMqttUsername = 64;
// §2.54 says 64, but the OneNET examples of §2.61 log in with a 119-byte password and get OK;
// we accept up to 256 so those work.
inline constexpr std::size_t kMaxMqttPassword = 256;
inline constexpr std::size_t kMaxMqttTopic = 1024;
inline constexpr std::size_t kMaxMqttMessage = 1024;
// The broker host: "Domain name 或者 XXX.XXX.XXX.XXX" (§2.54) with no stated limit; RFC 1035.
inline constexpr std::size_t kMaxMqttHost = 253;

// <type> of AT+MQTTTLS (§2.53).
enum class CertType { kRootCa = 0, kClientCert = 1, kClientKey = 2 };

// Stable name of a CertType: "root_ca", "client_cert", "client_key".
std::string_view ToString(CertType type);

// AT+MQTTTLS=<tls>,<type>,"<cert>",<size> (§2.61's example; the heading says MQTTLS). The PEM
// text must already have its line ends replaced as §2.61 step 2 describes (CR/LF are refused);
// `size` is passed through because §2.61 derives it as "content + 2", not the content length.
Result<std::string> EncodeMqtttls(int tls, CertType type, std::string_view cert, std::size_t size);

// The read answer `+MQTTTLS: <tls>,<caname>,<certname>,<keyname>` (§2.53, printed as
// `+MQTTLS:(0-1),<caname>,<certname>,<keyname>`; a range in place of <tls> gives nullopt).
struct MqttTlsState {
  std::optional<int> tls;
  std::string ca_name;
  std::string cert_name;
  std::string key_name;

  friend bool operator==(const MqttTlsState&, const MqttTlsState&) = default;
};
Result<MqttTlsState> DecodeMqtttls(std::string_view line);

// Broker settings of AT+MQTTCONFIG (§2.54).
struct MqttConfig {
  std::string host;
  int port = 1883;
  std::string client_id;
  bool clean_session = true;
  int keepalive_s = 60;
  std::string username;
  std::string password;

  friend bool operator==(const MqttConfig&, const MqttConfig&) = default;
};

// AT+MQTTCONFIG="host",port,"id",clean,keepalive,"user","password" (§2.54, §2.61).
Result<std::string> EncodeMqttconfig(const MqttConfig& config);

// `+MQTTCONFIG: "host",port,"id",clean,keepalive,"user","password"` (§2.54 read form).
Result<MqttConfig> DecodeMqttconfig(std::string_view line);

// `+MQTTCONNECT: 0` (§2.55): an MQTT code of table 3.4 (DescribeMqtt).
Result<int> DecodeMqttconnect(std::string_view line);

// A topic name for PUBLISH holds no wildcard ('#', '+'; MQTT 3.1.1 §3.3.2.1). Holds in both
// modes: over PPP the broker would drop the connection, in-band the module fails (table 3.4).
std::optional<CommandError> CheckPublishTopic(std::string_view topic);

// A topic filter for SUBSCRIBE/UNSUBSCRIBE is well formed: '#' only as the whole last level,
// '+' only as a whole level (MQTT 3.1.1 §4.7.1.2, §4.7.1.3).
std::optional<CommandError> CheckTopicFilter(std::string_view filter);

// AT+MQTTPUB="topic",qos,retain,"message" (§2.61; the table of §2.56 drops the comma before
// <message>). Topic and message are quoted and sent verbatim: what they cannot carry
// (TextParam::kMqttTopic/kMqttMessage: '"', line ends, control bytes) is refused, as is a
// wildcard in the topic (CheckPublishTopic).
Result<std::string> EncodeMqttpub(std::string_view topic, int qos, bool retain,
                                  std::string_view message);

// AT+MQTTSUB="topic",qos (§2.57).
Result<std::string> EncodeMqttsub(std::string_view topic, int qos);

// AT+MQTTUNSUB="topic" (§2.58; the table prints ++MQTTUNSUB).
Result<std::string> EncodeMqttunsub(std::string_view topic);

// `+MQTTSTATE:1` (§2.61) → true (connected).
Result<bool> DecodeMqttstate(std::string_view line);

// The header of a received message `+MQTTSUB:"topic1",5,"hello"` (§2.61): the payload is the
// `length` bytes after the opening quote, then the closing quote (payload.trailer). Messages over
// 200 bytes arrive in several segments (§2.57), each with its own header.
struct MqttMessageHeader {
  std::string topic;
  PayloadHeader payload;

  friend bool operator==(const MqttMessageHeader&, const MqttMessageHeader&) = default;
};
Result<MqttMessageHeader> DecodeMqttsubHeader(std::string_view bytes, bool line_complete);

}  // namespace uclink::chat
