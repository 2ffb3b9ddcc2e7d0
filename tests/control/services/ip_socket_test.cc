// IpSocket and ClientSlots: the manual's socket transcripts (§2.25.1, §2.25.2) replayed at every
// split, and each way a socket can fail.
#include "control/inband/ip_socket.h"

#include <gtest/gtest.h>

#include "chat/commands/text_params.h"
#include "control/inband/client_slots.h"
#include "tests/control/services/exchange.h"

namespace uclink::control::inband {
namespace {

using testing::Step;
using Socket = testing::Exchange<IpSocket>;

IpSocketOptions Tcp(PayloadEncoding encoding = PayloadEncoding::kInline) {
  return {chat::SocketMode::kTcp, "192.168.40.2", 7, encoding};
}

// The TCP client of Tcp() connected, as a module that writes no blank lines answers (§2.22).
const Step kCreated{"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "OK\r\nCONNECT OK\r\n"};
const Step kClosed{"AT+IPCLOSE=\"TCP\"\r", "OK\r\n"};

// A connected Tcp() socket that sends `data` before the harness runs; `steps` follow the create.
void SendOnOpen(Socket& x, const std::string& data, std::vector<Step> steps) {
  x.Script({kCreated});
  x.Script(std::move(steps));
  x.client().Open({});
  x.client().Send(data);
  x.Run();
}

TEST(IpSocketTest, TcpTranscriptOfManual2251WorksAtEverySplit) {
  for (std::size_t chunk : testing::ChunkSizes()) {
    Socket x(Tcp());
    x.set_chunk(chunk);
    x.Script({
        {"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "\r\nOK\r\n\r\nCONNECT OK\r\n"},
        {"AT+IPSEND=\"TCP\",3,\"123\"\r", "\r\n+IPSEND=3\r\n\r\nOK\r\n"},
        {"AT+IPCLOSE=\"TCP\"\r", "\r\nOK\r\n"},
    });
    x.client().Open({});
    x.Run();
    ASSERT_EQ(x.Events<ReadyAction>().size(), 1u) << "chunk " << chunk;
    x.client().Send("123");
    x.Run();
    x.Inject("\r\n+IPRECV=\"TCP\", 3, 123\r\n");
    x.client().Close();
    x.Run();
    EXPECT_EQ(x.Data(), "123") << "chunk " << chunk;
    ASSERT_EQ(x.Events<SentAction>().size(), 1u);
    EXPECT_EQ(x.Events<SentAction>()[0].bytes, 3u);
    EXPECT_TRUE(x.Succeeded());
    EXPECT_TRUE(x.script_done());
  }
}

TEST(IpSocketTest, UdpTranscriptOfManual2252EndsCreateWithOk) {
  Socket x(IpSocketOptions{chat::SocketMode::kUdp, "192.168.40.2", 7});
  x.Play({
      {"AT+IPCREATE=\"UDP\",\"192.168.40.2\",7\r", "\r\nOK\r\n"},
      {"AT+IPSEND=\"UDP\",3,\"123\"\r", "\r\n+IPSEND=3\r\n\r\nOK\r\n"},
      {"AT+IPCLOSE=\"UDP\"\r", "\r\nOK\r\n"},
  });
  x.client().Send("123");
  x.Run();
  x.Inject("\r\n+IPRECV=\" UDP\" , 3, 123\r\n");
  x.client().Close();
  x.Run();
  EXPECT_EQ(x.Data(), "123");
  EXPECT_TRUE(x.Succeeded());
}

TEST(IpSocketTest, ConnectFailIsReportedWithTheManualsThreeAttempts) {
  Socket x(Tcp());
  x.Play({{"AT+IPCREATE=\"TCP\",\"192.168.40.2\",7\r", "\r\nOK\r\n\r\nCONNECT FAIL\r\n"}});
  EXPECT_TRUE(x.Failed(Errc::kConnectFailed, {"§2.22"}));
}

TEST(IpSocketTest, SendLargerThanOneIpsendIsSplitAndEveryPartConfirmed) {
  Socket x(Tcp());
  SendOnOpen(
      x, std::string(2500, 'x'),
      {
          {"AT+IPSEND=\"TCP\",1024,\"" + std::string(1024, 'x') + "\"\r", "+IPSEND=1024\r\nOK\r\n"},
          {"AT+IPSEND=\"TCP\",1024,\"" + std::string(1024, 'x') + "\"\r", "+IPSEND=1024\r\nOK\r\n"},
          {"AT+IPSEND=\"TCP\",452,\"" + std::string(452, 'x') + "\"\r", "+IPSEND=452\r\nOK\r\n"},
      });
  EXPECT_TRUE(x.script_done());
  ASSERT_EQ(x.Events<SentAction>().size(), 1u);
  EXPECT_EQ(x.Events<SentAction>()[0].bytes, 2500u);
  EXPECT_FALSE(x.Done());
}

TEST(IpSocketTest, ShortConfirmationReleasesTheClientAndReportsShortSend) {
  Socket x(Tcp());
  SendOnOpen(x, "hello", {{"AT+IPSEND=\"TCP\",5,\"hello\"\r", "+IPSEND=3\r\nOK\r\n"}, kClosed});
  EXPECT_TRUE(x.Failed(Errc::kShortSend));
  EXPECT_TRUE(x.script_done());
}

TEST(IpSocketTest, OkWithoutConfirmationIsAProtocolError) {
  Socket x(Tcp());
  SendOnOpen(x, "hi", {{"AT+IPSEND=\"TCP\",2,\"hi\"\r", "OK\r\n"}, kClosed});
  EXPECT_TRUE(x.Failed(Errc::kProtocol));
}

TEST(IpSocketTest, LineEndInInlineDataIsRefusedNamingTheByteAndTheClientReleased) {
  Socket x(Tcp());
  x.Play({kCreated, kClosed});
  x.client().Send("abc\r\n");
  x.Run();
  EXPECT_TRUE(x.Failed(Errc::kUnsendableByte, {"0x0d", "offset 3"}));
  EXPECT_EQ(x.written().find("IPSEND"), std::string::npos);
  EXPECT_TRUE(x.script_done());
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
  Socket x(Tcp());
  x.Play({kCreated, kClosed});
  x.client().Send("x\"y\\z");
  x.Run();
  EXPECT_TRUE(x.Failed(Errc::kUnsendableByte, {"byte 0x22 at offset 1"}));
  EXPECT_EQ(x.written().find("IPSEND"), std::string::npos);
  EXPECT_EQ(x.written().find("\\\""), std::string::npos);
}

TEST(IpSocketTest, PromptEncodingCarriesEveryByteAfterThePrompt) {
  Socket x(Tcp(PayloadEncoding::kPrompt));
  const std::string data("\0\r\n\"\xff!", 6);
  SendOnOpen(x, data, {{"AT+IPSEND=\"TCP\",6\r", "\r\n> "}, {data, "\r\n+IPSEND=6\r\nOK\r\n"}});
  EXPECT_TRUE(x.script_done());
  ASSERT_EQ(x.Events<SentAction>().size(), 1u);
  EXPECT_FALSE(x.Done());
}

TEST(IpSocketTest, ModuleErrorMidTransferReleasesTheClient) {
  Socket x(Tcp());
  x.Script({
      kCreated,
      {"AT+IPSEND=\"TCP\",1,\"a\"\r", "+IPSEND=1\r\nOK\r\n"},
      {"AT+IPSEND=\"TCP\",1,\"b\"\r", "+CME ERROR: 3\r\n"},
      kClosed,
  });
  x.client().Open({});
  x.client().Send("a");
  x.client().Send("b");
  x.Run();
  EXPECT_TRUE(x.Failed(Errc::kModuleError, {"+CME ERROR: 3"}));
  EXPECT_TRUE(x.script_done());
}

TEST(IpSocketTest, PeerCloseEndsTheSocketWithoutIpclose) {
  Socket x(Tcp());
  x.Play({kCreated});
  x.Inject("\r\n+IPRECV=\"TCP\",2,hi\r\n\r\n+IPCLOSE=\"TCP\"\r\n");
  EXPECT_EQ(x.Data(), "hi");
  EXPECT_TRUE(x.Failed(Errc::kPeerClosed));
  EXPECT_EQ(x.written().find("IPCLOSE"), std::string::npos);
}

TEST(IpSocketTest, UdpDataIsNotDeliveredToTheTcpSocket) {
  Socket x(Tcp());
  x.Play({kCreated});
  x.Inject("+IPRECV=\"UDP\",2,hi\r\n");
  EXPECT_EQ(x.Data(), "");
}

TEST(IpSocketTest, OversizeHostIsRefusedBeforeAnythingIsSent) {
  Socket x(IpSocketOptions{chat::SocketMode::kTcp, std::string(300, 'h'), 7});
  x.Play({});
  EXPECT_TRUE(x.Failed(Errc::kInvalidArgument, {"253"}));
  EXPECT_TRUE(x.written().empty());
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
