// Packet-domain commands: AT+CGATT (§2.9), AT+CGACT (§2.10), AT+CGDCONT (§2.11), AT+CGQREQ
// (§2.12), AT+CGQMIN (§2.13), AT+CGPADDR (§2.14), AT+CGDATA (§2.16).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chat/at_args.h"

namespace uclink::chat {

// manual §2.10.2: "目前我们系统最大只支持 2 个 cid 编号为 1, 2" — only cids 1 and 2 exist.
inline constexpr int kMinCid = 1;
inline constexpr int kMaxCid = 2;

// Whether the module has context `cid` (kMinCid..kMaxCid); the error names `section`. The
// encoders apply it; so does the configuration before any command is built.
std::optional<CommandError> CheckCid(int cid, std::string_view section = "§2.10");

// --- AT+CGATT, §2.9 ------------------------------------------------------------------------

// AT+CGATT=<state>: 1 attach, 0 detach.
Result<std::string> EncodeCgatt(int state);

// `+CGATT: 1` → true.
Result<bool> DecodeCgatt(std::string_view line);

// --- AT+CGACT, §2.10 -----------------------------------------------------------------------

// AT+CGACT=<state>[,<cid>...]: no cids means every defined context (§2.10.2).
Result<std::string> EncodeCgact(int state, std::span<const int> cids = {});

// One line of AT+CGACT?: `+CGACT:1,1`, `+CGACT: 1, 1` (§2.10.3, §2.20).
struct PdpActivation {
  int cid = 0;
  bool active = false;

  friend bool operator==(const PdpActivation&, const PdpActivation&) = default;
};
Result<PdpActivation> DecodeCgact(std::string_view line);

// --- AT+CGDCONT, §2.11 ---------------------------------------------------------------------

// <PDP_type> values of §2.11.
enum class PdpType { kIp, kIpv6, kPpp, kX25, kOspih };

// Stable name of a PdpType, as sent: "IP", "IPV6", "PPP", "X.25", "OSPIH".
std::string_view ToString(PdpType type);

// Parses a PDP type name (case-insensitive; the module wants upper case, §2.11.4).
std::optional<PdpType> PdpTypeFromString(std::string_view text);

// Longest APN (3GPP TS 23.003 §9.1: 100 octets); the manual sets no limit of its own.
inline constexpr std::size_t kMaxApn = 100;

// Whether `apn` can be written as AT+CGDCONT's quoted <APN> (empty is allowed: omitted): at most
// kMaxApn bytes, no '"', no control bytes (CheckText, at_args.h). The encoder applies it; so
// does the configuration.
std::optional<CommandError> CheckApn(std::string_view apn);

// AT+CGDCONT=<cid>,"<type>"[,"<apn>"[,"<addr>"[,<d_comp>[,<h_comp>]]]].
struct PdpContextRequest {
  int cid = 1;
  PdpType type = PdpType::kIp;
  std::string apn;            // empty: omitted
  std::string address;        // empty: omitted (or "" when compression follows)
  std::optional<int> d_comp;  // 0 off, 1 on, 2 V.42bis
  std::optional<int> h_comp;  // 0 off, 1 on, 2 RFC1144, 3 RFC2507
};
Result<std::string> EncodeCgdcont(const PdpContextRequest& request);

// One line of AT+CGDCONT?: `+CGDCONT: 1, "IP", "", "", 0, 0` (§2.11.3); also `1,"IP",,,0,0`
// and the truncated `1,"IP","apn"` of other firmware (docs/at-commands.md, "Answers from other
// firmware: +CGDCONT").
struct PdpContext {
  int cid = 0;
  std::string type;  // as received, so an unknown type is still shown
  std::string apn;
  std::string address;
  std::optional<int> d_comp;
  std::optional<int> h_comp;

  friend bool operator==(const PdpContext&, const PdpContext&) = default;
};
Result<PdpContext> DecodeCgdcont(std::string_view line);

// One line of AT+CGDCONT=?: `+CGDCONT: (1-2), "IP", , , (0, 1), (0, 1)` (§2.11.1), also a
// parenthesised type `("IP")` (phonesim) and an empty cid range (Thuraya): docs/at-commands.md,
// "Answers from other firmware: +CGDCONT".
struct PdpSupport {
  std::vector<IntRange> cids;
  std::string type;
  std::vector<IntRange> d_comp;
  std::vector<IntRange> h_comp;

  friend bool operator==(const PdpSupport&, const PdpSupport&) = default;
};
Result<PdpSupport> DecodeCgdcontTest(std::string_view line);

// --- AT+CGQREQ §2.12 / AT+CGQMIN §2.13 -----------------------------------------------------

// A GPRS QoS profile (GSM 03.60); 0 = subscribed/default in every field.
struct QosProfile {
  int cid = 1;
  int precedence = 0;   // 0–3
  int delay = 0;        // 0–4 (§2.12 lists 1–3, its test answer (1-4); we accept 4)
  int reliability = 0;  // 0–5
  int peak = 0;         // 0–9
  int mean = 0;         // 0–18 or 31 (best effort)

  friend bool operator==(const QosProfile&, const QosProfile&) = default;
};

// AT+CGQREQ=<cid>,<precedence>,<delay>,<reliability>,<peak>,<mean>.
Result<std::string> EncodeCgqreq(const QosProfile& qos);
// AT+CGQMIN=<cid>,... with the same fields.
Result<std::string> EncodeCgqmin(const QosProfile& qos);

// `+CGQREQ: 1, 1, 4, 5, 2, 14` (§2.12.4). Trailing fields may be missing.
Result<QosProfile> DecodeCgqreq(std::string_view line);
// `+CGQMIN: 1, 0, 0, 0, 0, 0` (§2.13.3).
Result<QosProfile> DecodeCgqmin(std::string_view line);

// --- AT+CGPADDR, §2.14 ---------------------------------------------------------------------

// AT+CGPADDR=<cid>[,<cid>...]; no cids gives `AT+CGPADDR=` (all contexts, §2.14.3).
Result<std::string> EncodeCgpaddr(std::span<const int> cids = {});

// `+CGPADDR: 1,"192.168.40.13"` (§2.14.2); the address may be empty or bare.
struct PdpAddress {
  int cid = 0;
  std::string address;

  friend bool operator==(const PdpAddress&, const PdpAddress&) = default;
};
Result<PdpAddress> DecodeCgpaddr(std::string_view line);

// --- AT+CGDATA, §2.16 ----------------------------------------------------------------------

// AT+CGDATA="PPP",<cid>: the only L2P the module supports is PPP (§2.16.2). The answer is the
// final result CONNECT (the tokenizer's business).
Result<std::string> EncodeCgdata(int cid);

// `+CGDATA: "PPP"` (§2.16.1) → {"PPP"}; also the list form `("PPP","PAD")`.
Result<std::vector<std::string>> DecodeCgdataTest(std::string_view line);

}  // namespace uclink::chat
