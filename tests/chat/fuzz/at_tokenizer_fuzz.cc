// libFuzzer target: the tokenizer and the engine on arbitrary bytes. The first byte chooses how
// the rest is cut into reads, so split points are fuzzed too. Checks: no crash, no hang, bounded
// memory, and the tokenizer's invariants (line tokens never hold a line end or exceed kMaxLine).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "chat/at_engine.h"
#include "chat/at_tokenizer.h"

namespace {

using uclink::chat::AtCommand;
using uclink::chat::AtEngine;
using uclink::chat::AtTokenizer;
using uclink::chat::TimePoint;
using uclink::chat::TokenKind;

void Check(bool condition) {
  if (!condition) std::abort();
}

void FuzzTokenizer(std::span<const std::uint8_t> bytes, std::size_t chunk) {
  AtTokenizer tokenizer;
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
    tokenizer.Feed(bytes.subspan(pos, std::min(chunk, bytes.size() - pos)));
    while (auto token = tokenizer.Next()) {
      if (token->kind == TokenKind::kLine) {
        Check(!token->text.empty() && token->text.size() <= AtTokenizer::kMaxLine);
        Check(token->text.find_first_of("\r\n") == std::string_view::npos);
      }
      if (token->kind == TokenKind::kPayloadHeader)
        Check(token->length <= AtTokenizer::kMaxPayload);
    }
  }
}

void FuzzEngine(std::span<const std::uint8_t> bytes, std::size_t chunk) {
  AtEngine engine;
  TimePoint now{};
  engine.Submit(AtCommand::FromText("AT+CGREG?"));
  engine.Submit(AtCommand::FromText("AT+HTTPREAD"));
  engine.Submit(AtCommand::FromText("AT+CGDATA=\"PPP\",1"));
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
    engine.OnWritten(now);
    engine.OnBytes(bytes.subspan(pos, std::min(chunk, bytes.size() - pos)), now);
    now += std::chrono::milliseconds(700);
    engine.OnTimer(now);
    engine.TakeActions();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  FuzzTokenizer(bytes, chunk);
  FuzzEngine(bytes, chunk);
  return 0;
}
