// The FTP commands (manual §2.26–2.43) against a real vsftpd the test starts on a loopback
// ephemeral port with a temporary anonymous root, in passive and active mode.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/sim/services/service_test_util.h"

namespace uclink::sim::services::testing {
namespace {

const std::string kBig = TestBytes(64 << 10, 11);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class FtpServiceTest : public ::testing::Test {
 protected:
  // One vsftpd for the suite: anonymous login, writable "pub" directory.
  static void SetUpTestSuite() {
    server_ = new LoopbackServer("uclink-vsftpd");
    const std::string root = server_->dir + "/root";
    pub_ = new std::string(root + "/pub");
    std::filesystem::create_directories(*pub_);
    // vsftpd refuses a chroot it can write to; the anonymous user writes only into pub/.
    chmod(server_->dir.c_str(), 0755);
    chmod(root.c_str(), 0755);
    if (const passwd* ftp = getpwnam("ftp")) chown(pub_->c_str(), ftp->pw_uid, ftp->pw_gid);
    WriteFile(*pub_ + "/big.bin", kBig);
    WriteFile(*pub_ + "/test.txt", "hello");
    const std::string conf = server_->dir + "/vsftpd.conf";
    WriteFile(conf, "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\nlisten_port=" +
                        std::to_string(server_->port) +
                        "\nbackground=NO\nanonymous_enable=YES\nlocal_enable=NO\n"
                        "anon_root=" +
                        root +
                        "\nno_anon_password=YES\nwrite_enable=YES\nanon_upload_enable=YES\n"
                        "anon_mkdir_write_enable=YES\nanon_other_write_enable=YES\n"
                        "anon_umask=022\nconnect_from_port_20=NO\npasv_enable=YES\n"
                        "port_enable=YES\nxferlog_enable=NO\nseccomp_sandbox=NO\n"
                        "secure_chroot_dir=/var/run/vsftpd/empty\n");
    chmod(conf.c_str(), 0600);
    server_->Start({"/usr/sbin/vsftpd", conf});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pub_;
  }
  void SetUp() override { ASSERT_TRUE(server_->listening) << "vsftpd did not start"; }

  void Login(bool passive) {
    ASSERT_EQ(ToString(d_.Run("AT+FTPMODE=" + std::string(passive ? "1" : "0"))), "OK\n");
    ASSERT_EQ(ToString(d_.Run("AT+FTPSERV=127.0.0.1," + std::to_string(server_->port))),
              "I:+FTPSERV:0\nOK\n");
    ASSERT_EQ(ToString(d_.Run("AT+FTPUN=anonymous")), "OK\n");
    ASSERT_EQ(ToString(d_.Run("AT+FTPPW=uclink")), "OK\n");
    // Manual §2.43: "+FTPPATH:250" and "+FTPTYPE:0" before OK.
    ASSERT_EQ(ToString(d_.Run("AT+FTPPATH=/pub")), "I:+FTPPATH:250\nOK\n");
    ASSERT_EQ(ToString(d_.Run("AT+FTPTYPE=i")), "I:+FTPTYPE:0\nOK\n");
  }

  // Collects "+FTPGET:<len>,<data>" pieces up to the "+FTPGET:0," end marker, checking that
  // every announced length is exact.
  std::string GetFile(const std::string& line) {
    const std::size_t first = d_.Urcs("+FTPGET:").size();
    EXPECT_EQ(ToString(d_.Run(line)), "OK\n");
    std::string data;
    d_.RunUntil([&] {
      const auto urcs = d_.Urcs("+FTPGET:");
      return urcs.size() > first && (urcs.back() == "+FTPGET:0," || urcs.back()[8] == '-');
    });
    const auto urcs = d_.Urcs("+FTPGET:");
    for (std::size_t i = first; i < urcs.size(); ++i) {
      const std::size_t comma = urcs[i].find(',');
      const std::string len = urcs[i].substr(8, comma - 8);
      EXPECT_NE(len, "-1") << urcs[i];
      if (len == "-1") break;
      EXPECT_EQ(urcs[i].size() - comma - 1, std::stoul(len));
      data += urcs[i].substr(comma + 1);
    }
    return data;
  }

  static LoopbackServer* server_;
  static std::string* pub_;
  Driver d_;
};

LoopbackServer* FtpServiceTest::server_ = nullptr;
std::string* FtpServiceTest::pub_ = nullptr;

TEST_F(FtpServiceTest, PassiveGetOf64KiBArrivesInPiecesByteForByte) {
  Login(true);
  const std::string got = GetFile("AT+FTPGET=1,big.bin");
  EXPECT_EQ(got.size(), kBig.size());
  EXPECT_TRUE(got == kBig);
}

TEST_F(FtpServiceTest, ActiveGetOf64KiBArrivesByteForByte) {
  Login(false);
  const std::string got = GetFile("AT+FTPGET=1,big.bin");
  EXPECT_EQ(got.size(), kBig.size());
  EXPECT_TRUE(got == kBig);
}

TEST_F(FtpServiceTest, ExecGetUsesFtpgetname) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPGETNAME=test.txt")), "OK\n");
  EXPECT_EQ(GetFile("AT+FTPGET"), "hello");
}

TEST_F(FtpServiceTest, ManualPutExampleThenGetReturnsTheChunks) {
  // Manual §2.43: FTPPUTNAME=1234, four "AT+FTPPUT=5, 12345", "AT+FTPPUT=0,", then
  // "AT+FTPGET=1, 1234" → "+FTPGET:20, 12345123451234512345".
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUTNAME=1234")), "OK\n");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=5, 12345")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=0,")), "OK\n");
  EXPECT_EQ(ReadFile(*pub_ + "/1234"), "12345123451234512345");
  EXPECT_EQ(GetFile("AT+FTPGET=1, 1234"), "12345123451234512345");
}

TEST_F(FtpServiceTest, ActiveBinaryPutThroughPromptMatchesOnDisk) {
  Login(false);
  const std::string file = TestBytes(8000, 5);
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUTNAME=up.bin")), "OK\n");
  for (std::size_t off = 0; off < file.size(); off += 1000) {
    d_.host.prompt_payload = file.substr(off, 1000);
    EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=1000")), "P:1000\nOK\n");
  }
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=0,")), "OK\n");
  EXPECT_TRUE(ReadFile(*pub_ + "/up.bin") == file);
  EXPECT_EQ(ToString(d_.Run("AT+FTPSIZE=up.bin")), "I:+FTPSIZE:8000\nOK\n");
}

TEST_F(FtpServiceTest, EmptyPutCreatesEmptyFile) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUTNAME=empty.bin")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=0,")), "OK\n");
  EXPECT_TRUE(std::filesystem::exists(*pub_ + "/empty.bin"));
  EXPECT_EQ(std::filesystem::file_size(*pub_ + "/empty.bin"), 0u);
}

TEST_F(FtpServiceTest, ListReportsLengthThenTheListing) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPLIST")), "OK\n");
  const auto urcs = d_.WaitUrcs("+FTPLIST:", 1);
  ASSERT_EQ(urcs.size(), 1u);
  const std::size_t header_end = urcs[0].find("\r\n");
  ASSERT_NE(header_end, std::string::npos);
  const std::string header = urcs[0].substr(0, header_end);
  const std::string listing = urcs[0].substr(header_end + 2);
  EXPECT_EQ(header, "+FTPLIST:0," + std::to_string(listing.size()));
  EXPECT_NE(listing.find("big.bin"), std::string::npos);
  EXPECT_NE(listing.find("test.txt"), std::string::npos);
}

TEST_F(FtpServiceTest, SizeReportsBytes) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPSIZE=test.txt")), "I:+FTPSIZE:5\nOK\n");
}

TEST_F(FtpServiceTest, MkdThenRmdChangeTheServerTree) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPMKD=newdir")), "OK\n");
  EXPECT_TRUE(std::filesystem::is_directory(*pub_ + "/newdir"));
  EXPECT_EQ(ToString(d_.Run("AT+FTPRMD=newdir")), "OK\n");
  EXPECT_FALSE(std::filesystem::exists(*pub_ + "/newdir"));
}

TEST_F(FtpServiceTest, MissingFileGetFailsWithServerCode550) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPGET=1,nothere")), "I:+FTPGET:550\nERROR\n");
}

TEST_F(FtpServiceTest, RmdOfMissingDirectoryFailsWith550) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPRMD=nothere")), "I:+FTPRMD:550\nERROR\n");
}

TEST_F(FtpServiceTest, ClosedPortIsFtpservUnreachable) {
  EXPECT_EQ(ToString(d_.Run("AT+FTPSERV=127.0.0.1," + std::to_string(FreePort()))),
            "I:+FTPSERV:3\nERROR\n");
}

TEST_F(FtpServiceTest, UnmappedServerIsFtpservBadAddress) {
  EXPECT_EQ(ToString(d_.Run("AT+FTPSERV=ftp.example.com")), "I:+FTPSERV:2\nERROR\n");
}

TEST_F(FtpServiceTest, NetworkNotReadyIsFtpservNoPdp) {
  d_.host.network_ready = false;
  EXPECT_EQ(ToString(d_.Run("AT+FTPSERV=127.0.0.1," + std::to_string(server_->port))),
            "I:+FTPSERV:1\nERROR\n");
}

TEST_F(FtpServiceTest, CommandBeforeServIsStateError) {
  EXPECT_EQ(ToString(d_.Run("AT+FTPMKD=x")), "I:+FTPMKD:7\nERROR\n");
}

TEST_F(FtpServiceTest, NamesOver64BytesAreTooLong) {
  EXPECT_EQ(ToString(d_.Run("AT+FTPGETNAME=" + std::string(65, 'n'))), "E:CME 24\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPUN=" + std::string(65, 'u'))), "E:CME 24\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPGETNAME=" + std::string(64, 'n'))), "OK\n");
}

TEST_F(FtpServiceTest, ReadAndTestFormsFollowTheManual) {
  EXPECT_EQ(ToString(d_.Run("AT+FTPMODE=?")), "I:+FTPMODE: (0-1)\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPMODE=0")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPMODE?")), "I:+FTPMODE: 0\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPRESET=5")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPRESET?")), "I:+FTPRESET:5\nOK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPGET?")), "I:+FTPGET\nOK\n");
}

TEST_F(FtpServiceTest, ManualSpellingFttputnameIsAccepted) {
  EXPECT_TRUE(d_.services->Handles(ParseLine("AT+FTTPUTNAME=a")));
  EXPECT_EQ(ToString(d_.Run("AT+FTTPUTNAME=a.bin")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUTNAME?")), "I:+FTPPUTNAME: a.bin\nOK\n");
}

TEST_F(FtpServiceTest, QuitClosesTheSession) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPQUIT")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPSIZE=test.txt")), "I:+FTPSIZE:7\nERROR\n");
}

TEST_F(FtpServiceTest, CommandsDuringUploadAreBusy) {
  Login(true);
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUTNAME=busy.bin")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=1,x")), "OK\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPLIST")), "I:+FTPLIST:12\nERROR\n");
  EXPECT_EQ(ToString(d_.Run("AT+FTPPUT=0,")), "OK\n");
  EXPECT_EQ(ReadFile(*pub_ + "/busy.bin"), "x");
}

}  // namespace
}  // namespace uclink::sim::services::testing
