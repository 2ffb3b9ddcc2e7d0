// DnsConfigurator: the resolv.conf file method (atomic replace, exact restore) and the
// resolvconf-program method (run directly, servers on stdin, bounded), against files in the test's
// temporary directory and small fake programs written there.
#include "pppif/dns.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pppif/interface_errc.h"

namespace uclink::pppif {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::vector<Ipv4> kServers{{10, 0, 2, 3}, {8, 8, 4, 4}};

class DnsConfiguratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = fs::path(tmp != nullptr ? tmp : "/tmp") /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "resolv.conf").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Read(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  DnsOptions FileOptions() const {
    return {.method = DnsMethod::kResolvConfFile, .resolv_conf_path = path_};
  }

  // A fake resolvconf: appends its arguments and its stdin to a log, then runs `tail`.
  std::string FakeProgram(const std::string& tail = "exit 0") {
    const std::string program = (dir_ / "resolvconf").string();
    Write(program, "#!/bin/sh\necho \"args: $*\" >> " + (dir_ / "log").string() + "\ncat >> " +
                       (dir_ / "log").string() + "\n" + tail + "\n");
    fs::permissions(program, fs::perms::owner_all);
    return program;
  }

  fs::path dir_;
  std::string path_;
};

TEST(FormatResolvConfTest, ListsTheServersInOrderUnderAComment) {
  EXPECT_EQ(FormatResolvConf("ppp0", kServers),
            "# Written by uclink for ppp0 (DNS from IPCP, RFC 1877).\n"
            "nameserver 10.0.2.3\n"
            "nameserver 8.8.4.4\n");
}

// The kernel does not apply an RA's RDNSS (RFC 8106): its servers follow IPCP's, and only
// something that parses as an IPv6 address reaches the file.
TEST(FormatResolvConfTest, RdnssServersFollowIpcpsAndOnlyAddressesAreWritten) {
  EXPECT_EQ(FormatResolvConf("uclink0", kServers,
                             {"2001:db8::53", "2001:db8::54\noptions ndots:15", "not-an-address"}),
            "# Written by uclink for uclink0 (DNS from IPCP, RFC 1877; RDNSS, RFC 8106).\n"
            "nameserver 10.0.2.3\n"
            "nameserver 8.8.4.4\n"
            "nameserver 2001:db8::53\n");
}

TEST_F(DnsConfiguratorTest, ASecondApplyWithRdnssServersAddsThemAndRevertStillRestores) {
  std::ofstream(path_) << "nameserver 192.0.2.1\n";
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("uclink0", kServers));
  ASSERT_FALSE(dns.Apply("uclink0", kServers, {"2001:db8::53"}));
  EXPECT_EQ(Read(path_), FormatResolvConf("uclink0", kServers, {"2001:db8::53"}));
  ASSERT_FALSE(dns.Revert());
  EXPECT_EQ(Read(path_), "nameserver 192.0.2.1\n");
}

TEST_F(DnsConfiguratorTest, FileMethodWritesTheServers) {
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  EXPECT_EQ(Read(path_), FormatResolvConf("ppp0", kServers));
}

TEST_F(DnsConfiguratorTest, RevertRestoresThePreviousContentAndMode) {
  Write(path_, "nameserver 192.0.2.53\n");
  ::chmod(path_.c_str(), 0640);
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  ASSERT_FALSE(dns.Revert());
  EXPECT_EQ(Read(path_), "nameserver 192.0.2.53\n");
  struct stat status {};
  ASSERT_EQ(::stat(path_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0640u);
}

TEST_F(DnsConfiguratorTest, RevertRemovesTheFileWhenThereWasNone) {
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  ASSERT_FALSE(dns.Revert());
  EXPECT_FALSE(fs::exists(path_));
}

// /etc/resolv.conf is often a symlink (systemd-resolved, resolvconf): it must come back as one.
TEST_F(DnsConfiguratorTest, RevertRestoresASymlink) {
  Write((dir_ / "stub.conf").string(), "nameserver 127.0.0.53\n");
  fs::create_symlink("stub.conf", path_);
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  EXPECT_FALSE(fs::is_symlink(path_));
  ASSERT_FALSE(dns.Revert());
  ASSERT_TRUE(fs::is_symlink(path_));
  EXPECT_EQ(fs::read_symlink(path_), "stub.conf");
  EXPECT_EQ(Read((dir_ / "stub.conf").string()), "nameserver 127.0.0.53\n");
}

TEST_F(DnsConfiguratorTest, ASecondApplyStillRestoresTheOriginal) {
  Write(path_, "nameserver 192.0.2.53\n");
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  ASSERT_FALSE(dns.Apply("ppp0", {{10, 0, 2, 3}}));
  ASSERT_FALSE(dns.Revert());
  EXPECT_EQ(Read(path_), "nameserver 192.0.2.53\n");
}

TEST_F(DnsConfiguratorTest, NoTemporaryFilesAreLeftBehind) {
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(DnsConfiguratorTest, DestructionReverts) {
  Write(path_, "nameserver 192.0.2.53\n");
  {
    DnsConfigurator dns(FileOptions());
    ASSERT_FALSE(dns.Apply("ppp0", kServers));
  }
  EXPECT_EQ(Read(path_), "nameserver 192.0.2.53\n");
}

TEST_F(DnsConfiguratorTest, NoServersLeavesTheFileAlone) {
  Write(path_, "nameserver 192.0.2.53\n");
  DnsConfigurator dns(FileOptions());
  ASSERT_FALSE(dns.Apply("ppp0", {}));
  EXPECT_EQ(Read(path_), "nameserver 192.0.2.53\n");
}

TEST_F(DnsConfiguratorTest, UnwritableDirectoryIsAnError) {
  DnsConfigurator dns({.method = DnsMethod::kResolvConfFile,
                       .resolv_conf_path = (dir_ / "missing" / "resolv.conf").string()});
  EXPECT_TRUE(dns.Apply("ppp0", kServers));
}

TEST_F(DnsConfiguratorTest, MethodNoneTouchesNothing) {
  DnsConfigurator dns({.method = DnsMethod::kNone, .resolv_conf_path = path_});
  ASSERT_FALSE(dns.Apply("ppp0", kServers));
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(DnsConfiguratorTest, ProgramGetsAddWithTheServersOnStdinAndDeleteOnRevert) {
  DnsConfigurator dns(
      {.method = DnsMethod::kResolvconfProgram, .resolvconf_program = FakeProgram()});
  ASSERT_FALSE(dns.Apply("ppp3", kServers));
  ASSERT_FALSE(dns.Revert());
  EXPECT_EQ(Read((dir_ / "log").string()),
            "args: -a ppp3\n" + FormatResolvConf("ppp3", kServers) + "args: -d ppp3\n");
}

TEST_F(DnsConfiguratorTest, ProgramFailureIsReported) {
  DnsConfigurator dns(
      {.method = DnsMethod::kResolvconfProgram, .resolvconf_program = FakeProgram("exit 3")});
  EXPECT_EQ(dns.Apply("ppp0", kServers), InterfaceErrc::kResolvconfFailed);
}

TEST_F(DnsConfiguratorTest, ProgramThatHangsIsKilledAfterTheTimeout) {
  DnsConfigurator dns({.method = DnsMethod::kResolvconfProgram,
                       .resolvconf_program = FakeProgram("exec sleep 30"),
                       .program_timeout = 100ms});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(dns.Apply("ppp0", kServers), InterfaceErrc::kResolvconfFailed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(DnsConfiguratorTest, MissingProgramIsASystemError) {
  DnsConfigurator dns({.method = DnsMethod::kResolvconfProgram,
                       .resolvconf_program = (dir_ / "no-such-program").string()});
  const std::error_code ec = dns.Apply("ppp0", kServers);
  EXPECT_EQ(ec, std::error_code(ENOENT, std::system_category()));
}

TEST(DnsMethodTest, EveryMethodHasAName) {
  EXPECT_STREQ(ToString(DnsMethod::kNone), "none");
  EXPECT_STREQ(ToString(DnsMethod::kResolvConfFile), "file");
  EXPECT_STREQ(ToString(DnsMethod::kResolvconfProgram), "resolvconf");
}

}  // namespace
}  // namespace uclink::pppif
