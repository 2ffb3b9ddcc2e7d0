#include "sim/module.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "sim/command_parser.h"
#include "sim/errors.h"

namespace uclink::sim {
namespace {

// The escape sequence's guard time before and after "+++" (ITU-T V.250 §6.3.x, S12 = 1 s).
constexpr Millis kEscapeGuard{1000};
// Manual §2.19: after a serial wake-up the module stays out of retention for 1 s; an AT that
// arrives after a longer pause is partly lost and answers ERROR.
constexpr Millis kRetentionWake{1000};
constexpr std::size_t kMaxPromptBytes = 4096;
constexpr char kCtrlZ = 0x1A;
constexpr char kEsc = 0x1B;

bool IsLoopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

}  // namespace

// The enumerator's own spelling, unlike every other ToString: it is the `mode=` field of the
// control socket's `status` answer (docs/simulator.md), which scripts and tests compare with.
std::string_view ToString(LineMode mode) {
  switch (mode) {
    case LineMode::kCommand:
      return "kCommand";
    case LineMode::kData:
      return "kData";
    case LineMode::kPrompt:
      return "kPrompt";
  }
  return "LineMode(?)";
}

std::string_view ToString(ModuleAction::Kind kind) {
  switch (kind) {
    case ModuleAction::Kind::kWriteSerial:
      return "write-serial";
    case ModuleAction::Kind::kStartPeer:
      return "start-peer";
    case ModuleAction::Kind::kWritePeer:
      return "write-peer";
    case ModuleAction::Kind::kStopPeer:
      return "stop-peer";
  }
  return "Kind(?)";
}

Module::Module(Scenario scenario, TimePoint start)
    : scenario_(std::move(scenario)),
      latency_(scenario_.Effective()),
      network_(scenario_),
      start_(start),
      now_(start),
      echo_(scenario_.echo),
      cmee_(scenario_.cmee),
      chunk_size_(scenario_.chunk_size),
      chunk_gap_(scenario_.chunk_gap),
      rng_(scenario_.seed == 0 ? 1 : scenario_.seed),
      last_data_(start),
      last_plus_(start),
      last_rx_(start) {
  std::stable_sort(scenario_.timeline.begin(), scenario_.timeline.end(),
                   [](const TimedCommand& a, const TimedCommand& b) { return a.at < b.at; });
}

// ---- entry points -------------------------------------------------------------------------

void Module::Enter(TimePoint now) {
  if (now > now_) now_ = now;
}

void Module::OnSerial(std::string_view bytes, TimePoint now) {
  Enter(now);
  Drain();  // first what was due before these bytes arrived
  ++depth_;
  if (asleep_) {
    // Manual §2.19: in sleep mode an external interrupt wakes the chip, which restarts; the
    // waking bytes are lost.
    Reboot();
  } else if (Ready()) {
    while (!bytes.empty()) {
      if (mode_ == LineMode::kData) {
        DataBytes(bytes);
        bytes = {};
      } else if (mode_ == LineMode::kPrompt) {
        bytes.remove_prefix(PromptBytes(bytes));
      } else {
        CommandBytes(bytes);
        bytes = {};
      }
    }
  }
  last_rx_ = now_;
  --depth_;
  Drain();
}

void Module::OnPeer(std::string_view bytes, TimePoint now) {
  Enter(now);
  ++depth_;
  if (session_.active && !silent_) {
    const std::string passed = WatchPpp(PppSide::kNetwork, bytes);
    const std::string_view out = blackhole_ ? std::string_view(passed) : bytes;
    if (!session_.suspended && mode_ == LineMode::kData && !out.empty()) Emit(out);
  }
  --depth_;
  Drain();
}

void Module::OnPeerExit(TimePoint now) {
  Enter(now);
  ++depth_;
  if (session_.active) EndSession(true);
  --depth_;
  Drain();
}

void Module::OnTimer(TimePoint now) {
  Enter(now);
  Drain();
}

std::string Module::OnControl(std::string_view line, TimePoint now) {
  Enter(now);
  Drain();
  ++depth_;
  std::string answer = ApplyControl(line);
  --depth_;
  Drain();
  return answer;
}

std::optional<Module::TimePoint> Module::NextDeadline() const {
  std::optional<TimePoint> next;
  auto consider = [&next](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (!steps_.empty() && Ready()) consider(steps_.front().due);
  if (!chunks_.empty()) consider(chunks_.front().due);
  if (booting_until_) consider(*booting_until_);
  if (timeline_next_ < scenario_.timeline.size()) {
    consider(start_ + scenario_.timeline[timeline_next_].at);
  }
  if (pluses_ > 0) consider(last_plus_ + kEscapeGuard);
  if (hangup_at_) consider(*hangup_at_);
  return next;
}

bool Module::Idle() const {
  return !busy_ && queued_.empty() && steps_.empty() && chunks_.empty() && backlog_.empty() &&
         !booting_until_;
}

std::vector<ModuleAction> Module::TakeActions() { return std::exchange(actions_, {}); }

// ---- the scheduler --------------------------------------------------------------------------

void Module::Drain() {
  if (depth_ > 0) return;  // a handler never re-enters: the outermost call drains
  ++depth_;
  while (Step() || ResumeUrcSources()) {
  }
  --depth_;
}

// Does one unit of due work; false when nothing is due.
bool Module::Step() {
  if (timeline_next_ < scenario_.timeline.size() &&
      start_ + scenario_.timeline[timeline_next_].at <= now_) {
    ApplyControl(scenario_.timeline[timeline_next_++].command);
    return true;
  }
  if (!chunks_.empty() && chunks_.front().due <= now_) {
    chunked_bytes_ -= chunks_.front().bytes.size();
    Push({ModuleAction::Kind::kWriteSerial, std::move(chunks_.front().bytes)});
    chunks_.pop_front();
    return true;
  }
  if (booting_until_ && *booting_until_ <= now_) {
    booting_until_.reset();
    EmitLine(scenario_.banner);
    return true;
  }
  if (hangup_at_ && *hangup_at_ <= now_) {
    // The PPP session was terminated: a real module ends the call (NO CARRIER).
    hangup_at_.reset();
    if (session_.active) {
      Push({ModuleAction::Kind::kStopPeer});
      EndSession(true);
    }
    return true;
  }
  if (!Ready()) return false;
  if (!steps_.empty() && steps_.front().due <= now_) {
    ReplyStep step = std::move(steps_.front().step);
    steps_.pop_front();
    ApplyStep(step);
    return true;
  }
  if (pluses_ > 0 && last_plus_ + kEscapeGuard <= now_ && mode_ == LineMode::kData) {
    if (pluses_ == 3) {  // "+++" between two silent guard times: back to command mode
      pluses_ = 0;
      session_.suspended = true;
      mode_ = LineMode::kCommand;
      EmitLine("OK");
    } else {  // a lone "+" or "++": ordinary data after all
      if (!silent_) {
        Push({ModuleAction::Kind::kWritePeer, std::string(static_cast<std::size_t>(pluses_), '+')});
      }
      pluses_ = 0;
    }
    return true;
  }
  if (busy_ || mode_ != LineMode::kCommand) return false;
  if (!backlog_.empty()) {
    EmitLine(backlog_.front());
    backlog_.pop_front();
    return true;
  }
  if (!queued_.empty()) {
    QueuedLine line = std::move(queued_.front());
    queued_.pop_front();
    StartLine(line);
    return true;
  }
  return false;
}

// ---- serial input ---------------------------------------------------------------------------

void Module::CommandBytes(std::string_view bytes) {
  if (echo_) Emit(bytes);
  for (char c : bytes) {
    if (line_.empty() && !line_overflow_ && c != '\r' && c != '\n' && network_.lpm_mode() == 1 &&
        network_.lpm_control() == 0 && now_ - last_rx_ >= kRetentionWake) {
      line_damaged_ = true;
    }
    if (c == '\r') {
      CompleteLine();
      after_cr_ = true;
      continue;
    }
    if (c == '\n') {
      if (!after_cr_) CompleteLine();  // LF alone ends a line; the LF of CRLF does not
      after_cr_ = false;
      continue;
    }
    after_cr_ = false;
    if (line_.size() < kMaxLine) {
      line_.push_back(c);
    } else {
      line_overflow_ = true;
    }
  }
}

void Module::CompleteLine() {
  QueuedLine line{std::exchange(line_, {}), std::exchange(line_overflow_, false),
                  std::exchange(line_damaged_, false)};
  if (line.text.empty() && !line.overflow) return;
  if (queued_.size() >= kMaxQueuedLines) return;  // the DTE outruns the module: line lost
  queued_.push_back(std::move(line));
}

void Module::DataBytes(std::string_view bytes) {
  // silent-ppp kills the link to the peer, not the module: "+++" still works.
  std::string passed = WatchPpp(PppSide::kHost, bytes);
  if (!scenario_.escape) {
    if (blackhole_) {
      if (!passed.empty() && !silent_) Push({ModuleAction::Kind::kWritePeer, std::move(passed)});
    } else if (!silent_) {
      Push({ModuleAction::Kind::kWritePeer, std::string(bytes)});
    }
    return;
  }
  std::string forward;
  for (char c : bytes) {
    if (c == '+' && pluses_ < 3 && (pluses_ > 0 || now_ - last_data_ >= kEscapeGuard)) {
      ++pluses_;
      last_plus_ = now_;
      continue;
    }
    if (pluses_ > 0) forward.append(static_cast<std::size_t>(pluses_), '+');
    pluses_ = 0;
    forward.push_back(c);
    last_data_ = now_;
  }
  if (blackhole_) forward = std::move(passed);
  if (!forward.empty() && !silent_) Push({ModuleAction::Kind::kWritePeer, std::move(forward)});
}

std::size_t Module::PromptBytes(std::string_view bytes) {
  std::size_t used = 0;
  bool complete = prompt_length_ == 0;
  bool cancelled = false;
  while (!complete && used < bytes.size()) {
    char c = bytes[used++];
    if (prompt_length_ < 0 && c == kCtrlZ) {
      complete = true;
    } else if (prompt_length_ < 0 && c == kEsc) {
      cancelled = true;
      complete = true;
    } else {
      prompt_buffer_.push_back(c);
      complete = (prompt_length_ >= 0 &&
                  prompt_buffer_.size() >= static_cast<std::size_t>(prompt_length_)) ||
                 prompt_buffer_.size() >= kMaxPromptBytes;
    }
  }
  if (echo_) Emit(bytes.substr(0, used));
  if (!complete) return used;
  mode_ = LineMode::kCommand;
  std::function<void(std::string)> done = std::exchange(prompt_done_, {});
  std::string payload = std::exchange(prompt_buffer_, {});
  if (cancelled) {
    Final("ERROR");
  } else if (done) {
    done(std::move(payload));
  }
  return used;
}

// ---- commands -------------------------------------------------------------------------------

void Module::StartLine(const QueuedLine& line) {
  busy_ = true;
  info_open_ = false;
  std::optional<SimCommand> command = ParseCommandLine(line.text);
  if (line.overflow || line.damaged || !command) {
    Final("ERROR");
    return;
  }
  const std::string& name = command->name;
  if (name.empty()) {
    Schedule(Reply().Ok(latency_.command));
  } else if (name == "E" || name == "O" || name == "H") {
    ExecuteBasic(*command);
  } else if (name == "+CMEE") {
    Cmee(*command);
  } else if (IsServiceCommand(name)) {
    if (services_ == nullptr || !services_->Handles(*command)) {
      Final("ERROR");
      return;
    }
    service_busy_ = true;
    services_->Execute(*command);
  } else if (Network::Handles(name)) {
    Schedule(network_.Execute(*command));
  } else {
    Final("ERROR");
  }
}

void Module::ExecuteBasic(const SimCommand& command) {
  const std::string arg = command.args.empty() ? std::string() : command.args[0];
  if (command.name == "E") {
    if (arg != "" && arg != "0" && arg != "1") return Final("ERROR");
    echo_ = arg == "1";
    return Final("OK");
  }
  if (command.name == "O") {
    if (!scenario_.escape || !session_.suspended || (arg != "" && arg != "0")) {
      return Final("ERROR");
    }
    session_.suspended = false;
    mode_ = LineMode::kData;
    last_data_ = now_;
    return Final("CONNECT");
  }
  // ATH: with --escape it hangs up a suspended data session; otherwise there is nothing to end.
  if (arg != "" && arg != "0") return Final("ERROR");
  if (scenario_.escape && session_.active) {
    Push({ModuleAction::Kind::kStopPeer});
    EndSession(false);
  }
  Final("OK");
}

void Module::Cmee(const SimCommand& command) {
  switch (command.form) {
    case SimCommand::Form::kTest:
      return Schedule(Reply().Info("+CMEE: (0-2)").Ok());  // manual §2.7.1
    case SimCommand::Form::kRead:
      return Schedule(Reply().Info("+CMEE: " + std::to_string(cmee_)).Ok());
    case SimCommand::Form::kExec:
      return Final("ERROR");
    case SimCommand::Form::kSet:
      break;
  }
  const std::string arg = command.args.empty() ? std::string() : command.args[0];
  if (command.args.size() > 1 || (arg != "" && arg != "0" && arg != "1" && arg != "2")) {
    return Schedule(Reply().Error(ErrorKind::kExt, ext::kParameterNotAllowed));
  }
  cmee_ = arg.empty() ? 0 : arg[0] - '0';
  Schedule(Reply().Ok());
}

void Module::Schedule(const Reply& reply) {
  TimePoint due = now_;
  for (const ReplyStep& step : reply.steps()) {
    due += step.after;
    steps_.push_back({due, step});
  }
}

void Module::ApplyStep(const ReplyStep& step) {
  switch (step.kind) {
    case ReplyStep::Kind::kInfo:
      return EmitInfo(step.text);
    case ReplyStep::Kind::kUrc:
      return EmitLine(step.text);
    case ReplyStep::Kind::kOk:
      return Final("OK");
    case ReplyStep::Kind::kError:
      return Final(RenderError(step.error_kind, step.code));
    case ReplyStep::Kind::kPlainError:
      return Final("ERROR");
    case ReplyStep::Kind::kConnect:
      Final("CONNECT");
      return EnterDataMode(step.code);
  }
}

void Module::Final(std::string_view text) {
  EmitLine(text);
  Finish();
}

void Module::Finish() {
  busy_ = false;
  service_busy_ = false;
  info_open_ = false;
  // Manual §2.19: AT+LPM=0,0 lets the chip sleep; the next serial interrupt restarts it.
  if (network_.lpm_mode() == 0 && network_.lpm_control() == 0) asleep_ = true;
}

std::string Module::RenderError(ErrorKind kind, int code) const {
  // Manual §2.7.1: CMEE 0 → "ERROR"; 1 → numeric; 2 → verbose CME text, EXT stays numeric.
  if (cmee_ == 0) return "ERROR";
  switch (kind) {
    case ErrorKind::kCme:
      return cmee_ == 2 ? "+CME ERROR: " + std::string(CmeText(code))
                        : "+CME ERROR: " + std::to_string(code);
    case ErrorKind::kExt:
      return "+EXT ERROR: " + std::to_string(code);
  }
  return "ERROR";
}

// ---- output ---------------------------------------------------------------------------------

void Module::EmitLine(std::string_view text) {
  info_open_ = false;
  Emit("\r\n" + std::string(text) + "\r\n");
}

void Module::EmitInfo(std::string_view text) {
  // Manual §1.3.1: <CR><LF>response<CR><LF>; further lines of the same answer follow directly.
  Emit((info_open_ ? "" : "\r\n") + std::string(text) + "\r\n");
  info_open_ = true;
}

void Module::Emit(std::string_view bytes) {
  if (hung_ || bytes.empty()) return;
  if (chunk_size_ == 0 && chunks_.empty()) {
    Push({ModuleAction::Kind::kWriteSerial, std::string(bytes)});
    return;
  }
  if (chunked_bytes_ + bytes.size() > kMaxChunkedBytes) return;  // a slow line drops output
  chunked_bytes_ += bytes.size();
  std::size_t piece = chunk_size_ == 0 ? bytes.size() : chunk_size_;
  TimePoint due = chunks_.empty() ? now_ : chunks_.back().due + chunk_gap_;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    chunks_.push_back({due, std::string(bytes.substr(at, piece))});
    due += chunk_gap_;
  }
}

void Module::Push(ModuleAction action) {
  bool was_empty = actions_.empty();
  actions_.push_back(std::move(action));
  if (was_empty && listener_) listener_();
}

// ---- data sessions --------------------------------------------------------------------------

std::string Module::WatchPpp(PppSide from, std::string_view bytes) {
  HdlcDeframer& frames = from == PppSide::kHost ? host_frames_ : network_frames_;
  std::string passed;
  frames.Feed(bytes, [this, from, &passed](std::string_view frame) {
    if (std::optional<std::uint8_t> code = LcpCode(frame)) OnLcp(from, *code);
    // "Connected but no data": LCP (echoes included) and IPCP still work, IP goes nowhere.
    std::optional<std::uint16_t> protocol = PppProtocol(frame);
    if (blackhole_ && protocol && !CarriesNetworkData(*protocol)) passed += EncodeHdlcFrame(frame);
  });
  return passed;
}

void Module::OnLcp(PppSide from, std::uint8_t code) {
  // RFC 1661 §5.5: Terminate-Request from either side, answered by the other's Terminate-Ack,
  // ends the PPP session; a real UC8088 then ends the call. The grace lets the Ack reach the
  // requester; an unanswered request ends the call after the requester's own timeout.
  if (code == kLcpTerminateRequest) {
    if (!terminate_from_) terminate_from_ = from;
    if (!hangup_at_) hangup_at_ = now_ + kTerminateTimeout;
  } else if (code == kLcpTerminateAck && terminate_from_ && *terminate_from_ != from) {
    hangup_at_ = std::min(hangup_at_.value_or(TimePoint::max()), now_ + kTerminateGrace);
  }
}

void Module::EnterDataMode(int cid) {
  ResetPppWatch();
  session_ = {true, false, cid};
  mode_ = LineMode::kData;
  pluses_ = 0;
  last_data_ = now_;
  silent_ = blackhole_ = false;
  Push({ModuleAction::Kind::kStartPeer, {}, cid});
}

void Module::ResetPppWatch() {
  host_frames_.Reset();
  network_frames_.Reset();
  terminate_from_.reset();
  hangup_at_.reset();
}

void Module::EndSession(bool no_carrier) {
  ResetPppWatch();
  network_.EndDataSession(session_.cid);
  bool was_data = mode_ == LineMode::kData;
  session_ = {};
  pluses_ = 0;
  silent_ = blackhole_ = false;
  if (was_data) mode_ = LineMode::kCommand;
  if (no_carrier) EmitLine("NO CARRIER");
}

// ---- faults ---------------------------------------------------------------------------------

void Module::Reboot() {
  if (session_.active) Push({ModuleAction::Kind::kStopPeer});
  session_ = {};
  ResetPppWatch();
  mode_ = LineMode::kCommand;
  steps_.clear();
  chunks_.clear();
  chunked_bytes_ = 0;
  queued_.clear();
  backlog_.clear();
  line_.clear();
  line_overflow_ = line_damaged_ = after_cr_ = false;
  prompt_done_ = {};
  prompt_buffer_.clear();
  busy_ = service_busy_ = info_open_ = false;
  hung_ = wedged_ = silent_ = blackhole_ = asleep_ = false;
  pluses_ = 0;
  echo_ = scenario_.echo;
  cmee_ = scenario_.cmee;
  network_.Restart();  // manual: every session starts with AT+CFUN=1, so a restart is CFUN=0
  if (services_ != nullptr) services_->Reset();
  booting_until_ = now_ + latency_.boot;
}

std::string Module::Garbage(std::size_t count) {
  std::string bytes(count, '\0');
  for (char& c : bytes) {  // xorshift32: deterministic for a given --seed
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    c = static_cast<char>(rng_ & 0xFF);
  }
  return bytes;
}

std::string Module::ApplyControl(std::string_view line) {
  std::error_code error;
  std::optional<ControlCommand> command = ParseControlCommand(line, error);
  if (!command) return "ERROR " + error.message();
  switch (command->kind) {
    case ControlCommand::Kind::kReboot:
      Reboot();
      break;
    case ControlCommand::Kind::kHang:
      hung_ = true;
      break;
    case ControlCommand::Kind::kUnhang:
      hung_ = wedged_;  // a wedged firmware ignores everything but a power cycle
      break;
    case ControlCommand::Kind::kWedge:
      // A firmware hang: no answer to anything on the line, and a data call stops carrying
      // anything either way (the PPP peer hears nothing; its replies are dropped by hung_).
      wedged_ = hung_ = true;
      if (session_.active) silent_ = true;
      break;
    case ControlCommand::Kind::kPowerCycle:
      // Power off and on (what recovery.reset_command does to a real module): everything a
      // reboot does, and the wedge is gone.
      wedged_ = false;
      Reboot();
      break;
    case ControlCommand::Kind::kGarbage:
      Emit(Garbage(static_cast<std::size_t>(command->value)));
      break;
    case ControlCommand::Kind::kChunk:
      chunk_size_ = static_cast<std::size_t>(command->value);
      chunk_gap_ = Millis{command->value2};
      break;
    case ControlCommand::Kind::kUrcStorm:
      for (long i = 0; i < command->value; ++i) {
        EmitLine("+CGREG: " + std::to_string(network_.stat()));
      }
      break;
    case ControlCommand::Kind::kDrop:
      if (!session_.active) return "ERROR no data session";
      Push({ModuleAction::Kind::kStopPeer});
      EndSession(true);
      break;
    case ControlCommand::Kind::kSilentPpp:
      if (!session_.active) return "ERROR no data session";
      silent_ = true;
      break;
    case ControlCommand::Kind::kBlackhole:
      if (!session_.active) return "ERROR no data session";
      blackhole_ = true;
      break;
    case ControlCommand::Kind::kRegister:
      for (std::string& urc : network_.SetRegistration(static_cast<int>(command->value))) {
        Urc(urc);
      }
      if (session_.active && !network_.Registered()) {  // the network dropped the context
        Push({ModuleAction::Kind::kStopPeer});
        EndSession(true);
      }
      break;
    case ControlCommand::Kind::kCsq:
      network_.SetSignal(static_cast<int>(command->value));
      break;
    case ControlCommand::Kind::kRefuseCgdata:
      network_.SetRefuseCgdata(command->value != 0);
      break;
    case ControlCommand::Kind::kAttachFail:
      network_.SetAttachFailures(static_cast<int>(command->value));
      break;
    case ControlCommand::Kind::kPdpFail:
      network_.SetPdpFailures(static_cast<int>(command->value));
      break;
    case ControlCommand::Kind::kStatus:
      return "OK mode=" + std::string(ToString(mode_)) + " " + network_.Status() +
             " echo=" + (echo_ ? "1" : "0") + " cmee=" + std::to_string(cmee_) +
             " hung=" + (hung_ ? "1" : "0") + " wedged=" + (wedged_ ? "1" : "0") +
             " busy=" + (busy_ ? "1" : "0") + " urcs_pending=" + std::to_string(backlog_.size()) +
             " urcs_lost=" + std::to_string(urcs_lost_);
  }
  return "OK";
}

// ---- ServiceHost ----------------------------------------------------------------------------

void Module::Info(std::string_view line) {
  EmitInfo(line);
  Drain();
}

void Module::Ok() {
  if (!service_busy_) return;  // stale completion after a reboot
  Final("OK");
  Drain();
}

void Module::Error(ErrorKind kind, int code) {
  if (!service_busy_) return;
  Final(RenderError(kind, code));
  Drain();
}

void Module::PlainError() {
  if (!service_busy_) return;
  Final("ERROR");
  Drain();
}

void Module::Urc(std::string_view line) {
  if (busy_ || mode_ != LineMode::kCommand || !backlog_.empty()) {
    // Services pause their sources above kUrcHighWater (WhenUrcsDrain), so only a source that
    // ignores the flow control gets here; its excess is counted, never dropped silently.
    if (backlog_.size() < kMaxBacklog) {
      backlog_.emplace_back(line);
    } else {
      ++urcs_lost_;
    }
  } else {
    EmitLine(line);
  }
  Drain();
}

void Module::WhenUrcsDrain(std::function<void()> resume) {
  if (!resume) return;
  drain_waiters_.push_back(std::move(resume));
  Drain();
}

// Lets paused URC sources read again once the backlog is at or below kUrcHighWater.
bool Module::ResumeUrcSources() {
  if (drain_waiters_.empty() || UrcBacklogFull()) return false;
  std::vector<std::function<void()>> waiters = std::exchange(drain_waiters_, {});
  for (std::function<void()>& resume : waiters) resume();
  return true;
}

void Module::Raw(std::string_view bytes) {
  Emit(bytes);
  Drain();
}

void Module::Prompt(int length, std::function<void(std::string)> done) {
  // 3GPP 27.005 §3.5.1 style prompt: <CR><LF>"> ".
  Emit("\r\n> ");
  mode_ = LineMode::kPrompt;
  prompt_length_ = length;
  prompt_buffer_.clear();
  prompt_done_ = std::move(done);
  if (length == 0) PromptBytes({});
  Drain();
}

std::chrono::milliseconds Module::Latency(std::chrono::milliseconds realistic) const {
  return scenario_.fast ? std::chrono::milliseconds{0} : realistic;
}

std::string Module::ResolveTarget(std::string_view host) const {
  auto mapped = scenario_.host_map.find(std::string(host));
  if (mapped != scenario_.host_map.end()) return mapped->second;
  if (host == "localhost") return "127.0.0.1";
  if (IsLoopback(host)) return std::string(host);
  return {};
}

}  // namespace uclink::sim
