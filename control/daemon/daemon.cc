#include "control/daemon/daemon.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <utility>
#include <variant>

#include "chat/command_line.h"
#include "chat/commands/network.h"
#include "chat/errc.h"
#include "control/config/probe_target.h"
#include "control/daemon/apn_store.h"
#include "control/daemon/backend_factory.h"
#include "pppif/lcp_terminate.h"

namespace uclink::control {
namespace {

using namespace std::chrono_literals;

// SIGTERM: the clean hang-up (PPP stop 5 s + NO CARRIER 2 s + AT + CGACT=0) fits in this.
constexpr auto kShutdownBudget = 20s;

std::string Dotted(const pppif::Ipv4& ip) {
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]);
}

// Permission denied or not a terminal: no retry fixes the port (docs/state-machine.md).
ev::PortClosed PortFailure(std::error_code error) {
  const bool permanent = error == std::errc::permission_denied ||
                         error == std::errc::operation_not_permitted ||
                         error == std::errc::inappropriate_io_control_operation;
  return ev::PortClosed{error.message(), permanent};
}

ev::Registration ToEvent(const chat::Registration& reg) {
  ev::Registration event;
  event.stat = static_cast<int>(reg.status);
  if (reg.lac) event.lac = api::FormatCellCode(*reg.lac);
  if (reg.ci) event.ci = api::FormatCellCode(*reg.ci);
  return event;
}

}  // namespace

ControlLimits ControlLimitsOf(const Config& config) {
  ControlLimits limits;
  limits.idle_timeout = config.control.idle_timeout;
  limits.max_per_uid = static_cast<std::size_t>(config.control.max_connections_per_uid);
  return limits;
}

ConfigResult LoadConfig(const ConfigSource& source) {
  ConfigResult result = LoadConfigFile(source.path, /*missing_ok=*/!source.explicit_path);
  // Every problem at once (docs/configuration.md): the file's, then the flags' — a key the file
  // already got an issue for is not reported twice.
  for (ConfigIssue& issue : ApplyOverrides(source.overrides, &result.config)) {
    const bool known = std::any_of(result.issues.begin(), result.issues.end(),
                                   [&](const ConfigIssue& i) { return i.key == issue.key; });
    if (!known) result.issues.push_back(std::move(issue));
  }
  return result;
}

Daemon::Daemon(boost::asio::io_context& io, Config config, ConfigSource source)
    : io_(io),
      config_(std::move(config)),
      source_(std::move(source)),
      tick_(io),
      shutdown_deadline_(io) {}

Daemon::~Daemon() {
  *alive_ = 1;
  if (server_) server_->Stop();
  backend_.reset();
  ClosePorts();
}

std::error_code Daemon::Start() {
  std::error_code error;
  std::optional<PeerPolicy> policy = PeerPolicy::ForGroup(config_.control.group, error);
  if (!policy) {
    spdlog::error("control.group \"{}\": {}", config_.control.group, error.message());
    return error;
  }
  server_ = std::make_unique<ControlServer>(
      io_, [this](const api::Request& r, ControlServer::Reply reply) { OnRequest(r, reply); },
      *policy, ControlLimitsOf(config_));
  std::string why;
  if ((error = server_->Listen(config_.control.socket, &why))) {
    // Another uclinkd on this socket is a start-up failure (exit 1), never a takeover: its
    // socket stays where it is (docs/control-api.md, "The socket file").
    spdlog::error("control socket {}: {}", config_.control.socket,
                  why.empty() ? error.message() : why);
    return error;
  }
  spdlog::info("control socket {}", config_.control.socket);
  services_ = std::make_unique<ServiceHost>(io_);
  hooks_ = std::make_unique<HookRunner>(io_, config_.hooks.dir, config_.hooks.timeout);
  dns_ = std::make_unique<DnsHandOff>(io_);
  dns_->set_method(config_.interface.dns);
  CreateBackend();
  ManagerOptions options = MakeManagerOptions();
  options.restored = LoadRecoveryState();
  options.jitter_seed = std::random_device{}();
  options.unix_at_start = std::time(nullptr);
  manager_ = std::make_unique<ConnectionManager>(std::move(options), Clock::now());
  if (std::error_code port_error = OpenPorts()) {
    Feed(PortFailure(port_error));  // the manager reopens it on its next attempt
  }
  StartUsage();
  if (config_.connection.autoconnect) Feed(ev::UserConnect{});
  return {};
}

void Daemon::CreateBackend(const std::optional<act::StartPpp>& credentials) {
  backend_.reset();
  backend_error_.clear();
  std::error_code error;
  BackendSelection selection;
  Config config = config_;
  if (credentials) {
    config.network.username = credentials->username;
    config.network.password = credentials->password;
  }
  backend_credentials_ = {config.network.username, config.network.password};
  auto backend =
      MakePppBackend(io_, config, BackendEnvironment::FromProcessEnvironment(), error, &selection);
  if (!backend) {
    backend_error_ = selection.why;
    spdlog::warn("PPP backend {}: {}", ToString(config_.connection.backend), backend_error_);
    return;
  }
  spdlog::info("PPP backend: {}{}", selection.chosen,
               selection.why.empty() ? "" : " (" + selection.why + ")");
  backend->set_on_up([this, alive = std::weak_ptr<int>(alive_)](const pppif::IpConfig& ip,
                                                                const std::string& ifname) {
    if (alive.expired()) return;
    ev::PppUp up{ifname, Dotted(ip.local), Dotted(ip.peer), {}, ip.mtu};
    if (ip.dns1) up.dns.push_back(Dotted(*ip.dns1));
    if (ip.dns2) up.dns.push_back(Dotted(*ip.dns2));
    if (dns_) dns_->LinkUp(ifname, up.dns, config_.interface.default_route);
    Feed(std::move(up));
  });
  backend->set_on_ipv6(
      [this, alive = std::weak_ptr<int>(alive_)](const std::optional<pppif::Ipv6Status>& ipv6) {
        if (alive.expired()) return;
        ev::Ipv6Changed changed;
        if (ipv6) {
          changed.ipv6 = api::Ipv6Info{ipv6->link_local, ipv6->peer_link_local, {}, ipv6->dns};
          for (const pppif::Ipv6Address& a : ipv6->addresses) {
            changed.ipv6->addresses.push_back({a.address, a.prefix_len});
          }
        }
        // "IPv6 gone" comes just before the link's end, which reverts DNS as a whole; only new
        // RDNSS servers are handed on.
        if (dns_ && ipv6) dns_->Ipv6Servers(ipv6->dns);
        Feed(std::move(changed));
      });
  backend->set_on_down([this, alive = std::weak_ptr<int>(alive_)](pppif::DownReason reason,
                                                                  const std::string& detail) {
    if (alive.expired()) return;
    if (dns_) dns_->LinkDown();
    Feed(ev::PppDown{std::string(pppif::ToString(reason)) + (detail.empty() ? "" : ": " + detail),
                     reason == pppif::DownReason::kNoCarrier});
  });
  backend_ = std::move(backend);
}

// After a reload that changed backend settings: the new backend takes over between attempts
// only (idle, failed, back-off, or the probe that starts the next attempt), never under a
// running session; the manager learns its availability for the attempt after.
void Daemon::MaybeRebuildBackend() {
  if (!backend_rebuild_pending_ || !manager_) return;
  if (backend_ && backend_->status().running) return;
  if (!manager_->BetweenAttempts()) return;
  backend_rebuild_pending_ = false;
  CreateBackend();
  manager_->Reconfigure(MakeManagerOptions());
}

ManagerOptions Daemon::MakeManagerOptions() const {
  ManagerOptions options;
  options.config = config_;
  options.ppp_backend_available = backend_ != nullptr;
  if (backend_) options.backend_name = backend_->name();
  return options;
}

// ---- ports -----------------------------------------------------------------------------------

std::error_code Daemon::OpenPorts() {
  ClosePorts();
  const bool two_ports = !config_.modem.at_port.empty();
  if (!two_ports) return OpenPort(config_.modem.port, &control_port_, /*data_port=*/true);
  if (auto error = OpenPort(config_.modem.at_port, &control_port_, false)) return error;
  const std::string& data =
      config_.modem.data_port.empty() ? config_.modem.port : config_.modem.data_port;
  return OpenPort(data, &data_port_, true);
}

std::error_code Daemon::OpenPort(const std::string& path, Port* port, bool data_port) {
  std::error_code error;
  chat::SerialOptions options;
  options.path = path;
  options.baud = config_.modem.baud;
  options.rtscts = config_.modem.flow_control == FlowControl::kRtsCts;
  auto serial = chat::SerialPort::Open(io_, options, error);
  if (!serial) {
    spdlog::warn("port {}: {}", path, error.message());
    return error;
  }
  port->transport = serial.get();
  port->channel = std::make_unique<chat::AtChannel>(io_, std::move(serial));
  std::weak_ptr<int> alive = alive_;
  port->channel->SetUrcHandler([this, alive](const chat::Urc& urc) {
    if (!alive.expired()) OnUrc(urc);
  });
  port->channel->SetClosedHandler([this, alive, path](std::error_code ec) {
    if (alive.expired()) return;
    spdlog::warn("port {} closed: {}", path, ec.message());
    // The channel is inside its own callback: destroy it later, from the io_context.
    boost::asio::post(io_, [this, alive] {
      if (!alive.expired()) ClosePorts();
    });
    Feed(ev::PortClosed{path + ": " + ec.message()});
  });
  if (data_port) {
    port->channel->SetDataModeHandler(
        [this, alive](int fd, std::string leftover, bool /*drop_leading_lf*/) {
          if (alive.expired()) return;
          // The channel hands the line over before it reports CONNECT (chat/at_engine.h), so
          // the manager's StartPpp, ResumePpp or ResumeCommandMode for that reply finds it here.
          line_fd_ = fd;
          // The channel flags a CONNECT line whose LF has not arrived yet; that LF is then the
          // first byte read from the fd. Both PPP backends discard bytes before the first flag
          // (RFC 1662 §4: only flag-delimited frames count), so it needs no special case here.
          leftover_ = std::move(leftover);
        });
  }
  port->channel->Start();
  spdlog::info("port {} open ({} baud)", path, config_.modem.baud);
  return {};
}

void Daemon::ClosePorts() {
  if (services_) services_->DropChannel();  // in-band services run on the control port
  for (Port* port : {&control_port_, &data_port_}) {
    if (port->channel) port->channel->Close();
    port->channel.reset();
    port->transport = nullptr;
  }
  if (line_fd_ >= 0) {
    ::close(line_fd_);  // handed over at CONNECT and never returned
    line_fd_ = -1;
  }
}

Daemon::Port& Daemon::PortFor(bool data_port) {
  return data_port && data_port_.channel ? data_port_ : control_port_;
}

// ---- the manager's events and actions --------------------------------------------------------

// The one event queue. An action may report synchronously (no port: AtDone at once; no backend:
// PppUnavailable); its event waits here until every action of the current batch is performed.
void Daemon::Feed(Event event) {
  inbox_.push_back(std::move(event));
  if (feeding_ || !manager_) return;  // actions may report synchronously: queue, never re-enter
  feeding_ = true;
  while (!inbox_.empty()) {
    Event next = std::move(inbox_.front());
    inbox_.pop_front();
    for (const Action& action : manager_->Handle(std::move(next), Clock::now())) {
      // One Perform overload per action type: a new action fails to compile until it is handled.
      std::visit([this](const auto& a) { Perform(a); }, action);
    }
  }
  feeding_ = false;
  ArmTick();
  MaybeFinishShutdown();
}

void Daemon::Perform(const act::StopPpp&) {
  if (backend_) backend_->Stop();
}

void Daemon::Perform(const act::SuspendPpp&) {
  // A monitoring slice: the line stays in line_fd_ for "+++" until ResumeCommandMode.
  if (backend_) backend_->Suspend();
}

void Daemon::Perform(const act::ReopenPort&) {
  if (std::error_code error = OpenPorts()) Feed(PortFailure(error));
}

void Daemon::Perform(const act::Transition& t) {
  spdlog::info("state {} → {} ({})", ToString(t.from), ToString(t.to), t.why);
  if (on_state_) on_state_(t.to);
  OnTransitionForUsage(t);
  if (services_) services_->OnStateChanged(t.to);
  const auto online = [](State s) { return s == State::kOnline || s == State::kOnlineInband; };
  if (online(t.to) && !online(t.from)) DispatchHook(HookEvent::kUp);
  if (online(t.from) && !online(t.to)) DispatchHook(HookEvent::kDown);
  DispatchHook(HookEvent::kState);
  if (backend_rebuild_pending_) {
    // Not from inside Feed: a backend callback may be what is running now.
    boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
      if (!alive.expired()) MaybeRebuildBackend();
    });
  }
}

void Daemon::DispatchHook(HookEvent event) {
  if (!hooks_ || !manager_) return;
  const api::Status status = manager_->Snapshot(Clock::now(), std::chrono::system_clock::now());
  HookContext context;
  context.state = status.state;
  context.mode = status.mode;
  context.interface = status.interface.name.value_or("");
  context.address = status.interface.address.value_or("");
  context.peer = status.interface.peer.value_or("");
  context.dns = status.interface.dns;
  if (status.last_error) {
    context.last_error = status.last_error->code + ": " + status.last_error->message;
  }
  hooks_->Dispatch(event, HookEnvironment(event, context));
}

void Daemon::Perform(const act::Publish& p) {
  const api::MonitorEvent& e = p.event;
  if (const auto* error = std::get_if<api::ErrorRecorded>(&e))
    spdlog::warn("{}: {}", error->code, error->message);
  // Each rung of the recovery ladder is a journal line as it happens.
  if (std::holds_alternative<api::RungReached>(e) || std::holds_alternative<api::ResetStarted>(e) ||
      std::holds_alternative<api::EscalateStarted>(e) ||
      std::holds_alternative<api::CommandFinished>(e)) {
    spdlog::info("recovery {}: {}", api::EventName(e), api::ToJson(e).dump());
  }
  if (server_) server_->Publish(api::ToEvent(e, api::FormatUtc(std::time(nullptr))));
  // The site's hooks hear of a power cycle as it starts and of a reached data cap
  // (docs/system-integration.md, "Dispatcher hooks").
  if (std::holds_alternative<api::ResetStarted>(e)) DispatchHook(HookEvent::kReset);
  if (const auto* cap = std::get_if<api::UsageCapReached>(&e); cap && cap->limit) {
    DispatchHook(HookEvent::kUsageLimit);
  }
}

void Daemon::Perform(const act::LookUpApn& lookup) {
  // Synchronous: a small file read and parse, once per attempt, only with network.apn = "auto".
  // The answer waits in the inbox until this batch of actions is performed.
  ApnResolution found =
      ResolveApnCandidates(config_.daemon.state_dir, config_.network.provider_db, lookup.imsi);
  for (const std::string& warning : found.warnings) spdlog::warn("APN auto: {}", warning);
  if (!found.event.error.empty()) spdlog::warn("APN auto: {}", found.event.error);
  std::string order;
  for (const ApnChoice& c : found.event.candidates) {
    order += (order.empty() ? "" : ", ") + ("\"" + c.apn + "\" (" + c.source + ")");
  }
  spdlog::info("APN auto: candidates {}", order.empty() ? "none: module default" : order);
  Feed(std::move(found.event));
}

void Daemon::Perform(const act::RememberApn& remember) {
  if (std::optional<std::string> why =
          RememberApn(config_.daemon.state_dir, remember, api::FormatUtc(std::time(nullptr)))) {
    spdlog::warn("APN auto: could not remember \"{}\": {}", remember.apn, *why);
  }
}

void Daemon::Perform(const act::SendAt& send) {
  Port& port = PortFor(send.data_port);
  if (!port.channel) {
    // No port: answer as a timeout, after the current dispatch (never re-enter).
    Feed(ev::AtDone{send.id, kNoAnswer, 0, {}});
    return;
  }
  chat::AtCommand command = chat::AtCommand::FromText(send.command);
  command.timeout = std::chrono::duration_cast<chat::Duration>(send.timeout);
  command.enters_data_mode = send.expect_connect;
  spdlog::debug("AT> {}", send.command);
  port.channel->Submit(std::move(command), [this, id = send.id, alive = std::weak_ptr<int>(alive_)](
                                               const chat::AtReply& reply) {
    if (!alive.expired()) OnAtReply(id, reply);
  });
}

void Daemon::OnAtReply(std::uint64_t id, const chat::AtReply& reply) {
  spdlog::debug("AT< {} ({} info lines)",
                reply.final_line.empty() ? reply.Describe() : reply.final_line, reply.info.size());
  // The readings inside the answer become typed events first (chat/commands decoders).
  for (const std::string& line : reply.info) {
    if (line.starts_with("+CGREG")) {
      if (auto reg = chat::DecodeCgreg(line, /*query_in_flight=*/true)) Feed(ToEvent(*reg));
    } else if (line.starts_with("+CSQ")) {
      if (auto csq = chat::DecodeCsq(line)) Feed(ev::Signal{csq->csq, csq->ber.value_or(99)});
    }
  }
  Feed(ev::AtDone{id, reply.final, reply.error_number.value_or(0), reply.info});
}

void Daemon::OnUrc(const chat::Urc& urc) {
  if (services_) services_->OnUrc(urc);  // +IPRECV, +FTPGET, +MQTTSUB, ... for running services
  switch (urc.kind) {
    case chat::UrcKind::kRegistration:
      if (auto reg = chat::DecodeCgreg(urc.line, /*query_in_flight=*/false)) Feed(ToEvent(*reg));
      return;
    case chat::UrcKind::kNoCarrier:
      return Feed(ev::NoCarrier{});
    case chat::UrcKind::kRestart:
      spdlog::warn("module restarted: \"{}\"", urc.line);
      // Posted: the manager's answer may reopen the port, and this runs inside the channel.
      boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), banner = urc.line] {
        if (!alive.expired()) Feed(ev::ModuleRestarted{banner});
      });
      return;
    case chat::UrcKind::kIpReceive:
    case chat::UrcKind::kMqttMessage:
    case chat::UrcKind::kFtpData:
    case chat::UrcKind::kFtpList:
    case chat::UrcKind::kHttpAction:
    case chat::UrcKind::kConnectResult:
    case chat::UrcKind::kUnknown:
      spdlog::debug("URC {}", urc.line);
      return;
  }
}

void Daemon::Perform(const act::WriteRaw& raw) { WriteToLine(raw.bytes); }

void Daemon::Perform(const act::SendLcpTerminate& terminate) {
  WriteToLine(pppif::BuildLcpTerminateRequest(terminate.identifier));
}

void Daemon::WriteToLine(const std::vector<std::uint8_t>& bytes) {
  if (line_fd_ >= 0) {
    // The line is ours between CONNECT and the hand-back; a short frame, written once.
    [[maybe_unused]] ssize_t n = ::write(line_fd_, bytes.data(), bytes.size());
    return;
  }
  Port& port = PortFor(/*data_port=*/true);
  if (port.transport) {
    port.transport->Write(std::string(bytes.begin(), bytes.end()), [](std::error_code) {});
  }
}

void Daemon::Perform(const act::StartPpp& start) {
  if (!backend_) {
    Feed(ev::PppUnavailable{backend_error_});
    return;
  }
  if (line_fd_ < 0) {
    // The manager asks only after CONNECT, which the channel reports after the hand-over: a
    // missing line means the port failed in between (its PortClosed is on the way).
    spdlog::warn("PPP not started: the data line was not handed over");
    return;
  }
  // An auto APN's credentials differ from the configured ones: the backends take them when
  // they are built, and nothing runs on this one now (CONNECT has just handed the line over).
  if (start.username != backend_credentials_.username ||
      start.password != backend_credentials_.password) {
    spdlog::info("PPP backend rebuilt with the user name of the APN in use (\"{}\")",
                 start.username);
    CreateBackend(start);
    if (!backend_) {
      Feed(ev::PppUnavailable{backend_error_});
      return;
    }
  }
  std::vector<std::uint8_t> leftover(leftover_.begin(), leftover_.end());
  leftover_.clear();
  if (std::error_code error = backend_->Start(line_fd_, std::move(leftover))) {
    Feed(ev::PppUnavailable{error.message()});
  }
}

void Daemon::Perform(const act::ResumePpp&) {
  if (line_fd_ < 0) {
    spdlog::warn("PPP not resumed: the data line was not handed over");  // as in StartPpp
    return;
  }
  std::vector<std::uint8_t> leftover(leftover_.begin(), leftover_.end());
  leftover_.clear();
  // A backend that ended meanwhile ignores this; its on_down has reached the manager.
  if (backend_) backend_->Resume(line_fd_, std::move(leftover));
}

void Daemon::Perform(const act::ResumeCommandMode&) {
  if (line_fd_ < 0) return;  // the port closed while the line was handed over
  Port& port = PortFor(/*data_port=*/true);
  if (port.channel) {
    port.channel->ResumeCommandMode(line_fd_, TakeBytesAfterData());
  } else {
    ::close(line_fd_);
  }
  line_fd_ = -1;
}

// A backend may keep what the module printed after NO CARRIER (result codes, URCs such as
// "+CGREG: 0": pppd's bridge does); the AT channel must see them, not lose them with the link.
std::string Daemon::TakeBytesAfterData() {
  if (!backend_) return {};
  const std::vector<std::uint8_t> bytes = backend_->TakeAtChannelBytes();
  if (!bytes.empty()) spdlog::debug("{} bytes after NO CARRIER go to the AT channel", bytes.size());
  return std::string(bytes.begin(), bytes.end());
}

void Daemon::Perform(const act::RunProbe& run) {
  std::string error;
  const std::optional<ProbeTarget> target = ParseProbeTarget(run.target, &error);
  if (!target) {  // validated with the configuration; kept for a manager driven otherwise
    Feed(ev::ProbeResult{run.id, false, run.target + ": " + error});
    return;
  }
  if (!probe_) probe_ = std::make_unique<HealthProbe>(io_);
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(run.timeout);
  probe_->Run(*target, timeout, run.ifname,
              [this, id = run.id, alive = std::weak_ptr<int>(alive_)](bool ok, std::string detail) {
                if (alive.expired()) return;
                if (!ok) spdlog::warn("probe {}", detail);
                // The counters after the probe's own answer: the next comparison starts here.
                if (usage_) usage_->SampleNow();
                Feed(ev::ProbeResult{id, ok, std::move(detail)});
              });
}

void Daemon::ArmTick() {
  std::optional<Clock::time_point> next = manager_ ? manager_->NextDeadline() : std::nullopt;
  if (!next) {
    tick_.cancel();
    return;
  }
  tick_.expires_at(*next);
  tick_.async_wait([this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;  // operation_aborted: re-armed or stopped
    // A fresh interface reading first, so that a probe falling due now sees the traffic up to
    // this moment (docs/data-budget.md, "Data-frugal probes").
    if (usage_) usage_->SampleNow();
    Feed(ev::Tick{});
  });
}

// ---- control requests ----------------------------------------------------------------------

void Daemon::OnRequest(const api::Request& request, ControlServer::Reply reply) {
  api::Response response;
  response.id = request.id;
  if (shutting_down_ && request.method != api::Method::kStatus) {
    return reply(api::ErrorResponse(request.id, api::Errc::kShuttingDown, "uclinkd is stopping"));
  }
  switch (request.method) {
    case api::Method::kStatus:
      response.result = api::ToJson(StatusNow());
      return reply(response);
    case api::Method::kUsage:
      if (usage_) usage_->SampleNow();  // the bytes up to this moment, not the last reading
      response.result = usage_ ? usage_->Document() : nlohmann::json(nullptr);
      if (response.result.is_null()) {
        return reply(api::ErrorResponse(request.id, api::Errc::kBusy,
                                        "no SIM identity (AT+CIMI) read yet: no usage ledger"));
      }
      return reply(response);
    case api::Method::kConnect:
      Feed(ev::UserConnect{IgnoreLimitRequested(request.params)});
      response.result = {{"state", ToString(manager_->state())}};
      return reply(response);
    case api::Method::kDisconnect:
      Feed(ev::UserDisconnect{});
      response.result = {{"state", ToString(manager_->state())}};
      return reply(response);
    case api::Method::kAt:
      return HandleAt(request, std::move(reply));
    case api::Method::kSubscribe:
      response.result = {{"status", api::ToJson(StatusNow())}};
      return reply(response);
    case api::Method::kReload: {
      std::vector<ConfigIssue> issues = Reload();
      if (issues.empty()) {
        response.result = {{"applied", "next-attempt"}};
        return reply(response);
      }
      std::string text;
      for (const ConfigIssue& issue : issues) text += (text.empty() ? "" : "; ") + issue.ToString();
      return reply(api::ErrorResponse(request.id, api::Errc::kConfigInvalid, text));
    }
    case api::Method::kService: {
      const api::Status status = manager_->Snapshot(Clock::now(), std::chrono::system_clock::now());
      return services_->Handle(
          request, std::move(reply),
          {manager_->state(), status.interface.name.value_or(""), control_port_.channel.get()});
    }
    case api::Method::kServiceSend:
    case api::Method::kServiceClose:  // a running service takes these before they get here
      return reply(api::ErrorResponse(request.id, api::Errc::kInvalidParams,
                                      "no service request is running on this connection"));
  }
}

void Daemon::HandleAt(const api::Request& request, ControlServer::Reply reply) {
  api::Error error;
  std::optional<api::AtParams> params = api::ParseAtParams(request.params, &error);
  if (!params) return reply(api::ErrorResponse(request.id, error.code, error.message));
  // The check `uclink at --port` applies too (chat/command_line.h): data-mode commands however
  // spelled, control bytes, lines that are not commands. Refused whatever the port's state.
  if (std::optional<std::string> refused = chat::CheckUserCommandLine(params->command)) {
    return reply(api::ErrorResponse(request.id, api::Errc::kInvalidParams, *refused));
  }
  if (!control_port_.channel) {
    return reply(api::ErrorResponse(request.id, api::Errc::kBusy, "the port is not open"));
  }
  if (!manager_->AtPortAvailable()) {
    return reply(api::ErrorResponse(request.id, api::Errc::kInDataMode,
                                    "the only AT port carries PPP now; configure modem.at_port"));
  }
  chat::AtCommand command = chat::AtCommand::FromText(params->command);
  command.timeout = chat::Duration(params->timeout_ms);
  command.free_text_info = true;  // show whatever the module prints
  const std::uint64_t id = request.id;
  control_port_.channel->Submit(std::move(command), [id, reply](const chat::AtReply& at) {
    if (at.ok()) {
      api::Response response;
      response.id = id;
      response.result = {{"info", at.info}, {"final", at.final_line}};
      return reply(response);
    }
    const bool timed_out =
        at.error == chat::Errc::kTimeout || at.error == chat::Errc::kUnresponsive;
    reply(api::ErrorResponse(id, timed_out ? api::Errc::kTimeout : api::Errc::kAtFailed,
                             at.Describe()));
  });
}

// ---- reload and shutdown -------------------------------------------------------------------

std::vector<ConfigIssue> Daemon::Reload() {
  ConfigResult loaded = LoadConfig(source_);
  if (!loaded.ok()) {
    std::vector<std::string> issues;
    for (const ConfigIssue& issue : loaded.issues) {
      spdlog::error("reload: {}", issue.ToString());
      issues.push_back(issue.ToString());
    }
    // A reload by SIGHUP has no one to answer: subscribers learn the outcome from this event
    // (docs/control-api.md, "subscribe").
    Perform(act::Publish{api::ReloadDone{false, std::move(issues)}});
    return loaded.issues;
  }
  if (BackendSettingsDiffer(config_, loaded.config)) {
    backend_rebuild_pending_ = true;
    spdlog::info("reload: PPP backend settings changed; the backend is rebuilt between attempts");
  }
  config_ = loaded.config;
  if (server_) server_->set_limits(ControlLimitsOf(config_));
  if (hooks_) hooks_->Reconfigure(config_.hooks.dir, config_.hooks.timeout);
  if (dns_) dns_->set_method(config_.interface.dns);  // from the next link-up
  if (usage_) usage_->Reconfigure(config_);
  MaybeRebuildBackend();
  manager_->Reconfigure(MakeManagerOptions());
  spdlog::info("configuration reloaded; it applies from the next attempt");
  Perform(act::Publish{api::ReloadDone{true, {}}});
  return {};
}

void Daemon::Shutdown(std::function<void()> done) {
  if (shutting_down_) return;
  shutting_down_ = true;
  on_shutdown_done_ = std::move(done);
  spdlog::info("stopping: hanging up");
  shutdown_deadline_.expires_after(kShutdownBudget);
  shutdown_deadline_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || alive.expired()) return;
        spdlog::warn("hang-up did not finish in {} s; stopping anyway", kShutdownBudget.count());
        if (auto done = std::exchange(on_shutdown_done_, nullptr)) done();
      });
  Feed(ev::UserDisconnect{});
}

void Daemon::MaybeFinishShutdown() {
  if (!shutting_down_ || !on_shutdown_done_ || !manager_) return;
  const State state = manager_->state();
  if (state != State::kIdle && state != State::kFailed) return;
  shutdown_deadline_.cancel();
  tick_.cancel();
  if (usage_) usage_->Shutdown();  // the session closed and the ledger saved
  if (server_) server_->Stop();
  // Finish from the io_context, not from inside Feed's loop.
  boost::asio::post(io_, [done = std::exchange(on_shutdown_done_, nullptr)] { done(); });
}

}  // namespace uclink::control
