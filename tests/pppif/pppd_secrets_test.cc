// The password reaches pppd through a 0600 options file in a 0700 directory, quoted for pppd's
// options-file syntax.
#include "pppif/pppd_secrets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "pppif/pppd_errc.h"
#include "pppif/pppd_private_dir.h"

namespace uclink::pppif {
namespace {

TEST(PppdSecretsTest, PlainPasswordIsQuoted) {
  auto result = FormatPppdSecretsOptions("s3cret");
  ASSERT_FALSE(result.error);
  EXPECT_EQ(result.text, "password \"s3cret\"\n");
}

TEST(PppdSecretsTest, QuoteAndBackslashAreEscapedOtherBytesKept) {
  // pppd(8) OPTIONS FILES: a backslash quotes the following character.
  auto result = FormatPppdSecretsOptions(R"(a"b\c #d e)");
  ASSERT_FALSE(result.error);
  EXPECT_EQ(result.text, "password \"a\\\"b\\\\c #d e\"\n");
}

TEST(PppdSecretsTest, EmptyPasswordIsAnEmptyWord) {
  EXPECT_EQ(FormatPppdSecretsOptions("").text, "password \"\"\n");
}

TEST(PppdSecretsTest, ControlCharactersAreRefused) {
  EXPECT_EQ(FormatPppdSecretsOptions("line\nbreak").error, PppdErrc::kBadPassword);
  EXPECT_EQ(FormatPppdSecretsOptions(std::string_view("nul\0x", 5)).error, PppdErrc::kBadPassword);
}

TEST(PppdSecretsTest, PasswordLongerThanPppdMaxSecretIsRefused) {
  EXPECT_FALSE(FormatPppdSecretsOptions(std::string(255, 'p')).error);
  EXPECT_EQ(FormatPppdSecretsOptions(std::string(256, 'p')).error, PppdErrc::kBadPassword);
}

class PppdPrivateDirTest : public ::testing::Test {
 protected:
  std::string Parent() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    return tmp != nullptr ? tmp : "/tmp";
  }
};

TEST_F(PppdPrivateDirTest, DirectoryIsOwnerOnly) {
  std::error_code error;
  auto dir = PppdPrivateDir::Create(Parent(), error);
  ASSERT_TRUE(dir) << error.message();
  struct stat st {};
  ASSERT_EQ(::stat(dir->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(PppdPrivateDirTest, SecretsFileIsMode0600AndHoldsTheOption) {
  std::error_code error;
  auto dir = PppdPrivateDir::Create(Parent(), error);
  ASSERT_TRUE(dir);
  std::string path = dir->WriteSecrets("pa ss", error);
  ASSERT_FALSE(error) << error.message();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "password \"pa ss\"\n");
}

TEST_F(PppdPrivateDirTest, SecondSecretsFileIsRefusedNotOverwritten) {
  std::error_code error;
  auto dir = PppdPrivateDir::Create(Parent(), error);
  ASSERT_TRUE(dir);
  dir->WriteSecrets("one", error);
  ASSERT_FALSE(error);
  dir->WriteSecrets("two", error);
  EXPECT_EQ(error, PppdErrc::kSecretsFile);
}

TEST_F(PppdPrivateDirTest, DestructionRemovesTheFileAndTheDirectory) {
  std::error_code error;
  auto dir = PppdPrivateDir::Create(Parent(), error);
  ASSERT_TRUE(dir);
  std::string root = dir->path();
  std::string file = dir->WriteSecrets("gone", error);
  dir.reset();
  EXPECT_NE(::access(file.c_str(), F_OK), 0);
  EXPECT_NE(::access(root.c_str(), F_OK), 0);
}

TEST_F(PppdPrivateDirTest, InvalidPasswordLeavesNoFile) {
  std::error_code error;
  auto dir = PppdPrivateDir::Create(Parent(), error);
  ASSERT_TRUE(dir);
  dir->WriteSecrets("bad\n", error);
  EXPECT_EQ(error, PppdErrc::kBadPassword);
  EXPECT_NE(::access((dir->path() + "/secrets.options").c_str(), F_OK), 0);
}

TEST_F(PppdPrivateDirTest, MissingParentIsASystemError) {
  std::error_code error;
  auto dir = PppdPrivateDir::Create(Parent() + "/does/not/exist", error);
  EXPECT_FALSE(dir);
  EXPECT_EQ(error, std::errc::no_such_file_or_directory);
}

}  // namespace
}  // namespace uclink::pppif
