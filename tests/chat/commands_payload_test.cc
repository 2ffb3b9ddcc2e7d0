// Length-prefixed payload headers offered as growing partial lines, the way the tokenizer sees
// them: every prefix of a manual example is either "incomplete" or already the final answer, so a
// header split at any byte offset of a read gives the same result.
#include <gtest/gtest.h>

#include <functional>
#include <string_view>

#include "chat/commands/ftp.h"
#include "chat/commands/http.h"
#include "chat/commands/ip.h"
#include "chat/commands/mqtt.h"

namespace uclink::chat {
namespace {

using HeaderFn = std::function<Result<PayloadHeader>(std::string_view, bool)>;

// Feeds every prefix of `line` (line end not yet seen); returns the first complete header.
std::optional<PayloadHeader> FirstHeader(const HeaderFn& decode, std::string_view line,
                                         std::size_t* at) {
  for (std::size_t n = 0; n <= line.size(); ++n) {
    auto h = decode(line.substr(0, n), false);
    if (h) {
      *at = n;
      return *h;
    }
    EXPECT_EQ(h.error().code, CommandErrc::kIncomplete) << "prefix length " << n;
  }
  return std::nullopt;
}

// Once known, the header does not change as more bytes (or the line end) arrive.
void ExpectStableHeader(const HeaderFn& decode, std::string_view line, std::size_t known_at,
                        std::string_view payload) {
  std::size_t at = 0;
  auto first = FirstHeader(decode, line, &at);
  ASSERT_TRUE(first);
  EXPECT_EQ(at, known_at);
  EXPECT_EQ(line.substr(first->offset, first->length), payload);
  for (std::size_t n = at; n <= line.size(); ++n) {
    auto h = decode(line.substr(0, n), n == line.size());
    ASSERT_TRUE(h) << "prefix length " << n;
    EXPECT_EQ(*h, *first) << "prefix length " << n;
  }
}

TEST(PayloadHeaderSplitTest, IprecvKnownAtFirstPayloadByte) {
  // manual §2.25.1: +IPRECV="TCP", 3, 123 — known once the '1' has arrived.
  HeaderFn f = [](std::string_view b, bool c) -> Result<PayloadHeader> {
    auto h = DecodeIprecvHeader(b, c);
    if (!h) return h.error();
    return h->payload;
  };
  ExpectStableHeader(f, "+IPRECV=\"TCP\", 3, 123", 19, "123");
}

TEST(PayloadHeaderSplitTest, FtpgetKnownAtFirstPayloadByte) {
  // manual §2.43: +FTPGET:20, 12345123451234512345.
  ExpectStableHeader(DecodeFtpgetHeader, "+FTPGET:20, 12345123451234512345", 13,
                     "12345123451234512345");
}

TEST(PayloadHeaderSplitTest, MqttsubKnownAtOpeningQuote) {
  // manual §2.61: +MQTTSUB:"topic1",5,"hello".
  HeaderFn f = [](std::string_view b, bool c) -> Result<PayloadHeader> {
    auto h = DecodeMqttsubHeader(b, c);
    if (!h) return h.error();
    return h->payload;
  };
  ExpectStableHeader(f, "+MQTTSUB:\"topic1\",5,\"hello\"", 21, "hello");
}

TEST(PayloadHeaderSplitTest, HttpreadInlineKnownAtFirstPayloadByte) {
  ExpectStableHeader(DecodeHttpreadHeader, "+HTTPREAD=5,hello", 13, "hello");
}

TEST(PayloadHeaderSplitTest, NextLineHeadersNeedTheLineEnd) {
  // manual §2.43 "+FTPLIST:0,370" and §2.48.2 "+HTTPREAD:192,": no prefix is enough.
  std::string_view list = "+FTPLIST:0,370";
  for (std::size_t n = 0; n <= list.size(); ++n) {
    EXPECT_EQ(DecodeFtplistHeader(list.substr(0, n), false).error().code, CommandErrc::kIncomplete)
        << n;
  }
  EXPECT_TRUE(DecodeFtplistHeader(list, true)->payload.next_line);
  std::string_view read = "+HTTPREAD:192,";
  for (std::size_t n = 0; n <= read.size(); ++n) {
    EXPECT_EQ(DecodeHttpreadHeader(read.substr(0, n), false).error().code, CommandErrc::kIncomplete)
        << n;
  }
  EXPECT_TRUE(DecodeHttpreadHeader(read, true)->next_line);
}

TEST(PayloadHeaderSplitTest, OtherLinesAreRejectedEarly) {
  // "+FTPGETNAME:" shares a prefix with "+FTPGET": rejected as soon as the name grows past it.
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGE", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGET", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGETN", false).error().code, CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGETNAME:", false).error().code, CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeIprecvHeader("+CGREG", false).error().code, CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeMqttsubHeader("OK", false).error().code, CommandErrc::kWrongPrefix);
}

}  // namespace
}  // namespace uclink::chat
