// The shape every in-band client shares: a pure state machine that emits AT commands and
// consumes their replies and the module's URCs, with the time passed in (docs/ARCHITECTURE.md,
// "Design rules: pure cores"). The Asio shell (control/services/inband_runner.h) submits each
// command to chat::AtChannel and feeds the answers back; tests feed them from transcripts through
// chat::AtEngine.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chat/at_args.h"
#include "chat/at_command.h"
#include "chat/at_engine.h"
#include "control/inband/errc.h"

namespace uclink::control::inband {

// How data that a command carries (AT+IPSEND, AT+FTPPUT, AT+HTTPDATA) is written.
enum class PayloadEncoding {
  // Inside the command line, as the manual's examples do (§2.25.1, §2.39.2, §2.46.2). The line
  // ends at CR and the quoted <data> of IPSEND ends at '"', so data holding bytes its parameter
  // cannot carry (chat::TextParam table) is refused with a message naming the byte: never
  // silently corrupted.
  kInline,
  // `AT+IPSEND="TCP",<n>` (no data), the module's `>` prompt, then exactly <n> raw bytes:
  // lossless for every byte. The manual does not document this form; uclink-sim implements it.
  // Use it only with a module known to accept it.
  kPrompt,
};

std::string_view ToString(PayloadEncoding encoding);

// Where a service request travels, for the checks made before anything is sent. Both modes
// check the manual's limits (so a script behaves the same) and the protocol rules (header
// syntax, MQTT topic names); in-band also checks what each command-line parameter can carry
// (chat/commands/text_params.h), which native sockets, libcurl and libmosquitto do not need.
enum class Transport { kInband, kNative };

// Submit this command to the AT channel; its reply goes to OnReply().
struct SubmitAction {
  chat::AtCommand command;
};
// The channel became usable (socket connected, MQTT session up).
struct ReadyAction {};
// Bytes for the user: received socket data, a piece of an HTTP body or FTP file, a listing.
struct DataAction {
  std::string bytes;
};
// A queued send completed: `bytes` were confirmed by the module.
struct SentAction {
  std::size_t bytes = 0;
};
// Transfer progress (FTP/HTTP); `total` when known.
struct ProgressAction {
  std::size_t done = 0;
  std::optional<std::size_t> total;
};
// A complete MQTT message (reassembled from +MQTTSUB segments).
struct MessageAction {
  std::string topic;
  std::string payload;
};
// Call OnTimer() at `deadline` (replaces an earlier one); a waiting period for URCs.
struct TimerAction {
  chat::TimePoint deadline;
};
// The operation ended; `error` is empty on success. Nothing follows.
struct DoneAction {
  ServiceError error;
};
using Action = std::variant<SubmitAction, ReadyAction, DataAction, SentAction, ProgressAction,
                            MessageAction, TimerAction, DoneAction>;

// Base of every in-band client: one command in flight, actions collected until taken.
class Operation {
 public:
  virtual ~Operation() = default;
  // The reply of the last SubmitAction's command.
  virtual void OnReply(const chat::AtReply& reply, chat::TimePoint now) = 0;
  // Every URC the channel reports while the operation runs; unrelated ones are ignored.
  virtual void OnUrc(const chat::Urc& urc, chat::TimePoint now) = 0;
  // The deadline of the last TimerAction was reached.
  virtual void OnTimer(chat::TimePoint now) = 0;

  // Actions produced since the last call, in order.
  std::vector<Action> TakeActions();
  // A DoneAction was produced.
  bool done() const { return done_; }
  // A command was submitted and its reply has not come back yet.
  bool awaiting_reply() const { return awaiting_reply_; }

 protected:
  // Submits `command`; the reply arrives in OnReply().
  void Submit(chat::AtCommand command);
  void Submit(std::string text) { Submit(chat::AtCommand::FromText(std::move(text))); }
  // Marks the reply of the command in flight as received (call first in OnReply()).
  void ReplyArrived() { awaiting_reply_ = false; }
  void Emit(Action action) { actions_.push_back(std::move(action)); }
  void Finish(ServiceError error);
  void Succeed() { Finish({}); }

 private:
  std::vector<Action> actions_;
  bool done_ = false;
  bool awaiting_reply_ = false;
};

// An error with a code and message.
ServiceError MakeError(Errc errc, std::string message);

// The module's failure as a ServiceError: "AT+FTPMKD=a failed: +CME ERROR: 3 (operation not
// allowed)"; channel errors (timeout, port closed) are named by chat::Errc. The arguments of
// AT+FTPPW and AT+MQTTCONFIG (a password) are left out (WithoutSecrets).
ServiceError ModuleFailure(std::string_view command_text, const chat::AtReply& reply);
// `command_text` fit for a message: only the name of a command whose arguments hold a password.
std::string_view WithoutSecrets(std::string_view command_text);

// "byte 0x0d at offset 12 cannot travel inside AT+IPSEND's quoted <data> (manual §2.23) (a line
// end ends the command line, manual §1.3.1); use PPP mode, ..." as a ServiceError of kind
// kUnsendableByte.
ServiceError UnsendableError(const chat::Uncarriable& byte, std::string_view where);

// An encoder's refusal as a ServiceError: a byte its parameter cannot carry is kUnsendableByte,
// anything else (a limit, an empty value, a malformed topic) kInvalidArgument. `prefix` names
// the field for the user ("header \"X-A: b\"").
ServiceError ErrorOf(const chat::CommandError& error, std::string_view prefix = {});

// A module result line `<prefix>:<code>` among `reply.info` (e.g. `+FTPMKD:550`), or nullopt.
std::optional<int> FindCode(const chat::AtReply& reply, std::string_view name);

}  // namespace uclink::control::inband
