#include "chat/at_tokenizer.h"

#include <algorithm>
#include <cstring>

namespace uclink::chat {
namespace {

// The manual's payload-carrying answers. Each placement is read off the manual's own examples.
constexpr PayloadRule kDefaultRules[] = {
    // §2.25.1: `+IPRECV="TCP", 3, 123` — ", " then the data on the same line.
    {"+IPRECV", 1, PayloadPlacement::kInline, ' '},
    // §2.43: `+FTPGET:24,1234...` — the data follows the comma at once; a leading space is data
    // (uclink-sim sends `+FTPGET:<len>,<data>`).
    {"+FTPGET", 0, PayloadPlacement::kInline},
    // §2.61: `+MQTTSUB:"topic1",5,"hello"` — the message is quoted, the length excludes quotes;
    // §2.57: reports carry at most 200 bytes, longer messages come in segments that each repeat
    // the whole message's length.
    {"+MQTTSUB", 1, PayloadPlacement::kInline, '"', 200},
    // §2.40.1: `+FTPLIST:mode, lent` then the listing on the following lines.
    {"+FTPLIST", 1, PayloadPlacement::kNextLine},
    // §2.48.2: `+HTTPREAD:XXX,` then the body on the following lines.
    {"+HTTPREAD", 0, PayloadPlacement::kNextLine},
};

bool IsTerminator(std::uint8_t c) { return c == '\r' || c == '\n'; }

// Byte classes for the line scanner: one table lookup per byte.
enum ByteClass : std::uint8_t { kText = 0, kEnd = 1, kGarbage = 2 };

// NUL and other control bytes never appear in the manual's text answers (tab aside).
constexpr std::array<std::uint8_t, 256> MakeByteClasses() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 0x20; ++c) classes[c] = kGarbage;
  classes['\t'] = kText;
  classes['\r'] = kEnd;
  classes['\n'] = kEnd;
  classes[0x7f] = kGarbage;
  return classes;
}
constexpr std::array<std::uint8_t, 256> kByteClass = MakeByteClasses();

// True if any byte of `word` is a control byte (< 0x20) or DEL: 8 bytes per step on the common
// path (the classic "has less than" bit trick; exact for thresholds up to 0x80).
bool HasControlByte(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
  const std::uint64_t del = word ^ (kOnes * 0x7f);
  const std::uint64_t is_del = (del - kOnes) & ~del & kHighs;
  return (below_space | is_del) != 0;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string_view ToString(TokenKind kind) {
  switch (kind) {
    case TokenKind::kLine:
      return "line";
    case TokenKind::kPrompt:
      return "prompt";
    case TokenKind::kPayloadHeader:
      return "payload_header";
    case TokenKind::kPayload:
      return "payload";
    case TokenKind::kPayloadEnd:
      return "payload_end";
    case TokenKind::kData:
      return "data";
    case TokenKind::kError:
      return "error";
  }
  return "?";
}

std::string_view ToString(TokenError error) {
  switch (error) {
    case TokenError::kNone:
      return "none";
    case TokenError::kLineTooLong:
      return "line_too_long";
    case TokenError::kBinaryGarbage:
      return "binary_garbage";
    case TokenError::kPayloadTrailer:
      return "payload_trailer";
  }
  return "?";
}

std::string_view ToString(TokenizerMode mode) {
  switch (mode) {
    case TokenizerMode::kLine:
      return "line";
    case TokenizerMode::kRaw:
      return "raw";
    case TokenizerMode::kData:
      return "data";
  }
  return "?";
}

std::string_view ToString(PayloadPlacement placement) {
  switch (placement) {
    case PayloadPlacement::kInline:
      return "inline";
    case PayloadPlacement::kNextLine:
      return "next_line";
  }
  return "?";
}

std::span<const PayloadRule> DefaultPayloadRules() { return kDefaultRules; }

AtTokenizer::AtTokenizer(std::span<const PayloadRule> rules) : rules_(rules) {}

void AtTokenizer::Feed(std::span<const std::uint8_t> bytes) {
  input_ = bytes;
  pos_ = 0;
}

void AtTokenizer::Feed(std::string_view bytes) {
  Feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                     bytes.size()));
}

void AtTokenizer::EnterRaw(std::size_t length) {
  ClearLine();
  clear_pending_ = false;
  line_state_ = LineState::kNormal;
  mode_ = TokenizerMode::kRaw;
  raw_remaining_ = length;
  raw_phase_ = RawPhase::kBody;
  raw_inline_ = false;
  raw_quoted_ = false;
  raw_separator_ = '\0';
}

void AtTokenizer::EnterData() {
  ClearLine();
  clear_pending_ = false;
  line_state_ = LineState::kNormal;
  mode_ = TokenizerMode::kData;
}

void AtTokenizer::Reset() {
  ClearLine();
  clear_pending_ = false;
  mode_ = TokenizerMode::kLine;
  line_state_ = LineState::kNormal;
  raw_remaining_ = 0;
  segment_total_ = 0;
  segment_remaining_ = 0;
  skip_prompt_space_ = false;
}

void AtTokenizer::ClearLine() {
  buffer_len_ = 0;
  line_bad_ = false;
  line_started_ = false;
  scan_ = HeaderScan{};
}

std::optional<AtToken> AtTokenizer::Next() {
  if (clear_pending_) {
    ClearLine();
    clear_pending_ = false;
  }
  switch (mode_) {
    case TokenizerMode::kLine:
      return NextLine();
    case TokenizerMode::kRaw:
      return NextRaw();
    case TokenizerMode::kData: {
      if (skip_lf_ && pos_ < input_.size()) {
        skip_lf_ = false;
        if (input_[pos_] == '\n') ++pos_;
      }
      if (pos_ >= input_.size()) return std::nullopt;
      AtToken token{TokenKind::kData,
                    {reinterpret_cast<const char*>(input_.data()) + pos_, input_.size() - pos_}};
      pos_ = input_.size();
      return token;
    }
  }
  return std::nullopt;
}

std::optional<AtToken> AtTokenizer::NextRaw() {
  const char* base = reinterpret_cast<const char*>(input_.data());
  if (raw_phase_ == RawPhase::kSeparator) {
    // Only the header format's own separator byte is stripped (see PayloadRule::separator); the
    // next byte is already counted in the length, whatever it is.
    if (pos_ >= input_.size()) return std::nullopt;
    if (raw_separator_ != '\0' && base[pos_] == raw_separator_) {
      ++pos_;
      raw_quoted_ = raw_separator_ == '"';
    }
    raw_phase_ = RawPhase::kBody;
  }
  if (raw_remaining_ == 0) {
    mode_ = TokenizerMode::kLine;
    if (raw_inline_) {
      line_state_ = LineState::kTrailer;
      trailer_bad_ = false;
      trailer_quote_seen_ = false;
    }
    return AtToken{TokenKind::kPayloadEnd, {}};
  }
  if (skip_lf_ && pos_ < input_.size()) {
    skip_lf_ = false;
    if (input_[pos_] == '\n') ++pos_;
  }
  const std::size_t take = std::min(raw_remaining_, input_.size() - pos_);
  if (take == 0) return std::nullopt;
  AtToken token{TokenKind::kPayload, {base + pos_, take}};
  pos_ += take;
  raw_remaining_ -= take;
  return token;
}

std::optional<AtToken> AtTokenizer::NextTrailer() {
  while (pos_ < input_.size()) {
    const std::uint8_t c = input_[pos_++];
    if (IsTerminator(c)) {
      skip_lf_ = c == '\r';
      line_state_ = LineState::kNormal;
      if (trailer_bad_) return AtToken{TokenKind::kError, {}, 0, TokenError::kPayloadTrailer};
      return std::nullopt;
    }
    if (c == '"' && raw_quoted_ && !trailer_quote_seen_) {
      trailer_quote_seen_ = true;
    } else {
      trailer_bad_ = true;
    }
  }
  return std::nullopt;
}

void AtTokenizer::ResolveRule() {
  const std::string_view seen(scan_.name.data(), scan_.name_len);
  for (const PayloadRule& rule : rules_) {
    if (rule.name == seen) {
      scan_.rule = &rule;
      scan_.phase = HeaderScan::Phase::kFields;
      return;
    }
  }
  scan_.phase = HeaderScan::Phase::kOff;
}

std::size_t AtTokenizer::InlinePayloadLength() {
  const std::size_t total = scan_.value;
  const std::size_t segment = scan_.rule->segment;
  if (segment == 0) return total;
  // A header whose total differs from the message in progress starts a new message: a lost
  // segment costs that message, never the next one.
  if (segment_remaining_ == 0 || segment_total_ != total) {
    segment_total_ = total;
    segment_remaining_ = total;
  }
  const std::size_t length = std::min(segment, segment_remaining_);
  segment_remaining_ -= length;
  return length;
}

bool AtTokenizer::ScanHeaderByte(char c) {
  HeaderScan& s = scan_;
  switch (s.phase) {
    case HeaderScan::Phase::kOff:
      return false;
    case HeaderScan::Phase::kName:
      if (c == ':' || c == '=') {
        ResolveRule();
      } else if (c != ' ') {
        if (s.name_len == s.name.size()) {
          s.phase = HeaderScan::Phase::kOff;
        } else {
          s.name[s.name_len++] = Upper(c);
        }
      }
      return false;
    case HeaderScan::Phase::kFields:
      break;
  }
  const int length_field = s.rule->length_field;
  if (c == '"') {
    s.in_quotes = !s.in_quotes;
    s.content = true;
    if (s.field == length_field) s.valid = false;
    return false;
  }
  if (s.in_quotes) return false;
  if (c == ',') {
    if (s.field == length_field) {
      const bool ok = s.digits && s.valid;
      if (s.rule->placement == PayloadPlacement::kInline) {
        if (ok) return true;
        s.phase = HeaderScan::Phase::kOff;
        return false;
      }
      if (!ok) {
        s.phase = HeaderScan::Phase::kOff;
        return false;
      }
      ++s.field;
      s.content = false;  // keep `value`: a trailing comma may follow (§2.48.2)
      return false;
    }
    if (s.field > length_field) {
      s.phase = HeaderScan::Phase::kOff;
      return false;
    }
    ++s.field;
    s.content = false;
    return false;
  }
  if (c == ' ' || c == '\t') {
    if (s.field == length_field && s.digits) s.after_digits = true;
    return false;
  }
  s.content = true;
  if (s.field == length_field) {
    if (c >= '0' && c <= '9' && !s.after_digits) {
      s.digits = true;
      s.value = s.value * 10 + static_cast<std::size_t>(c - '0');
      if (s.value > kMaxPayload) s.valid = false;
      if (s.value > kMaxPayload) s.value = kMaxPayload + 1;
    } else {
      s.valid = false;
    }
  }
  return false;
}

std::optional<AtToken> AtTokenizer::FinishLine(std::string_view line) {
  clear_pending_ = true;
  if (line_bad_) return AtToken{TokenKind::kError, line, 0, TokenError::kBinaryGarbage};
  const HeaderScan& s = scan_;
  if (s.phase == HeaderScan::Phase::kFields && !s.in_quotes &&
      s.rule->placement == PayloadPlacement::kNextLine) {
    const int length_field = s.rule->length_field;
    const bool at_length = s.field == length_field && s.digits && s.valid;
    const bool trailing_comma = s.field == length_field + 1 && !s.content;
    if (at_length || trailing_comma) {
      mode_ = TokenizerMode::kRaw;
      raw_remaining_ = s.value;
      raw_phase_ = RawPhase::kBody;
      raw_inline_ = false;
      raw_quoted_ = false;
      return AtToken{TokenKind::kPayloadHeader, line, s.value};
    }
  }
  return AtToken{TokenKind::kLine, line};
}

std::optional<AtToken> AtTokenizer::NextLine() {
  const char* base = reinterpret_cast<const char*>(input_.data());
  const std::size_t size = input_.size();
  while (pos_ < size) {
    if (line_state_ == LineState::kTrailer) {
      if (auto token = NextTrailer()) return token;
      continue;
    }
    if (line_state_ == LineState::kDiscard) {
      while (pos_ < size && !IsTerminator(input_[pos_])) ++pos_;
      if (pos_ == size) return std::nullopt;
      skip_lf_ = input_[pos_++] == '\r';
      line_state_ = LineState::kNormal;
      ClearLine();
      continue;
    }
    if (!line_started_) {
      const char c = base[pos_];
      if (IsTerminator(static_cast<std::uint8_t>(c))) {
        ++pos_;
        skip_lf_ = c == '\r';
        continue;
      }
      if (skip_prompt_space_) {
        skip_prompt_space_ = false;
        if (c == ' ') {
          ++pos_;
          continue;
        }
      }
      skip_lf_ = false;
      if (c == '>') {
        // The prompt has no line end after it; a space may follow (docs/at-channel.md,
        // "Lessons: the prompt has no line end").
        ++pos_;
        skip_prompt_space_ = true;
        return AtToken{TokenKind::kPrompt, {base + pos_ - 1, 1}};
      }
      line_started_ = true;
      if (c != '+') scan_.phase = HeaderScan::Phase::kOff;
    }
    const std::size_t begin = pos_;
    const std::size_t room = kMaxLine - buffer_len_;
    // Bytes past `limit` would make the line overlong.
    const std::size_t limit = std::min(size, begin + room);
    std::size_t i = begin;
    bool scanning = scan_.phase != HeaderScan::Phase::kOff;
    for (;;) {
      if (!scanning) {
        while (i + 8 <= limit) {
          std::uint64_t word;
          std::memcpy(&word, base + i, sizeof word);
          if (HasControlByte(word)) break;
          i += 8;
        }
        while (i < limit && kByteClass[input_[i]] == kText) ++i;
      }
      if (i >= limit) break;
      const std::uint8_t cls = kByteClass[input_[i]];
      if (cls == kEnd) break;
      if (cls == kGarbage) line_bad_ = true;
      if (scanning && ScanHeaderByte(base[i])) {
        std::string_view header(base + begin, i - begin);
        if (buffer_len_ > 0) {
          std::copy(base + begin, base + i, buffer_.data() + buffer_len_);
          buffer_len_ += i - begin;
          header = BufferedLine();
        }
        pos_ = i + 1;
        clear_pending_ = true;
        mode_ = TokenizerMode::kRaw;
        raw_remaining_ = InlinePayloadLength();
        raw_separator_ = scan_.rule->separator;
        raw_phase_ = RawPhase::kSeparator;
        raw_inline_ = true;
        raw_quoted_ = false;
        return AtToken{TokenKind::kPayloadHeader, header, raw_remaining_};
      }
      scanning = scan_.phase != HeaderScan::Phase::kOff;
      ++i;
    }
    if (i < size && !IsTerminator(input_[i])) {
      // Overlong: report the first kMaxLine bytes once, then drop the rest up to the line end.
      std::string_view text(base + begin, room);
      if (buffer_len_ > 0) {
        std::copy(base + begin, base + begin + room, buffer_.data() + buffer_len_);
        buffer_len_ += room;
        text = BufferedLine();
      }
      pos_ = begin + room;
      line_state_ = LineState::kDiscard;
      clear_pending_ = true;
      return AtToken{TokenKind::kError, text, 0, TokenError::kLineTooLong};
    }
    if (i == size) {
      std::copy(base + begin, base + size, buffer_.data() + buffer_len_);
      buffer_len_ += size - begin;
      pos_ = size;
      return std::nullopt;
    }
    std::string_view line(base + begin, i - begin);
    if (buffer_len_ > 0) {
      std::copy(base + begin, base + i, buffer_.data() + buffer_len_);
      buffer_len_ += i - begin;
      line = BufferedLine();
    }
    skip_lf_ = base[i] == '\r';
    pos_ = i + 1;
    if (IsBlank(line) && !line_bad_) {
      ClearLine();
      continue;
    }
    return FinishLine(line);
  }
  return std::nullopt;
}

}  // namespace uclink::chat
