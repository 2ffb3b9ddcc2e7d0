// FTP client commands (chat/commands/ftp.h): manual §2.26–§2.43.
#include <gtest/gtest.h>

#include "chat/commands/ftp.h"
#include "chat/error_tables.h"

namespace uclink::chat {
namespace {

TEST(FtpEncodeTest, ManualSessionOfSection243) {
  EXPECT_EQ(*EncodeFtpserv("192.168.2.222"), "AT+FTPSERV=192.168.2.222");
  EXPECT_EQ(*EncodeFtpName(Command::kFtpun, "ftp"), "AT+FTPUN=ftp");
  EXPECT_EQ(*EncodeFtpName(Command::kFtppw, "ucchip123"), "AT+FTPPW=ucchip123");
  EXPECT_EQ(*EncodeFtpName(Command::kFtppath, "/home/uchip/ftp/bin"),
            "AT+FTPPATH=/home/uchip/ftp/bin");
  EXPECT_EQ(*EncodeFtptype(FtpTransferType::kBinary), "AT+FTPTYPE=I");
  EXPECT_EQ(*EncodeExec(Command::kFtplist), "AT+FTPLIST");
  EXPECT_EQ(*EncodeFtpget(1, "123"), "AT+FTPGET=1,123");
  EXPECT_EQ(*EncodeFtpName(Command::kFtpsize, "test.txt"), "AT+FTPSIZE=test.txt");
  EXPECT_EQ(*EncodeFtpName(Command::kFtpputname, "1234"), "AT+FTPPUTNAME=1234");
  EXPECT_EQ(*EncodeFtpput("12345"), "AT+FTPPUT=5,12345");
  EXPECT_EQ(*EncodeFtpput(""), "AT+FTPPUT=0,");
  EXPECT_EQ(*EncodeExec(Command::kFtpquit), "AT+FTPQUIT");
}

TEST(FtpEncodeTest, OtherSetForms) {
  EXPECT_EQ(*EncodeFtpmode(0), "AT+FTPMODE=0");                                 // §2.26.2
  EXPECT_EQ(*EncodeFtpreset(5), "AT+FTPRESET=5");                               // §2.28.2
  EXPECT_EQ(*EncodeFtpName(Command::kFtpmkd, "xxx"), "AT+FTPMKD=xxx");          // §2.35.2
  EXPECT_EQ(*EncodeFtpName(Command::kFtprmd, "xxx"), "AT+FTPRMD=xxx");          // §2.36.2
  EXPECT_EQ(*EncodeFtpName(Command::kFtpgetname, "xxx"), "AT+FTPGETNAME=xxx");  // §2.32.2
  EXPECT_EQ(*EncodeFtpget(), "AT+FTPGET");                                      // §2.37
}

TEST(FtpEncodeTest, NamesAreLimitedTo64Bytes) {
  // §2.30–§2.36: user name, password, file names, paths and directories are at most 64 bytes.
  auto r = EncodeFtpName(Command::kFtppath, std::string(65, 'p'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CommandErrc::kTooLong);
  EXPECT_NE(r.error().detail.find("64"), std::string::npos);
  EXPECT_TRUE(EncodeFtpName(Command::kFtppath, std::string(64, 'p')));
}

TEST(FtpEncodeTest, RefusesBadArguments) {
  EXPECT_EQ(EncodeFtpName(Command::kFtpun, "a,b").error().code, CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeFtpName(Command::kFtpun, "").error().code, CommandErrc::kEmpty);
  EXPECT_EQ(EncodeFtpName(Command::kCsq, "x").error().code, CommandErrc::kUnsupportedForm);
  EXPECT_EQ(EncodeFtpserv("1.2.3.4;rm").error().code, CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeFtpmode(2).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeFtpreset(-1).error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(EncodeFtpput("a\nb").error().code, CommandErrc::kInvalidCharacter);
  EXPECT_EQ(EncodeFtpput(std::string(1025, 'x')).error().code, CommandErrc::kTooLong);
}

TEST(FtpDecodeTest, NumericAnswersOfSection243) {
  EXPECT_EQ(*DecodeFtpCode("+FTPSERV:0", Command::kFtpserv), 0);
  EXPECT_EQ(*DecodeFtpCode("+FTPPATH:250", Command::kFtppath), 250);
  EXPECT_EQ(DescribeFtp(250), "FTP_CWD_PATH_OK");
  EXPECT_EQ(*DecodeFtpCode("+FTPTYPE:0", Command::kFtptype), 0);
  EXPECT_EQ(*DecodeFtpCode("+FTPSIZE:5", Command::kFtpsize), 5);
}

TEST(FtpDecodeTest, ReadAnswersWithSpaceAfterPlus) {
  // §2.26.3 "+FTPMODE: 0", §2.28 "+ FTPRESET:5", §2.29.3 "+ FTPSERV: 129.168.0.1",
  // §2.30.3 "+ FTPUN: XX", §2.33.3 "+ FTPPATH: XX", §2.34.3 "+ FTPPUTNAME: XX".
  EXPECT_EQ(*DecodeFtpCode("+FTPMODE: 0", Command::kFtpmode), 0);
  EXPECT_EQ(*DecodeFtpCode("+ FTPRESET:5", Command::kFtpreset), 5);
  EXPECT_EQ(*DecodeFtpValue("+ FTPSERV: 129.168.0.1", Command::kFtpserv), "129.168.0.1");
  EXPECT_EQ(*DecodeFtpValue("+ FTPUN: XX", Command::kFtpun), "XX");
  EXPECT_EQ(*DecodeFtpValue("+ FTPPATH: XX", Command::kFtppath), "XX");
  EXPECT_EQ(*DecodeFtpValue("+ FTPPUTNAME: XX", Command::kFtpputname), "XX");
  EXPECT_EQ(*DecodeFtpValue("+ FTPGETNAME: XX", Command::kFtpgetname), "XX");
  EXPECT_EQ(*DecodeFtpValue("+ FTPPW: XX", Command::kFtppw), "XX");
}

TEST(FtpDecodeTest, MisprintedNamesAreAccepted) {
  // §2.33.1 "+ FTTPATH:XXX", §2.34.1 "+ FTTPUTNAME:XXX".
  EXPECT_EQ(*DecodeFtpValue("+ FTTPATH:XXX", Command::kFtppath), "XXX");
  EXPECT_EQ(*DecodeFtpValue("+ FTTPUTNAME:XXX", Command::kFtpputname), "XXX");
}

TEST(FtpDecodeTest, RejectsOtherCommandsAndGarbage) {
  EXPECT_EQ(DecodeFtpCode("+FTPPATH:250", Command::kFtpserv).error().code,
            CommandErrc::kWrongPrefix);
  EXPECT_EQ(DecodeFtpCode("+FTPSERV:x", Command::kFtpserv).error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeFtpCode("+FTPSERV:", Command::kFtpserv).error().code, CommandErrc::kMissingField);
  EXPECT_EQ(DecodeFtpValue("+FTPUN:", Command::kFtpun).error().code, CommandErrc::kMissingField);
}

TEST(FtpDecodeTest, TransferTypeReadAnswer) {
  EXPECT_EQ(*DecodeFtptype("+FTPTYPE: I"), FtpTransferType::kBinary);
  EXPECT_EQ(*DecodeFtptype("+FTPTYPE: a"), FtpTransferType::kAscii);
  EXPECT_EQ(DecodeFtptype("+FTPTYPE: X").error().code, CommandErrc::kOutOfRange);
  EXPECT_EQ(ToString(FtpTransferType::kAscii), "A");
}

TEST(FtpDecodeTest, ServerResultTableOfSection229) {
  auto r = DescribeFtpServResult(1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "pdp 未激活");
  EXPECT_EQ(r->gloss, "PDP context not active");
  EXPECT_FALSE(DescribeFtpServResult(6));
}

TEST(FtpgetTest, ManualExamplesWithAndWithoutSpace) {
  // §2.43: "+FTPGET:24,1234..." and "+FTPGET:20, 1234..." (20 bytes after the space).
  std::string_view a = "+FTPGET:24,123456781234567812345678";
  auto h = DecodeFtpgetHeader(a, true);
  ASSERT_TRUE(h);
  EXPECT_EQ(a.substr(h->offset, h->length), "123456781234567812345678");
  std::string_view b = "+FTPGET:20, 12345123451234512345";
  auto g = DecodeFtpgetHeader(b, true);
  ASSERT_TRUE(g);
  EXPECT_EQ(b.substr(g->offset), "12345123451234512345");
  EXPECT_EQ(g->length, 20u);
}

TEST(FtpgetTest, IncompleteAndEmptyPayloads) {
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGET:24", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGET:24, ", false).error().code, CommandErrc::kIncomplete);
  auto empty = DecodeFtpgetHeader("+FTPGET:0,", true);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->length, 0u);
  EXPECT_EQ(DecodeFtpgetHeader("+FTPGETNAME: x", false).error().code, CommandErrc::kWrongPrefix);
}

TEST(FtplistTest, ManualHeaderPutsListingOnNextLines) {
  // §2.43: "+FTPLIST:0,370" then the listing.
  auto h = DecodeFtplistHeader("+FTPLIST:0,370", true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->mode, 0);
  EXPECT_EQ(h->payload, (PayloadHeader{370, 14, true, {}}));
  EXPECT_EQ(DecodeFtplistHeader("+FTPLIST:0,37", false).error().code, CommandErrc::kIncomplete);
  EXPECT_EQ(DecodeFtplistHeader("+FTPLIST:0,x", true).error().code, CommandErrc::kBadNumber);
  EXPECT_EQ(DecodeFtplistHeader("+ FTPLIST", true).error().code, CommandErrc::kMissingField);
}

TEST(FtpsconTest, HeaderLine) {
  // §2.41.2: "+ FTPSCON :" then the configuration text.
  EXPECT_EQ(*DecodeFtpscon("+ FTPSCON :"), "");
  EXPECT_EQ(DecodeFtpscon("+FTPSERV:0").error().code, CommandErrc::kWrongPrefix);
}

}  // namespace
}  // namespace uclink::chat
