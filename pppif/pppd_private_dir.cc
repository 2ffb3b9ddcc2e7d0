#include "pppif/pppd_private_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "pppif/pppd_errc.h"
#include "pppif/pppd_secrets.h"

namespace uclink::pppif {
namespace {

bool WriteAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::unique_ptr<PppdPrivateDir> PppdPrivateDir::Create(const std::string& parent,
                                                       std::error_code& error) {
  std::string pattern = parent + "/uclink-pppd.XXXXXX";
  // mkdtemp creates the directory with mode 0700 (POSIX), whatever the umask allows more of.
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = std::error_code(errno, std::system_category());
    return nullptr;
  }
  error.clear();
  return std::unique_ptr<PppdPrivateDir>(new PppdPrivateDir(pattern));
}

PppdPrivateDir::~PppdPrivateDir() {
  for (const auto& entry : entries_) ::unlink(entry.c_str());
  ::rmdir(path_.c_str());
}

std::string PppdPrivateDir::WriteSecrets(std::string_view password, std::error_code& error) {
  PppdSecretsText content = FormatPppdSecretsOptions(password);
  if (content.error) {
    error = content.error;
    return {};
  }
  std::string file = path_ + "/secrets.options";
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = PppdErrc::kSecretsFile;
    return {};
  }
  entries_.push_back(file);
  // fchmod as well: the umask can only remove bits, but be explicit about 0600.
  bool ok = ::fchmod(fd, 0600) == 0 && WriteAll(fd, content.text);
  ok = (::close(fd) == 0) && ok;
  std::fill(content.text.begin(), content.text.end(), '\0');
  if (!ok) {
    error = PppdErrc::kSecretsFile;
    return {};
  }
  error.clear();
  return file;
}

std::string PppdPrivateDir::EventSocketPath() {
  std::string socket = path_ + "/events.sock";
  entries_.push_back(socket);
  return socket;
}

}  // namespace uclink::pppif
