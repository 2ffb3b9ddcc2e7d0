// The services behind one set of functions whatever the link: in-band (the pure clients of
// control/inband run over chat::AtChannel on the module's port) or native (PPP: Asio sockets
// and libcurl over whatever route exists, bound to the PPP interface when one is given). The
// `uclink` service commands call these, so a script gets the same bytes in both modes.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "control/inband/ftp_client.h"
#include "control/inband/http_client.h"
#include "control/inband/mqtt_client.h"
#include "control/native/curl_client.h"

namespace uclink::control::services {

// Where the services run.
struct ServiceMode {
  // true: PPP mode (native sockets/libcurl); false: in-band AT commands on `port`.
  bool native = false;
  // In-band: the module's AT port, its speed, and the PDP context activated first
  // (AT+CFUN=1, AT+CGATT=1, AT+CGACT=1,<cid>, manual §2.25.1; 0 skips the prelude).
  std::string port;
  int baud = 115200;
  int cid = 1;
  std::string lock_dir = "/run/lock";
  // In-band: send data with bytes the command line cannot carry after the `>` prompt (see
  // inband::PayloadEncoding::kPrompt); otherwise such data is refused naming the byte.
  bool prompt_payloads = false;
  // Native: the interface to bind (e.g. the PPP interface); empty: any.
  std::string interface;
  // Neither native nor a port: uclinkd's control socket (empty: the default path); the daemon
  // says whether the link is PPP (native) or in-band (the "service" method).
  std::string socket;
  // Through the daemon: when the module's TCP/UDP client is in use, wait instead of `busy`.
  bool wait = false;
};

using inband::ServiceError;
using DataSink = native::DataSink;
using ProgressSink = native::ProgressSink;

// One HTTP request; the body goes to `out`.
ServiceError Http(const ServiceMode& mode, inband::HttpRequest request, const DataSink& out,
                  const ProgressSink& progress = {});

// One FTP operation; ls/get/size output goes to `out`.
ServiceError Ftp(const ServiceMode& mode, inband::FtpSession session, inband::FtpRequest request,
                 const DataSink& out, const ProgressSink& progress = {});

// A TCP connection like nc: bytes read from `in_fd` are sent, received bytes go to `out`. After
// `in_fd` ends the connection stays open until nothing arrived for `idle_ms`, then closes.
struct StreamOptions {
  int in_fd = 0;
  int idle_ms = 1000;
};
ServiceError TcpConnect(const ServiceMode& mode, const std::string& host, int port,
                        const StreamOptions& options, const DataSink& out);

// Sends `data` as one datagram (in-band: one AT+IPSEND per 1024 bytes) and writes the replies
// that arrive until nothing came for `idle_ms`.
ServiceError UdpSend(const ServiceMode& mode, const std::string& host, int port,
                     const std::string& data, int idle_ms, const DataSink& out);

// Native only (the module has no server sockets, manual §2.22): prints datagrams received on
// `port` until `count` arrived (0: forever) or nothing came for `idle_ms` (0: no limit).
ServiceError UdpListen(const ServiceMode& mode, const std::string& address, int port, int count,
                       int idle_ms, const DataSink& out);

// Connects, publishes one message, waits for its acknowledgement (QoS 1/2), disconnects.
ServiceError MqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                         const std::string& topic, int qos, bool retain,
                         const std::string& message);

// Subscribes and reports `count` messages (0: until `timeout_ms`), then disconnects.
using MessageSink = std::function<void(const std::string& topic, const std::string& payload)>;
ServiceError MqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                           const std::string& topic, int qos, int count, int timeout_ms,
                           const MessageSink& on_message);

// `uclink forward`: accepts TCP connections on listen_address:listen_port and relays each to
// host:port (in-band: through the module's one TCP client, one connection at a time, the others
// queued). Runs until SIGINT/SIGTERM or `keep_going` returns false (checked between events).
ServiceError Forward(const ServiceMode& mode, const std::string& listen_address, int listen_port,
                     const std::string& host, int port, const std::function<bool()>& keep_going);

}  // namespace uclink::control::services
