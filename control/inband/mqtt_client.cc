#include "control/inband/mqtt_client.h"

#include "chat/at_args.h"
#include "chat/error_tables.h"

namespace uclink::control::inband {

std::string_view ToString(MqttClient::State state) {
  switch (state) {
    case MqttClient::State::kIdle:
      return "idle";
    case MqttClient::State::kConfiguring:
      return "configuring";
    case MqttClient::State::kConnecting:
      return "connecting";
    case MqttClient::State::kCheckingState:
      return "checking_state";
    case MqttClient::State::kOnline:
      return "online";
    case MqttClient::State::kClosing:
      return "closing";
    case MqttClient::State::kClosed:
      return "closed";
  }
  return "?";
}

std::string DescribeMqttCode(int code) {
  auto text = chat::DescribeMqtt(code);
  return std::to_string(code) + " (" +
         (text ? std::string(*text) : std::string("not in table 3.4")) + ")";
}

namespace {

// §2.61 step 2: the PEM goes on one line, its line ends written as the escape \n.
std::string EscapePem(std::string_view pem) {
  std::string out;
  for (char c : pem) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

struct ReportHeader {
  std::string topic;
  std::size_t length = 0;
};

// The URC's line is the header up to the message's opening quote: `+MQTTSUB:"topic1",5,"`
// (§2.61). The topic is quoted and may hold commas.
std::optional<ReportHeader> ParseReportHeader(std::string_view line) {
  const auto open = line.find('"');
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = line.find("\",", open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  ReportHeader header{std::string(line.substr(open + 1, close - open - 1)), 0};
  std::string_view rest = line.substr(close + 2);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && digits < 8) {
    header.length = header.length * 10 + static_cast<std::size_t>(rest[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return header;
}

}  // namespace

namespace {

std::optional<ServiceError> CheckTopicLength(std::string_view topic) {
  if (topic.empty()) return MakeError(Errc::kInvalidArgument, "<topic> is empty");
  if (topic.size() > chat::kMaxMqttTopic) {
    return MakeError(Errc::kInvalidArgument,
                     "<topic> is longer than 1024 bytes (UC8088 manual §2.56–§2.58)");
  }
  return std::nullopt;
}

std::optional<ServiceError> CheckQos(int qos) {
  if (qos >= 0 && qos <= 2) return std::nullopt;
  return MakeError(Errc::kInvalidArgument, "<qos> must be 0..2 (UC8088 manual §2.56)");
}

}  // namespace

std::optional<ServiceError> CheckPublish(std::string_view topic, int qos, std::string_view message,
                                         Transport transport) {
  if (transport == Transport::kInband) {
    auto text = chat::EncodeMqttpub(topic, qos, false, message);
    if (!text) return ErrorOf(text.error());
    return std::nullopt;
  }
  if (auto e = CheckTopicLength(topic)) return e;
  if (auto e = chat::CheckPublishTopic(topic)) return ErrorOf(*e);
  if (auto e = CheckQos(qos)) return e;
  if (message.size() > chat::kMaxMqttMessage) {
    return MakeError(Errc::kInvalidArgument,
                     "<message> is longer than 1024 bytes (UC8088 manual §2.56)");
  }
  return std::nullopt;
}

std::optional<ServiceError> CheckSubscribe(std::string_view topic, int qos, Transport transport) {
  if (transport == Transport::kInband) {
    auto text = chat::EncodeMqttsub(topic, qos);
    if (!text) return ErrorOf(text.error());
    return std::nullopt;
  }
  if (auto e = CheckTopicLength(topic)) return e;
  if (auto e = chat::CheckTopicFilter(topic)) return ErrorOf(*e);
  return CheckQos(qos);
}

MqttClient::MqttClient(MqttSessionOptions options) : options_(std::move(options)) {}

void MqttClient::Enqueue(chat::Result<std::string> text, std::string name) {
  if (done() || state_ == State::kClosing || state_ == State::kClosed) return;
  if (!text) return Fail(ErrorOf(text.error()));
  requests_.push_back(Request{std::move(*text), std::move(name)});
  Pump();
}

void MqttClient::Connect(chat::TimePoint) {
  if (state_ != State::kIdle) return;
  auto config = chat::EncodeMqttconfig(options_.config);
  if (!config) return Finish(ErrorOf(config.error()));
  setup_.push_back(Request{*config, "MQTTCONFIG"});
  for (const MqttCertificate& cert : options_.certificates) {
    if (const auto slash = cert.pem.find('\\'); slash != std::string::npos) {
      return Finish(UnsendableError({slash, '\\',
                                     "§2.61 writes the certificate's line ends as "
                                     "\\n, so a '\\' would read as one"},
                                    "AT+MQTTTLS's <cert file content> (manual §2.53)"));
    }
    const std::string text = EscapePem(cert.pem);
    if (text.size() > chat::kMaxMqttCertificate) {
      return Finish(MakeError(Errc::kInvalidArgument,
                              std::string(chat::ToString(cert.type)) + " certificate is " +
                                  std::to_string(text.size()) +
                                  " bytes; AT+MQTTLS takes at most 1536 (UC8088 manual §2.53)"));
    }
    // §2.61: "size 大小为 全文内容+2".
    auto tls = chat::EncodeMqtttls(1, cert.type, text, text.size() + 2);
    if (!tls) return Finish(ErrorOf(tls.error()));
    setup_.push_back(Request{*tls, "MQTTTLS"});
  }
  setup_.push_back(Request{"AT+MQTTCONNECT", "MQTTCONNECT"});
  setup_.push_back(Request{"AT+MQTTSTATE", "MQTTSTATE"});
  state_ = State::kConfiguring;
  Pump();
}

void MqttClient::Publish(std::string topic, int qos, bool retain, std::string message) {
  Enqueue(chat::EncodeMqttpub(topic, qos, retain, message), "MQTTPUB");
}

void MqttClient::Subscribe(std::string topic, int qos) {
  Enqueue(chat::EncodeMqttsub(topic, qos), "MQTTSUB");
}

void MqttClient::Unsubscribe(std::string topic) {
  Enqueue(chat::EncodeMqttunsub(topic), "MQTTUNSUB");
}

void MqttClient::Disconnect() {
  if (done()) return;
  if (state_ == State::kIdle) return Succeed();
  disconnect_requested_ = true;
  Pump();
}

void MqttClient::Pump() {
  if (done() || in_flight_) return;
  if (!setup_.empty()) {
    in_flight_ = std::move(setup_.front());
    setup_.pop_front();
  } else if (state_ == State::kOnline && !requests_.empty()) {
    in_flight_ = std::move(requests_.front());
    requests_.pop_front();
  } else if (disconnect_requested_ && state_ != State::kClosing && state_ != State::kClosed) {
    state_ = State::kClosing;
    in_flight_ = Request{"AT+MQTTDISCONNECT", "MQTTDISCONNECT"};
  } else {
    return;
  }
  chat::AtCommand command = chat::AtCommand::FromText(in_flight_->command);
  if (in_flight_->name == "MQTTSUB") {
    // The request's own answer has no +MQTTSUB line; a message report arriving meanwhile is a
    // URC (§2.61), not this command's information.
    command.info_prefixes.clear();
  }
  Submit(std::move(command));
}

ServiceError MqttClient::FailureOf(const chat::AtReply& reply, std::string_view name) const {
  if (auto code = FindCode(reply, name)) {
    return MakeError(Errc::kServiceError,
                     "AT+" + std::string(name) + " failed: MQTT code " + DescribeMqttCode(*code));
  }
  return ModuleFailure("AT+" + std::string(name), reply);
}

void MqttClient::Fail(ServiceError error) {
  setup_.clear();
  requests_.clear();
  const bool connected =
      state_ == State::kConnecting || state_ == State::kCheckingState || state_ == State::kOnline;
  if (!connected || state_ == State::kClosing) {
    state_ = State::kClosed;
    return Finish(std::move(error));
  }
  // Release the module's one MQTT client before reporting, so the next operation finds it free.
  pending_error_ = std::move(error);
  disconnect_requested_ = true;
  Pump();
}

void MqttClient::OnReply(const chat::AtReply& reply, chat::TimePoint) {
  ReplyArrived();
  if (done() || !in_flight_) return;
  const Request request = std::move(*in_flight_);
  in_flight_.reset();
  if (request.name == "MQTTDISCONNECT") {
    state_ = State::kClosed;
    if (pending_error_) return Finish(std::move(pending_error_));
    if (!reply.ok()) return Finish(ModuleFailure(request.command, reply));
    return Succeed();
  }
  if (!reply.ok()) {
    if (request.name == "MQTTCONFIG" || request.name == "MQTTTLS") state_ = State::kIdle;
    return Fail(FailureOf(reply, request.name));
  }
  if (request.name == "MQTTCONFIG") {
    state_ = State::kConnecting;
  } else if (request.name == "MQTTCONNECT") {
    // `+MQTTCONNECT: <code>` (§2.55) when present: table 3.4, 0 = success.
    if (auto code = FindCode(reply, "MQTTCONNECT"); code && *code != 0) {
      return Fail(MakeError(Errc::kServiceError,
                            "AT+MQTTCONNECT failed: MQTT code " + DescribeMqttCode(*code)));
    }
    state_ = State::kCheckingState;
  } else if (request.name == "MQTTSTATE") {
    bool up = false;
    for (const std::string& line : reply.info) {
      if (auto s = chat::DecodeMqttstate(line)) up = *s;
    }
    if (!up) {
      return Fail(MakeError(Errc::kConnectFailed,
                            "the broker " + options_.config.host +
                                " is not connected (+MQTTSTATE: 0, UC8088 manual §2.59)"));
    }
    state_ = State::kOnline;
    Emit(ReadyAction{});
  } else if (request.name != "MQTTTLS") {
    Emit(SentAction{0});
  }
  Pump();
}

void MqttClient::OnUrc(const chat::Urc& urc, chat::TimePoint) {
  if (done() || urc.kind != chat::UrcKind::kMqttMessage) return;
  auto header = ParseReportHeader(urc.line);
  if (!header) return;
  const std::size_t total = header->length;
  // §2.57: reports over 200 bytes come in segments, each repeating topic and the whole length
  // (uclink-sim's reading of the manual); a segment completes the message once all arrived.
  if (partial_.empty() || partial_topic_ != header->topic || partial_total_ != total) {
    partial_.clear();
    partial_topic_ = header->topic;
    partial_total_ = total;
  }
  partial_ += urc.payload;
  if (partial_.size() > total) {
    partial_.clear();  // a segment longer than the message: drop rather than grow
    return;
  }
  if (partial_.size() < total) return;
  Emit(MessageAction{header->topic, std::move(partial_)});
  partial_.clear();
}

void MqttClient::OnTimer(chat::TimePoint) {}

}  // namespace uclink::control::inband
