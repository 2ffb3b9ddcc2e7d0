#include "chat/at_tokenizer.h"

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/chat/transcript_util.h"

namespace uclink::chat {
namespace {

using ::uclink::chat::testing::AllSplits;
using Tokens = std::vector<std::string>;
// Called after each token; may switch the tokenizer's mode, as the engine does.
using OnToken = std::function<void(const AtToken&, AtTokenizer&)>;

// Renders tokens as strings; adjacent payload/data chunks are merged, since their chunking
// follows the reads.
Tokens Run(const std::vector<std::string_view>& reads, const OnToken& on_token) {
  AtTokenizer tokenizer;
  Tokens out;
  for (std::string_view read : reads) {
    tokenizer.Feed(read);
    while (auto token = tokenizer.Next()) {
      std::string rendered;
      switch (token->kind) {
        case TokenKind::kLine:
          rendered = "line:" + std::string(token->text);
          break;
        case TokenKind::kPrompt:
          rendered = "prompt";
          break;
        case TokenKind::kPayloadHeader:
          rendered = "header(" + std::to_string(token->length) + "):" + std::string(token->text);
          break;
        case TokenKind::kPayload:
        case TokenKind::kData: {
          const std::string tag = token->kind == TokenKind::kPayload ? "payload:" : "data:";
          if (!out.empty() && out.back().starts_with(tag)) {
            out.back() += token->text;
          } else {
            out.push_back(tag + std::string(token->text));
          }
          break;
        }
        case TokenKind::kPayloadEnd:
          rendered = "end";
          break;
        case TokenKind::kError:
          rendered = "error(" + std::string(ToString(token->error)) +
                     "):" + std::to_string(token->text.size());
          break;
      }
      if (!rendered.empty()) out.push_back(rendered);
      if (on_token) on_token(*token, tokenizer);
    }
  }
  return out;
}

// Tokenizes `transcript` every way it can be split and checks that all agree; returns the tokens.
Tokens TokenizeAllSplits(std::string_view transcript, const OnToken& on_token = nullptr) {
  const auto splits = AllSplits(transcript);
  const Tokens whole = Run(splits.front(), on_token);
  for (const auto& reads : splits) {
    EXPECT_EQ(Run(reads, on_token), whole)
        << "split into " << reads.size() << " reads, first " << reads.front().size() << " bytes";
  }
  return whole;
}

TEST(AtTokenizerTest, AcceptsEveryLineEndAndDropsEmptyLines) {
  EXPECT_EQ(TokenizeAllSplits("A\rB\nC\r\nD\r\r\nE\n\n\r\n  \r\nOK\r\n"),
            (Tokens{"line:A", "line:B", "line:C", "line:D", "line:E", "line:OK"}));
}

TEST(AtTokenizerTest, KeepsAPartialLineUntilItsEndArrives) {
  AtTokenizer tokenizer;
  tokenizer.Feed(std::string_view("+CSQ: 21,"));
  EXPECT_FALSE(tokenizer.Next());
  tokenizer.Feed(std::string_view("99\r\n"));
  const auto token = tokenizer.Next();
  ASSERT_TRUE(token);
  EXPECT_EQ(token->text, "+CSQ: 21,99");
}

TEST(AtTokenizerTest, PromptIsATokenWithoutLineEnd) {
  EXPECT_EQ(TokenizeAllSplits("\r\n> abc\r\nOK\r\n"), (Tokens{"prompt", "line:abc", "line:OK"}));
}

TEST(AtTokenizerTest, IpRecvPayloadFollowsTheLengthOnTheSameLine) {
  // Manual §2.25.1 prints the URC with spaces after the commas.
  EXPECT_EQ(TokenizeAllSplits("\r\n+IPRECV=\"TCP\", 3, 123\r\n"),
            (Tokens{"header(3):+IPRECV=\"TCP\", 3", "payload:123", "end"}));
}

TEST(AtTokenizerTest, PayloadThatLooksLikeOkIsNotParsedAsALine) {
  EXPECT_EQ(TokenizeAllSplits("+IPRECV=\"UDP\",6,\r\nOK\r\n\r\nOK\r\n"),
            (Tokens{"header(6):+IPRECV=\"UDP\",6", "payload:\r\nOK\r\n", "end", "line:OK"}));
}

TEST(AtTokenizerTest, FtpGetDataFollowsTheCommaWithoutSeparator) {
  // Manual §2.43: `+FTPGET:24,<data>`; uclink-sim sends the same.
  EXPECT_EQ(TokenizeAllSplits("+FTPGET:8,12345678\r\n"),
            (Tokens{"header(8):+FTPGET:8", "payload:12345678", "end"}));
}

TEST(AtTokenizerTest, FtpGetPayloadStartingWithSpaceKeepsTheSpace) {
  EXPECT_EQ(TokenizeAllSplits("+FTPGET:3, ab\r\nOK\r\n"),
            (Tokens{"header(3):+FTPGET:3", "payload: ab", "end", "line:OK"}));
}

TEST(AtTokenizerTest, FtpGetPayloadStartingWithQuoteKeepsTheQuote) {
  EXPECT_EQ(TokenizeAllSplits("+FTPGET:3,\"ab\r\nOK\r\n"),
            (Tokens{"header(3):+FTPGET:3", "payload:\"ab", "end", "line:OK"}));
}

TEST(AtTokenizerTest, IpRecvPayloadStartingWithSpaceLosesOnlyTheSeparator) {
  // Manual §2.25.1: `+IPRECV="TCP", 3, 123` — ", " precedes the data.
  EXPECT_EQ(TokenizeAllSplits("+IPRECV=\"TCP\", 3,  ab\r\nOK\r\n"),
            (Tokens{"header(3):+IPRECV=\"TCP\", 3", "payload: ab", "end", "line:OK"}));
}

TEST(AtTokenizerTest, IpRecvPayloadStartingWithQuoteKeepsTheQuote) {
  EXPECT_EQ(TokenizeAllSplits("+IPRECV=\"UDP\", 3, \"ab\r\nOK\r\n"),
            (Tokens{"header(3):+IPRECV=\"UDP\", 3", "payload:\"ab", "end", "line:OK"}));
}

TEST(AtTokenizerTest, IpRecvWithoutSeparatorSpaceStartsTheDataAtTheComma) {
  EXPECT_EQ(TokenizeAllSplits("+IPRECV=\"TCP\",2,ab\r\n"),
            (Tokens{"header(2):+IPRECV=\"TCP\",2", "payload:ab", "end"}));
}

TEST(AtTokenizerTest, MqttMessageIsQuotedAndTopicMayHoldCommas) {
  // Manual §2.61: `+MQTTSUB:"topic1",5,"hello"`.
  EXPECT_EQ(TokenizeAllSplits("+MQTTSUB:\"a,b\",5,\"he\"lo\"\r\nOK\r\n"),
            (Tokens{"header(5):+MQTTSUB:\"a,b\",5", "payload:he\"lo", "end", "line:OK"}));
}

TEST(AtTokenizerTest, MqttMessageStartingWithQuoteLosesOnlyTheOpeningQuote) {
  EXPECT_EQ(TokenizeAllSplits("+MQTTSUB:\"t\",3,\"\"ab\"\r\nOK\r\n"),
            (Tokens{"header(3):+MQTTSUB:\"t\",3", "payload:\"ab", "end", "line:OK"}));
}

TEST(AtTokenizerTest, MqttMessageStartingWithSpaceKeepsTheSpace) {
  EXPECT_EQ(TokenizeAllSplits("+MQTTSUB:\"t\",3,\" ab\"\r\nOK\r\n"),
            (Tokens{"header(3):+MQTTSUB:\"t\",3", "payload: ab", "end", "line:OK"}));
}

TEST(AtTokenizerTest, LongMqttMessageArrivesInSegmentsOfAtMost200Bytes) {
  // Manual §2.57: reports carry at most 200 bytes; every segment repeats the whole length
  // (uclink-sim's mqtt_service.cc Report()).
  std::string message(1024, 'x');
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>('a' + i % 26);
  message[200] = '"';  // a segment may start with a quote or a space: both are data
  message[400] = ' ';
  std::string transcript;
  Tokens expected;
  for (std::size_t off = 0; off < message.size(); off += 200) {
    const std::string piece = message.substr(off, 200);
    transcript += "\r\n+MQTTSUB:\"t\",1024,\"" + piece + "\"\r\n";
    expected.push_back("header(" + std::to_string(piece.size()) + "):+MQTTSUB:\"t\",1024");
    expected.push_back("payload:" + piece);
    expected.push_back("end");
  }
  transcript += "\r\n+MQTTSUB:\"t\",3,\"end\"\r\n";
  expected.insert(expected.end(), {"header(3):+MQTTSUB:\"t\",3", "payload:end", "end"});
  EXPECT_EQ(TokenizeAllSplits(transcript), expected);
}

TEST(AtTokenizerTest, MqttSegmentOfADifferentLengthStartsANewMessage) {
  // A lost segment costs its own message only: a header with another total starts afresh.
  std::string first(200, 'a');
  EXPECT_EQ(
      TokenizeAllSplits("+MQTTSUB:\"t\",300,\"" + first + "\"\r\n+MQTTSUB:\"t\",2,\"hi\"\r\n"),
      (Tokens{"header(200):+MQTTSUB:\"t\",300", "payload:" + first, "end",
              "header(2):+MQTTSUB:\"t\",2", "payload:hi", "end"}));
}

TEST(AtTokenizerTest, MqttSubQueryAnswerIsAnOrdinaryLine) {
  EXPECT_EQ(TokenizeAllSplits("+MQTTSUB: \"topic1\",(0-2)\r\nOK\r\n"),
            (Tokens{"line:+MQTTSUB: \"topic1\",(0-2)", "line:OK"}));
}

TEST(AtTokenizerTest, FtpListPayloadStartsAfterTheHeaderLine) {
  // Manual §2.43: `+FTPLIST:0,370` then the listing lines.
  EXPECT_EQ(TokenizeAllSplits("+FTPLIST:0,11\r\n1.bin\r\n12\r\n\r\nOK\r\n"),
            (Tokens{"header(11):+FTPLIST:0,11", "payload:1.bin\r\n12\r\n", "end", "line:OK"}));
}

TEST(AtTokenizerTest, HttpReadHeaderWithTrailingComma) {
  // Manual §2.48.2: `+HTTPREAD:XXX,` then the body.
  EXPECT_EQ(TokenizeAllSplits("+HTTPREAD:5,\r\nhello\r\nOK\r\n"),
            (Tokens{"header(5):+HTTPREAD:5,", "payload:hello", "end", "line:OK"}));
}

TEST(AtTokenizerTest, LowerCaseHeaderIsRecognised) {
  EXPECT_EQ(TokenizeAllSplits("+httpread: 2,\nhi\nOK\n"),
            (Tokens{"header(2):+httpread: 2,", "payload:hi", "end", "line:OK"}));
}

TEST(AtTokenizerTest, ZeroLengthPayloadEndsAtOnce) {
  EXPECT_EQ(TokenizeAllSplits("+FTPGET:0,\r\nOK\r\n"),
            (Tokens{"header(0):+FTPGET:0", "end", "line:OK"}));
}

TEST(AtTokenizerTest, BytesBetweenPayloadAndLineEndAreReported) {
  EXPECT_EQ(TokenizeAllSplits("+IPRECV=\"TCP\",1,ab\r\nOK\r\n"),
            (Tokens{"header(1):+IPRECV=\"TCP\",1", "payload:a", "end", "error(payload_trailer):0",
                    "line:OK"}));
}

TEST(AtTokenizerTest, HugeAnnouncedLengthIsNotAPayloadHeader) {
  EXPECT_EQ(TokenizeAllSplits("+FTPGET:99999999,x\r\n"), (Tokens{"line:+FTPGET:99999999,x"}));
}

TEST(AtTokenizerTest, OverlongLineIsReportedOnceAndResyncsAtTheNextLineEnd) {
  const std::string transcript = std::string(5000, 'A') + "\r\nOK\r\n";
  EXPECT_EQ(TokenizeAllSplits(transcript), (Tokens{"error(line_too_long):4096", "line:OK"}));
}

TEST(AtTokenizerTest, LineOfExactlyMaxLengthIsAccepted) {
  const std::string line(AtTokenizer::kMaxLine, 'B');
  const Tokens tokens = TokenizeAllSplits(line + "\r\n");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0], "line:" + line);
}

TEST(AtTokenizerTest, NulAndControlBytesMakeTheLineAnError) {
  using namespace std::string_literals;
  EXPECT_EQ(TokenizeAllSplits("AB\0CD\r\n\x7e\xff\x03\xc0\x21\r\nOK\r\n"s),
            (Tokens{"error(binary_garbage):5", "error(binary_garbage):5", "line:OK"}));
}

TEST(AtTokenizerTest, Utf8TextIsAnOrdinaryLine) {
  EXPECT_EQ(TokenizeAllSplits("+COPS: 0,0,\"中国移动\"\r\n"),
            (Tokens{"line:+COPS: 0,0,\"中国移动\""}));
}

TEST(AtTokenizerTest, ConsumerSwitchesToRawAtTheExactByteAfterALine) {
  const OnToken raw_after_x = [](const AtToken& token, AtTokenizer& tokenizer) {
    if (token.kind == TokenKind::kLine && token.text == "+X: 3") tokenizer.EnterRaw(3);
  };
  EXPECT_EQ(TokenizeAllSplits("+X: 3\r\nabcOK\r\n", raw_after_x),
            (Tokens{"line:+X: 3", "payload:abc", "end", "line:OK"}));
}

TEST(AtTokenizerTest, DataModeTakesEveryByteAfterConnect) {
  using namespace std::string_literals;
  const OnToken data_after_connect = [](const AtToken& token, AtTokenizer& tokenizer) {
    if (token.kind == TokenKind::kLine && token.text == "CONNECT") tokenizer.EnterData();
  };
  EXPECT_EQ(TokenizeAllSplits("\r\nCONNECT\r\n\x7e\xff\x7d\x23\r\nOK\r\n"s, data_after_connect),
            (Tokens{"line:CONNECT", "data:\x7e\xff\x7d\x23\r\nOK\r\n"s}));
}

TEST(AtTokenizerTest, ResetDropsAnUnfinishedPayload) {
  AtTokenizer tokenizer;
  tokenizer.Feed(std::string_view("+FTPGET:10,abc"));
  while (tokenizer.Next()) {
  }
  EXPECT_EQ(tokenizer.mode(), TokenizerMode::kRaw);
  EXPECT_EQ(tokenizer.raw_remaining(), 7u);
  tokenizer.Reset();
  tokenizer.Feed(std::string_view("OK\r\n"));
  const auto token = tokenizer.Next();
  ASSERT_TRUE(token);
  EXPECT_EQ(token->kind, TokenKind::kLine);
  EXPECT_EQ(token->text, "OK");
}

TEST(AtTokenizerTest, ManualCgattSessionTokenizesIdenticallyAtEverySplit) {
  // Manual §2.15.3.
  EXPECT_EQ(TokenizeAllSplits("AT+CGATT=1\r\r\n+CGREG: 2\r\n\r\n+CGREG: 1\r\n\r\nOK\r\n"),
            (Tokens{"line:AT+CGATT=1", "line:+CGREG: 2", "line:+CGREG: 1", "line:OK"}));
}

}  // namespace
}  // namespace uclink::chat
