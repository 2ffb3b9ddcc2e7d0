#include "control/services/facade.h"

#include "control/services/facade_inband.h"

namespace uclink::control::services {

ServiceError Http(const ServiceMode& mode, inband::HttpRequest request, const DataSink& out,
                  const ProgressSink& progress) {
  if (mode.native) {
    return native::HttpFetch(request, {.interface = mode.interface}, out, progress);
  }
  return detail::InbandHttp(mode, std::move(request), out, progress);
}

ServiceError Ftp(const ServiceMode& mode, inband::FtpSession session, inband::FtpRequest request,
                 const DataSink& out, const ProgressSink& progress) {
  if (mode.native) {
    return native::FtpRun(session, request, {.interface = mode.interface}, out, progress);
  }
  return detail::InbandFtp(mode, std::move(session), std::move(request), out, progress);
}

ServiceError TcpConnect(const ServiceMode& mode, const std::string& host, int port,
                        const StreamOptions& options, const DataSink& out) {
  if (mode.native) return detail::NativeTcp(mode, host, port, options, out);
  return detail::InbandTcp(mode, host, port, options, out);
}

ServiceError UdpSend(const ServiceMode& mode, const std::string& host, int port,
                     const std::string& data, int idle_ms, const DataSink& out) {
  if (mode.native) return detail::NativeUdp(mode, host, port, data, idle_ms, out);
  return detail::InbandUdp(mode, host, port, data, idle_ms, out);
}

ServiceError UdpListen(const ServiceMode& mode, const std::string& address, int port, int count,
                       int idle_ms, const DataSink& out) {
  if (!mode.native) {
    return inband::MakeError(inband::Errc::kInvalidArgument,
                             "the module has no UDP server (UC8088 manual §2.22: clients only); "
                             "use --native over PPP");
  }
  return detail::NativeUdpListen(mode, address, port, count, idle_ms, out);
}

ServiceError MqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                         const std::string& topic, int qos, bool retain,
                         const std::string& message) {
  if (mode.native) return detail::NativeMqttPublish(mode, options, topic, qos, retain, message);
  return detail::InbandMqttPublish(mode, options, topic, qos, retain, message);
}

ServiceError MqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                           const std::string& topic, int qos, int count, int timeout_ms,
                           const MessageSink& on_message) {
  if (mode.native) {
    return detail::NativeMqttSubscribe(mode, options, topic, qos, count, timeout_ms, on_message);
  }
  return detail::InbandMqttSubscribe(mode, options, topic, qos, count, timeout_ms, on_message);
}

}  // namespace uclink::control::services
