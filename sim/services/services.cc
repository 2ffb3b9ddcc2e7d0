#include "sim/services/services.h"

#include <array>
#include <string_view>

#include "sim/services/ftp_service.h"
#include "sim/services/http_service.h"
#include "sim/services/ip_sockets.h"
#include "sim/services/mqtt_service.h"

namespace uclink::sim::services {
namespace {

enum class Family { kNone, kIp, kHttp, kFtp, kMqtt };

struct Entry {
  std::string_view name;
  Family family;
};

// Every command of manual §2.22–2.61, by canonical name.
constexpr std::array<Entry, 34> kCommands = {{
    {"+IPCREATE", Family::kIp},      {"+IPSEND", Family::kIp},
    {"+IPCLOSE", Family::kIp},       {"+HTTPTLS", Family::kHttp},
    {"+HTTPPARA", Family::kHttp},    {"+HTTPDATA", Family::kHttp},
    {"+HTTPINIT", Family::kHttp},    {"+HTTPACTION", Family::kHttp},
    {"+HTTPREAD", Family::kHttp},    {"+FTPMODE", Family::kFtp},
    {"+FTPTYPE", Family::kFtp},      {"+FTPRESET", Family::kFtp},
    {"+FTPSERV", Family::kFtp},      {"+FTPUN", Family::kFtp},
    {"+FTPPW", Family::kFtp},        {"+FTPGETNAME", Family::kFtp},
    {"+FTPPATH", Family::kFtp},      {"+FTPPUTNAME", Family::kFtp},
    {"+FTPMKD", Family::kFtp},       {"+FTPRMD", Family::kFtp},
    {"+FTPGET", Family::kFtp},       {"+FTPPUT", Family::kFtp},
    {"+FTPLIST", Family::kFtp},      {"+FTPSIZE", Family::kFtp},
    {"+FTPSCON", Family::kFtp},      {"+FTPQUIT", Family::kFtp},
    {"+MQTTLS", Family::kMqtt},      {"+MQTTCONFIG", Family::kMqtt},
    {"+MQTTCONNECT", Family::kMqtt}, {"+MQTTPUB", Family::kMqtt},
    {"+MQTTSUB", Family::kMqtt},     {"+MQTTUNSUB", Family::kMqtt},
    {"+MQTTSTATE", Family::kMqtt},   {"+MQTTDISCONNECT", Family::kMqtt},
}};

Family FamilyOf(std::string_view canonical) {
  for (const auto& e : kCommands) {
    if (e.name == canonical) return e.family;
  }
  return Family::kNone;
}

}  // namespace

std::string Services::CanonicalName(const std::string& name) {
  // Manual §2.45 "HTTTPARA", §2.45 "HTTTPDATA", §2.33–2.39 "FTTPATH/FTTPUTNAME/FTTPUT",
  // §2.31 "FTTPW", table of contents "FTPYPE", §2.61 example "MQTTTLS".
  if (name == "+HTTTPARA") return "+HTTPPARA";
  if (name == "+HTTTPDATA") return "+HTTPDATA";
  if (name == "+FTPYPE") return "+FTPTYPE";
  if (name == "+MQTTTLS") return "+MQTTLS";
  if (name.rfind("+FTT", 0) == 0) return "+FTP" + name.substr(4);
  return name;
}

Services::Services(boost::asio::io_context& io, ServiceHost& host) : io_(io), host_(host) {
  Start();
}

Services::~Services() { Stop(); }

bool Services::Handles(const SimCommand& cmd) const {
  return FamilyOf(CanonicalName(cmd.name)) != Family::kNone;
}

void Services::Execute(const SimCommand& cmd) {
  SimCommand canonical = cmd;
  canonical.name = CanonicalName(cmd.name);
  switch (FamilyOf(canonical.name)) {
    case Family::kIp:
      return ip_->Execute(canonical);
    case Family::kHttp:
      return http_->Execute(canonical);
    case Family::kFtp:
      return ftp_->Execute(canonical);
    case Family::kMqtt:
      return mqtt_->Execute(canonical);
    case Family::kNone:
      return host_.PlainError();
  }
}

void Services::Reset() {
  Stop();
  Start();
}

void Services::Start() {
  ip_ = std::make_shared<IpSockets>(io_, host_);
  http_ = std::make_shared<HttpService>(io_, host_);
  ftp_ = std::make_shared<FtpService>(io_, host_);
  mqtt_ = std::make_shared<MqttService>(io_, host_);
}

void Services::Stop() {
  // Handlers still queued hold their service alive, see `stopped_` and return silently.
  if (ip_) ip_->Shutdown();
  if (http_) http_->Shutdown();
  if (ftp_) ftp_->Shutdown();
  if (mqtt_) mqtt_->Shutdown();
}

}  // namespace uclink::sim::services
