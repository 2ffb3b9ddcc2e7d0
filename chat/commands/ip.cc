#include "chat/commands/ip.h"

#include "chat/commands/text_params.h"

namespace uclink::chat {

std::string_view ToString(SocketMode mode) {
  switch (mode) {
    case SocketMode::kTcp:
      return "TCP";
    case SocketMode::kUdp:
      return "UDP";
  }
  return "TCP";
}

std::optional<SocketMode> SocketModeFromString(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (EqualsIgnoreCase(text, "TCP")) return SocketMode::kTcp;
  if (EqualsIgnoreCase(text, "UDP")) return SocketMode::kUdp;
  return std::nullopt;
}

Result<std::string> EncodeIpcreate(SocketMode mode, std::string_view host, int port) {
  if (auto e = CheckParam(TextParam::kIpcreateAddress, host)) return *e;
  if (auto e = CheckRange(port, 1, 65535, "<Port>", "§2.22")) return *e;
  return CommandText("+IPCREATE").Quoted(ToString(mode)).Quoted(host).Int(port).Take();
}

Result<SocketState> DecodeIpcreate(std::string_view line) {
  auto args = ParseInfo(line, {"IPCREATE"}, 2, 2);
  if (!args) return args.error();
  auto tcp = ParseInt((*args)[0], 0, 1, "<TCP state>");
  if (!tcp) return tcp.error();
  auto udp = ParseInt((*args)[1], 0, 1, "<UDP state>");
  if (!udp) return udp.error();
  return SocketState{*tcp == 1, *udp == 1};
}

Result<std::string> EncodeIpsend(SocketMode mode, std::string_view data) {
  // The quoted <data> ends at the next '"' (no escape, §1.3.3): CheckParam refuses what it
  // cannot carry, so the bytes between the quotes are exactly `data` and <n> counts them.
  if (auto e = CheckParam(TextParam::kIpsendData, data)) return *e;
  return CommandText("+IPSEND")
      .Quoted(ToString(mode))
      .Int(static_cast<std::int64_t>(data.size()))
      .Quoted(data)
      .Take();
}

Result<std::size_t> DecodeIpsend(std::string_view line) {
  auto args = ParseInfo(line, {"IPSEND", "IPCREATE"}, 1, 1);
  if (!args) return args.error();
  return ParseLength((*args)[0], kMaxIpSendData, "<length>");
}

Result<std::string> EncodeIpclose(SocketMode mode) {
  return CommandText("+IPCLOSE").Quoted(ToString(mode)).Take();
}

Result<IpRecvHeader> DecodeIprecvHeader(std::string_view bytes, bool line_complete) {
  std::size_t end = 0;
  auto fields = ScanHeaderFields(bytes, {"IPRECV"}, 2, line_complete, &end);
  if (!fields) return fields.error();
  auto mode = SocketModeFromString((*fields)[0].text);
  if (!mode) return MakeError(CommandErrc::kMalformed, "<mode> is not TCP or UDP");
  auto length = ParseLength((*fields)[1], kMaxPayloadLength, "<length>");
  if (!length) return length.error();
  auto payload = LocateInlinePayload(bytes, end, *length, line_complete, false);
  if (!payload) return payload.error();
  return IpRecvHeader{*mode, *payload};
}

}  // namespace uclink::chat
