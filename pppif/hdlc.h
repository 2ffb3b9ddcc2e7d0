// RFC 1662 HDLC-like framing for PPP over an asynchronous line: pure, bytes in and frames out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace uclink::pppif {

inline constexpr std::uint8_t kFlag = 0x7E;
inline constexpr std::uint8_t kEscape = 0x7D;
inline constexpr std::uint32_t kDefaultAccm = 0xFFFFFFFF;  ///< RFC 1662 §7.1 until LCP Opened
inline constexpr std::uint16_t kProtoLcp = 0xC021;

/// How frames are sent: the peer's receive ACCM and the compressions it agreed to.
struct TxFraming {
  std::uint32_t accm = kDefaultAccm;
  bool acfc = false;  ///< omit FF 03 (RFC 1661 §6.6)
  bool pfc = false;   ///< one-byte protocol when it fits (RFC 1661 §6.5)
};

/// RFC 1661 §5: LCP codes 1–7 are always sent "as if no Configuration Options were negotiated";
/// everything else uses `negotiated`.
TxFraming SelectFraming(std::uint16_t protocol, std::span<const std::uint8_t> info,
                        const TxFraming& negotiated);

/// Upper bound of the encoded size of a frame carrying `info_size` bytes (flags included).
constexpr std::size_t MaxEncodedSize(std::size_t info_size) { return 2 * (info_size + 6) + 2; }

/// Which implementation escapes and unescapes bytes; both give identical results.
enum class HdlcPath {
  kPortable,  ///< eight bytes per step with 64-bit word arithmetic; any CPU
  kSsse3,     ///< sixteen bytes per step with PSHUFB; x86-64 CPUs with SSSE3
};
const char* ToString(HdlcPath path);

/// The fastest path this CPU runs (kSsse3 where available).
HdlcPath BestHdlcPath();

/// Encodes frames; keeps the escape table of the last non-zero ACCM so it is built once.
class HdlcEncoder {
 public:
  /// `path` falls back to kPortable when the CPU cannot run it.
  explicit HdlcEncoder(HdlcPath path = BestHdlcPath());

  /// Writes one frame (optional leading flag, escaped body and FCS, closing flag) to `out`,
  /// which must hold MaxEncodedSize(info.size()) bytes; returns the bytes written.
  std::size_t Encode(std::uint16_t protocol, std::span<const std::uint8_t> info,
                     const TxFraming& framing, bool leading_flag, std::uint8_t* out);
  /// Appends one encoded frame to `out`.
  void Append(std::uint16_t protocol, std::span<const std::uint8_t> info, const TxFraming& framing,
              bool leading_flag, std::vector<std::uint8_t>& out);
  /// The path in use (after any fallback).
  HdlcPath path() const { return path_; }

 private:
  std::uint8_t* Escape(const std::uint8_t* p, std::size_t n, std::uint32_t accm, std::uint8_t* o);

  HdlcPath path_;
  std::optional<std::uint32_t> table_accm_;
  std::array<std::uint32_t, 256> table_{};
};

/// One-off form of HdlcEncoder::Encode. Writes one frame (optional leading flag, escaped body and
/// FCS, closing flag) to `out`, which must hold MaxEncodedSize(info.size()) bytes; returns the
/// bytes written.
std::size_t EncodeFrame(std::uint16_t protocol, std::span<const std::uint8_t> info,
                        const TxFraming& framing, bool leading_flag, std::uint8_t* out);

/// One-off form of HdlcEncoder::Append.
void AppendFrame(std::uint16_t protocol, std::span<const std::uint8_t> info,
                 const TxFraming& framing, bool leading_flag, std::vector<std::uint8_t>& out);

/// Why a received frame was discarded (RFC 1662 §4.3 invalid frames).
enum class FrameError {
  kBadFcs,     ///< FCS residue is not 0xF0B8
  kRunt,       ///< fewer than 4 octets between flags
  kAborted,    ///< Control Escape followed by a flag
  kOversized,  ///< longer than the receive limit; bytes skipped up to the next flag
  kBadHeader,  ///< address/control not FF 03, or an even (invalid) protocol field
};
const char* ToString(FrameError error);

/// Receives what the deframer finds; `info` is valid only during the call.
class HdlcSink {
 public:
  virtual void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) = 0;
  virtual void OnFrameError(FrameError error) = 0;
  /// The modem's "NO CARRIER" result text appeared in the stream (it left data mode).
  virtual void OnNoCarrier() = 0;

 protected:
  ~HdlcSink() = default;
};

/// Splits a byte stream into frames. Liberal receive: address/control and protocol compression
/// accepted at any time (docs/ppp.md, "Pitfalls: ACFC and PFC are accepted on every frame").
/// Starts hunting for a flag, so modem text before PPP is skipped ("Pitfalls: Text before the
/// first flag").
class HdlcDeframer {
 public:
  /// `max_frame` bounds the unescaped frame (address..FCS) so garbage cannot grow memory;
  /// `path` falls back to kPortable when the CPU cannot run it.
  explicit HdlcDeframer(std::size_t max_frame, HdlcPath path = BestHdlcPath());

  /// Control characters flagged here and received unescaped are dropped (RFC 1662 §4.2);
  /// takes effect from the next byte, also within a Feed() call made from the sink.
  void SetReceiveAccm(std::uint32_t accm);
  std::uint32_t receive_accm() const { return accm_; }
  /// The path in use (after any fallback).
  HdlcPath path() const { return path_; }

  /// Consumes `bytes` (any split), reporting complete frames to `sink` in order.
  void Feed(std::span<const std::uint8_t> bytes, HdlcSink& sink);

 private:
  void StartSegment();
  void FeedByte(std::uint8_t byte, HdlcSink& sink);
  void FeedText(std::uint8_t byte, HdlcSink& sink);
  void Push(std::uint8_t byte, HdlcSink& sink);
  std::size_t UnescapeRun(const std::uint8_t* p, std::size_t n);
  void EndFrame(HdlcSink& sink);
  void Discard(FrameError error, HdlcSink& sink);

  std::size_t max_frame_;
  HdlcPath path_;
  std::uint32_t accm_ = kDefaultAccm;
  std::vector<std::uint8_t> buf_;  // max_frame_ bytes, allocated once
  std::size_t len_ = 0;
  bool hunting_ = true;
  bool escaped_ = false;
  bool text_active_ = true;      // the current segment looks like modem text so far
  std::uint8_t text_match_ = 0;  // characters of "NO CARRIER" matched on this line
};

}  // namespace uclink::pppif
