// The state directory (docs/state.md): what survives a restart is read back as written, and a
// file that cannot be trusted is set aside with a warning — never a crash, never reused.
#include "control/state/state_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "control/state/atomic_file.h"

namespace uclink::control::state {
namespace {

class StateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/uclink-state-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::system(("rm -rf " + root_).c_str()); }

  void WriteRaw(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  bool Exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }

  std::string root_;
};

TEST_F(StateDirTest, AMissingDocumentIsAFirstStartWithoutWarning) {
  StateDir dir(root_ + "/var/lib/uclink");
  const Loaded loaded = dir.Load("recovery", 1);
  EXPECT_FALSE(loaded.document);
  EXPECT_EQ(loaded.warning, "");
}

TEST_F(StateDirTest, ASavedDocumentReadsBackAndTheDirectoryIsCreated) {
  StateDir dir(root_ + "/var/lib/uclink");
  const nlohmann::json doc = {{"schema", 1}, {"consecutive_failures", 7}};
  ASSERT_EQ(dir.Save("recovery", doc), std::nullopt);
  const Loaded loaded = dir.Load("recovery", 1);
  ASSERT_TRUE(loaded.document);
  EXPECT_EQ(*loaded.document, doc);
  EXPECT_FALSE(Exists(dir.PathOf("recovery") + ".corrupt"));
}

TEST_F(StateDirTest, ASaveLeavesNoTemporaryFilesBehind) {
  StateDir dir(root_);
  ASSERT_EQ(dir.Save("usage", {{"schema", 1}}), std::nullopt);
  ASSERT_EQ(dir.Save("usage", {{"schema", 1}, {"n", 2}}), std::nullopt);
  int entries = 0;
  const std::string listing = root_ + "/listing";
  std::system(("ls -A " + root_ + " > " + listing).c_str());
  std::ifstream in(listing);
  for (std::string line; std::getline(in, line);) {
    if (line != "listing") ++entries;
  }
  EXPECT_EQ(entries, 1);
}

struct BadFile {
  const char* name;
  std::string text;
  const char* warning_part;
};

class UntrustedFileTest : public StateDirTest, public ::testing::WithParamInterface<BadFile> {};

TEST_P(UntrustedFileTest, IsSetAsideWithAWarningAndTheCallerStartsFresh) {
  StateDir dir(root_);
  WriteRaw(dir.PathOf("recovery"), GetParam().text);
  const Loaded loaded = dir.Load("recovery", 1);
  EXPECT_FALSE(loaded.document);
  EXPECT_NE(loaded.warning.find(GetParam().warning_part), std::string::npos) << loaded.warning;
  EXPECT_NE(loaded.warning.find("starting fresh"), std::string::npos);
  EXPECT_FALSE(Exists(dir.PathOf("recovery")));
  EXPECT_TRUE(Exists(dir.PathOf("recovery") + ".corrupt"));
  // The next save starts a new file and keeps the set-aside one.
  ASSERT_EQ(dir.Save("recovery", {{"schema", 1}}), std::nullopt);
  EXPECT_TRUE(dir.Load("recovery", 1).document);
}

INSTANTIATE_TEST_SUITE_P(
    StateDir, UntrustedFileTest,
    ::testing::Values(BadFile{"Truncated", R"({"schema": 1, "consecutive_fail)", "not valid JSON"},
                      BadFile{"NotJson",
                              "\x7f"
                              "ELF\x02\x01",
                              "not valid JSON"},
                      BadFile{"Empty", "", "not valid JSON"},
                      BadFile{"NotAnObject", "[1, 2, 3]", "not a JSON object"},
                      BadFile{"NoSchema", R"({"consecutive_failures": 2})", "schema"},
                      BadFile{"SchemaNotANumber", R"({"schema": "1"})", "schema"},
                      BadFile{"FutureVersion", R"({"schema": 99})", "newer uclink (schema 99)"},
                      BadFile{"Huge", std::string(StateDir::kMaxDocument + 1, ' '),
                              "larger than 1 MiB"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(StateDirTest, AnUnwritableDirectoryIsAnErrorTextNotACrash) {
  if (::geteuid() == 0) {
    // root ignores permission bits: a path under a regular file cannot be created by anyone.
    WriteRaw(root_ + "/file", "x");
    StateDir dir(root_ + "/file/uclink");
    const auto error = dir.Save("recovery", {{"schema", 1}});
    ASSERT_TRUE(error);
    EXPECT_NE(error->find(root_ + "/file"), std::string::npos) << *error;
    return;
  }
  ASSERT_EQ(::chmod(root_.c_str(), 0500), 0);
  StateDir dir(root_);
  EXPECT_TRUE(dir.Save("recovery", {{"schema", 1}}));
  ::chmod(root_.c_str(), 0700);
}

TEST_F(StateDirTest, AnUnreadableFileIsAWarningNotAnError) {
  StateDir dir(root_);
  ASSERT_EQ(::mkdir(dir.PathOf("recovery").c_str(), 0755), 0);  // a directory where a file goes
  const Loaded loaded = dir.Load("recovery", 1);
  EXPECT_FALSE(loaded.document);
  EXPECT_NE(loaded.warning, "");
}

TEST(AtomicFileTest, ReadSmallFileRefusesWhatIsLargerThanItsLimit) {
  char pattern[] = "/tmp/uclink-atomic-XXXXXX";
  const int fd = ::mkstemp(pattern);
  ASSERT_GE(fd, 0);
  ::close(fd);
  ASSERT_FALSE(WriteFileAtomically(pattern, "0123456789"));
  std::string text;
  EXPECT_FALSE(ReadSmallFile(pattern, 10, text));
  EXPECT_EQ(text, "0123456789");
  EXPECT_EQ(ReadSmallFile(pattern, 9, text), std::errc::file_too_large);
  ::unlink(pattern);
}

}  // namespace
}  // namespace uclink::control::state
