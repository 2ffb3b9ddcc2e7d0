#include "control/inband/operation.h"

#include "chat/at_args.h"
#include "chat/errc.h"

namespace uclink::control::inband {

std::string_view ToString(PayloadEncoding encoding) {
  switch (encoding) {
    case PayloadEncoding::kInline:
      return "inline";
    case PayloadEncoding::kPrompt:
      return "prompt";
  }
  return "inline";
}

std::vector<Action> Operation::TakeActions() {
  std::vector<Action> out;
  out.swap(actions_);
  return out;
}

void Operation::Submit(chat::AtCommand command) {
  awaiting_reply_ = true;
  actions_.push_back(SubmitAction{std::move(command)});
}

void Operation::Finish(ServiceError error) {
  if (done_) return;
  done_ = true;
  actions_.push_back(DoneAction{std::move(error)});
}

ServiceError MakeError(Errc errc, std::string message) {
  return ServiceError{make_error_code(errc), std::move(message)};
}

// Commands whose arguments carry a password (manual §2.31 AT+FTPPW, §2.54 AT+MQTTCONFIG): a
// failure names them without their arguments, so the secret never reaches stderr or a log
// (docs/SECURITY.md; tests/control/security/secrets_test.cc).
std::string_view WithoutSecrets(std::string_view command_text) {
  for (std::string_view name : {"AT+FTPPW", "AT+MQTTCONFIG"}) {
    if (command_text.starts_with(name)) return name;
  }
  return command_text;
}

ServiceError ModuleFailure(std::string_view command_text, const chat::AtReply& reply) {
  command_text = WithoutSecrets(command_text);
  std::string message = std::string(command_text) + " failed: " + reply.Describe();
  if (!reply.final && reply.error) {
    message = std::string(command_text) + " failed: " + reply.error.message();
  }
  return ServiceError{make_error_code(Errc::kModuleError), std::move(message)};
}

ServiceError UnsendableError(const chat::Uncarriable& byte, std::string_view where) {
  return MakeError(Errc::kUnsendableByte,
                   chat::DescribeByte(byte) + " cannot travel inside " + std::string(where) + " (" +
                       std::string(byte.why) +
                       "); use PPP mode, or prompt payloads with a module that accepts them");
}

ServiceError ErrorOf(const chat::CommandError& error, std::string_view prefix) {
  std::string message = prefix.empty() ? error.detail : std::string(prefix) + ": " + error.detail;
  if (error.code == chat::CommandErrc::kInvalidCharacter) {
    return MakeError(Errc::kUnsendableByte, message + "; use PPP mode");
  }
  return MakeError(Errc::kInvalidArgument, std::move(message));
}

std::optional<int> FindCode(const chat::AtReply& reply, std::string_view name) {
  for (const std::string& line : reply.info) {
    auto parts = chat::SplitInfoLine(line);
    if (!parts) continue;
    std::string compact;
    for (char c : parts->name) compact += c;
    if (!chat::EqualsIgnoreCase(compact, name)) continue;
    auto args = chat::SplitArgs(parts->params);
    if (!args || args->empty()) continue;
    auto value = chat::ParseInt((*args)[0], -1000000, 1000000, "<code>");
    if (value) return static_cast<int>(*value);
  }
  return std::nullopt;
}

}  // namespace uclink::control::inband
