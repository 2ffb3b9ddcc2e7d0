// The service commands through uclinkd (docs/services.md, "Through the daemon"): the client
// side of the control API's "service" method. Each call opens one control connection, sends
// the request, streams input (service.send, one chunk per service.sent) and output
// (service.data, ...) and ends with the daemon's answer. Same signatures and output as the
// facade (control/services/facade.h), so `uclink` prints the same bytes in every mode.
// Synchronous POSIX (poll), like the rest of the CLI.
#pragma once

#include <optional>
#include <string>

#include "control/services/facade.h"

namespace uclink::control::cli {

using services::ServiceError;
using services::ServiceMode;

/// The link as the daemon's `status` reports it.
struct DaemonLink {
  bool ppp = false;       ///< mode "ppp": run natively, bound to `interface`
  std::string interface;  ///< the PPP interface
};

/// Asks the daemon at mode.socket (default path if empty) for `status`. Errors carry
/// api::Errc::kDaemonUnavailable (cannot reach it) or kNotOnline (state neither online nor
/// online-inband; the message names the state).
std::optional<DaemonLink> QueryLink(const ServiceMode& mode, ServiceError* error);

// The facade's functions through the daemon. Errors carry an api::Errc (the daemon's answer)
// or api::Errc::kDaemonUnavailable / kProtocolError / kTimeout for the connection itself.
ServiceError DaemonHttp(const ServiceMode& mode, const inband::HttpRequest& request,
                        const services::DataSink& out, const services::ProgressSink& progress);
ServiceError DaemonFtp(const ServiceMode& mode, const inband::FtpSession& session,
                       const inband::FtpRequest& request, const services::DataSink& out,
                       const services::ProgressSink& progress);
ServiceError DaemonTcp(const ServiceMode& mode, const std::string& host, int port,
                       const services::StreamOptions& options, const services::DataSink& out);
ServiceError DaemonUdp(const ServiceMode& mode, const std::string& host, int port,
                       const std::string& data, int idle_ms, const services::DataSink& out);
ServiceError DaemonMqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                               const std::string& topic, int qos, bool retain,
                               const std::string& message);
ServiceError DaemonMqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                                 const std::string& topic, int qos, int count, int timeout_ms,
                                 const services::MessageSink& on_message);
/// `uclink forward` in in-band mode: one daemon tcp service per accepted connection, one at a
/// time (the others wait in the listen backlog). Runs until a signal ends the process.
ServiceError DaemonForward(const ServiceMode& mode, const std::string& listen_address,
                           int listen_port, const std::string& host, int port);

}  // namespace uclink::control::cli
