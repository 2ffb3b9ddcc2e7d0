// A stand-in for pppd (test-only) so that uclinkd's pppd backend runs where /dev/ppp does not
// exist (UCLINK_PPPD points here, UCLINK_PPP_DEVICE at /dev/null). Like `pppd dump` it prints
// its whole argv on stderr, which lands in uclinkd's log: a secret on the command line would
// show up there. It records how the secrets options file (`file PATH`) looked: its mode, owner,
// its directory's mode and its text, as JSON in $UCLINK_FAKE_PPPD_RECORD (first run only,
// created 0600), then exits with pppd's status 16, "the modem hung up" (pppd(8) EXIT STATUS).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

nlohmann::json DescribeSecretsFile(const std::string& path) {
  nlohmann::json file = {{"path", path}};
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    file["mode"] = info.st_mode & 07777;
    file["uid"] = info.st_uid;
    file["regular"] = S_ISREG(info.st_mode);
  }
  const std::string dir = std::filesystem::path(path).parent_path();
  if (::stat(dir.c_str(), &info) == 0) file["dir_mode"] = info.st_mode & 07777;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  file["text"] = text.str();
  return file;
}

}  // namespace

int main(int argc, char** argv) {
  nlohmann::json record = {{"argv", nlohmann::json::array()}};
  std::cerr << "fake pppd:";
  for (int i = 0; i < argc; ++i) {
    std::cerr << ' ' << argv[i];
    record["argv"].push_back(argv[i]);
    if (std::string(argv[i]) == "file" && i + 1 < argc) {
      record["secrets_file"] = DescribeSecretsFile(argv[i + 1]);
    }
  }
  std::cerr << std::endl;
  if (const char* path = std::getenv("UCLINK_FAKE_PPPD_RECORD")) {
    const int fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const std::string text = record.dump();
      const bool whole = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
      ::close(fd);
      if (!whole) return 1;
    }
  }
  return 16;
}
