// AtEngine: the AT channel's protocol core. Pure: bytes, write completions and the current time
// go in; actions come out (docs/ARCHITECTURE.md, "Design rules: pure cores"). The Asio shell
// (AtChannel) performs the actions.
//
// Rules it enforces (docs/at-channel.md, "Engine" and "Lessons"):
//  * one command in flight, the rest queued in submission order;
//  * the answer is matched only after the command's last byte is written (Zephyr PR #67527);
//  * every line is classified once: echo → final → expected info → URC → free text → unknown;
//    URCs between information lines and OK are URCs (manual §2.15.3, Mbed PR #10341);
//  * a timeout resynchronises with `AT+CMEE?`, whose answer has a unique prefix, so a late OK
//    cannot complete the next command (Mbed ATHandler::sync);
//  * CONNECT of a data command hands the rest of that very read to the data consumer, and the
//    hand-over comes before the CONNECT reply: whoever acts on the reply finds the line handed
//    over already.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "chat/at_command.h"
#include "chat/at_tokenizer.h"
#include "chat/urc_table.h"

namespace uclink::chat {

using CommandId = std::uint64_t;

// An unsolicited line (and its payload, for +IPRECV/+MQTTSUB/+FTPGET/+FTPLIST).
struct Urc {
  UrcKind kind = UrcKind::kUnknown;
  std::string line;
  std::string payload;
  bool truncated = false;  // the payload stopped short of its announced length
};

// Actions, performed by the shell in order.
struct WriteAction {
  std::string bytes;  // write all of them, then call OnWritten()
};
struct SetTimerAction {
  TimePoint deadline;  // replaces any earlier deadline; call OnTimer() when reached
};
struct CancelTimerAction {};
struct CompleteAction {
  CommandId id = 0;
  AtReply reply;
};
struct UrcAction {
  Urc urc;
};
struct EnterDataModeAction {
  std::string leftover;  // bytes read after CONNECT: the first bytes of the data stream
  // The CONNECT line ended with CR at the very end of the read: if the next byte the data
  // consumer reads is LF, it is the rest of that line terminator, not data.
  bool drop_leading_lf = false;
};
using AtAction = std::variant<WriteAction, SetTimerAction, CancelTimerAction, CompleteAction,
                              UrcAction, EnterDataModeAction>;

// What the engine is doing.
enum class EngineState {
  kIdle,            // nothing in flight
  kSending,         // command bytes handed to the shell, not yet written
  kAwaitingPrompt,  // written; waiting for `>` before the payload
  kSendingPayload,  // payload handed to the shell
  kAwaitingReply,   // written; matching the answer
  kResyncQuiet,     // after a timeout: letting late answers drain
  kResyncSending,   // AT+CMEE? handed to the shell
  kResyncAwaiting,  // waiting for +CMEE: and its final result
  kDataMode,        // the port belongs to the data consumer
  kClosed,          // the port is gone
};

std::string_view ToString(EngineState state);

struct AtEngineOptions {
  TimeoutTable timeouts;
  // Payload bytes must keep coming at least this often (TinyGSM #111: fewer bytes than announced).
  Duration raw_timeout{2000};
  // Quiet time before the resync command (docs/at-channel.md, "Lessons: a timeout leaves the
  // channel out of step").
  Duration resync_quiet{200};
  // Timeout of one resync attempt, and attempts before queued commands fail as unresponsive.
  Duration resync_timeout{2000};
  int max_resync_attempts = 3;
};

class AtEngine {
 public:
  explicit AtEngine(AtEngineOptions options = {});

  // Queues a command; returns its id. Its CompleteAction carries the same id. With `now`, the
  // timeout also covers a write that never completes (RTS/CTS held off).
  CommandId Submit(AtCommand command);
  CommandId Submit(AtCommand command, TimePoint now);
  // Bytes read from the port.
  void OnBytes(std::span<const std::uint8_t> bytes, TimePoint now);
  void OnBytes(std::string_view bytes, TimePoint now);
  // The last Write action's bytes have all been written.
  void OnWritten(TimePoint now);
  // The deadline of the last SetTimer action was reached.
  void OnTimer(TimePoint now);
  // The data consumer gave the port back: resynchronise, then run queued commands.
  void ResumeCommandMode(TimePoint now);
  // The port closed: every pending command completes with Errc::kClosed.
  void OnClosed();

  // Actions produced since the last call, in order.
  std::vector<AtAction> TakeActions();

  EngineState state() const { return state_; }
  // Timeouts and failed resyncs since the module last answered; higher layers escalate on it
  // (Zephyr modem_cellular restarts the modem after 3).
  int consecutive_failures() const { return consecutive_failures_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  struct InFlight {
    CommandId id = 0;
    AtCommand command;
    AtReply reply;
    bool ok_seen = false;  // awaits_connect_result: OK arrived, CONNECT OK/FAIL pending
  };
  enum class PayloadTarget { kNone, kReply, kUrc };

  CommandId Enqueue(AtCommand command, std::optional<TimePoint> now);
  void TransitionTo(EngineState next);
  Duration TimeoutOf(const AtCommand& command) const;
  // `now`: when known, the command timeout starts with the write (a stuck write times out too).
  void StartNext(std::optional<TimePoint> now);
  void HandleToken(const AtToken& token, TimePoint now);
  void HandleLine(std::string_view line, TimePoint now);
  void HandleFinal(const FinalResult& final, std::string_view line, TimePoint now);
  void HandleResyncLine(std::string_view line, TimePoint now);
  void HandlePayloadHeader(const AtToken& token, TimePoint now);
  void HandlePayloadEnd(TimePoint now);
  bool IsEcho(std::string_view line) const;
  bool IsInfo(std::string_view line) const;
  bool Armed() const;
  void EmitUrc(std::string_view line);
  void Complete(Errc errc, TimePoint now);
  void CompleteWithFinal(const FinalResult& final, std::string_view line, TimePoint now);
  void FailAll(Errc errc);
  void StartResync(TimePoint now);
  void SendResync(std::optional<TimePoint> now);
  void ResyncFailed(TimePoint now);
  void UpdateTimer();

  AtEngineOptions options_;
  AtTokenizer tokenizer_;
  UrcTable urcs_;
  EngineState state_ = EngineState::kIdle;
  std::deque<std::pair<CommandId, AtCommand>> queue_;
  std::optional<InFlight> in_flight_;
  CommandId next_id_ = 1;
  std::vector<AtAction> actions_;
  int consecutive_failures_ = 0;
  int resync_attempts_ = 0;
  bool resync_prefix_seen_ = false;
  bool needs_resync_ = false;
  // Deadlines; the timer runs for the earliest one.
  std::optional<TimePoint> command_deadline_;
  std::optional<TimePoint> raw_deadline_;
  std::optional<TimePoint> armed_timer_;
  // The payload being received.
  PayloadTarget payload_target_ = PayloadTarget::kNone;
  Urc pending_urc_;
  // Data-mode hand-over within one OnBytes call: where the CONNECT reply sits in actions_, so
  // the hand-over can go in front of it.
  bool entering_data_ = false;
  std::size_t connect_reply_at_ = 0;
  std::string leftover_;
};

}  // namespace uclink::chat
