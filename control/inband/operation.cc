#include "control/inband/operation.h"

#include <cstdio>

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

std::optional<UnsendableByte> FindUnsendableByte(std::string_view data, bool quoted) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == '\r' || c == '\n') return UnsendableByte{i, c, "a line end ends the command line"};
    if (c == 0) return UnsendableByte{i, c, "NUL is not text"};
    if (c < 0x20 || c == 0x7f) return UnsendableByte{i, c, "a control byte is not text"};
    if (c >= 0x80) return UnsendableByte{i, c, "not ASCII"};
    if (quoted && c == '"') return UnsendableByte{i, c, "'\"' ends the quoted argument"};
  }
  return std::nullopt;
}

ServiceError UnsendableError(const UnsendableByte& byte, std::string_view where) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", byte.byte);
  return MakeError(Errc::kUnsendableByte,
                   "byte " + std::string(hex) + " at offset " + std::to_string(byte.offset) +
                       " cannot travel inside " + std::string(where) + " (" +
                       std::string(byte.why) +
                       "); use PPP mode, or prompt payloads with a module that accepts them");
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
