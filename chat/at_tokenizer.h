// AtTokenizer: bytes from the serial port in, typed tokens out. Pure: no I/O, no timers, no heap
// allocation per line (lines live in a fixed 4 KiB buffer or are views into the caller's bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace uclink::chat {

// What a token is.
enum class TokenKind {
  kLine,           // a complete non-empty line, terminator stripped
  kPrompt,         // `>` at the start of a line (no line end follows it)
  kPayloadHeader,  // the header of a length-prefixed payload; `length` bytes follow
  kPayload,        // a chunk of payload bytes (may be split over several tokens)
  kPayloadEnd,     // the announced payload is complete (also emitted for length 0)
  kData,           // bytes after EnterData(): they belong to the data consumer (PPP)
  kError,          // a line that was dropped; see `error`
};

// Why a line was dropped.
enum class TokenError {
  kNone,
  kLineTooLong,     // longer than AtTokenizer::kMaxLine; resynchronised at the next line end
  kBinaryGarbage,   // NUL or other control bytes inside a line
  kPayloadTrailer,  // unexpected bytes between a payload's end and its line end
};

// The tokenizer's mode.
enum class TokenizerMode {
  kLine,  // lines, prompts and payload headers
  kRaw,   // counting payload bytes
  kData,  // everything is data until Reset()
};

std::string_view ToString(TokenKind kind);
std::string_view ToString(TokenError error);
std::string_view ToString(TokenizerMode mode);

// Where a length-prefixed payload sits relative to its header.
enum class PayloadPlacement {
  kInline,    // right after the comma that ends the length field: `+IPRECV="TCP",3,abc`
  kNextLine,  // after the header line's terminator: `+FTPLIST:0,370\r\n<370 bytes>`
};

std::string_view ToString(PayloadPlacement placement);

// A response header that announces a payload. The line's name is matched case-insensitively,
// ignoring spaces (the manual writes both `+FTPGET` and `+ FTPGET`), followed by `:` or `=`.
struct PayloadRule {
  std::string_view name;  // upper case, no spaces, e.g. "+IPRECV"
  int length_field;       // 0-based index of the decimal length among the comma-separated fields
  PayloadPlacement placement;
  // kInline only: the one byte the header format puts between the length's comma and the data
  // (' ' for `+IPRECV="TCP", 3, 123`, '"' for an MQTT message), stripped when present; '\0' when
  // the data follows the comma at once. Bytes counted in the length are never stripped.
  char separator = '\0';
  // kInline only: when non-zero the length field is the whole message's length and each header
  // carries the next min(segment, remaining) bytes of it (+MQTTSUB, manual §2.57).
  std::size_t segment = 0;
};

// The UC8088's payload-carrying responses (manual §2.25, §2.37/§2.43, §2.40, §2.48, §2.61).
std::span<const PayloadRule> DefaultPayloadRules();

// One token. `text` points into the tokenizer or into the bytes given to Feed(); it stays valid
// until the next call to Next(), Feed() or Reset().
struct AtToken {
  TokenKind kind = TokenKind::kLine;
  std::string_view text;
  std::size_t length = 0;  // kPayloadHeader: the bytes that follow (a +MQTTSUB segment's share)
  TokenError error = TokenError::kNone;
};

// Usage: Feed(bytes), then call Next() until it returns nullopt, then Feed() the next read.
// Between two Next() calls the consumer may call EnterRaw()/EnterData(); the switch happens at
// exactly the byte after the last token, even in the middle of one read.
//
// Line ends are CR, LF, CRLF or CR CR LF; empty and blank lines are dropped.
class AtTokenizer {
 public:
  // Longest line accepted; the manual's longest answers (COPS=?, MQTTCONFIG?) stay far below it.
  static constexpr std::size_t kMaxLine = 4096;
  // Largest payload a header may announce; larger values are not treated as payload headers.
  static constexpr std::size_t kMaxPayload = 1 << 20;

  explicit AtTokenizer(std::span<const PayloadRule> rules = DefaultPayloadRules());

  // Sets the next bytes to tokenize. Unconsumed bytes of an earlier Feed() are discarded.
  void Feed(std::span<const std::uint8_t> bytes);
  void Feed(std::string_view bytes);

  // The next token, or nullopt when the fed bytes are used up (a partial line is kept).
  std::optional<AtToken> Next();

  // Counts the next `length` bytes as payload (a LF left over from the previous CRLF is skipped).
  void EnterRaw(std::size_t length);
  // Everything from here on is data (a LF left over from the previous CRLF is skipped).
  void EnterData();
  // Back to line mode: drops a partial line and any unfinished payload.
  void Reset();

  TokenizerMode mode() const { return mode_; }
  // Payload bytes still expected in kRaw mode.
  std::size_t raw_remaining() const { return raw_remaining_; }
  // Bytes fed but not yet consumed by Next().
  std::size_t unconsumed() const { return input_.size() - pos_; }

 private:
  // Incremental recogniser for payload headers, fed with every byte of a `+` line.
  struct HeaderScan {
    enum class Phase { kName, kFields, kOff };
    Phase phase = Phase::kName;
    std::array<char, 16> name{};
    std::size_t name_len = 0;
    const PayloadRule* rule = nullptr;
    int field = 0;
    bool in_quotes = false;
    bool digits = false;        // the current field has digits
    bool after_digits = false;  // spaces after the digits
    bool content = false;       // the current field has non-space content
    bool valid = true;          // the length field is a clean decimal so far
    std::size_t value = 0;
  };
  enum class LineState { kNormal, kDiscard, kTrailer };
  enum class RawPhase { kBody, kSeparator };

  std::optional<AtToken> NextLine();
  std::optional<AtToken> NextRaw();
  std::optional<AtToken> NextTrailer();
  std::optional<AtToken> FinishLine(std::string_view line);
  // Feeds one byte to the header scan; true when an inline header ends at this byte (a comma).
  bool ScanHeaderByte(char c);
  void ResolveRule();
  // The bytes the inline header that ends here announces (a segment for segmented rules).
  std::size_t InlinePayloadLength();
  void ClearLine();
  std::string_view BufferedLine() const { return {buffer_.data(), buffer_len_}; }

  std::span<const PayloadRule> rules_;
  std::span<const std::uint8_t> input_;
  std::size_t pos_ = 0;
  TokenizerMode mode_ = TokenizerMode::kLine;
  LineState line_state_ = LineState::kNormal;
  std::array<char, kMaxLine> buffer_{};
  std::size_t buffer_len_ = 0;
  bool line_bad_ = false;
  bool line_started_ = false;
  bool clear_pending_ = false;
  bool skip_lf_ = false;  // the last terminator was CR: a following LF is not a new line
  bool skip_prompt_space_ = false;
  HeaderScan scan_;
  // Payload state.
  std::size_t raw_remaining_ = 0;
  RawPhase raw_phase_ = RawPhase::kBody;
  bool raw_inline_ = false;
  char raw_separator_ = '\0';
  // Segmented message in progress (+MQTTSUB): its announced length and the bytes still to come.
  std::size_t segment_total_ = 0;
  std::size_t segment_remaining_ = 0;
  bool raw_quoted_ = false;
  bool trailer_bad_ = false;
  bool trailer_quote_seen_ = false;
};

}  // namespace uclink::chat
