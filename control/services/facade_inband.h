// The in-band and native halves of control/services/facade.h (internal).
#pragma once

#include "control/services/facade.h"

namespace uclink::control::services::detail {

ServiceError InbandHttp(const ServiceMode& mode, inband::HttpRequest request, const DataSink& out,
                        const ProgressSink& progress);
ServiceError InbandFtp(const ServiceMode& mode, inband::FtpSession session,
                       inband::FtpRequest request, const DataSink& out,
                       const ProgressSink& progress);
ServiceError InbandTcp(const ServiceMode& mode, const std::string& host, int port,
                       const StreamOptions& options, const DataSink& out);
ServiceError InbandUdp(const ServiceMode& mode, const std::string& host, int port,
                       const std::string& data, int idle_ms, const DataSink& out);
ServiceError InbandMqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                               const std::string& topic, int qos, bool retain,
                               const std::string& message);
ServiceError InbandMqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                                 const std::string& topic, int qos, int count, int timeout_ms,
                                 const MessageSink& on_message);

ServiceError NativeTcp(const ServiceMode& mode, const std::string& host, int port,
                       const StreamOptions& options, const DataSink& out);
ServiceError NativeUdp(const ServiceMode& mode, const std::string& host, int port,
                       const std::string& data, int idle_ms, const DataSink& out);
ServiceError NativeUdpListen(const ServiceMode& mode, const std::string& address, int port,
                             int count, int idle_ms, const DataSink& out);
ServiceError NativeMqttPublish(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                               const std::string& topic, int qos, bool retain,
                               const std::string& message);
ServiceError NativeMqttSubscribe(const ServiceMode& mode, const inband::MqttSessionOptions& options,
                                 const std::string& topic, int qos, int count, int timeout_ms,
                                 const MessageSink& on_message);

}  // namespace uclink::control::services::detail
