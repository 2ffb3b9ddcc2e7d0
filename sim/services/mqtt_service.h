// AT+MQTTLS / MQTTCONFIG / MQTTCONNECT / MQTTPUB / MQTTSUB / MQTTUNSUB / MQTTSTATE /
// MQTTDISCONNECT and the +MQTTSUB report (UC8088 manual §2.53–2.61): a real MQTT 3.1.1 client
// (libmosquitto) driven from the io_context through its socket, without libmosquitto's thread.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>

#include "sim/service_host.h"

struct mosquitto;
struct mosquitto_message;

namespace uclink::sim::services {

/// The module's MQTT client: one connection, one acknowledged operation at a time.
class MqttService : public std::enable_shared_from_this<MqttService> {
 public:
  MqttService(boost::asio::io_context& io, ServiceHost& host);
  ~MqttService();
  /// Runs one +MQTT... command (names already normalised: MQTTTLS → MQTTLS).
  void Execute(const SimCommand& cmd);
  /// Drops the connection; no output follows.
  void Shutdown();

 private:
  enum class State { kIdle, kConnecting, kConnected };

  void Config(const SimCommand& cmd);
  void Tls(const SimCommand& cmd);
  void Connect(const SimCommand& cmd);
  bool ApplyTls();
  void Pub(const SimCommand& cmd);
  void Sub(const SimCommand& cmd);
  void Unsub(const SimCommand& cmd);
  void Disconnect();

  void Pump();
  void PauseReading(unsigned generation);
  void Await(const std::string& command, int mid, std::chrono::seconds timeout, int timeout_code);
  void Complete(int mid, int code);
  void Lost(unsigned generation);
  void Teardown();
  void Report(const std::string& topic, const std::string& payload);
  void Fail(const std::string& command, int code);

  // libmosquitto callbacks; they only post to the io_context (never re-enter libmosquitto).
  static void OnConnect(mosquitto*, void* obj, int rc);
  static void OnDisconnect(mosquitto*, void* obj, int rc);
  static void OnPublish(mosquitto*, void* obj, int mid);
  static void OnSubscribe(mosquitto*, void* obj, int mid, int count, const int* granted);
  static void OnUnsubscribe(mosquitto*, void* obj, int mid);
  static void OnMessage(mosquitto*, void* obj, const mosquitto_message* msg);
  void Post(std::function<void(MqttService&)> fn);

  boost::asio::io_context& io_;
  ServiceHost& host_;
  // Settings (MQTTCONFIG, MQTTLS).
  std::string url_;
  long port_ = 1883;
  std::string client_id_, user_, password_;
  bool clean_session_ = true;
  long keepalive_ = 5;  // manual §2.54: "默认 5S"
  bool tls_ = false;
  std::array<std::string, 3> certs_;  // root CA, client certificate, client key (§2.53 <type>)
  std::string tls_dir_;
  // The connection.
  State state_ = State::kIdle;
  mosquitto* mosq_ = nullptr;
  unsigned generation_ = 0;  // bumped per connection: posted callbacks of an old one are ignored
  boost::asio::posix::stream_descriptor socket_;
  bool reading_ = false;
  bool read_paused_ = false;  ///< waiting for the URC backlog to drain
  bool writing_ = false;
  boost::asio::steady_timer misc_timer_;
  boost::asio::steady_timer op_timer_;
  // The command waiting for CONNACK/PUBACK/SUBACK/UNSUBACK (the host runs one at a time).
  std::string pending_command_;
  int pending_mid_ = -1;
  std::map<int, std::string> sub_topics_;  // mid → topic of a SUBSCRIBE in flight
  std::map<std::string, int> subscriptions_;
  bool stopped_ = false;
};

}  // namespace uclink::sim::services
