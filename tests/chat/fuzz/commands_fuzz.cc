// Feeds arbitrary bytes, as one line, to every decoder of the command model (chat/commands/,
// chat/at_args.h). A decoder may reject the line, but must never crash, hang or read outside it;
// payload headers must point inside the bytes they were given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "chat/at_args.h"
#include "chat/commands/command_table.h"
#include "chat/commands/factory_test_command.h"
#include "chat/commands/ftp.h"
#include "chat/commands/http.h"
#include "chat/commands/identity.h"
#include "chat/commands/ip.h"
#include "chat/commands/mqtt.h"
#include "chat/commands/network.h"
#include "chat/commands/pdp.h"
#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckHeader(const PayloadHeader& h, std::string_view bytes) {
  Check(h.offset <= bytes.size());
  Check(h.length <= kMaxPayloadLength);
}

void DecodeLine(std::string_view line) {
  (void)DecodeCgmi(line);
  (void)DecodeCgmm(line);
  std::vector<std::string_view> lines = {line, line};
  (void)DecodeCgmr(std::span<const std::string_view>(lines.data(), 1));
  (void)DecodeCgmr(lines);
  (void)DecodeCgsn(line);
  (void)DecodeCimi(line);
  (void)DecodeCfun(line);
  (void)DecodeCmee(line);
  (void)DecodeCelllock(line);
  (void)DecodeCgreg(line, true);
  (void)DecodeCgreg(line, false);
  if (auto q = DecodeCsq(line))
    Check(!q->rssi_dbm || (*q->rssi_dbm <= -51 && *q->rssi_dbm >= -113));
  (void)DecodeCops(line);
  (void)DecodeCopsList(line);
  (void)DecodeLpm(line);
  (void)DecodeCgatt(line);
  (void)DecodeCgact(line);
  (void)DecodeCgdcont(line);
  (void)DecodeCgdcontTest(line);
  (void)DecodeCgqreq(line);
  (void)DecodeCgqmin(line);
  (void)DecodeCgpaddr(line);
  (void)DecodeCgdataTest(line);
  (void)DecodeIpcreate(line);
  (void)DecodeIpsend(line);
  (void)DecodeFtptype(line);
  for (const CommandSpec& spec : CommandTable()) {
    (void)DecodeFtpCode(line, spec.command);
    (void)DecodeFtpValue(line, spec.command);
  }
  (void)DecodeFtpscon(line);
  (void)DecodeHttptls(line);
  (void)DecodeHttpaction(line);
  (void)DecodeMqttconfig(line);
  (void)DecodeMqttconnect(line);
  (void)DecodeMqttstate(line);
  (void)DecodeFactorytest(line);
  (void)DecodeSupported(line, {"CFUN", "CGDCONT"});
  (void)CommandFromName(line);
  (void)CmeCodeFromText(line);
}

void DecodeHeaders(std::string_view bytes) {
  for (bool complete : {false, true}) {
    if (auto h = DecodeIprecvHeader(bytes, complete)) CheckHeader(h->payload, bytes);
    if (auto h = DecodeFtpgetHeader(bytes, complete)) CheckHeader(*h, bytes);
    if (auto h = DecodeFtplistHeader(bytes, complete)) CheckHeader(h->payload, bytes);
    if (auto h = DecodeHttpreadHeader(bytes, complete)) CheckHeader(*h, bytes);
    if (auto h = DecodeMqttsubHeader(bytes, complete)) CheckHeader(h->payload, bytes);
  }
}

}  // namespace
}  // namespace uclink::chat

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Lines longer than the tokenizer's 4 KiB never reach a decoder; keep runs fast.
  if (size > 4096) return 0;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  uclink::chat::DecodeLine(line);
  // Every prefix, as the tokenizer would offer a growing partial line to the header decoders.
  for (std::size_t n = 0; n <= line.size() && n <= 256; ++n) {
    uclink::chat::DecodeHeaders(line.substr(0, n));
  }
  uclink::chat::DecodeHeaders(line);
  return 0;
}
