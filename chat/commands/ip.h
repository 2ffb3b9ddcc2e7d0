// In-band sockets: AT+IPCREATE (§2.22), AT+IPSEND (§2.23), AT+IPCLOSE (§2.24) and the +IPRECV
// data URC (§2.25). One TCP and one UDP client at a time (§2.22).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "chat/at_args.h"

namespace uclink::chat {

// <mode> of the socket commands.
enum class SocketMode { kTcp, kUdp };

// Stable name of a SocketMode, as sent: "TCP", "UDP".
std::string_view ToString(SocketMode mode);

// Parses "TCP"/"UDP", any case, ignoring the spaces the manual prints inside quotes (" TCP").
std::optional<SocketMode> SocketModeFromString(std::string_view text);

// Longest host name (RFC 1035 §2.3.4: 253 characters in text form); the manual gives no limit.
inline constexpr std::size_t kMaxHost = 253;
// Largest AT+IPSEND payload: the manual gives no limit; we use the MQTT message limit (§2.56).
inline constexpr std::size_t kMaxIpSendData = 1024;

// AT+IPCREATE="TCP","192.168.40.2",7 (§2.25.1). The answer is OK, then CONNECT OK/CONNECT FAIL.
Result<std::string> EncodeIpcreate(SocketMode mode, std::string_view host, int port);

// `+IPCREATE: 1,0` (§2.22) or `+IPCREATE=0,0` (§2.25.1): TCP connected, UDP created.
struct SocketState {
  bool tcp = false;
  bool udp = false;

  friend bool operator==(const SocketState&, const SocketState&) = default;
};
Result<SocketState> DecodeIpcreate(std::string_view line);

// AT+IPSEND="TCP",3,"123" (§2.25.1; the table of §2.23 omits the length, §2.23.2 misspells the
// command as AT+IPCREATE). What the quoted <data> cannot carry ('"', line ends, control and
// non-ASCII bytes: TextParam::kIpsendData) is refused, never escaped.
Result<std::string> EncodeIpsend(SocketMode mode, std::string_view data);

// `+IPSEND=3` (§2.25.1), `+IPSEND: 3`, and `+IPCREATE=3` (§2.23.2's misprint) → bytes sent.
Result<std::size_t> DecodeIpsend(std::string_view line);

// AT+IPCLOSE="TCP" (§2.24).
Result<std::string> EncodeIpclose(SocketMode mode);

// The header of `+IPRECV="TCP", 3, 123` (§2.25.1): the payload is inline after the length.
struct IpRecvHeader {
  SocketMode mode = SocketMode::kTcp;
  PayloadHeader payload;

  friend bool operator==(const IpRecvHeader&, const IpRecvHeader&) = default;
};

// Decodes the header from the line so far (`line_complete`: its terminator was seen);
// kIncomplete until the header and the first payload byte have arrived.
Result<IpRecvHeader> DecodeIprecvHeader(std::string_view bytes, bool line_complete);

}  // namespace uclink::chat
