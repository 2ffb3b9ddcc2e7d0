// FtpClient: the manual's FTP session (§2.43) split into its operations, and every error path.
// Each operation logs in, works, and ends with AT+FTPQUIT, also after errors.
#include "control/inband/ftp_client.h"

#include <gtest/gtest.h>

#include "tests/control/services/inband_harness.h"

namespace uclink::control::inband {
namespace {

using testing::InbandHarness;
using testing::Step;

FtpSession Session() {
  FtpSession s;
  s.host = "192.168.2.222";
  s.user = "ftp";
  s.password = "ucchip123";
  s.passive = true;
  return s;
}

std::vector<Step> Login() {
  return {
      {"AT+FTPMODE=1\r", "OK\r\n"},
      {"AT+FTPTYPE=I\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222\r", "+FTPSERV:0\r\nOK\r\n"},
      {"AT+FTPUN=ftp\r", "OK\r\n"},
      {"AT+FTPPW=ucchip123\r", "OK\r\n"},
  };
}

const Step kQuit{"AT+FTPQUIT\r", "OK\r\n"};

TEST(FtpClientTest, ListingOfManual243ArrivesAfterOkAtEverySplit) {
  const std::string listing =
      "-rwxrwxrwx\t1\t1000\t1000\t8 May 14 12:04\t1.bin\r\n"
      "-rwxrwxrwx\t1\t0\t0\t5 May 17 17:11\ttest.txt\r\n";
  for (std::size_t chunk : testing::ChunkSizes()) {
    FtpClient client(Session(), {FtpVerb::kList, "/home/uchip/ftp/bin", ""});
    InbandHarness h(client, chunk);
    h.Script(Login());
    h.Script({{"AT+FTPPATH=/home/uchip/ftp/bin\r", "+FTPPATH:250\r\nOK\r\n"},
              {"AT+FTPLIST\r", "OK\r\n"}});
    client.Start({});
    h.Run();
    h.Script({kQuit});
    h.Inject("\r\n+FTPLIST:0," + std::to_string(listing.size()) + "\r\n" + listing);
    EXPECT_EQ(h.Data(), listing) << "chunk " << chunk;
    ASSERT_TRUE(h.Done()) << "chunk " << chunk;
    EXPECT_FALSE(*h.Done()) << h.Done()->message;
    EXPECT_TRUE(h.script_done());
  }
}

TEST(FtpClientTest, GetReassemblesThePiecesExactly) {
  FtpClient client(Session(), {FtpVerb::kGet, "123", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPSIZE=123\r", "+FTPSIZE:22\r\nOK\r\n"}, {"AT+FTPGET=1,123\r", "OK\r\n"}});
  client.Start({});
  h.Run();
  h.Script({kQuit});
  h.Inject("\r\n+FTPGET:18,1234\r\n5678,\"\r\n\x01\x02\r\n\r\n+FTPGET:4,abcd\r\n");
  EXPECT_EQ(h.Data(), std::string("1234\r\n5678,\"\r\n\x01\x02\r\nabcd"));
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
  EXPECT_EQ(h.Events<ProgressAction>().back().done, 22u);
}

TEST(FtpClientTest, GetEndsAtTheZeroLengthPieceWhenTheSizeIsUnknown) {
  FtpClient client(Session(), {FtpVerb::kGet, "dir/f", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPPATH=dir\r", "+FTPPATH:250\r\nOK\r\n"},
            {"AT+FTPSIZE=f\r", "+FTPSIZE:550\r\nERROR\r\n"},
            {"AT+FTPGET=1,f\r", "OK\r\n"}});
  client.Start({});
  h.Run();
  h.Script({kQuit});
  h.Inject("+FTPGET:3,abc\r\n+FTPGET:0,\r\n");
  EXPECT_EQ(h.Data(), "abc");
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
}

TEST(FtpClientTest, FailedTransferReportsTheTable35CodeAndQuits) {
  FtpClient client(Session(), {FtpVerb::kGet, "f", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPSIZE=f\r", "+FTPSIZE:100\r\nOK\r\n"}, {"AT+FTPGET=1,f\r", "OK\r\n"}});
  client.Start({});
  h.Run();
  h.Script({kQuit});
  h.Inject("+FTPGET:3,abc\r\n+FTPGET:-1,426\r\n");
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kServiceError);
  EXPECT_NE(h.Done()->message.find("426 (FTP_CLOSE_CONNECT)"), std::string::npos)
      << h.Done()->message;
  EXPECT_TRUE(h.script_done());
}

TEST(FtpClientTest, SilentServerTimesOutAndQuits) {
  FtpClient client(Session(), {FtpVerb::kGet, "f", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPSIZE=f\r", "+FTPSIZE:100\r\nOK\r\n"}, {"AT+FTPGET=1,f\r", "OK\r\n"}, kQuit});
  client.Start({});
  h.Run();
  h.FireTimer();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kTimeout);
  EXPECT_TRUE(h.script_done());
}

TEST(FtpClientTest, PutOfManual243SendsChunksAndEndsWithTheEndMarker) {
  FtpSession session = Session();
  FtpClient client(session, {FtpVerb::kPut, "1234", std::string(2100, '5')});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({
      {"AT+FTPPUTNAME=1234\r", "OK\r\n"},
      {"AT+FTPPUT=1024," + std::string(1024, '5') + "\r", "OK\r\n"},
      {"AT+FTPPUT=1024," + std::string(1024, '5') + "\r", "OK\r\n"},
      {"AT+FTPPUT=52," + std::string(52, '5') + "\r", "OK\r\n"},
      {"AT+FTPPUT=0,\r", "OK\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
  EXPECT_EQ(h.Events<ProgressAction>().back().done, 2100u);
}

TEST(FtpClientTest, ModuleErrorMidPutReleasesTheSession) {
  FtpClient client(Session(), {FtpVerb::kPut, "f", "abcdef"});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({
      {"AT+FTPPUTNAME=f\r", "OK\r\n"},
      {"AT+FTPPUT=6,abcdef\r", "+FTPPUT:426\r\nERROR\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kServiceError);
  EXPECT_NE(h.Done()->message.find("FTP_CLOSE_CONNECT"), std::string::npos);
  EXPECT_TRUE(h.script_done());
}

TEST(FtpClientTest, BinaryPutIsRefusedInlineNamingTheByte) {
  FtpClient client(Session(), {FtpVerb::kPut, "f", std::string("ab\0", 3)});
  InbandHarness h(client);
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kUnsendableByte);
  EXPECT_NE(h.Done()->message.find("0x00 at offset 2"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(FtpClientTest, BinaryPutTravelsAfterThePrompt) {
  FtpSession session = Session();
  session.encoding = PayloadEncoding::kPrompt;
  FtpClient client(session, {FtpVerb::kPut, "f", std::string("\r\n\0", 3)});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({
      {"AT+FTPPUTNAME=f\r", "OK\r\n"},
      {"AT+FTPPUT=3\r", "> "},
      {std::string("\r\n\0", 3), "OK\r\n"},
      {"AT+FTPPUT=0,\r", "OK\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
}

TEST(FtpClientTest, SizeOfManual243IsReported) {
  FtpClient client(Session(), {FtpVerb::kSize, "test.txt", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPSIZE=test.txt\r", "+FTPSIZE:5\r\nOK\r\n"}, kQuit});
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
  EXPECT_EQ(client.size(), std::optional<std::size_t>(5));
}

TEST(FtpClientTest, MkdirRefusedByTheServerNamesTheCode) {
  FtpClient client(Session(), {FtpVerb::kMkdir, "new", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPMKD=new\r", "+FTPMKD:550\r\nERROR\r\n"}, kQuit});
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_NE(h.Done()->message.find("550 (FTP_REQUEST_NOT_EXECUTED)"), std::string::npos)
      << h.Done()->message;
}

TEST(FtpClientTest, RmdirSucceeds) {
  FtpClient client(Session(), {FtpVerb::kRmdir, "old", ""});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({{"AT+FTPRMD=old\r", "OK\r\n"}, kQuit});
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done());
}

TEST(FtpClientTest, UnreachableServerNamesTheFtpservResult) {
  FtpClient client(Session(), {FtpVerb::kList, "", ""});
  InbandHarness h(client);
  h.Script({
      {"AT+FTPMODE=1\r", "OK\r\n"},
      {"AT+FTPTYPE=I\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222\r", "+FTPSERV:3\r\nERROR\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kConnectFailed);
  EXPECT_NE(h.Done()->message.find("§2.29"), std::string::npos) << h.Done()->message;
}

TEST(FtpClientTest, LoginRefusedNamesTheCode) {
  FtpClient client(Session(), {FtpVerb::kList, "", ""});
  InbandHarness h(client);
  h.Script({
      {"AT+FTPMODE=1\r", "OK\r\n"},
      {"AT+FTPTYPE=I\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222\r", "+FTPSERV:0\r\nOK\r\n"},
      {"AT+FTPUN=ftp\r", "OK\r\n"},
      {"AT+FTPPW=ucchip123\r", "+FTPPW:530\r\nERROR\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_NE(h.Done()->message.find("530 (FTP_UNABLE_LOGIN)"), std::string::npos)
      << h.Done()->message;
}

TEST(FtpClientTest, NameOver64BytesIsRefusedBeforeAnythingIsSent) {
  FtpClient client(Session(), {FtpVerb::kGet, std::string(65, 'n'), ""});
  InbandHarness h(client);
  client.Start({});
  h.Run();
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.Done()->code, Errc::kInvalidArgument);
  EXPECT_NE(h.Done()->message.find("64"), std::string::npos) << h.Done()->message;
  EXPECT_TRUE(h.written().empty());
}

TEST(FtpClientTest, UrlIsDecodedOnceSoTheModuleGetsTheSameNamesAsLibcurl) {
  // `%20` in the path and `%40` in the password: the module gets the decoded bytes, libcurl a URL
  // that decodes to them (FtpUrlOf) and the same password.
  FtpSession session;
  std::string path;
  ASSERT_FALSE(ParseFtpUrl("ftp://us%65r:a%40b@192.168.2.222/pub/my%20file.txt", &session, &path));
  EXPECT_EQ(session.user, "user");
  EXPECT_EQ(session.password, "a@b");
  EXPECT_EQ(path, "pub/my file.txt");
  EXPECT_EQ(FtpUrlOf(session, path), "ftp://192.168.2.222:21/pub/my%20file.txt");
  FtpClient client(session, {FtpVerb::kGet, path, ""});
  InbandHarness h(client);
  h.Script({
      {"AT+FTPMODE=1\r", "OK\r\n"},
      {"AT+FTPTYPE=I\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222\r", "+FTPSERV:0\r\nOK\r\n"},
      {"AT+FTPUN=user\r", "OK\r\n"},
      {"AT+FTPPW=a@b\r", "OK\r\n"},
      {"AT+FTPPATH=pub\r", "+FTPPATH:250\r\nOK\r\n"},
      {"AT+FTPSIZE=my file.txt\r", "+FTPSIZE:2\r\nOK\r\n"},
      {"AT+FTPGET=1,my file.txt\r", "OK\r\n"},
  });
  client.Start({});
  h.Run();
  h.Script({kQuit});
  h.Inject("\r\n+FTPGET:2,ok\r\n");
  EXPECT_EQ(h.Data(), "ok");
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
  EXPECT_TRUE(h.script_done());
}

TEST(FtpClientTest, RawSpaceOrBadEscapeInTheUrlIsRefusedNamingTheByte) {
  FtpSession session;
  std::string path;
  auto e = ParseFtpUrl("ftp://h/my file.txt", &session, &path);
  ASSERT_TRUE(e);
  EXPECT_EQ(e.code, Errc::kInvalidArgument);
  EXPECT_NE(e.message.find("byte 0x20 at offset 10"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("%20"), std::string::npos) << e.message;
  EXPECT_TRUE(ParseFtpUrl("ftp://h/a%2", &session, &path));
  EXPECT_TRUE(ParseFtpUrl("ftp://h/a?b", &session, &path));
  EXPECT_TRUE(ParseFtpUrl("http://h/a", &session, &path));
  EXPECT_TRUE(ParseFtpUrl("ftp://a@b@h/a", &session, &path));
}

TEST(FtpClientTest, DecodedLineEndInANameIsRefusedInBothModes) {
  // `%0d%0a` decodes to CR LF: over PPP it would end the FTP command (RFC 959), in-band the AT
  // command line. Refused before anything is sent.
  FtpSession session;
  std::string path;
  ASSERT_FALSE(ParseFtpUrl("ftp://h/a%0d%0aDELE%20x", &session, &path));
  for (Transport t : {Transport::kInband, Transport::kNative}) {
    auto e = CheckFtp(session, {FtpVerb::kGet, path, ""}, t);
    ASSERT_TRUE(e);
    EXPECT_NE(e->message.find("0x0d"), std::string::npos) << e->message;
  }
  // A comma is fine over PPP but ends a bare parameter in-band (§1.3.3).
  ASSERT_FALSE(ParseFtpUrl("ftp://h/a,b", &session, &path));
  EXPECT_FALSE(CheckFtp(session, {FtpVerb::kGet, path, ""}, Transport::kNative));
  auto e = CheckFtp(session, {FtpVerb::kGet, path, ""}, Transport::kInband);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Errc::kUnsendableByte);
}

TEST(FtpClientTest, AbsolutePathAndIpLiteralRoundTripToLibcurlsUrl) {
  FtpSession session;
  std::string path;
  ASSERT_FALSE(ParseFtpUrl("ftp://[::1]:2121//srv/a%3Bb", &session, &path));
  EXPECT_EQ(session.host, "::1");
  EXPECT_EQ(session.port, 2121);
  EXPECT_EQ(path, "/srv/a;b");
  EXPECT_EQ(FtpUrlOf(session, path), "ftp://[::1]:2121/%2Fsrv/a%3Bb");
}

TEST(FtpClientTest, InlinePutPartsNeverBeginWithASpace) {
  const std::string data = std::string(1023, 'x') + "  yz";
  FtpClient client(Session(), {FtpVerb::kPut, "f", data});
  InbandHarness h(client);
  h.Script(Login());
  h.Script({
      {"AT+FTPPUTNAME=f\r", "OK\r\n"},
      {"AT+FTPPUT=1022," + std::string(1022, 'x') + "\r", "OK\r\n"},
      {"AT+FTPPUT=5,x  yz\r", "OK\r\n"},
      {"AT+FTPPUT=0,\r", "OK\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
  ASSERT_TRUE(h.Done());
  EXPECT_FALSE(*h.Done()) << h.Done()->message;
}

TEST(FtpClientTest, ActiveAsciiSessionOnAnotherPortSaysSo) {
  FtpSession session = Session();
  session.passive = false;
  session.type = chat::FtpTransferType::kAscii;
  session.port = 2121;
  FtpClient client(session, {FtpVerb::kRmdir, "d", ""});
  InbandHarness h(client);
  h.Script({
      {"AT+FTPMODE=0\r", "OK\r\n"},
      {"AT+FTPTYPE=A\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222,2121\r", "+FTPSERV:0\r\nOK\r\n"},
      {"AT+FTPUN=ftp\r", "OK\r\n"},
      {"AT+FTPPW=ucchip123\r", "OK\r\n"},
      {"AT+FTPRMD=d\r", "OK\r\n"},
      kQuit,
  });
  client.Start({});
  h.Run();
  EXPECT_TRUE(h.script_done());
}

}  // namespace
}  // namespace uclink::control::inband
