#include "chat/at_engine.h"

#include <algorithm>

#include "chat/ascii.h"
#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

using ascii::EqualsNoCase;
using ascii::TrimRight;

// Mbed ATHandler::sync(): `+CMEE:` cannot be a late answer to any other command.
constexpr std::string_view kResyncCommand = "AT+CMEE?";
constexpr std::string_view kResyncPrefix = "+CMEE";
// Garbage lines are reported with at most this many bytes.
constexpr std::size_t kMaxReportedGarbage = 80;

bool ValidCommandText(std::string_view text) {
  return !text.empty() && text.size() < AtTokenizer::kMaxLine &&
         text.find_first_of("\r\n") == std::string_view::npos;
}

}  // namespace

std::string_view ToString(EngineState state) {
  switch (state) {
    case EngineState::kIdle:
      return "idle";
    case EngineState::kSending:
      return "sending";
    case EngineState::kAwaitingPrompt:
      return "awaiting_prompt";
    case EngineState::kSendingPayload:
      return "sending_payload";
    case EngineState::kAwaitingReply:
      return "awaiting_reply";
    case EngineState::kResyncQuiet:
      return "resync_quiet";
    case EngineState::kResyncSending:
      return "resync_sending";
    case EngineState::kResyncAwaiting:
      return "resync_awaiting";
    case EngineState::kDataMode:
      return "data_mode";
    case EngineState::kClosed:
      return "closed";
  }
  return "?";
}

AtEngine::AtEngine(AtEngineOptions options) : options_(std::move(options)) {}

CommandId AtEngine::Submit(AtCommand command) { return Enqueue(std::move(command), std::nullopt); }

CommandId AtEngine::Submit(AtCommand command, TimePoint now) {
  return Enqueue(std::move(command), now);
}

CommandId AtEngine::Enqueue(AtCommand command, std::optional<TimePoint> now) {
  const CommandId id = next_id_++;
  if (!ValidCommandText(command.text) || state_ == EngineState::kClosed) {
    AtReply reply;
    reply.error = state_ == EngineState::kClosed ? Errc::kClosed : Errc::kInvalidCommand;
    actions_.push_back(CompleteAction{id, std::move(reply)});
    return id;
  }
  queue_.emplace_back(id, std::move(command));
  StartNext(now);
  if (now) UpdateTimer();
  return id;
}

void AtEngine::TransitionTo(EngineState next) { state_ = next; }

Duration AtEngine::TimeoutOf(const AtCommand& command) const {
  return command.timeout.value_or(options_.timeouts.For(command.text));
}

void AtEngine::StartNext(std::optional<TimePoint> now) {
  if (state_ != EngineState::kIdle || queue_.empty()) return;
  if (needs_resync_) {
    resync_attempts_ = 0;
    SendResync(now);
    return;
  }
  in_flight_ = InFlight{queue_.front().first, std::move(queue_.front().second), AtReply{}, false};
  queue_.pop_front();
  actions_.push_back(WriteAction{in_flight_->command.text + "\r"});
  if (now) command_deadline_ = *now + TimeoutOf(in_flight_->command);
  TransitionTo(EngineState::kSending);
}

void AtEngine::OnWritten(TimePoint now) {
  switch (state_) {
    case EngineState::kSending: {
      const AtCommand& command = in_flight_->command;
      command_deadline_ = now + TimeoutOf(command);
      TransitionTo(command.payload.empty() ? EngineState::kAwaitingReply
                                           : EngineState::kAwaitingPrompt);
      break;
    }
    case EngineState::kSendingPayload:
      TransitionTo(EngineState::kAwaitingReply);
      break;
    case EngineState::kResyncSending:
      command_deadline_ = now + options_.resync_timeout;
      resync_prefix_seen_ = false;
      TransitionTo(EngineState::kResyncAwaiting);
      break;
    case EngineState::kIdle:
    case EngineState::kAwaitingPrompt:
    case EngineState::kAwaitingReply:
    case EngineState::kResyncQuiet:
    case EngineState::kResyncAwaiting:
    case EngineState::kDataMode:
    case EngineState::kClosed:
      break;
  }
  UpdateTimer();
}

void AtEngine::OnBytes(std::string_view bytes, TimePoint now) {
  OnBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                        bytes.size()),
          now);
}

void AtEngine::OnBytes(std::span<const std::uint8_t> bytes, TimePoint now) {
  // In data mode the port belongs to the data consumer; stray bytes are not AT traffic.
  if (state_ == EngineState::kClosed || state_ == EngineState::kDataMode) return;
  tokenizer_.Feed(bytes);
  entering_data_ = false;
  leftover_.clear();
  while (auto token = tokenizer_.Next()) HandleToken(*token, now);
  if (entering_data_) {
    entering_data_ = false;
    // The tokenizer still owes the LF of a CRLF split across reads only if nothing followed.
    const bool cr_at_end = leftover_.empty() && !bytes.empty() && bytes.back() == '\r';
    // Before the reply: a consumer that acts on CONNECT (starts PPP, or hands the line back
    // after a disconnect) must find the descriptor and the leftover bytes already delivered.
    actions_.insert(actions_.begin() + static_cast<std::ptrdiff_t>(connect_reply_at_),
                    EnterDataModeAction{std::move(leftover_), cr_at_end});
    leftover_.clear();
  }
  StartNext(now);
  UpdateTimer();
}

void AtEngine::HandleToken(const AtToken& token, TimePoint now) {
  switch (token.kind) {
    case TokenKind::kLine:
      HandleLine(token.text, now);
      return;
    case TokenKind::kPrompt:
      if (state_ == EngineState::kAwaitingPrompt) {
        actions_.push_back(WriteAction{in_flight_->command.payload});
        TransitionTo(EngineState::kSendingPayload);
      } else {
        EmitUrc(token.text);
      }
      return;
    case TokenKind::kPayloadHeader:
      HandlePayloadHeader(token, now);
      return;
    case TokenKind::kPayload:
      if (payload_target_ == PayloadTarget::kReply && in_flight_) {
        in_flight_->reply.payload.append(token.text);
      } else if (payload_target_ == PayloadTarget::kUrc) {
        pending_urc_.payload.append(token.text);
      }
      raw_deadline_ = now + options_.raw_timeout;
      return;
    case TokenKind::kPayloadEnd:
      HandlePayloadEnd(now);
      return;
    case TokenKind::kData:
      if (entering_data_) leftover_.append(token.text);
      return;
    case TokenKind::kError: {
      // A dropped line is reported, so lost bytes are never "unexplained" (Zephyr #66171).
      Urc urc;
      urc.line = "<" + std::string(ToString(token.error)) + "> " +
                 std::string(token.text.substr(0, kMaxReportedGarbage));
      actions_.push_back(UrcAction{std::move(urc)});
      return;
    }
  }
}

bool AtEngine::Armed() const {
  return state_ == EngineState::kAwaitingPrompt || state_ == EngineState::kAwaitingReply;
}

bool AtEngine::IsEcho(std::string_view line) const {
  if (!in_flight_ || !in_flight_->reply.info.empty()) return false;
  return EqualsNoCase(TrimRight(line), TrimRight(in_flight_->command.text));
}

bool AtEngine::IsInfo(std::string_view line) const {
  for (const std::string& prefix : in_flight_->command.info_prefixes) {
    if (!UrcTable::HasPrefix(line, prefix)) continue;
    // A +CGREG URC during AT+CGREG? is a URC, not the answer (docs/at-channel.md, "Lessons: one
    // prefix, two meanings").
    if (EqualsNoCase(prefix, "+CGREG") && UrcTable::IsCgregUrcShape(line)) return false;
    return true;
  }
  return false;
}

void AtEngine::HandleLine(std::string_view line, TimePoint now) {
  if (state_ == EngineState::kResyncQuiet || state_ == EngineState::kResyncSending ||
      state_ == EngineState::kResyncAwaiting) {
    HandleResyncLine(line, now);
    return;
  }
  if (in_flight_ && IsEcho(line)) return;
  if (Armed()) {
    if (const auto final = ClassifyFinal(line)) {
      HandleFinal(*final, line, now);
      return;
    }
    if (IsInfo(line)) {
      in_flight_->reply.info.emplace_back(line);
      return;
    }
    if (in_flight_->command.free_text_info && urcs_.Classify(line) == UrcKind::kUnknown) {
      in_flight_->reply.info.emplace_back(line);
      return;
    }
  }
  EmitUrc(line);
}

void AtEngine::HandleFinal(const FinalResult& final, std::string_view line, TimePoint now) {
  InFlight& current = *in_flight_;
  const AtCommand& command = current.command;
  switch (final.kind) {
    case FinalKind::kConnect:
      if (!command.enters_data_mode) break;
      connect_reply_at_ = actions_.size();
      CompleteWithFinal(final, line, now);
      // Manual §2.16: from here on the port carries PPP; the rest of this read is PPP's.
      tokenizer_.EnterData();
      entering_data_ = true;
      TransitionTo(EngineState::kDataMode);
      return;
    case FinalKind::kConnectOk:
    case FinalKind::kConnectFail:
      if (!command.awaits_connect_result) break;
      CompleteWithFinal(final, line, now);
      return;
    case FinalKind::kNoCarrier:
      if (!command.enters_data_mode) break;
      CompleteWithFinal(final, line, now);
      return;
    case FinalKind::kOk:
      if (command.awaits_connect_result && !current.ok_seen) {
        current.ok_seen = true;  // manual §2.22: OK first, CONNECT OK/FAIL later
        return;
      }
      CompleteWithFinal(final, line, now);
      return;
    case FinalKind::kError:
    case FinalKind::kCmeError:
    case FinalKind::kExtError:
      CompleteWithFinal(final, line, now);
      return;
  }
  EmitUrc(line);
}

void AtEngine::HandleResyncLine(std::string_view line, TimePoint now) {
  if (EqualsNoCase(TrimRight(line), kResyncCommand)) return;  // echo
  if (state_ == EngineState::kResyncAwaiting) {
    if (UrcTable::HasPrefix(line, kResyncPrefix)) {
      resync_prefix_seen_ = true;
      return;
    }
    if (ClassifyFinal(line) && resync_prefix_seen_) {
      needs_resync_ = false;
      command_deadline_.reset();
      TransitionTo(EngineState::kIdle);
      StartNext(now);
      return;
    }
  }
  (void)now;
  // Anything else, including the late OK of the command that timed out, is not an answer.
  EmitUrc(line);
}

void AtEngine::HandlePayloadHeader(const AtToken& token, TimePoint now) {
  const bool resyncing = state_ == EngineState::kResyncQuiet ||
                         state_ == EngineState::kResyncSending ||
                         state_ == EngineState::kResyncAwaiting;
  if (!resyncing && Armed() && IsInfo(token.text)) {
    in_flight_->reply.info.emplace_back(token.text);
    payload_target_ = PayloadTarget::kReply;
  } else {
    pending_urc_ = Urc{urcs_.Classify(token.text), std::string(token.text), {}, false};
    payload_target_ = PayloadTarget::kUrc;
  }
  raw_deadline_ = now + options_.raw_timeout;
}

void AtEngine::HandlePayloadEnd(TimePoint now) {
  (void)now;
  if (payload_target_ == PayloadTarget::kUrc) {
    actions_.push_back(UrcAction{std::move(pending_urc_)});
    pending_urc_ = Urc{};
  }
  payload_target_ = PayloadTarget::kNone;
  raw_deadline_.reset();
}

void AtEngine::EmitUrc(std::string_view line) {
  actions_.push_back(UrcAction{Urc{urcs_.Classify(line), std::string(line), {}, false}});
}

void AtEngine::CompleteWithFinal(const FinalResult& final, std::string_view line, TimePoint now) {
  AtReply& reply = in_flight_->reply;
  reply.final = final.kind;
  reply.final_line = TrimRight(line.substr(std::min(line.find_first_not_of(' '), line.size())));
  reply.error_number = final.code;
  if (final.code) {
    reply.error_text = std::string(DescribeModuleError(final.kind, *final.code).value_or(""));
  } else if (final.kind == FinalKind::kCmeError || final.kind == FinalKind::kExtError) {
    reply.error_text = std::string(final.text);  // CMEE=2 verbose text (manual §2.7.4)
    if (final.kind == FinalKind::kCmeError) reply.error_number = CmeCodeFromText(final.text);
  }
  consecutive_failures_ = 0;  // the module answered
  Complete(ErrcFor(final.kind), now);
}

void AtEngine::Complete(Errc errc, TimePoint now) {
  (void)now;
  AtReply& reply = in_flight_->reply;
  if (errc != Errc::kOk) reply.error = errc;
  actions_.push_back(CompleteAction{in_flight_->id, std::move(reply)});
  in_flight_.reset();
  command_deadline_.reset();
  if (payload_target_ == PayloadTarget::kReply) payload_target_ = PayloadTarget::kNone;
  TransitionTo(EngineState::kIdle);
}

void AtEngine::FailAll(Errc errc) {
  if (in_flight_) {
    AtReply& reply = in_flight_->reply;
    reply.error = errc;
    actions_.push_back(CompleteAction{in_flight_->id, std::move(reply)});
    in_flight_.reset();
  }
  for (auto& [id, command] : queue_) {
    AtReply reply;
    reply.error = errc;
    actions_.push_back(CompleteAction{id, std::move(reply)});
  }
  queue_.clear();
}

void AtEngine::OnTimer(TimePoint now) {
  if (state_ == EngineState::kClosed || state_ == EngineState::kDataMode) return;
  armed_timer_.reset();
  if (raw_deadline_ && now >= *raw_deadline_) {
    raw_deadline_.reset();
    tokenizer_.Reset();
    if (payload_target_ == PayloadTarget::kUrc) {
      pending_urc_.truncated = true;
      actions_.push_back(UrcAction{std::move(pending_urc_)});
      pending_urc_ = Urc{};
      payload_target_ = PayloadTarget::kNone;
    } else if (payload_target_ == PayloadTarget::kReply && in_flight_) {
      payload_target_ = PayloadTarget::kNone;
      ++consecutive_failures_;
      Complete(Errc::kPayloadTruncated, now);
      StartResync(now);
    }
  }
  if (command_deadline_ && now >= *command_deadline_) {
    command_deadline_.reset();
    switch (state_) {
      case EngineState::kSending:
      case EngineState::kAwaitingPrompt:
      case EngineState::kSendingPayload:
      case EngineState::kAwaitingReply:
        ++consecutive_failures_;
        Complete(Errc::kTimeout, now);
        StartResync(now);
        break;
      case EngineState::kResyncQuiet:
        SendResync(now);
        break;
      case EngineState::kResyncSending:
      case EngineState::kResyncAwaiting:
        ResyncFailed(now);
        break;
      case EngineState::kIdle:
      case EngineState::kDataMode:
      case EngineState::kClosed:
        break;
    }
  }
  StartNext(now);
  UpdateTimer();
}

void AtEngine::StartResync(TimePoint now) {
  tokenizer_.Reset();
  payload_target_ = PayloadTarget::kNone;
  raw_deadline_.reset();
  resync_attempts_ = 0;
  command_deadline_ = now + options_.resync_quiet;
  TransitionTo(EngineState::kResyncQuiet);
}

void AtEngine::SendResync(std::optional<TimePoint> now) {
  command_deadline_.reset();
  if (now) command_deadline_ = *now + options_.resync_timeout;
  actions_.push_back(WriteAction{std::string(kResyncCommand) + "\r"});
  TransitionTo(EngineState::kResyncSending);
}

void AtEngine::ResyncFailed(TimePoint now) {
  ++consecutive_failures_;
  ++resync_attempts_;
  if (resync_attempts_ < options_.max_resync_attempts) {
    SendResync(now);
    return;
  }
  // The module is not answering: fail what waits, resync again before the next command.
  FailAll(Errc::kUnresponsive);
  needs_resync_ = true;
  TransitionTo(EngineState::kIdle);
}

void AtEngine::ResumeCommandMode(TimePoint now) {
  if (state_ != EngineState::kDataMode) return;
  tokenizer_.Reset();
  StartResync(now);
  UpdateTimer();
}

void AtEngine::OnClosed() {
  if (state_ == EngineState::kClosed) return;
  FailAll(Errc::kClosed);
  TransitionTo(EngineState::kClosed);
  command_deadline_.reset();
  raw_deadline_.reset();
  UpdateTimer();
}

void AtEngine::UpdateTimer() {
  std::optional<TimePoint> earliest = command_deadline_;
  if (raw_deadline_ && (!earliest || *raw_deadline_ < *earliest)) earliest = raw_deadline_;
  if (earliest == armed_timer_) return;
  armed_timer_ = earliest;
  if (earliest) {
    actions_.push_back(SetTimerAction{*earliest});
  } else {
    actions_.push_back(CancelTimerAction{});
  }
}

std::vector<AtAction> AtEngine::TakeActions() {
  std::vector<AtAction> out;
  out.swap(actions_);
  return out;
}

}  // namespace uclink::chat
