// The UC8088 simulator's in-band services: AT+IPCREATE/IPSEND/IPCLOSE, FTP, HTTP and MQTT
// (manual §2.22–2.61) performed for real on the simulator's io_context. The core routes every
// command Handles() accepts to Execute(); each command ends through ServiceHost::Ok/Error.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "sim/service_host.h"

namespace uclink::sim::services {

class FtpService;
class HttpService;
class IpSockets;
class MqttService;

/// All four services behind the one interface the simulator core calls.
class Services {
 public:
  Services(boost::asio::io_context& io, ServiceHost& host);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  /// Whether `cmd` is a service command this object implements (manual spellings included).
  bool Handles(const SimCommand& cmd) const;
  /// Starts `cmd`; it finishes later through the host (OK/ERROR, info lines, URCs).
  void Execute(const SimCommand& cmd);
  /// Module reboot: drops every socket, session and setting; pending commands never answer.
  void Reset();

  /// The manual's name for a command: "+HTTTPARA" → "+HTTPPARA", "+FTTPUT" → "+FTPPUT",
  /// "+FTPYPE" → "+FTPTYPE", "+MQTTTLS" → "+MQTTLS". Other names are returned unchanged.
  static std::string CanonicalName(const std::string& name);

 private:
  void Start();
  void Stop();

  boost::asio::io_context& io_;
  ServiceHost& host_;
  std::shared_ptr<IpSockets> ip_;
  std::shared_ptr<HttpService> http_;
  std::shared_ptr<FtpService> ftp_;
  std::shared_ptr<MqttService> mqtt_;
};

}  // namespace uclink::sim::services

namespace uclink::sim {
using services::Services;  // the name the simulator shell uses
}  // namespace uclink::sim
