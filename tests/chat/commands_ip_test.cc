// In-band sockets (chat/commands/ip.h): manual §2.22–§2.25.
#include <gtest/gtest.h>

#include "chat/commands/ip.h"

namespace uclink::chat {
namespace {

TEST(IpcreateTest, EncodesManualExample) {
  // §2.25.1: AT+IPCREATE="TCP", "192.168.40.2", 7 (sent without spaces).
  EXPECT_EQ(*EncodeIpcreate(SocketMode::kTcp, "192.168.40.2", 7),
            "AT+IPCREATE=\"TCP\",\"192.168.40.2\",7");
  EXPECT_EQ(*EncodeIpcreate(SocketMode::kUdp, "example.com", 53),
            "AT+IPCREATE=\"UDP\",\"example.com\",53");
}

TEST(IpcreateTest, RefusesBadArguments) {
  EXPECT_EQ(EncodeIpcreate(SocketMode::kTcp, "h", 0).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeIpcreate(SocketMode::kTcp, "", 7).error().code, CommandErrc::kEmpty);
  EXPECT_EQ(EncodeIpcreate(SocketMode::kTcp, std::string(254, 'a'), 7).error().code,
            CommandErrc::kTooLong);
  EXPECT_EQ(EncodeIpcreate(SocketMode::kTcp, "a\"b", 7).error().code,
            CommandErrc::kInvalidCharacter);
}

TEST(IpcreateTest, DecodesBothReadShapes) {
  // §2.22 "+IPCREATE: 1,0" and §2.25.1 "+IPCREATE=0,0".
  EXPECT_EQ(*DecodeIpcreate("+IPCREATE: 1,0"), (SocketState{true, false}));
  EXPECT_EQ(*DecodeIpcreate("+IPCREATE=0,0"), (SocketState{false, false}));
  EXPECT_EQ(DecodeIpcreate("+IPCREATE=3").error().code, CommandErrc::kMissingField);
}

TEST(IpsendTest, EncodesManualExample) {
  // §2.25.1: AT+IPSEND="TCP", 3, "123".
  EXPECT_EQ(*EncodeIpsend(SocketMode::kTcp, "123"), "AT+IPSEND=\"TCP\",3,\"123\"");
}

TEST(IpsendTest, RefusesDataTheCommandLineCannotCarry) {
  EXPECT_EQ(EncodeIpsend(SocketMode::kTcp, "a\r\nb").error().code, CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeIpsend(SocketMode::kTcp, "say \"hi\"").error().code,
            CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeIpsend(SocketMode::kTcp, std::string(1025, 'x')).error().code,
            CommandErrc::kTooLong);
  EXPECT_EQ(EncodeIpsend(SocketMode::kTcp, "").error().code, CommandErrc::kEmpty);
}

TEST(IpsendTest, DecodesSentLengthInEveryShape) {
  // §2.25.1 "+IPSEND=3", the usual "+IPSEND: 3", and §2.23.2's misprint "+IPCREATE=3".
  EXPECT_EQ(*DecodeIpsend("+IPSEND=3"), 3u);
  EXPECT_EQ(*DecodeIpsend("+IPSEND: 3"), 3u);
  EXPECT_EQ(*DecodeIpsend("+IPCREATE=3"), 3u);
  EXPECT_EQ(DecodeIpsend("+IPSEND=-1").error().code, CommandErrc::kOutOfRange);
}

TEST(IpcloseTest, EncodesManualExample) {
  // §2.25.1: AT+IPCLOSE="TCP".
  EXPECT_EQ(*EncodeIpclose(SocketMode::kTcp), "AT+IPCLOSE=\"TCP\"");
  EXPECT_EQ(*EncodeIpclose(SocketMode::kUdp), "AT+IPCLOSE=\"UDP\"");
}

TEST(IprecvTest, ManualTcpExample) {
  // §2.25.1: +IPRECV="TCP", 3, 123 — the payload "123" starts after the spaces.
  std::string_view line = "+IPRECV=\"TCP\", 3, 123";
  auto h = DecodeIprecvHeader(line, true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->mode, SocketMode::kTcp);
  EXPECT_EQ(h->payload.length, 3u);
  EXPECT_EQ(line.substr(h->payload.offset, h->payload.length), "123");
  EXPECT_FALSE(h->payload.next_line);
}

TEST(IprecvTest, ManualUdpExampleWithSpacesInsideQuotes) {
  // §2.25.2: +IPRECV=" UDP" , 3, 123.
  std::string_view line = "+IPRECV=\" UDP\" , 3, 123";
  auto h = DecodeIprecvHeader(line, true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->mode, SocketMode::kUdp);
  EXPECT_EQ(line.substr(h->payload.offset), "123");
}

TEST(IprecvTest, HeaderIsKnownBeforeTheLineEnds) {
  // The payload may hold CR LF, so the tokenizer asks before the line is complete.
  std::string_view bytes = "+IPRECV=\"TCP\",4,\r";
  auto h = DecodeIprecvHeader(bytes, false);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->payload.offset, 16u);
  EXPECT_EQ(DecodeIprecvHeader("+IPRECV=\"TCP\",4,", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeIprecvHeader("+IPRECV=\"TCP\",4", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeIprecvHeader("+IPRE", false).error().code, CommandErrc::kIncomplete);
}

TEST(IprecvTest, RejectsBadHeaders) {
  EXPECT_EQ(DecodeIprecvHeader("+IPRECV=\"SCTP\",3,abc", true).error().code,
            CommandErrc::kMalformed);
  EXPECT_EQ(DecodeIprecvHeader("+IPRECV=\"TCP\",x,abc", true).error().code,
            CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeIprecvHeader("+IPRECV=\"TCP\",99999999,abc", true).error().code,
            CommandErrc::kOutOfRange);
  EXPECT_EQ(DecodeIprecvHeader("+IPRECV=\"TCP\",3", true).error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeIprecvHeader("+IPSEND=3", true).error().code, CommandErrc::kWrongPrefix);
}

TEST(SocketModeTest, Names) {
  EXPECT_EQ(ToString(SocketMode::kTcp), "TCP");
  EXPECT_EQ(SocketModeFromString(" udp "), SocketMode::kUdp);
  EXPECT_FALSE(SocketModeFromString("tcp6"));
}

}  // namespace
}  // namespace uclink::chat
