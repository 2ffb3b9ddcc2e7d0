#include "control/daemon/service_host.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <ctime>
#include <optional>
#include <utility>
#include <variant>

#include "control/api/status.h"
#include "control/inband/ftp_client.h"
#include "control/inband/http_client.h"
#include "control/inband/ip_socket.h"
#include "control/inband/mqtt_client.h"
#include "control/services/inband_runner.h"

namespace uclink::control {
namespace {

using inband::ModuleClient;
using nlohmann::json;

// The manual's sections of each client: §2.22 says one TCP and one UDP client; the FTP, HTTP
// and MQTT commands drive one session each (no session id in any of them).
const char* SectionOf(inband::ModuleClient client) {
  switch (client) {
    case ModuleClient::kTcp:
    case ModuleClient::kUdp:
      return "§2.22";
    case ModuleClient::kFtp:
      return "§2.26–2.43";
    case ModuleClient::kHttp:
      return "§2.44–2.52";
    case ModuleClient::kMqtt:
      return "§2.53–2.61";
  }
  return "§2.22";
}

inband::ModuleClient ClientFor(api::Service service) {
  switch (service) {
    case api::Service::kTcp:
      return ModuleClient::kTcp;
    case api::Service::kUdp:
      return ModuleClient::kUdp;
    case api::Service::kHttp:
      return ModuleClient::kHttp;
    case api::Service::kFtp:
      return ModuleClient::kFtp;
    case api::Service::kMqttPub:
    case api::Service::kMqttSub:
      return ModuleClient::kMqtt;
  }
  return ModuleClient::kTcp;
}

chat::HttpMethod HttpMethodOf(const std::string& name) {
  if (name == "head") return chat::HttpMethod::kHead;
  if (name == "put") return chat::HttpMethod::kPut;
  if (name == "post") return chat::HttpMethod::kPost;
  return chat::HttpMethod::kGet;
}

inband::FtpVerb FtpVerbOf(const std::string& name) {
  if (name == "get") return inband::FtpVerb::kGet;
  if (name == "put") return inband::FtpVerb::kPut;
  if (name == "size") return inband::FtpVerb::kSize;
  if (name == "mkdir") return inband::FtpVerb::kMkdir;
  if (name == "rmdir") return inband::FtpVerb::kRmdir;
  return inband::FtpVerb::kList;
}

inband::PayloadEncoding EncodingOf(const api::ServiceParams& p) {
  return p.prompt_payloads ? inband::PayloadEncoding::kPrompt : inband::PayloadEncoding::kInline;
}

// The operation a request names, with `data` as its payload (body, file, datagram, message).
std::unique_ptr<inband::Operation> MakeOperation(const api::ServiceParams& p,
                                                 const std::string& data) {
  switch (p.service) {
    case api::Service::kTcp:
    case api::Service::kUdp:
      return std::make_unique<inband::IpSocket>(inband::IpSocketOptions{
          p.service == api::Service::kTcp ? chat::SocketMode::kTcp : chat::SocketMode::kUdp, p.host,
          p.port, EncodingOf(p)});
    case api::Service::kHttp:
      return std::make_unique<inband::HttpClient>(
          inband::HttpRequest{.method = HttpMethodOf(p.method),
                              .url = p.url,
                              .headers = p.headers,
                              .body = data,
                              .encoding = EncodingOf(p)});
    case api::Service::kFtp: {
      inband::FtpSession session{
          .host = p.host,
          .port = p.port,
          .user = p.user,
          .password = p.password,
          .passive = p.passive,
          .type = p.ascii ? chat::FtpTransferType::kAscii : chat::FtpTransferType::kBinary,
          .encoding = EncodingOf(p)};
      return std::make_unique<inband::FtpClient>(
          std::move(session), inband::FtpRequest{FtpVerbOf(p.verb), p.path, data});
    }
    case api::Service::kMqttPub:
    case api::Service::kMqttSub: {
      inband::MqttSessionOptions options;
      options.config = {p.host,        p.port,     p.client_id, p.clean_session,
                        p.keepalive_s, p.username, p.password};
      if (!p.ca_pem.empty()) options.certificates.push_back({chat::CertType::kRootCa, p.ca_pem});
      return std::make_unique<inband::MqttClient>(std::move(options));
    }
  }
  return nullptr;
}

// Starts `op` (its validation runs first and sends nothing when it fails).
void StartOperation(inband::Operation& op, api::Service service, chat::TimePoint now) {
  switch (service) {
    case api::Service::kTcp:
    case api::Service::kUdp:
      return static_cast<inband::IpSocket&>(op).Open(now);
    case api::Service::kHttp:
      return static_cast<inband::HttpClient&>(op).Start(now);
    case api::Service::kFtp:
      return static_cast<inband::FtpClient&>(op).Start(now);
    case api::Service::kMqttPub:
    case api::Service::kMqttSub:
      return static_cast<inband::MqttClient&>(op).Connect(now);
  }
}

// The manual's limits, checked before anything is sent and before an upload is accepted: the
// operation is started on the side and its first actions inspected (nothing reaches the module).
std::optional<inband::ServiceError> Validate(const api::ServiceParams& p) {
  if (p.service == api::Service::kMqttPub) {
    // MQTTPUB's own limits (topic and message 1024, §2.56) before connecting.
    if (auto e = chat::EncodeMqttpub(p.topic, p.qos, p.retain, p.data); !e) {
      return inband::MakeError(inband::Errc::kInvalidArgument, e.error().detail);
    }
  }
  std::unique_ptr<inband::Operation> probe = MakeOperation(p, p.data);
  StartOperation(*probe, p.service, chat::Clock::now());
  for (inband::Action& action : probe->TakeActions()) {
    if (auto* done = std::get_if<inband::DoneAction>(&action)) return done->error;
  }
  return std::nullopt;
}

// How often held output is offered again while the client's connection is still writing.
constexpr std::chrono::milliseconds kFlushRecheck{2};

api::Event MakeEvent(std::string_view name, json data) {
  return api::Event{std::string(name), api::FormatUtc(std::time(nullptr)), std::move(data)};
}

}  // namespace

api::Errc ToApiErrc(const std::error_code& code) {
  if (code.category() != inband::InbandCategory()) return api::Errc::kServiceFailed;
  switch (static_cast<inband::Errc>(code.value())) {
    case inband::Errc::kInvalidArgument:
    case inband::Errc::kUnsendableByte:
      return api::Errc::kInvalidParams;
    case inband::Errc::kBusy:
      return api::Errc::kBusy;
    case inband::Errc::kConnectFailed:
      return api::Errc::kUnreachable;
    case inband::Errc::kModuleError:
      return api::Errc::kAtFailed;
    case inband::Errc::kTimeout:
      return api::Errc::kTimeout;
    case inband::Errc::kOk:  // not an error; never passed here
    case inband::Errc::kServiceError:
    case inband::Errc::kShortSend:
    case inband::Errc::kPeerClosed:
    case inband::Errc::kProtocol:
    case inband::Errc::kNotOpen:
      return api::Errc::kServiceFailed;
  }
  return api::Errc::kServiceFailed;
}

// ---- one request ---------------------------------------------------------------------------

class ServiceHost::Job : public std::enable_shared_from_this<Job> {
 public:
  Job(ServiceHost& host, std::uint64_t id, std::uint64_t request_id, api::ServiceParams params,
      ControlServer::Reply reply, chat::AtChannel& channel)
      : host_(host),
        id_(id),
        request_id_(request_id),
        params_(std::move(params)),
        reply_(std::move(reply)),
        channel_(&channel),
        timer_(host.io_),
        flush_timer_(host.io_) {
    upload_ = std::move(params_.data);
  }

  std::uint64_t id() const { return id_; }
  inband::ModuleClient client() const { return ClientFor(params_.service); }
  const api::ServiceParams& params() const { return params_; }

  // Wires the connection: follow-up lines and its end come to this job.
  void Attach() {
    const std::shared_ptr<RequestStream>& stream = reply_.stream();
    std::weak_ptr<Job> weak = weak_from_this();
    stream->SetFollowUpHandler([weak](const api::Request& r) {
      if (auto job = weak.lock()) job->OnFollowUp(r);
    });
    stream->SetClosedHandler([weak] {
      if (auto job = weak.lock()) job->Detach();
    });
  }

  void Queued() { Emit(api::kEventQueued, json::object()); }

  // The module's client is ours: take input first when the request announced some.
  void Begin() {
    if (params_.input && params_.service != api::Service::kTcp) {
      input_open_ = true;
      Emit(api::kEventReady, json::object());
      return;
    }
    Run();
  }

  void OnUrc(const chat::Urc& urc) {
    if (runner_) runner_->OnUrc(urc);
  }

  // Answers now with `error` and releases the module's client in the background.
  void End(api::Errc code, std::string message) {
    Answer(api::ErrorResponse(request_id_, code, std::move(message)));
    Detach();
  }

  // The port is closing: the runner must not outlive the channel.
  void Kill(const std::string& why) {
    Answer(api::ErrorResponse(request_id_, api::Errc::kBusy, why));
    runner_.reset();
    timer_.cancel();
    flush_timer_.cancel();
    finished_ = true;
  }

  bool finished() const { return finished_; }

 private:
  void Run() {
    started_ = true;
    op_ = MakeOperation(params_, upload_);
    // UDP and MQTT send their payload once the module's client is ready (OnReady).
    if (params_.service == api::Service::kUdp || params_.service == api::Service::kMqttPub) {
      datagram_ = std::move(upload_);
    } else {
      host_.CountPayload(0, upload_.size());  // an HTTP POST body or an FTP upload
    }
    upload_.clear();
    services::RunnerHandlers handlers{
        .on_ready = [this] { OnReady(); },
        .on_data =
            [this](const std::string& bytes) {
              host_.CountPayload(bytes.size(), 0);  // +IPRECV, HTTP and FTP downloads
              QueueData(bytes);
            },
        .on_sent = [this](std::size_t bytes) { OnSent(bytes); },
        .on_progress =
            [this](std::size_t done, std::optional<std::size_t> total) {
              progress_ = {done, total};
              ScheduleFlush();
            },
        .on_message =
            [this](const std::string& topic, const std::string& payload) {
              host_.CountPayload(topic.size() + payload.size(), 0);
              Flush();
              Emit(api::kEventMessage, {{"topic", topic}, {"payload", api::Base64Encode(payload)}});
              if (params_.count > 0 && ++messages_ >= params_.count) Stop();
            },
        .on_done = [this](const inband::ServiceError& error) { Finish(error); },
    };
    runner_ =
        std::make_unique<services::InbandRunner>(host_.io_, *channel_, *op_, std::move(handlers));
    StartOperation(*op_, params_.service, chat::Clock::now());
    runner_->Pump();
  }

  void OnReady() {
    switch (params_.service) {
      case api::Service::kTcp:
        return Emit(api::kEventReady, json::object());
      case api::Service::kUdp:
        host_.CountPayload(0, datagram_.size());
        return Ip().Send(datagram_);
      case api::Service::kHttp:
      case api::Service::kFtp:
        return;
      case api::Service::kMqttPub:
        host_.CountPayload(0, params_.topic.size() + datagram_.size());
        Mqtt().Publish(params_.topic, params_.qos, params_.retain, datagram_);
        return Mqtt().Disconnect();
      case api::Service::kMqttSub:
        Mqtt().Subscribe(params_.topic, params_.qos);
        if (params_.timeout_ms > 0) Arm(params_.timeout_ms);
        return;
    }
  }

  void OnSent(std::size_t bytes) {
    switch (params_.service) {
      case api::Service::kTcp:
        host_.CountPayload(0, bytes);  // AT+IPSEND accepted by the module
        return Emit(api::kEventSent, {{"bytes", bytes}});
      case api::Service::kUdp:
        udp_sent_ = true;
        return Arm(params_.idle_ms);
      case api::Service::kMqttSub:
        return Emit(api::kEventSubscribed, json::object());
      case api::Service::kHttp:
      case api::Service::kFtp:
      case api::Service::kMqttPub:
        return;
    }
  }

  // service.send / service.close from the client.
  void OnFollowUp(const api::Request& request) {
    if (finished_ || detached_) return;
    if (request.method == api::Method::kServiceClose) return OnInputEnd();
    api::Error error;
    std::optional<std::string> data = api::ParseSendData(request.params, &error);
    if (!data) return End(error.code, error.message);
    if (input_open_) {
      if (upload_.size() + data->size() > api::kMaxUploadBytes) {
        return End(api::Errc::kInvalidParams,
                   "uploads are limited to " + std::to_string(api::kMaxUploadBytes) + " bytes");
      }
      upload_ += *data;
      return Emit(api::kEventSent, {{"bytes", data->size()}});
    }
    if (params_.service != api::Service::kTcp || !started_) {
      return End(api::Errc::kInvalidParams, "service.send before service.ready");
    }
    if (Ip().pending_bytes() + data->size() > api::kMaxUnconfirmedBytes) {
      return End(api::Errc::kInvalidParams, "more than " +
                                                std::to_string(api::kMaxUnconfirmedBytes) +
                                                " bytes unconfirmed: wait for service.sent");
    }
    Ip().Send(*data);
    runner_->Pump();
  }

  void OnInputEnd() {
    if (input_open_) {
      input_open_ = false;
      return Run();
    }
    Stop();
  }

  // Ends the exchange the normal way: close the socket, leave the broker.
  void Stop() {
    if (!runner_) return;
    timer_.cancel();
    switch (params_.service) {
      case api::Service::kTcp:
      case api::Service::kUdp:
        Ip().Close();
        break;
      case api::Service::kMqttPub:
      case api::Service::kMqttSub:
        Mqtt().Disconnect();
        break;
      case api::Service::kHttp:
      case api::Service::kFtp:
        break;  // they end by themselves (FTP with AT+FTPQUIT), bounded by their timeouts
    }
    runner_->Pump();
  }

  // No one listens any more: release the module's client, discard the rest.
  void Detach() {
    if (detached_ || finished_) return;
    detached_ = true;
    if (!started_) return Finish({});
    Stop();
  }

  void Arm(int ms) {
    timer_.expires_after(std::chrono::milliseconds(ms));
    std::weak_ptr<Job> weak = weak_from_this();
    timer_.async_wait([weak](const boost::system::error_code& error) {
      if (error) return;
      if (auto job = weak.lock()) job->Stop();
    });
  }

  void QueueData(const std::string& bytes) {
    if (detached_) return;
    pending_data_ += bytes;
    if (params_.service == api::Service::kUdp && udp_sent_) Arm(params_.idle_ms);
    while (pending_data_.size() >= api::kMaxChunkBytes) EmitData(api::kMaxChunkBytes);
    ScheduleFlush();
  }

  // Data and progress pile up while the client's connection still has lines to write and leave
  // as few, large lines (base64 of at most kMaxChunkBytes): a module that delivers 1 KiB pieces
  // faster than the client reads would otherwise fill the connection's line queue
  // (ControlServer::kMaxQueuedLines) and end the service.
  void ScheduleFlush() {
    if (flush_armed_) return;
    flush_armed_ = true;
    const bool writer_idle = reply_.stream()->queued_lines() <= 1;
    flush_timer_.expires_after(writer_idle ? std::chrono::milliseconds(0) : kFlushRecheck);
    flush_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
      if (error) return;
      auto job = weak.lock();
      if (!job) return;
      job->flush_armed_ = false;
      if (job->reply_.stream()->queued_lines() <= 1) {
        job->Flush();
      } else if (!job->pending_data_.empty() || job->progress_) {
        job->ScheduleFlush();
      }
    });
  }

  void EmitData(std::size_t n) {
    Emit(api::kEventData,
         {{"data", api::Base64Encode(std::string_view(pending_data_).substr(0, n))}});
    pending_data_.erase(0, n);
  }

  void Flush() {
    while (!pending_data_.empty() && !detached_) {
      EmitData(std::min(pending_data_.size(), api::kMaxChunkBytes));
    }
    pending_data_.clear();
    if (progress_) {
      Emit(api::kEventProgress, {{"done", progress_->first},
                                 {"total", progress_->second ? json(*progress_->second) : json()}});
      progress_.reset();
    }
  }

  void Finish(const inband::ServiceError& error) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    flush_timer_.cancel();
    Flush();
    if (error) {
      Answer(api::ErrorResponse(request_id_, ToApiErrc(error.code), error.message));
    } else {
      api::Response response;
      response.id = request_id_;
      if (auto* ftp = dynamic_cast<inband::FtpClient*>(op_.get()); ftp && ftp->size()) {
        response.result = {{"size", *ftp->size()}};
      }
      Answer(std::move(response));
    }
    host_.Release(*this);
    host_.Forget(id_);
  }

  void Answer(api::Response response) {
    if (answered_) return;
    answered_ = true;
    reply_(std::move(response));
  }

  void Emit(std::string_view name, json data) {
    if (!answered_ && !detached_) reply_.stream()->SendEvent(MakeEvent(name, std::move(data)));
  }

  inband::IpSocket& Ip() { return static_cast<inband::IpSocket&>(*op_); }
  inband::MqttClient& Mqtt() { return static_cast<inband::MqttClient&>(*op_); }

  ServiceHost& host_;
  std::uint64_t id_;
  std::uint64_t request_id_;
  api::ServiceParams params_;
  ControlServer::Reply reply_;
  chat::AtChannel* channel_;
  boost::asio::steady_timer timer_;  // UDP reply wait, MQTT subscription time
  boost::asio::steady_timer flush_timer_;
  std::unique_ptr<inband::Operation> op_;
  std::unique_ptr<services::InbandRunner> runner_;
  std::string upload_;    // input collected before the operation starts
  std::string datagram_;  // UDP/MQTT payload that arrived as input
  std::string pending_data_;
  std::optional<std::pair<std::size_t, std::optional<std::size_t>>> progress_;
  int messages_ = 0;
  bool input_open_ = false;
  bool started_ = false;
  bool udp_sent_ = false;
  bool detached_ = false;
  bool answered_ = false;
  bool finished_ = false;
  bool flush_armed_ = false;
};

// ---- the host ------------------------------------------------------------------------------

ServiceHost::ServiceHost(boost::asio::io_context& io) : io_(io) {}

ServiceHost::~ServiceHost() { DropChannel(); }

void ServiceHost::Handle(const api::Request& request, ControlServer::Reply reply,
                         const ServiceLink& link) {
  api::Error error;
  std::optional<api::ServiceParams> params = api::ParseServiceParams(request.params, &error);
  if (!params) return reply(api::ErrorResponse(request.id, error.code, error.message));
  if (link.state == State::kOnline) {
    return reply(api::ErrorResponse(
        request.id, api::Errc::kUseNative,
        "the link is PPP on interface " + link.interface + ": use native sockets (--native)"));
  }
  if (link.state != State::kOnlineInband) {
    return reply(
        api::ErrorResponse(request.id, api::Errc::kNotOnline,
                           std::string("not online (state ") + ToString(link.state) + ")"));
  }
  if (link.channel == nullptr || !reply.stream()) {
    return reply(api::ErrorResponse(request.id, api::Errc::kBusy, "the port is not open"));
  }
  if (std::optional<inband::ServiceError> invalid = Validate(*params)) {
    return reply(api::ErrorResponse(request.id, ToApiErrc(invalid->code), invalid->message));
  }
  auto job = std::make_shared<Job>(*this, next_id_++, request.id, std::move(*params),
                                   std::move(reply), *link.channel);
  switch (slots_.Acquire(job->client(), job->id(), job->params().wait)) {
    case inband::ClientSlots::Grant::kBusy:
      return job->End(api::Errc::kBusy,
                      "the module's " + std::string(inband::ToString(job->client())) +
                          " is in use by another user (UC8088 manual " + SectionOf(job->client()) +
                          "); retry, or wait for it (--wait)");
    case inband::ClientSlots::Grant::kQueued:
      jobs_[job->id()] = job;
      job->Attach();
      return job->Queued();
    case inband::ClientSlots::Grant::kGranted:
      jobs_[job->id()] = job;
      job->Attach();
      return job->Begin();
  }
}

void ServiceHost::OnUrc(const chat::Urc& urc) {
  // A job may end (and be forgotten) while handling the URC: iterate over a copy.
  std::vector<std::shared_ptr<Job>> running;
  for (const auto& [id, job] : jobs_) running.push_back(job);
  for (const auto& job : running) job->OnUrc(urc);
}

void ServiceHost::OnStateChanged(State state) {
  if (state == State::kOnlineInband) return;
  std::vector<std::shared_ptr<Job>> running;
  for (const auto& [id, job] : jobs_) running.push_back(job);
  for (const auto& job : running) {
    job->End(api::Errc::kNotOnline,
             std::string("the link left in-band mode (state ") + ToString(state) + ")");
  }
}

void ServiceHost::DropChannel() {
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs = std::exchange(jobs_, {});
  for (const auto& [id, job] : jobs) job->Kill("the module's port closed");
  slots_ = {};
}

void ServiceHost::Release(Job& job) {
  std::optional<inband::ClientSlots::Owner> next = slots_.Release(job.client(), job.id());
  if (!next) return;
  auto it = jobs_.find(*next);
  if (it == jobs_.end()) return;
  // From the io_context: the releasing job is still inside its own callbacks.
  boost::asio::post(io_, [weak = std::weak_ptr<Job>(it->second)] {
    if (auto waiting = weak.lock(); waiting && !waiting->finished()) waiting->Begin();
  });
}

void ServiceHost::Forget(std::uint64_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  // Destroyed from the io_context: its runner may be on the stack right now.
  boost::asio::post(io_, [job = std::move(it->second)] {});
  jobs_.erase(it);
}

}  // namespace uclink::control
