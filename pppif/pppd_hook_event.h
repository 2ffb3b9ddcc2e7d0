// The events pppd's ip-up/ip-down scripts report back to uclink. pppd runs //pppif:pppd_hook as
// both scripts; the helper turns its arguments and environment into one datagram on the socket
// named by UCLINK_PPPD_EVENTS, and the backend decodes it: interface, addresses and DNS arrive
// as events, never by polling.
//
// Datagram format (text, one `key=value` per line, first line the version tag):
//   uclink-pppd-hook/1
//   event=up|down
//   ifname=ppp0  tty=/dev/pts/3  local=10.64.0.2  remote=10.64.0.1
//   dns1=10.64.0.53  dns2=10.64.0.54   (only when the peer supplied them)
//   ipparam=<connection id>
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "pppif/ipv4.h"

namespace uclink::pppif {

enum class HookEventKind { kIpUp, kIpDown };
const char* ToString(HookEventKind kind);

/// One ip-up or ip-down notification.
struct PppdHookEvent {
  HookEventKind kind = HookEventKind::kIpUp;
  std::string ifname;
  std::string tty;
  Ipv4 local{};
  Ipv4 remote{};
  std::optional<Ipv4> dns1;
  std::optional<Ipv4> dns2;
  std::string ipparam;
  friend bool operator==(const PppdHookEvent&, const PppdHookEvent&) = default;
};

/// A decoded event or the reason it was refused.
struct DecodedHookEvent {
  PppdHookEvent event;
  std::error_code error;
};

/// Looks up an environment variable of the hook process; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Builds the event from the script invocation. pppd(8) SCRIPTS: arguments are
/// `interface-name tty-device speed local-IP remote-IP ipparam`; DNS1/DNS2 are in the
/// environment when the peer supplied them; CONNECT_TIME is set only for ip-down.
/// `args` excludes argv[0].
DecodedHookEvent HookEventFromInvocation(std::span<const std::string_view> args,
                                         const EnvLookup& env);

/// The datagram text for `event`.
std::string EncodeHookEvent(const PppdHookEvent& event);
/// Parses a datagram; refuses (kMalformedHookEvent) anything not produced by EncodeHookEvent:
/// wrong version, unknown or repeated keys, missing ifname/local/remote/event, bad addresses,
/// more than 1024 bytes.
DecodedHookEvent DecodeHookEvent(std::string_view datagram);

/// Dotted-quad parser used by both sides ("10.0.0.1"; no leading zeros beyond "0", no spaces).
std::optional<Ipv4> ParseIpv4(std::string_view text);

}  // namespace uclink::pppif
