// Fuzzes everything that parses bytes from the control socket: the line framer, request and
// server-line parsing, AT and service parameters (base64 included), the status document
// reader and the monitor events' decoder. Bad input must never crash, throw or grow memory beyond
// the framer's bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "control/api/events.h"
#include "control/api/protocol.h"
#include "control/api/service.h"
#include "control/api/status.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace uclink::control::api;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  LineFramer framer(1024);
  LineFramer::Output out = framer.Feed(bytes);
  if (framer.buffered() > 1024) __builtin_trap();
  for (const std::string& line : out.lines) {
    ParsedRequest parsed = ParseRequest(line);
    if (parsed.request) {
      Error error;
      (void)ParseAtParams(parsed.request->params, &error);
      if (auto service = ParseServiceParams(parsed.request->params, &error)) {
        // What the daemon accepts, the CLI's encoder must write back as acceptable.
        if (!ParseServiceParams(ToJson(*service), &error)) __builtin_trap();
      }
      (void)ParseSendData(parsed.request->params, &error);
      (void)EncodeRequest(*parsed.request);
    }
    ServerLine server = ParseServerLine(line);
    if (server.response) {
      (void)StatusFromJson(server.response->result);
      (void)FlattenKeyValue(server.response->result);
      (void)EncodeResponse(*server.response);
    }
    if (server.event) {
      // An event the CLI reads back is one the daemon could have sent: it encodes again.
      if (auto event = MonitorEventFromJson(server.event->name, server.event->data)) {
        (void)EncodeEvent(ToEvent(*event, server.event->time));
      }
    }
  }
  return 0;
}
