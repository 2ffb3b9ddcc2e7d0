#include "pppif/hdlc.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string_view>

#include "pppif/fcs.h"
#include "pppif/hdlc_simd.h"

namespace uclink::pppif {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;

// The word paths read byte k of a word as bits 8k..8k+7; big-endian hosts use the byte loops.
constexpr bool kWordPaths = std::endian::native == std::endian::little;

inline std::uint64_t Load64(const std::uint8_t* p) {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

inline void Store64(std::uint8_t* p, std::uint64_t x) { std::memcpy(p, &x, 8); }

// Bit tricks from "Bit Twiddling Hacks" (haszero / hasless): non-zero iff some byte of `x` is
// zero / below 0x20. Only the lowest flagged byte is exact (a borrow can flag the byte above).
constexpr std::uint64_t HasZero(std::uint64_t x) { return (x - kOnes) & ~x & kHighs; }
constexpr std::uint64_t HasControl(std::uint64_t x) { return (x - 0x20 * kOnes) & ~x & kHighs; }

// RFC 1662 §4.2: flag and escape always, control characters when the ACCM says so.
inline bool IsSpecial(std::uint8_t c, std::uint32_t accm) {
  return c == kFlag || c == kEscape || (c < 0x20 && ((accm >> c) & 1U) != 0);
}

// 0x80 in exactly the bytes of `x` equal to `value`. Adding 7-bit halves never carries into the
// next byte, so every hit is exact: the escape and compaction steps below need all positions.
constexpr std::uint64_t BytesEqual(std::uint64_t x, std::uint8_t value) {
  const std::uint64_t y = x ^ (value * kOnes);
  return ~(((y & kLow7) + kLow7) | y) & kHighs;
}

// 0x80 in exactly the bytes of `x` below 0x20 (the control characters an ACCM can name).
// (c & 0x7F) + 0x60 reaches bit 7 iff c & 0x7F >= 0x20; c's own bit 7 marks c >= 0x80.
constexpr std::uint64_t BytesBelow20(std::uint64_t x) {
  return ~(((x & kLow7) + 0x60 * kOnes) | x) & kHighs;
}

// How many bytes carry a 0x80 mark (a multiply sums the bytes into the top one; no popcnt
// instruction needed on baseline x86-64).
constexpr std::size_t CountMarks(std::uint64_t marks) {
  return static_cast<std::size_t>(((marks >> 7) * kOnes) >> 56);
}

static_assert(BytesEqual(0x7D7C7D00'7E7D017DULL, kEscape) == 0x8000'8000'0080'0080ULL);
static_assert(BytesBelow20(0x20'1F'80'00'FF'7E'01'3FULL) == 0x0080'0080'0000'8000ULL);
static_assert(CountMarks(0x8000'8000'0080'0080ULL) == 4);

// Length of the leading run of bytes that need no escaping, eight bytes per step: runs average
// 128 bytes on random data with ACCM 0 and about 7 with ACCM 0xFFFFFFFF. The lowest flagged
// byte of the bit tricks is exact (borrows only travel upwards), so it is found with one ctz.
std::size_t PlainRun(const std::uint8_t* p, std::size_t n, std::uint32_t accm) {
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    const bool control = accm != 0;
    while (i + 8 <= n) {
      std::uint64_t x;
      std::memcpy(&x, p + i, 8);
      const std::uint64_t hit = HasZero(x ^ (kFlag * kOnes)) | HasZero(x ^ (kEscape * kOnes)) |
                                (control ? HasControl(x) : 0);
      if (hit == 0) {
        i += 8;
        continue;
      }
      const std::size_t j = i + (static_cast<std::size_t>(std::countr_zero(hit)) >> 3);
      if (IsSpecial(p[j], accm)) return j;
      i = j + 1;  // a control character the ACCM leaves alone: plain after all
    }
  }
  for (; i < n; ++i) {
    if (IsSpecial(p[i], accm)) return i;
  }
  return n;
}

// One flag bit per byte value, without a table: flag, escape, or a control character in `accm`.
inline std::uint32_t SpecialBit(std::uint8_t c, std::uint32_t accm) {
  return (static_cast<std::uint32_t>(c < 0x20) & (accm >> (c & 0x1F))) |
         static_cast<std::uint32_t>(c == kFlag) | static_cast<std::uint32_t>(c == kEscape);
}

// Wire form of each byte value under a non-zero ACCM: one or two bytes, and the length in bits
// 16+. One load and one two-byte store per byte, no branch (escapes are too frequent to predict).
void BuildEscapeTable(std::uint32_t accm, std::array<std::uint32_t, 256>& table) {
  for (unsigned c = 0; c < 256; ++c) {
    const std::uint32_t e = SpecialBit(static_cast<std::uint8_t>(c), accm) & 1U;
    table[c] = e != 0 ? (kEscape | ((c ^ 0x20U) << 8) | (2U << 16)) : (c | (1U << 16));
  }
}

// Stores both bytes of a table entry (the second is overwritten next if unused); advances.
inline std::uint8_t* PutWire(std::uint32_t entry, std::uint8_t* o) {
  if constexpr (std::endian::native == std::endian::little) {
    const auto pair = static_cast<std::uint16_t>(entry);
    std::memcpy(o, &pair, 2);
  } else {
    o[0] = static_cast<std::uint8_t>(entry);
    o[1] = static_cast<std::uint8_t>(entry >> 8);
  }
  return o + (entry >> 16);
}

std::uint8_t* EscapeWithTable(const std::uint8_t* p, std::size_t n,
                              const std::array<std::uint32_t, 256>& table, std::uint8_t* o) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x;
    std::memcpy(&x, p + i, 8);
    // A third of the words of random data need no escaping even with a full ACCM.
    if ((HasZero(x ^ (kFlag * kOnes)) | HasZero(x ^ (kEscape * kOnes)) | HasControl(x)) == 0) {
      std::memcpy(o, &x, 8);
      o += 8;
      continue;
    }
    for (std::size_t j = 0; j < 8; ++j) {
      o = PutWire(table[p[i + j]], o);
    }
  }
  for (; i < n; ++i) {
    o = PutWire(table[p[i]], o);
  }
  return o;
}

// ACCM 0: runs average 128 bytes on random data; copy them whole.
std::uint8_t* EscapeRuns(const std::uint8_t* p, std::size_t n, std::uint8_t* o) {
  while (n > 0) {
    const std::size_t run = PlainRun(p, n, 0);
    std::memcpy(o, p, run);
    o += run;
    p += run;
    n -= run;
    if (n == 0) break;
    *o++ = kEscape;
    *o++ = static_cast<std::uint8_t>(*p++ ^ 0x20);
    --n;
  }
  return o;
}

// Removes the lowest marked byte of `x`, moving the bytes above it down one place, and drops its
// mark; with no mark left it changes nothing.
inline void DropLowestMarked(std::uint64_t& x, std::uint64_t& marks) {
  const std::uint64_t lowest = marks & (~marks + 1);
  const std::uint64_t below = (lowest >> 7) - 1;  // the bytes under the mark; all if none
  x = (x & below) | ((x >> 8) & ~below);
  marks = (marks ^ lowest) >> 8;
}

// Unescapes one 8-byte word holding no flag and no control character (RFC 1662 §4.2): each 7D
// vanishes and the byte after it (in the next word when the 7D is last) is XORed with 0x20; a
// 7D after a 7D stays an escape, as in FeedByte. `escaped` carries the state between words.
// Stores 8 bytes at `out` and returns how many of them count. Two drop steps run without a
// branch: 94 % of words on a full-ACCM wire hold at most two escapes.
inline std::size_t UnescapeWord(std::uint64_t x, std::uint32_t& escaped, std::uint8_t* out) {
  std::uint64_t escapes = BytesEqual(x, kEscape);
  const std::uint64_t after = ((escapes << 8) | (std::uint64_t{escaped} << 7)) & ~escapes;
  escaped = static_cast<std::uint32_t>(escapes >> 63);
  x ^= after >> 2;  // 0x80 → 0x20 in the escaped bytes
  const std::size_t dropped = CountMarks(escapes);
  DropLowestMarked(x, escapes);
  DropLowestMarked(x, escapes);
  while (escapes != 0) DropLowestMarked(x, escapes);
  Store64(out, x);
  return 8 - dropped;
}

// The byte-at-a-time form of UnescapeWord that also drops control characters flagged in `accm`
// (RFC 1662 §4.2) without ending an escape. Branch-free: the store always happens and only
// counts when the byte is kept. Returns the bytes kept; writes below out + n.
std::size_t UnescapeBytes(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                          std::uint32_t& escaped, std::uint8_t* out) {
  std::size_t w = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint8_t c = p[k];
    const std::uint32_t drop = static_cast<std::uint32_t>(c < 0x20) & (accm >> (c & 0x1F)) & 1U;
    const std::uint32_t escape = static_cast<std::uint32_t>(c == kEscape);
    out[w] = static_cast<std::uint8_t>(c ^ (escaped << 5));
    w += (escape | drop) ^ 1U;
    escaped = (escaped & drop) | (escape & (drop ^ 1U));
  }
  return w;
}

constexpr std::string_view kNoCarrier = "NO CARRIER";
constexpr std::uint8_t kNoMatch = 0xFF;

}  // namespace

const char* ToString(HdlcPath path) {
  switch (path) {
    case HdlcPath::kPortable:
      return "portable";
    case HdlcPath::kSsse3:
      return "ssse3";
  }
  return "unknown";
}

HdlcPath BestHdlcPath() { return simd::Ssse3Available() ? HdlcPath::kSsse3 : HdlcPath::kPortable; }

namespace {

HdlcPath Runnable(HdlcPath path) {
  return path == HdlcPath::kSsse3 && !simd::Ssse3Available() ? HdlcPath::kPortable : path;
}

}  // namespace

TxFraming SelectFraming(std::uint16_t protocol, std::span<const std::uint8_t> info,
                        const TxFraming& negotiated) {
  if (protocol == kProtoLcp && !info.empty() && info[0] >= 1 && info[0] <= 7) return TxFraming{};
  return negotiated;
}

std::size_t HdlcEncoder::Encode(std::uint16_t protocol, std::span<const std::uint8_t> info,
                                const TxFraming& framing, bool leading_flag, std::uint8_t* out) {
  std::uint8_t header[4];
  std::size_t h = 0;
  if (!framing.acfc) {
    header[h++] = 0xFF;
    header[h++] = 0x03;
  }
  if (!framing.pfc || protocol > 0xFF) header[h++] = static_cast<std::uint8_t>(protocol >> 8);
  header[h++] = static_cast<std::uint8_t>(protocol);
  std::uint16_t fcs = FcsUpdate(kFcsInit, std::span<const std::uint8_t>(header, h));
  fcs = static_cast<std::uint16_t>(~FcsUpdate(fcs, info));
  const std::uint8_t trailer[2] = {static_cast<std::uint8_t>(fcs),
                                   static_cast<std::uint8_t>(fcs >> 8)};
  std::uint8_t* o = out;
  if (leading_flag) *o++ = kFlag;
  o = Escape(header, h, framing.accm, o);
  o = Escape(info.data(), info.size(), framing.accm, o);
  o = Escape(trailer, 2, framing.accm, o);
  *o++ = kFlag;
  return static_cast<std::size_t>(o - out);
}

HdlcEncoder::HdlcEncoder(HdlcPath path) : path_(Runnable(path)) {}

std::uint8_t* HdlcEncoder::Escape(const std::uint8_t* p, std::size_t n, std::uint32_t accm,
                                  std::uint8_t* o) {
  if (path_ == HdlcPath::kSsse3) {
    const std::size_t done = simd::EscapeBlocks(p, n, accm, o);
    p += done;
    n -= done;
  }
  if (accm == 0) return EscapeRuns(p, n, o);
  if (!table_accm_ || *table_accm_ != accm) {
    BuildEscapeTable(accm, table_);
    table_accm_ = accm;
  }
  return EscapeWithTable(p, n, table_, o);
}

void HdlcEncoder::Append(std::uint16_t protocol, std::span<const std::uint8_t> info,
                         const TxFraming& framing, bool leading_flag,
                         std::vector<std::uint8_t>& out) {
  const std::size_t old = out.size();
  out.resize(old + MaxEncodedSize(info.size()));
  out.resize(old + Encode(protocol, info, framing, leading_flag, out.data() + old));
}

std::size_t EncodeFrame(std::uint16_t protocol, std::span<const std::uint8_t> info,
                        const TxFraming& framing, bool leading_flag, std::uint8_t* out) {
  HdlcEncoder encoder;
  return encoder.Encode(protocol, info, framing, leading_flag, out);
}

void AppendFrame(std::uint16_t protocol, std::span<const std::uint8_t> info,
                 const TxFraming& framing, bool leading_flag, std::vector<std::uint8_t>& out) {
  HdlcEncoder encoder;
  encoder.Append(protocol, info, framing, leading_flag, out);
}

const char* ToString(FrameError error) {
  switch (error) {
    case FrameError::kBadFcs:
      return "bad FCS";
    case FrameError::kRunt:
      return "runt frame";
    case FrameError::kAborted:
      return "aborted frame";
    case FrameError::kOversized:
      return "oversized frame";
    case FrameError::kBadHeader:
      return "bad address/control or protocol field";
  }
  return "unknown frame error";
}

HdlcDeframer::HdlcDeframer(std::size_t max_frame, HdlcPath path)
    : max_frame_(max_frame), path_(Runnable(path)), buf_(max_frame) {}

void HdlcDeframer::SetReceiveAccm(std::uint32_t accm) { accm_ = accm; }

void HdlcDeframer::Feed(std::span<const std::uint8_t> bytes, HdlcSink& sink) {
  const std::uint8_t* p = bytes.data();
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    // Hunting, modem text, an escape split across reads and a full buffer go byte by byte.
    if (hunting_ || text_active_ || escaped_ || len_ >= max_frame_) {
      FeedByte(p[i++], sink);
      continue;
    }
    const std::size_t room = std::min(n - i, max_frame_ - len_);
    if (accm_ != 0) {
      // Escapes every few bytes: a branch-free loop beats copying short runs.
      i += UnescapeRun(p + i, room);
      if (i < n && len_ < max_frame_) FeedByte(p[i++], sink);  // the flag that stopped it
      continue;
    }
    // ACCM 0: copy a run of plain bytes whole, then decode an escape pair in place.
    const std::size_t run = PlainRun(p + i, room, accm_);
    std::memcpy(buf_.data() + len_, p + i, run);
    len_ += run;
    i += run;
    if (run == room) continue;
    if (p[i] == kEscape && i + 1 < n && len_ < max_frame_) {
      const std::uint8_t next = p[i + 1];
      if (!IsSpecial(next, accm_)) {
        buf_[len_++] = static_cast<std::uint8_t>(next ^ 0x20);
        i += 2;
        continue;
      }
    }
    FeedByte(p[i++], sink);  // flag, dropped control character, or an unusual escape
  }
}

// Unescapes up to the next flag with the same rules as FeedByte: flagged control characters
// vanish without ending an escape, 7D starts one (also after another 7D), anything else is
// stored. With a full ACCM one random byte in 7.5 arrives escaped, so a copy of plain runs
// would stop every few bytes; instead whole words go through UnescapeWord, whose work does not
// depend on where the escapes are, and only words holding a control character (never in a
// well-formed stream under a full ACCM) take the byte loop.
std::size_t HdlcDeframer::UnescapeRun(const std::uint8_t* p, std::size_t n) {
  // The flag ends the run; memchr finds it with wide loads, so the loops need no flag test.
  const void* flag = std::memchr(p, kFlag, n);
  const std::size_t end =
      flag != nullptr ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(flag) - p) : n;
  std::uint8_t* const out = buf_.data() + len_;
  std::uint32_t escaped = escaped_ ? 1U : 0U;
  std::size_t w = 0;
  std::size_t k = 0;
  if (path_ == HdlcPath::kSsse3) {
    // Blocks holding a control character (never in a well-formed stream) go byte by byte.
    while (end - k >= 16) {
      k += simd::UnescapeBlocks(p + k, end - k, accm_, escaped, out + w, w);
      if (end - k >= 16) {
        w += UnescapeBytes(p + k, 16, accm_, escaped, out + w);
        k += 16;
      }
    }
  }
  if constexpr (kWordPaths) {
    // Each word writes 8 bytes at out + w with w <= k, so below out + end <= out + n.
    for (; k + 8 <= end; k += 8) {
      const std::uint64_t x = Load64(p + k);
      if (BytesBelow20(x) != 0) {
        w += UnescapeBytes(p + k, 8, accm_, escaped, out + w);
      } else {
        w += UnescapeWord(x, escaped, out + w);
      }
    }
  }
  w += UnescapeBytes(p + k, end - k, accm_, escaped, out + w);
  len_ += w;
  escaped_ = escaped != 0;
  return end;
}

void HdlcDeframer::StartSegment() {
  len_ = 0;
  escaped_ = false;
  text_active_ = true;
  text_match_ = 0;
}

void HdlcDeframer::FeedByte(std::uint8_t byte, HdlcSink& sink) {
  if (hunting_) {
    if (byte == kFlag) {
      hunting_ = false;
      StartSegment();
    } else {
      FeedText(byte, sink);
    }
    return;
  }
  if (text_active_) FeedText(byte, sink);
  if (byte == kFlag) {
    if (escaped_) {  // RFC 1662 §4.3: "7D 7E" aborts; the flag opens the next frame
      Discard(FrameError::kAborted, sink);
      StartSegment();
    } else {
      EndFrame(sink);
    }
  } else if (byte < 0x20 && ((accm_ >> byte) & 1U) != 0) {
    // RFC 1662 §4.2: flagged control characters received unescaped were inserted by the DCE.
  } else if (byte == kEscape) {
    escaped_ = true;
  } else {
    Push(escaped_ ? static_cast<std::uint8_t>(byte ^ 0x20) : byte, sink);
    escaped_ = false;
  }
}

// Modem text ("\r\nNO CARRIER\r\n") arrives between frames or while hunting; frames themselves
// start with FF or a binary protocol byte, so only all-text segments and lines are matched.
void HdlcDeframer::FeedText(std::uint8_t byte, HdlcSink& sink) {
  if (byte == '\r' || byte == '\n') {
    text_active_ = true;
    text_match_ = 0;
    return;
  }
  if (!text_active_) return;
  if (byte < 0x20 || byte > 0x7E) {
    text_active_ = false;
    return;
  }
  if (text_match_ != kNoMatch && byte == static_cast<std::uint8_t>(kNoCarrier[text_match_])) {
    if (++text_match_ == kNoCarrier.size()) {
      text_match_ = kNoMatch;
      sink.OnNoCarrier();
    }
    return;
  }
  text_match_ = kNoMatch;
}

void HdlcDeframer::Push(std::uint8_t byte, HdlcSink& sink) {
  if (len_ >= max_frame_) {
    // Never accumulate past the limit; resync on a flag (docs/ppp.md, "Pitfalls: Invalid frames
    // resynchronise at the next flag").
    Discard(FrameError::kOversized, sink);
    hunting_ = true;
    return;
  }
  buf_[len_++] = byte;
}

void HdlcDeframer::Discard(FrameError error, HdlcSink& sink) {
  len_ = 0;
  escaped_ = false;
  sink.OnFrameError(error);
}

void HdlcDeframer::EndFrame(HdlcSink& sink) {
  const std::size_t size = len_;
  if (size == 0) {  // RFC 1662 §3.1: back-to-back flags are time fill, not an error
    StartSegment();
    return;
  }
  if (size < 4) {  // RFC 1662 §4.3: 7E 00 00 7E has a valid FCS and is still a runt
    Discard(FrameError::kRunt, sink);
    StartSegment();
    return;
  }
  if (FcsUpdate(kFcsInit, std::span<const std::uint8_t>(buf_.data(), size)) != kFcsGood) {
    Discard(FrameError::kBadFcs, sink);
    StartSegment();
    return;
  }
  std::span<const std::uint8_t> body(buf_.data(), size - 2);
  // RFC 1662 §3.2: FF 03 is optional on receive (ACFC), even on LCP: some modules omit it
  // (docs/ppp.md, "Pitfalls: ACFC and PFC are accepted on every frame").
  if (body[0] == 0xFF) {
    if (body.size() < 2 || body[1] != 0x03) {
      Discard(FrameError::kBadHeader, sink);
      StartSegment();
      return;
    }
    body = body.subspan(2);
  }
  // RFC 1661 §2: protocol fields end in an odd octet; a leading odd octet means PFC.
  std::uint16_t protocol = 0;
  if (!body.empty() && (body[0] & 1U) != 0) {
    protocol = body[0];
    body = body.subspan(1);
  } else if (body.size() >= 2 && (body[1] & 1U) != 0) {
    protocol = static_cast<std::uint16_t>(body[0] << 8 | body[1]);
    body = body.subspan(2);
  } else {
    Discard(FrameError::kBadHeader, sink);
    StartSegment();
    return;
  }
  sink.OnFrame(protocol, body);
  StartSegment();
}

}  // namespace uclink::pppif
