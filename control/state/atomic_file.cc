#include "control/state/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace uclink::control::state {
namespace {

std::error_code LastError() { return {errno, std::generic_category()}; }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::error_code WriteAll(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastError();
    done += static_cast<std::size_t>(n);
  }
  return {};
}

std::string DirectoryOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Without syncing the directory, a power loss right after rename(2) may bring back the old
// entry on some file systems (ext4 with data=writeback, for instance).
void SyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace

std::error_code WriteFileAtomically(const std::string& path, const std::string& content,
                                    unsigned mode) {
  std::string temp = path + ".tmp-XXXXXX";
  const int raw = ::mkostemp(temp.data(), O_CLOEXEC);
  if (raw < 0) return LastError();
  std::error_code ec;
  {
    Fd file(raw);
    ec = WriteAll(raw, content);
    if (!ec && ::fchmod(raw, mode) != 0) ec = LastError();
    if (!ec && ::fsync(raw) != 0) ec = LastError();
  }
  if (!ec && ::rename(temp.c_str(), path.c_str()) != 0) ec = LastError();
  if (ec) {
    ::unlink(temp.c_str());
    return ec;
  }
  SyncDirectory(DirectoryOf(path));
  return {};
}

std::error_code ReadSmallFile(const std::string& path, std::size_t limit, std::string& content) {
  content.clear();
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (file.get() < 0) return LastError();
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastError();
    if (n == 0) return {};
    if (content.size() + static_cast<std::size_t>(n) > limit) {
      return std::make_error_code(std::errc::file_too_large);
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace uclink::control::state
