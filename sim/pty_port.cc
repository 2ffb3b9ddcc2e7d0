#include "sim/pty_port.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "sim/errors.h"

namespace uclink::sim {

PtyPort::PtyPort(boost::asio::io_context& io, std::error_code& error) : master_(io) {
  error = make_error_code(Errc::kPtyFailed);
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) return;
  if (grantpt(master) != 0 || unlockpt(master) != 0) {
    ::close(master);
    return;
  }
  char name[128];
  if (ptsname_r(master, name, sizeof name) != 0) {
    ::close(master);
    return;
  }
  slave_path_ = name;
  slave_fd_ = ::open(name, O_RDWR | O_NOCTTY);
  if (slave_fd_ < 0) {
    ::close(master);
    return;
  }
  // A modem's UART does no line editing or echo of its own: raw mode on the slave side.
  termios tio{};
  if (tcgetattr(slave_fd_, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(slave_fd_, TCSANOW, &tio);
  }
  master_.assign(master);
  master_.non_blocking(true);
  error = {};
}

PtyPort::~PtyPort() {
  if (!link_.empty()) ::unlink(link_.c_str());
  if (slave_fd_ >= 0) ::close(slave_fd_);
}

std::error_code PtyPort::Link(const std::string& link) {
  struct stat st {};
  if (::lstat(link.c_str(), &st) == 0) {
    if (!S_ISLNK(st.st_mode)) return make_error_code(Errc::kPtyFailed);  // never clobber files
    ::unlink(link.c_str());
  }
  if (::symlink(slave_path_.c_str(), link.c_str()) != 0) return make_error_code(Errc::kPtyFailed);
  link_ = link;
  return {};
}

}  // namespace uclink::sim
