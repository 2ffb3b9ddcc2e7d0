// FtpClient: the manual's FTP session (§2.43) split into its operations, and every error path.
// Each operation logs in, works, and ends with AT+FTPQUIT, also after errors.
#include "control/inband/ftp_client.h"

#include <gtest/gtest.h>

#include "tests/control/services/exchange.h"

namespace uclink::control::inband {
namespace {

using testing::Step;
using Ftp = testing::Exchange<FtpClient>;

FtpSession Session() {
  return {.host = "192.168.2.222", .user = "ftp", .password = "ucchip123", .passive = true};
}

FtpRequest Request(FtpVerb verb, std::string path, std::string data = "") {
  return {verb, std::move(path), std::move(data)};
}

std::vector<Step> Login(const std::string& user = "ftp",
                        const std::string& password = "ucchip123") {
  return {
      {"AT+FTPMODE=1\r", "OK\r\n"},
      {"AT+FTPTYPE=I\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222\r", "+FTPSERV:0\r\nOK\r\n"},
      {"AT+FTPUN=" + user + "\r", "OK\r\n"},
      {"AT+FTPPW=" + password + "\r", "OK\r\n"},
  };
}

// Login() up to its step `index`, which the module answers with `reply`.
std::vector<Step> LoginRefusedAt(std::size_t index, std::string reply) {
  std::vector<Step> steps = Login();
  steps.resize(index + 1);
  steps[index].reply = std::move(reply);
  return steps;
}

const Step kQuit{"AT+FTPQUIT\r", "OK\r\n"};

// Plays `login` and `steps` up to the transfer's OK; the module then reports `pieces` (URCs) and
// the client quits.
void Receive(Ftp& x, std::vector<Step> login, std::vector<Step> steps, const std::string& pieces) {
  x.Play(std::move(login), std::move(steps));
  x.Script({kQuit});
  x.Inject(pieces);
}

TEST(FtpClientTest, ListingOfManual243ArrivesAfterOkAtEverySplit) {
  const std::string listing =
      "-rwxrwxrwx\t1\t1000\t1000\t8 May 14 12:04\t1.bin\r\n"
      "-rwxrwxrwx\t1\t0\t0\t5 May 17 17:11\ttest.txt\r\n";
  for (std::size_t chunk : testing::ChunkSizes()) {
    Ftp x(Session(), Request(FtpVerb::kList, "/home/uchip/ftp/bin"));
    x.set_chunk(chunk);
    Receive(x, Login(),
            {{"AT+FTPPATH=/home/uchip/ftp/bin\r", "+FTPPATH:250\r\nOK\r\n"},
             {"AT+FTPLIST\r", "OK\r\n"}},
            "\r\n+FTPLIST:0," + std::to_string(listing.size()) + "\r\n" + listing);
    EXPECT_EQ(x.Data(), listing) << "chunk " << chunk;
    EXPECT_TRUE(x.Succeeded()) << "chunk " << chunk;
    EXPECT_TRUE(x.script_done());
  }
}

TEST(FtpClientTest, GetReassemblesThePiecesExactly) {
  Ftp x(Session(), Request(FtpVerb::kGet, "123"));
  Receive(x, Login(),
          {{"AT+FTPSIZE=123\r", "+FTPSIZE:22\r\nOK\r\n"}, {"AT+FTPGET=1,123\r", "OK\r\n"}},
          "\r\n+FTPGET:18,1234\r\n5678,\"\r\n\x01\x02\r\n\r\n+FTPGET:4,abcd\r\n");
  EXPECT_EQ(x.Data(), std::string("1234\r\n5678,\"\r\n\x01\x02\r\nabcd"));
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.Events<ProgressAction>().back().done, 22u);
}

TEST(FtpClientTest, GetEndsAtTheZeroLengthPieceWhenTheSizeIsUnknown) {
  Ftp x(Session(), Request(FtpVerb::kGet, "dir/f"));
  Receive(x, Login(),
          {{"AT+FTPPATH=dir\r", "+FTPPATH:250\r\nOK\r\n"},
           {"AT+FTPSIZE=f\r", "+FTPSIZE:550\r\nERROR\r\n"},
           {"AT+FTPGET=1,f\r", "OK\r\n"}},
          "+FTPGET:3,abc\r\n+FTPGET:0,\r\n");
  EXPECT_EQ(x.Data(), "abc");
  EXPECT_TRUE(x.Succeeded());
}

TEST(FtpClientTest, FailedTransferReportsTheTable35CodeAndQuits) {
  Ftp x(Session(), Request(FtpVerb::kGet, "f"));
  Receive(x, Login(), {{"AT+FTPSIZE=f\r", "+FTPSIZE:100\r\nOK\r\n"}, {"AT+FTPGET=1,f\r", "OK\r\n"}},
          "+FTPGET:3,abc\r\n+FTPGET:-1,426\r\n");
  EXPECT_TRUE(x.Failed(Errc::kServiceError, {"426 (FTP_CLOSE_CONNECT)"}));
  EXPECT_TRUE(x.script_done());
}

TEST(FtpClientTest, SilentServerTimesOutAndQuits) {
  Ftp x(Session(), Request(FtpVerb::kGet, "f"));
  x.Play(Login(),
         {{"AT+FTPSIZE=f\r", "+FTPSIZE:100\r\nOK\r\n"}, {"AT+FTPGET=1,f\r", "OK\r\n"}, kQuit});
  x.FireTimer();
  EXPECT_TRUE(x.Failed(Errc::kTimeout));
  EXPECT_TRUE(x.script_done());
}

TEST(FtpClientTest, PutOfManual243SendsChunksAndEndsWithTheEndMarker) {
  Ftp x(Session(), Request(FtpVerb::kPut, "1234", std::string(2100, '5')));
  x.Play(Login(), {
                      {"AT+FTPPUTNAME=1234\r", "OK\r\n"},
                      {"AT+FTPPUT=1024," + std::string(1024, '5') + "\r", "OK\r\n"},
                      {"AT+FTPPUT=1024," + std::string(1024, '5') + "\r", "OK\r\n"},
                      {"AT+FTPPUT=52," + std::string(52, '5') + "\r", "OK\r\n"},
                      {"AT+FTPPUT=0,\r", "OK\r\n"},
                      kQuit,
                  });
  EXPECT_TRUE(x.script_done());
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.Events<ProgressAction>().back().done, 2100u);
}

TEST(FtpClientTest, ModuleErrorMidPutReleasesTheSession) {
  Ftp x(Session(), Request(FtpVerb::kPut, "f", "abcdef"));
  x.Play(Login(), {
                      {"AT+FTPPUTNAME=f\r", "OK\r\n"},
                      {"AT+FTPPUT=6,abcdef\r", "+FTPPUT:426\r\nERROR\r\n"},
                      kQuit,
                  });
  EXPECT_TRUE(x.Failed(Errc::kServiceError, {"FTP_CLOSE_CONNECT"}));
  EXPECT_TRUE(x.script_done());
}

TEST(FtpClientTest, BinaryPutIsRefusedInlineNamingTheByte) {
  Ftp x(Session(), Request(FtpVerb::kPut, "f", std::string("ab\0", 3)));
  x.Play({});
  EXPECT_TRUE(x.Failed(Errc::kUnsendableByte, {"0x00 at offset 2"}));
  EXPECT_TRUE(x.written().empty());
}

TEST(FtpClientTest, BinaryPutTravelsAfterThePrompt) {
  FtpSession session = Session();
  session.encoding = PayloadEncoding::kPrompt;
  Ftp x(session, Request(FtpVerb::kPut, "f", std::string("\r\n\0", 3)));
  x.Play(Login(), {
                      {"AT+FTPPUTNAME=f\r", "OK\r\n"},
                      {"AT+FTPPUT=3\r", "> "},
                      {std::string("\r\n\0", 3), "OK\r\n"},
                      {"AT+FTPPUT=0,\r", "OK\r\n"},
                      kQuit,
                  });
  EXPECT_TRUE(x.script_done());
  EXPECT_TRUE(x.Succeeded());
}

TEST(FtpClientTest, SizeOfManual243IsReported) {
  Ftp x(Session(), Request(FtpVerb::kSize, "test.txt"));
  x.Play(Login(), {{"AT+FTPSIZE=test.txt\r", "+FTPSIZE:5\r\nOK\r\n"}, kQuit});
  EXPECT_TRUE(x.Succeeded());
  EXPECT_EQ(x.client().size(), std::optional<std::size_t>(5));
}

TEST(FtpClientTest, MkdirRefusedByTheServerNamesTheCode) {
  Ftp x(Session(), Request(FtpVerb::kMkdir, "new"));
  x.Play(Login(), {{"AT+FTPMKD=new\r", "+FTPMKD:550\r\nERROR\r\n"}, kQuit});
  EXPECT_TRUE(x.Failed({"550 (FTP_REQUEST_NOT_EXECUTED)"}));
}

TEST(FtpClientTest, RmdirSucceeds) {
  Ftp x(Session(), Request(FtpVerb::kRmdir, "old"));
  x.Play(Login(), {{"AT+FTPRMD=old\r", "OK\r\n"}, kQuit});
  EXPECT_TRUE(x.Succeeded());
}

TEST(FtpClientTest, UnreachableServerNamesTheFtpservResult) {
  Ftp x(Session(), Request(FtpVerb::kList, ""));
  x.Play(LoginRefusedAt(2, "+FTPSERV:3\r\nERROR\r\n"), {kQuit});
  EXPECT_TRUE(x.Failed(Errc::kConnectFailed, {"§2.29"}));
}

TEST(FtpClientTest, LoginRefusedNamesTheCode) {
  Ftp x(Session(), Request(FtpVerb::kList, ""));
  x.Play(LoginRefusedAt(4, "+FTPPW:530\r\nERROR\r\n"), {kQuit});
  EXPECT_TRUE(x.Failed({"530 (FTP_UNABLE_LOGIN)"}));
}

TEST(FtpClientTest, NameOver64BytesIsRefusedBeforeAnythingIsSent) {
  Ftp x(Session(), Request(FtpVerb::kGet, std::string(65, 'n')));
  x.Play({});
  EXPECT_TRUE(x.Failed(Errc::kInvalidArgument, {"64"}));
  EXPECT_TRUE(x.written().empty());
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
  Ftp x(session, Request(FtpVerb::kGet, path));
  Receive(x, Login("user", "a@b"),
          {
              {"AT+FTPPATH=pub\r", "+FTPPATH:250\r\nOK\r\n"},
              {"AT+FTPSIZE=my file.txt\r", "+FTPSIZE:2\r\nOK\r\n"},
              {"AT+FTPGET=1,my file.txt\r", "OK\r\n"},
          },
          "\r\n+FTPGET:2,ok\r\n");
  EXPECT_EQ(x.Data(), "ok");
  EXPECT_TRUE(x.Succeeded());
  EXPECT_TRUE(x.script_done());
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
  Ftp x(Session(), Request(FtpVerb::kPut, "f", std::string(1023, 'x') + "  yz"));
  x.Play(Login(), {
                      {"AT+FTPPUTNAME=f\r", "OK\r\n"},
                      {"AT+FTPPUT=1022," + std::string(1022, 'x') + "\r", "OK\r\n"},
                      {"AT+FTPPUT=5,x  yz\r", "OK\r\n"},
                      {"AT+FTPPUT=0,\r", "OK\r\n"},
                      kQuit,
                  });
  EXPECT_TRUE(x.script_done());
  EXPECT_TRUE(x.Succeeded());
}

TEST(FtpClientTest, ActiveAsciiSessionOnAnotherPortSaysSo) {
  FtpSession session = Session();
  session.passive = false;
  session.type = chat::FtpTransferType::kAscii;
  session.port = 2121;
  Ftp x(session, Request(FtpVerb::kRmdir, "d"));
  x.Play({
      {"AT+FTPMODE=0\r", "OK\r\n"},
      {"AT+FTPTYPE=A\r", "+FTPTYPE:0\r\nOK\r\n"},
      {"AT+FTPSERV=192.168.2.222,2121\r", "+FTPSERV:0\r\nOK\r\n"},
      {"AT+FTPUN=ftp\r", "OK\r\n"},
      {"AT+FTPPW=ucchip123\r", "OK\r\n"},
      {"AT+FTPRMD=d\r", "OK\r\n"},
      kQuit,
  });
  EXPECT_TRUE(x.script_done());
}

}  // namespace
}  // namespace uclink::control::inband
