// The module's MQTT client as a pure state machine (UC8088 manual §2.53–§2.61): AT+MQTTCONFIG,
// optional AT+MQTTTLS certificates (≤ 1536 bytes each), AT+MQTTCONNECT, AT+MQTTSTATE, then
// publish/subscribe/unsubscribe requests one at a time and `+MQTTSUB` messages reassembled from
// their 200-byte segments (§2.57). Result codes from table 3.4. Any failure disconnects
// (AT+MQTTDISCONNECT) so the module's client is released, then ends the operation.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "chat/commands/mqtt.h"
#include "control/inband/operation.h"

namespace uclink::control::inband {

struct MqttCertificate {
  chat::CertType type = chat::CertType::kRootCa;
  // PEM text; its line ends are sent as the two-character escape \n (§2.61 step 2), so a PEM
  // holding '\' is refused (it could read as such an escape).
  std::string pem;
};

struct MqttSessionOptions {
  chat::MqttConfig config;
  std::vector<MqttCertificate> certificates;  // non-empty: TLS (AT+MQTTTLS=1,...)
};

// Segments of one report carry at most this many bytes (§2.57).
inline constexpr std::size_t kMqttSegment = 200;

// The checks of one publish made before anything is sent (not even AT+MQTTCONFIG). Both modes:
// topic 1..1024 bytes and message at most 1024 (§2.56), QoS 0..2, and no wildcard in the topic
// (MQTT 3.1.1 §3.3.2.1: `a/#`, `a/+/b` are filters, not names). In-band also what AT+MQTTPUB's
// quoted <topic> and <message> can carry (chat::TextParam: no '"', line ends or control bytes):
// refused, never escaped, so a message arrives byte for byte or not at all.
std::optional<ServiceError> CheckPublish(std::string_view topic, int qos, std::string_view message,
                                         Transport transport);

// The same for a subscription: a well-formed topic filter (MQTT 3.1.1 §4.7.1) of 1..1024 bytes.
std::optional<ServiceError> CheckSubscribe(std::string_view topic, int qos, Transport transport);

class MqttClient : public Operation {
 public:
  enum class State { kIdle, kConfiguring, kConnecting, kCheckingState, kOnline, kClosing, kClosed };

  explicit MqttClient(MqttSessionOptions options);

  // Checks the limits, then configures and connects: ReadyAction when MQTTSTATE says 1.
  void Connect(chat::TimePoint now);
  // Queued requests; each ends with SentAction{0} once the module answered OK.
  void Publish(std::string topic, int qos, bool retain, std::string message);
  void Subscribe(std::string topic, int qos);
  void Unsubscribe(std::string topic);
  // AT+MQTTDISCONNECT after queued requests; DoneAction without error.
  void Disconnect();

  void OnReply(const chat::AtReply& reply, chat::TimePoint now) override;
  void OnUrc(const chat::Urc& urc, chat::TimePoint now) override;
  void OnTimer(chat::TimePoint now) override;

  State state() const { return state_; }

 private:
  struct Request {
    std::string command;
    std::string name;  // "MQTTPUB" for table 3.4 codes in the reply
  };

  void Enqueue(chat::Result<std::string> text, std::string name);
  void Pump();
  void Fail(ServiceError error);
  ServiceError FailureOf(const chat::AtReply& reply, std::string_view name) const;

  MqttSessionOptions options_;
  State state_ = State::kIdle;
  std::deque<Request> setup_;
  std::deque<Request> requests_;
  std::optional<Request> in_flight_;
  bool disconnect_requested_ = false;
  ServiceError pending_error_;
  // Reassembly of a segmented message.
  std::string partial_topic_;
  std::string partial_;
  std::size_t partial_total_ = 0;
};

std::string_view ToString(MqttClient::State state);

// Table 3.4's text for an MQTT code: "9 (A CONNECT or at least one subscription was refused ...)".
std::string DescribeMqttCode(int code);

}  // namespace uclink::control::inband
