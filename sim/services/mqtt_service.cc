#include "sim/services/mqtt_service.h"

#include <mosquitto.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/services/errors.h"
#include "sim/services/forms.h"
#include "sim/services/limits.h"
#include "sim/services/params.h"

namespace uclink::sim::services {
namespace asio = boost::asio;

namespace {

constexpr int kConnectMid = -2;                            // CONNACK has no message id
constexpr auto kConnectTimeout = std::chrono::seconds(5);  // manual §2.55: "连接超时默认是 5S"
constexpr auto kAckTimeout = std::chrono::seconds(10);

// Manual table 3.4.
constexpr int kMqttOk = 0;
constexpr int kMqttInitFailed = 2;
constexpr int kMqttBadParameter = 3;
constexpr int kMqttNoMemory = 4;
constexpr int kMqttNetwork = 5;
constexpr int kMqttNotScheduled = 6;
constexpr int kMqttMalformed = 7;
constexpr int kMqttTimeout = 8;
constexpr int kMqttRefused = 9;
constexpr int kMqttNoAck = 10;

int TableCode(int rc) {
  switch (rc) {
    case MOSQ_ERR_SUCCESS:
      return kMqttOk;
    case MOSQ_ERR_NOMEM:
      return kMqttNoMemory;
    case MOSQ_ERR_INVAL:
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_MALFORMED_UTF8:
    case MOSQ_ERR_OVERSIZE_PACKET:
      return kMqttBadParameter;
    case MOSQ_ERR_NO_CONN:
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_ERRNO:
      return kMqttNetwork;
    case MOSQ_ERR_PROTOCOL:
    case MOSQ_ERR_MALFORMED_PACKET:
      return kMqttMalformed;
    case MOSQ_ERR_CONN_REFUSED:
      return kMqttRefused;
    default:  // over libmosquitto's int error codes, not one of our enums
      return kMqttNotScheduled;
  }
}

void InitLibrary() {
  static const bool kInitialised = [] {
    mosquitto_lib_init();
    return true;
  }();
  (void)kInitialised;
}

}  // namespace

MqttService::MqttService(asio::io_context& io, ServiceHost& host)
    : io_(io), host_(host), socket_(io), misc_timer_(io), op_timer_(io) {
  InitLibrary();
}

MqttService::~MqttService() {
  stopped_ = true;
  Teardown();
}

void MqttService::Shutdown() {
  stopped_ = true;
  Teardown();
}

void MqttService::Fail(const std::string& command, int code) {
  host_.Info(command + ": " + std::to_string(code));
  host_.PlainError();
}

void MqttService::Execute(const SimCommand& cmd) {
  const std::string& n = cmd.name;
  const bool test = cmd.form == SimCommand::Form::kTest;
  if (n == "+MQTTCONFIG") return Config(cmd);
  if (n == "+MQTTLS") return Tls(cmd);
  if (n == "+MQTTCONNECT") {
    if (test) return host_.Info("+MQTTCONFIG"), host_.Ok();  // as the manual's table prints
    return Connect(cmd);
  }
  if (n == "+MQTTPUB") return Pub(cmd);
  if (n == "+MQTTSUB") return Sub(cmd);
  if (n == "+MQTTUNSUB") return Unsub(cmd);
  if (n == "+MQTTSTATE" && !test && cmd.form != SimCommand::Form::kSet) {
    // Manual §2.61 example: "+MQTTSTATE:1".
    host_.Info(std::string("+MQTTSTATE:") + (state_ == State::kConnected ? "1" : "0"));
    return host_.Ok();
  }
  if (n == "+MQTTDISCONNECT" && cmd.form == SimCommand::Form::kExec) return Disconnect();
  host_.PlainError();
}

void MqttService::Config(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    host_.Info("+MQTTCONFIG: \"" + url_ + "\"," + std::to_string(port_) + ",\"" + client_id_ +
               "\"," + (clean_session_ ? "1" : "0") + "," + std::to_string(keepalive_) + ",\"" +
               user_ + "\",\"" + password_ + "\"");
    return host_.Ok();
  }
  if (!ExpectSetForm(
          host_, cmd,
          "+MQTTCONFIG: <url>,<port>,<clientid>,(0-1),<keepalive>,<username>,<password>")) {
    return;
  }
  const auto p = SplitParams(cmd.raw, 7);
  if (!p || p->size() < 5) return ReplyError(host_, Errc::kBadParameter);
  const auto port = ParseInt((*p)[1].text, 1, 65535);
  const auto clean = ParseInt((*p)[3].text, 0, 1);
  const auto keepalive = ParseInt((*p)[4].text, 0, 65535);
  const std::string url = Trim((*p)[0].text);
  if (url.empty() || !port || !clean || !keepalive) return ReplyError(host_, Errc::kBadParameter);
  const std::string user = p->size() > 5 ? (*p)[5].text : "";
  const std::string password = p->size() > 6 ? (*p)[6].text : "";
  if (url.size() > kMaxUrl || (*p)[2].text.size() > kMaxName || user.size() > kMaxName ||
      password.size() > kMaxName) {
    return ReplyError(host_, Errc::kTooLong);
  }
  url_ = url;
  port_ = *port;
  client_id_ = (*p)[2].text;
  clean_session_ = *clean == 1;
  keepalive_ = *keepalive;
  user_ = user;
  password_ = password;
  host_.Ok();
}

void MqttService::Tls(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    host_.Info(std::string("+MQTTLS:") + (tls_ ? "1" : "0") + "," +
               (certs_[0].empty() ? "" : "ca") + "," + (certs_[1].empty() ? "" : "cert") + "," +
               (certs_[2].empty() ? "" : "key"));
    return host_.Ok();
  }
  if (!ExpectSetForm(host_, cmd, "+MQTTLS=<tls>,<caname>,<certname>,<keyname>")) return;
  // "AT+MQTTTLS=1,0,"<pem, line ends escaped>",1181" (manual §2.61) or "AT+MQTTLS=0".
  const auto p = SplitParams(cmd.raw, 4);
  const auto tls = p && !p->empty() ? ParseInt((*p)[0].text, 0, 1) : std::nullopt;
  if (!tls || (p->size() != 1 && p->size() != 4)) return ReplyError(host_, Errc::kBadParameter);
  if (p->size() == 4) {
    const auto type = ParseInt((*p)[1].text, 0, 2);
    const auto size = ParseInt((*p)[3].text, 0, 1 << 20);
    if (!type || !size) return ReplyError(host_, Errc::kBadParameter);
    if ((*p)[2].text.size() > kMaxCert || static_cast<std::size_t>(*size) > kMaxCert) {
      return ReplyError(host_, Errc::kTooLong);
    }
    certs_[*type] = UnescapeLineEnds((*p)[2].text);
  }
  tls_ = *tls == 1;
  host_.Ok();
}

bool MqttService::ApplyTls() {
  if (certs_[0].empty()) return false;
  char pattern[] = "/tmp/uclink-sim-mqtt-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return false;
  tls_dir_ = pattern;
  const char* names[3] = {"/ca.pem", "/cert.pem", "/key.pem"};
  std::array<std::string, 3> paths;
  for (int i = 0; i < 3; ++i) {
    if (certs_[i].empty()) continue;
    paths[i] = tls_dir_ + names[i];
    std::ofstream(paths[i], std::ios::binary) << certs_[i];
  }
  auto c = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  if (mosquitto_tls_set(mosq_, c(paths[0]), nullptr, c(paths[1]), c(paths[2]), nullptr) !=
      MOSQ_ERR_SUCCESS) {
    return false;
  }
  // The module connects to the name configured, which tests map to 127.0.0.1: the chain is
  // checked against the uploaded root, the host name is not.
  mosquitto_tls_insecure_set(mosq_, true);
  return true;
}

void MqttService::Connect(const SimCommand& cmd) {
  if (cmd.form != SimCommand::Form::kExec) return ReplyError(host_, Errc::kBadParameter);
  if (state_ != State::kIdle) return ReplyError(host_, Errc::kNotAllowed);
  if (url_.empty()) return ReplyError(host_, Errc::kBadParameter);
  if (!host_.NetworkReady()) return ReplyError(host_, Errc::kNoNetwork);
  const std::string address = host_.ResolveTarget(url_);
  if (address.empty()) return Fail("+MQTTCONNECT", kMqttNetwork);
  mosq_ = mosquitto_new(client_id_.empty() ? nullptr : client_id_.c_str(), clean_session_, this);
  if (mosq_ == nullptr) return Fail("+MQTTCONNECT", kMqttBadParameter);
  ++generation_;
  mosquitto_connect_callback_set(mosq_, &MqttService::OnConnect);
  mosquitto_disconnect_callback_set(mosq_, &MqttService::OnDisconnect);
  mosquitto_publish_callback_set(mosq_, &MqttService::OnPublish);
  mosquitto_subscribe_callback_set(mosq_, &MqttService::OnSubscribe);
  mosquitto_unsubscribe_callback_set(mosq_, &MqttService::OnUnsubscribe);
  mosquitto_message_callback_set(mosq_, &MqttService::OnMessage);
  if (!user_.empty()) {
    mosquitto_username_pw_set(mosq_, user_.c_str(),
                              password_.empty() ? nullptr : password_.c_str());
  }
  if (tls_ && !ApplyTls()) {
    Teardown();
    return Fail("+MQTTCONNECT", kMqttBadParameter);
  }
  // Non-blocking connect: the CONNECT packet leaves once the socket is writable.
  const int rc = mosquitto_connect_async(mosq_, address.c_str(), static_cast<int>(port_),
                                         static_cast<int>(keepalive_));
  const int fd = rc == MOSQ_ERR_SUCCESS ? ::dup(mosquitto_socket(mosq_)) : -1;
  boost::system::error_code ec;
  if (fd >= 0) socket_.assign(fd, ec);
  if (fd < 0 || ec) {
    if (fd >= 0 && ec) ::close(fd);
    Teardown();
    return Fail("+MQTTCONNECT", rc == MOSQ_ERR_SUCCESS ? kMqttInitFailed : TableCode(rc));
  }
  state_ = State::kConnecting;
  Await("+MQTTCONNECT", kConnectMid, kConnectTimeout, kMqttTimeout);
  Pump();
  const unsigned generation = generation_;
  auto self = shared_from_this();
  // libmosquitto's keepalive (PINGREQ) runs from mosquitto_loop_misc once a second.
  struct Ticker {
    static void Start(std::shared_ptr<MqttService> s, unsigned gen) {
      s->misc_timer_.expires_after(std::chrono::seconds(1));
      s->misc_timer_.async_wait([s, gen](const boost::system::error_code& e) {
        if (e || s->stopped_ || gen != s->generation_ || s->mosq_ == nullptr) return;
        if (mosquitto_loop_misc(s->mosq_) != MOSQ_ERR_SUCCESS) return s->Lost(gen);
        s->Pump();
        Start(s, gen);
      });
    }
  };
  Ticker::Start(self, generation);
}

void MqttService::Pump() {
  if (mosq_ == nullptr) return;
  const unsigned generation = generation_;
  if (!reading_ && !read_paused_) {
    reading_ = true;
    socket_.async_wait(
        asio::posix::descriptor_base::wait_read,
        [self = shared_from_this(), generation](const boost::system::error_code& e) {
          if (self->stopped_ || generation != self->generation_) return;
          self->reading_ = false;
          if (e) return;
          // Several packets may sit in one TLS record: read until drained.
          for (int i = 0;
               i < 16 && generation == self->generation_ && !self->host_.UrcBacklogFull(); ++i) {
            if (mosquitto_loop_read(self->mosq_, 1) != MOSQ_ERR_SUCCESS) {
              return self->Lost(generation);
            }
          }
          if (generation != self->generation_) return;
          if (self->host_.UrcBacklogFull()) self->PauseReading(generation);
          self->Pump();
        });
  }
  if (!writing_ && mosquitto_want_write(mosq_)) {
    writing_ = true;
    socket_.async_wait(asio::posix::descriptor_base::wait_write,
                       [self = shared_from_this(), generation](const boost::system::error_code& e) {
                         if (self->stopped_ || generation != self->generation_) return;
                         self->writing_ = false;
                         if (e) return;
                         if (mosquitto_loop_write(self->mosq_, 1) != MOSQ_ERR_SUCCESS) {
                           return self->Lost(generation);
                         }
                         self->Pump();
                       });
  }
}

void MqttService::PauseReading(unsigned generation) {
  // Flow control: incoming publishes wait in the broker's TCP stream while the line is behind.
  read_paused_ = true;
  host_.WhenUrcsDrain([self = shared_from_this(), generation] {
    if (self->stopped_ || generation != self->generation_) return;
    self->read_paused_ = false;
    self->Pump();
  });
}

void MqttService::Await(const std::string& command, int mid, std::chrono::seconds timeout,
                        int timeout_code) {
  pending_command_ = command;
  pending_mid_ = mid;
  op_timer_.expires_after(timeout);
  op_timer_.async_wait([self = shared_from_this(), generation = generation_, mid,
                        timeout_code](const boost::system::error_code& e) {
    if (e || self->stopped_ || generation != self->generation_) return;
    if (self->pending_command_.empty() || self->pending_mid_ != mid) return;
    if (mid == kConnectMid) self->Teardown();
    self->Complete(mid, timeout_code);
  });
}

void MqttService::Complete(int mid, int code) {
  if (pending_command_.empty() || pending_mid_ != mid) return;
  const std::string command = std::move(pending_command_);
  pending_command_.clear();
  pending_mid_ = -1;
  op_timer_.cancel();
  if (code != kMqttOk) return Fail(command, code);
  host_.Ok();
}

void MqttService::Lost(unsigned generation) {
  if (generation != generation_ || state_ == State::kIdle) return;
  Teardown();
  if (!pending_command_.empty()) Complete(pending_mid_, kMqttNetwork);
}

void MqttService::Teardown() {
  ++generation_;
  state_ = State::kIdle;
  reading_ = writing_ = read_paused_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);  // our dup(); libmosquitto closes its own descriptor
  misc_timer_.cancel();
  sub_topics_.clear();
  subscriptions_.clear();
  if (mosq_ != nullptr) {
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
  }
  if (!tls_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tls_dir_, ec);
    tls_dir_.clear();
  }
}

void MqttService::Pub(const SimCommand& cmd) {
  if (!ExpectSetForm(host_, cmd, "+MQTTPUB: <topic>,(0-2),(0-1),<message>")) return;
  // Manual §2.61: AT+MQTTPUB="topic1",1,0,"hello".
  // Topic and message are quoted strings that end at their next '"' (§1.3.3: no escape).
  const auto p = ParseMqttpub(cmd.raw);
  if (!p) return ReplyError(host_, Errc::kBadParameter);
  const auto qos = ParseInt(p->qos, 0, 2);
  const auto retain = ParseInt(p->retain, 0, 1);
  const std::string& topic = p->topic;
  const std::string& message = p->message;
  if (topic.empty() || !qos || !retain) return ReplyError(host_, Errc::kBadParameter);
  if (topic.size() > kMaxTopic || message.size() > kMaxMessage) {
    return ReplyError(host_, Errc::kTooLong);
  }
  if (state_ != State::kConnected) return Fail("+MQTTPUB", kMqttNetwork);
  int mid = 0;
  const int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(message.size()),
                                   message.data(), static_cast<int>(*qos), *retain == 1);
  if (rc != MOSQ_ERR_SUCCESS) return Fail("+MQTTPUB", TableCode(rc));
  Pump();
  // QoS 0 has no acknowledgement: OK once queued. QoS 1/2 wait for PUBACK / PUBCOMP.
  if (*qos == 0) return host_.Ok();
  Await("+MQTTPUB", mid, kAckTimeout, kMqttNoAck);
}

void MqttService::Sub(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    for (const auto& [topic, qos] : subscriptions_) {
      host_.Info("+MQTTSUB: \"" + topic + "\"," + std::to_string(qos));
    }
    return host_.Ok();
  }
  if (!ExpectSetForm(host_, cmd, "+MQTTSUB: <topic>,(0-2)")) return;
  const auto p = SplitParams(cmd.raw, 2);
  if (!p || p->size() != 2) return ReplyError(host_, Errc::kBadParameter);
  const auto qos = ParseInt((*p)[1].text, 0, 2);
  const std::string& topic = (*p)[0].text;
  if (topic.empty() || !qos) return ReplyError(host_, Errc::kBadParameter);
  if (topic.size() > kMaxTopic) return ReplyError(host_, Errc::kTooLong);
  if (state_ != State::kConnected) return Fail("+MQTTSUB", kMqttNetwork);
  int mid = 0;
  const int rc = mosquitto_subscribe(mosq_, &mid, topic.c_str(), static_cast<int>(*qos));
  if (rc != MOSQ_ERR_SUCCESS) return Fail("+MQTTSUB", TableCode(rc));
  sub_topics_[mid] = topic;
  Pump();
  Await("+MQTTSUB", mid, kAckTimeout, kMqttTimeout);
}

void MqttService::Unsub(const SimCommand& cmd) {
  if (!ExpectSetForm(host_, cmd, "+MQTTUNSUB: <topic>")) return;
  const auto p = SplitParams(cmd.raw, 1);
  if (!p || p->size() != 1 || (*p)[0].text.empty()) return ReplyError(host_, Errc::kBadParameter);
  const std::string& topic = (*p)[0].text;
  if (topic.size() > kMaxTopic) return ReplyError(host_, Errc::kTooLong);
  if (state_ != State::kConnected) return Fail("+MQTTUNSUB", kMqttNetwork);
  int mid = 0;
  const int rc = mosquitto_unsubscribe(mosq_, &mid, topic.c_str());
  if (rc != MOSQ_ERR_SUCCESS) return Fail("+MQTTUNSUB", TableCode(rc));
  subscriptions_.erase(topic);
  Pump();
  Await("+MQTTUNSUB", mid, kAckTimeout, kMqttTimeout);
}

void MqttService::Disconnect() {
  if (mosq_ != nullptr && state_ == State::kConnected) {
    // DISCONNECT is written at once on the non-blocking socket; then the client is dropped.
    mosquitto_disconnect(mosq_);
    mosquitto_loop_write(mosq_, 1);
  }
  Teardown();
  host_.Ok();
}

void MqttService::Report(const std::string& topic, const std::string& payload) {
  // Manual §2.57: reports carry at most 200 bytes; longer messages come in segments. Every
  // segment repeats the topic and the whole message's length, so a reader knows how many bytes
  // the current segment holds (min(200, remaining)) and when the message is complete.
  // The <topic> of a report is a quoted string (§2.61): a topic it cannot carry ('"', line ends,
  // control bytes: another client may publish to one that matches a wildcard subscription)
  // would break the line or read as another topic, so such a message is not reported rather
  // than reported altered. The payload is counted by <msglen>, so every byte travels.
  if (!FitsQuoted(topic)) return;
  const std::string head = "+MQTTSUB:\"" + topic + "\"," + std::to_string(payload.size()) + ",\"";
  std::size_t off = 0;
  do {
    host_.Urc(head + payload.substr(off, kMqttSegment) + "\"");
    off += kMqttSegment;
  } while (off < payload.size());
}

void MqttService::Post(std::function<void(MqttService&)> fn) {
  asio::post(io_, [weak = weak_from_this(), generation = generation_, fn = std::move(fn)] {
    auto self = weak.lock();
    if (!self || self->stopped_ || generation != self->generation_) return;
    fn(*self);
  });
}

void MqttService::OnConnect(mosquitto*, void* obj, int rc) {
  static_cast<MqttService*>(obj)->Post([rc](MqttService& self) {
    if (self.state_ != State::kConnecting) return;
    if (rc != 0) {
      self.Teardown();
      return self.Complete(kConnectMid, kMqttRefused);
    }
    self.state_ = State::kConnected;
    self.Complete(kConnectMid, kMqttOk);
  });
}

void MqttService::OnDisconnect(mosquitto*, void* obj, int) {
  auto* me = static_cast<MqttService*>(obj);
  me->Post([generation = me->generation_](MqttService& self) { self.Lost(generation); });
}

void MqttService::OnPublish(mosquitto*, void* obj, int mid) {
  static_cast<MqttService*>(obj)->Post([mid](MqttService& self) { self.Complete(mid, kMqttOk); });
}

void MqttService::OnSubscribe(mosquitto*, void* obj, int mid, int count, const int* granted) {
  // SUBACK return code 0x80 = failure (MQTT 3.1.1 §3.9.3).
  const bool refused = count < 1 || granted[0] == 0x80;
  const int qos = refused ? 0 : granted[0];
  static_cast<MqttService*>(obj)->Post([mid, refused, qos](MqttService& self) {
    auto it = self.sub_topics_.find(mid);
    if (it != self.sub_topics_.end()) {
      if (!refused) self.subscriptions_[it->second] = qos;
      self.sub_topics_.erase(it);
    }
    self.Complete(mid, refused ? kMqttRefused : kMqttOk);
  });
}

void MqttService::OnUnsubscribe(mosquitto*, void* obj, int mid) {
  static_cast<MqttService*>(obj)->Post([mid](MqttService& self) { self.Complete(mid, kMqttOk); });
}

void MqttService::OnMessage(mosquitto*, void* obj, const mosquitto_message* msg) {
  std::string topic = msg->topic != nullptr ? msg->topic : "";
  std::string payload;
  if (msg->payload != nullptr && msg->payloadlen > 0) {
    payload.assign(static_cast<const char*>(msg->payload),
                   static_cast<std::size_t>(msg->payloadlen));
  }
  static_cast<MqttService*>(obj)->Post([topic = std::move(topic), payload = std::move(payload)](
                                           MqttService& self) { self.Report(topic, payload); });
}

}  // namespace uclink::sim::services
