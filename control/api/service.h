// The "service" method of the control API (docs/control-api.md): the parameters that name one
// in-band service and its arguments, their JSON form and bounds, the event names the daemon
// streams back, and base64 for the bytes those lines carry. Pure: shared by uclinkd and uclink.
//
// The bounds here keep one request small and the daemon's memory bounded; the manual's own
// limits (URL 1024, names 64, topic 1024, ...) are checked by the in-band clients before the
// daemon sends anything to the module, with messages that name the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/api/protocol.h"

namespace uclink::control::api {

/// The services "service" runs, by their wire name in `params.service`.
enum class Service {
  kTcp,      ///< "tcp": a TCP connection, bytes both ways (service.send / service.data)
  kUdp,      ///< "udp": one datagram, then the replies until `idle_ms` of quiet
  kHttp,     ///< "http": one request; the body comes back as service.data
  kFtp,      ///< "ftp": one ls/get/put/size/mkdir/rmdir
  kMqttPub,  ///< "mqtt-pub": connect, publish one message, disconnect
  kMqttSub,  ///< "mqtt-sub": subscribe, report messages until `count` or `timeout_ms`
};
const char* ToString(Service service);
std::optional<Service> ServiceFromString(std::string_view name);

/// Longest text parameter (URL, host, path, topic, header, ...); the manual's limits are lower.
inline constexpr std::size_t kMaxServiceText = 4096;
/// Most headers of one HTTP request.
inline constexpr std::size_t kMaxHeaders = 32;
/// Most bytes of one upload (inline `data` plus every service.send before service.close).
inline constexpr std::size_t kMaxUploadBytes = 16 * 1024 * 1024;
/// Most raw bytes in one service.send or service.data line: base64 of it fits kMaxLineBytes.
inline constexpr std::size_t kMaxChunkBytes = 32 * 1024;
/// Most TCP bytes a client may have sent that the module has not confirmed (service.sent).
inline constexpr std::size_t kMaxUnconfirmedBytes = 256 * 1024;

/// Event names of a running service (lines before the service request's response).
inline constexpr std::string_view kEventReady = "service.ready";        ///< input is accepted now
inline constexpr std::string_view kEventQueued = "service.queued";      ///< waiting for the client
inline constexpr std::string_view kEventData = "service.data";          ///< {"data": base64}
inline constexpr std::string_view kEventSent = "service.sent";          ///< {"bytes": n}
inline constexpr std::string_view kEventProgress = "service.progress";  ///< {"done", "total"}
inline constexpr std::string_view kEventMessage = "service.message";    ///< {"topic", "payload"}
inline constexpr std::string_view kEventSubscribed = "service.subscribed";  ///< MQTT SUB acked

/// Parameters of "service". Fields that a service does not use keep their defaults.
struct ServiceParams {
  Service service = Service::kTcp;
  std::string host;              ///< tcp, udp, ftp, mqtt: the peer
  int port = 0;                  ///< 1..65535 (ftp 21 and mqtt 1883 when absent)
  bool wait = false;             ///< the module's client is in use: queue instead of `busy`
  bool prompt_payloads = false;  ///< send data after the `>` prompt (inband::PayloadEncoding)
  std::string data;              ///< `data` (base64 on the wire): udp datagram, http body, ...
  bool input = false;            ///< more data follows as service.send lines until service.close
  int idle_ms = 1000;            ///< udp: quiet time that ends the wait for replies
  // http
  std::string method = "get";  ///< get | head | put | post
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  // ftp
  std::string verb = "ls";  ///< ls | get | put | size | mkdir | rmdir
  std::string path;
  std::string user = "anonymous";
  std::string password = "uclink@";
  bool passive = true;
  bool ascii = false;
  // mqtt
  std::string topic;
  int qos = 0;
  bool retain = false;
  std::string client_id;
  std::string username;  ///< the MQTT password travels in `password`
  int keepalive_s = 60;
  bool clean_session = true;
  std::string ca_pem;  ///< root CA uploaded with AT+MQTTTLS
  int count = 0;       ///< mqtt-sub: stop after this many messages (0: no limit)
  int timeout_ms = 0;  ///< mqtt-sub: stop after this long (0: no limit)
};

/// Parses and bounds-checks "service" parameters; on failure sets `error` (invalid-params).
std::optional<ServiceParams> ParseServiceParams(const nlohmann::json& params, Error* error);
/// The JSON form ParseServiceParams reads (only the fields the service uses).
nlohmann::json ToJson(const ServiceParams& params);

/// Standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(std::string_view bytes);
/// Strict decoding (padding required, no whitespace); nullopt on any other byte.
std::optional<std::string> Base64Decode(std::string_view text);

/// The `data` of a service.send line, decoded and bounded (kMaxChunkBytes).
std::optional<std::string> ParseSendData(const nlohmann::json& params, Error* error);

}  // namespace uclink::control::api
