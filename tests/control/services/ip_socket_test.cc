// IpSocket and ClientSlots: the manual's socket transcripts (§2.25.1, §2.25.2) replayed at every
// split, and each way a socket can fail.
#include "control/inband/ip_socket.h"

#include <gtest/gtest.h>

#include "chat/commands/text_params.h"
#include "control/inband/client_slots.h"
#include "tests/control/services/inband_harness.h"

namespace uclink::control::inband {
namespace {

using testing::InbandHarness;
using testing::Step;

IpSocketOptions Tcp(PayloadEncoding encoding = PayloadEncoding::kInline) {
  return {chat::SocketMode::kTcp, "192.168.40.2", 7, encoding};
}

TEST(IpSocketTest, TcpTranscriptOfManual2251WorksAtEverySplit) {
  for (std::size_t chunk : testing::ChunkSizes()) {
    IpSocket socket(Tcp());
    InbandHarness h(socket, chunk);
    h.Script({
        {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "\r\nOK\r\n\r\nCONNECT OK\r\n"},
        {"AT+IPSEND=\"TCP\",3,\"123\"\r", "\r\n+IPSEND=3\r\n\r\nOK\r\n"},
        {"AT+IPCLOSE=\"TCP\"\r", "\r\nOK\r\n"},
    });
    socket.Open({});
    h.Run();
    ASSERT_EQ(h.Events<ReadyAction>().size(), 1u) << "chunk " << chunk;
    socket.Send("123");
    h.Run();
    h.Inject("\r\n+IPRECV=\"TCP\", 3, 123\r\n");
    socket.Close();
    h.Run();
    EXPECT_EQ(h.Data(), "123") << "chunk " << chunk;
    ASSERT_EQ(h.Events<SentAction>().size(), 1u);
    EXPECT_EQ(h.Events<SentAction>()[0].bytes, 3u);
    ASSERT_TRUE(h.Done());
    EXPECT_FALSE(*h.Done()) << h.Done()->message;
    EXPECT_TRUE(h.script_done());
  }
}

TEST(IpSocketTest, UdpTranscriptOfManual2252EndsCreateWithOk) {
  IpSocket socket({chat::SocketMode::kUdp, "192.168.40.2", 7});
  InbandHarness h(socket);
  h.Script({
      {"AT+IPCREATE=\"UDP\",\"192.168.40.2\",7\r", "\r\nOK\r\n"},
      {"AT+IPSEND=\"UDP\",3,\"123\"\r", "\r\n+IPSEND=3\r\n\r\nOK\r\n"},
      {"AT+IPCLOSE=\"UDP\"\r", "\r\nOK\r\n"},
  });
  socket.Open({});
  h.Run();
  socket.Send("123");
  h.Run();
  h.Inject("\r\n+IPRECV=\" UDP\" , 3, 123\r\n");
  socket.Close();
  h.Run();
  EXPECT_EQ(h.Data(), "123");
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
}

TEST(IpSocketTest, ConnectFailIsReportedWithTheManualsThreeAttempts) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({{"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "\r\nOK\r\n\r\nCONNECT FAIL\r\n"}});
  socket.Open({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kConnectFailed);
  EXPECT_NE(h.Done()->message.find("§2.22"), std::string::npos);
}

TEST(IpSocketTest, SendLargerThanOneIpsendIsSplitAndEveryPartConfirmed) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  const std::string data(2500, 'x');
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPSEND=\"TCP\",1024,\"" + std::string(1024, 'x') + "\"\r", "+IPSEND=1024\r\nOK\r\n"},
      {"AT+IPSEND=\"TCP\",1024,\"" + std::string(1024, 'x') + "\"\r", "+IPSEND=1024\r\nOK\r\n"},
      {"AT+IPSEND=\"TCP\",452,\"" + std::string(452, 'x') + "\"\r", "+IPSEND=452\r\nOK\r\n"},
  });
  socket.Open({});
  socket.Send(data);
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_EQ(h.Events<SentAction>().size(), 1u);
  EXPECT_EQ(h.Events<SentAction>()[0].bytes, 2500u);
  EXPECT_FALSE(h.Done());
}

TEST(IpSocketTest, ShortConfirmationReleasesTheClientAndReportsShortSend) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPSEND=\"TCP\",5,\"hello\"\r", "+IPSEND=3\r\nOK\r\n"},
      {"AT+IPCLOSE=\"TCP\"\r", "OK\r\n"},
  });
  socket.Open({});
  socket.Send("hello");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kShortSend);
  EXPECT_TRUE(h.script_done());
}

TEST(IpSocketTest, OkWithoutConfirmationIsAProtocolError) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPSEND=\"TCP\",2,\"hi\"\r", "OK\r\n"},
      {"AT+IPCLOSE=\"TCP\"\r", "OK\r\n"},
  });
  socket.Open({});
  socket.Send("hi");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kProtocol);
}

TEST(IpSocketTest, LineEndInInlineDataIsRefusedNamingTheByteAndTheClientReleased) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPCLOSE=\"TCP\"\r", "OK\r\n"},
  });
  socket.Open({});
  h.Run();
  socket.Send("abc\r\n");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kUnsendableByte);
  EXPECT_NE(h.Done()->message.find("0x0d"), std::string::npos) << h.Done()->message;
  EXPECT_NE(h.Done()->message.find("offset 3"), std::string::npos);
  EXPECT_EQ(h.written().find("IPSEND"), std::string::npos);
  EXPECT_TRUE(h.script_done());
}

TEST(IpSocketTest, QuoteAndNonAsciiAreRefusedInline) {
  using chat::TextParam;
  for (const std::string& data :
       {std::string("a\"b"), std::string("\xc3\xa9"), std::string(1, '\0')}) {
    EXPECT_TRUE(chat::FindUncarriable(TextParam::kIpsendData, data)) << data;
  }
  EXPECT_FALSE(chat::FindUncarriable(TextParam::kIpsendData, "plain, text; with commas"));
  // Counted data (FTPPUT, HTTPDATA) ends by its length, so a quote is data there.
  EXPECT_FALSE(chat::FindUncarriable(TextParam::kFtpPutData, "a\"b"));
}

TEST(IpSocketTest, QuoteInDataIsRefusedBeforeAnyIpsendAndNeverEscaped) {
  // Manual §1.3.3 defines no escape inside a quoted parameter: `x"y\z` cannot be written as
  // "x\"y\z" (the module would send the backslash too, or end the data at the quote).
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPCLOSE=\"TCP\"\r", "OK\r\n"},
  });
  socket.Open({});
  h.Run();
  socket.Send("x\"y\\z");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kUnsendableByte);
  EXPECT_NE(h.Done()->message.find("byte 0x22 at offset 1"), std::string::npos)
      << h.Done()->message;
  EXPECT_EQ(h.written().find("IPSEND"), std::string::npos);
  EXPECT_EQ(h.written().find("\\\""), std::string::npos);
}

TEST(IpSocketTest, PromptEncodingCarriesEveryByteAfterThePrompt) {
  IpSocket socket(Tcp(PayloadEncoding::kPrompt));
  InbandHarness h(socket);
  const std::string data("\0\r\n\"\xff!", 6);
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPSEND=\"TCP\",6\r", "\r\n> "},
      {data, "\r\n+IPSEND=6\r\nOK\r\n"},
  });
  socket.Open({});
  socket.Send(data);
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_EQ(h.Events<SentAction>().size(), 1u);
  EXPECT_FALSE(h.Done());
}

TEST(IpSocketTest, ModuleErrorMidTransferReleasesTheClient) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({
      {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"},
      {"AT+IPSEND=\"TCP\",1,\"a\"\r", "+IPSEND=1\r\nOK\r\n"},
      {"AT+IPSEND=\"TCP\",1,\"b\"\r", "+CME ERROR: 3\r\n"},
      {"AT+IPCLOSE=\"TCP\"\r", "OK\r\n"},
  });
  socket.Open({});
  socket.Send("a");
  socket.Send("b");
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kModuleError);
  EXPECT_NE(h.Done()->message.find("+CME ERROR: 3"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.script_done());
}

TEST(IpSocketTest, PeerCloseEndsTheSocketWithoutIpclose) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({{"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"}});
  socket.Open({});
  h.Run();
  h.Inject("\r\n+IPRECV=\"TCP\",2,hi\r\n\r\n+IPCLOSE=\"TCP\"\r\n");
  EXPECT_EQ(h.Data(), "hi");
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kPeerClosed);
  EXPECT_EQ(h.written().find("IPCLOSE"), std::string::npos);
}

TEST(IpSocketTest, UdpDataIsNotDeliveredToTheTcpSocket) {
  IpSocket socket(Tcp());
  InbandHarness h(socket);
  h.Script({{"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"}});
  socket.Open({});
  h.Run();
  h.Inject("+IPRECV=\"UDP\",2,hi\r\n");
  EXPECT_EQ(h.Data(), "");
}

TEST(IpSocketTest, OversizeHostIsRefusedBeforeAnythingIsSent) {
  IpSocket socket({chat::SocketMode::kTcp, std::string(300, 'h'), 7});
  InbandHarness h(socket);
  socket.Open({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kInvalidArgument);
  EXPECT_NE(h.Done()->message.find("253"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(ClientSlotsTest, SecondUserOfTheTcpClientIsBusy) {
  ClientSlots slots;
  EXPECT_EQ(slots.Acquire(chat::SocketMode::kTcp, 1, false), ClientSlots::Grant::kGranted);
  EXPECT_EQ(slots.Acquire(chat::SocketMode::kTcp, 2, false), ClientSlots::Grant::kBusy);
  EXPECT_EQ(slots.Acquire(chat::SocketMode::kUdp, 2, false), ClientSlots::Grant::kGranted);
}

TEST(ClientSlotsTest, WaitingUserGetsTheClientWhenItIsReleased) {
  ClientSlots slots;
  slots.Acquire(chat::SocketMode::kTcp, 1, false);
  EXPECT_EQ(slots.Acquire(chat::SocketMode::kTcp, 2, true), ClientSlots::Grant::kQueued);
  EXPECT_EQ(slots.Acquire(chat::SocketMode::kTcp, 3, true), ClientSlots::Grant::kQueued);
  EXPECT_EQ(slots.Release(chat::SocketMode::kTcp, 1), std::optional<ClientSlots::Owner>(2));
  EXPECT_EQ(slots.Release(chat::SocketMode::kTcp, 3), std::nullopt);  // left the queue
  EXPECT_EQ(slots.Release(chat::SocketMode::kTcp, 2), std::nullopt);
  EXPECT_FALSE(slots.holder(chat::SocketMode::kTcp));
}

}  // namespace
}  // namespace uclink::control::inband
