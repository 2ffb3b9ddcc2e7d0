#include "chat/serial_port.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "chat/errc.h"

namespace uclink::chat {
namespace {

std::error_code LastError() { return {errno, std::generic_category()}; }

std::optional<speed_t> BaudConstant(int baud) {
  switch (baud) {
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    default:
      return std::nullopt;
  }
}

// pppd utils.c lock(): the file holds the owner's pid as "%10d\n". A lock whose process is gone
// is stale and removed.
std::error_code TakeLock(const std::string& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      char text[16];
      const int n = std::snprintf(text, sizeof text, "%10d\n", static_cast<int>(::getpid()));
      const bool ok = ::write(fd, text, static_cast<std::size_t>(n)) == n;
      ::close(fd);
      if (!ok) {
        const std::error_code error = LastError();
        ::unlink(path.c_str());
        return error;
      }
      return {};
    }
    if (errno != EEXIST) return LastError();
    char text[32] = {};
    const int existing = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (existing < 0) continue;  // removed meanwhile: try again
    const ssize_t got = ::read(existing, text, sizeof text - 1);
    ::close(existing);
    std::string_view view(text, got > 0 ? static_cast<std::size_t>(got) : 0);
    while (!view.empty() && view.front() == ' ') view.remove_prefix(1);
    int pid = 0;
    std::from_chars(view.data(), view.data() + view.size(), pid);
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) return Errc::kPortLocked;
    ::unlink(path.c_str());  // stale
  }
  return Errc::kPortLocked;
}

std::error_code Configure(int fd, const SerialOptions& options) {
  const std::optional<speed_t> speed = BaudConstant(options.baud);
  if (!speed) return std::make_error_code(std::errc::invalid_argument);
  // Exclusive use: further opens fail with EBUSY (tty_ioctl(4)); root may still open it.
  if (::ioctl(fd, TIOCEXCL) != 0) return LastError();
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return LastError();
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
  tio.c_cflag |= CS8 | CREAD | CLOCAL;
  if (options.rtscts) tio.c_cflag |= CRTSCTS;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (::cfsetispeed(&tio, *speed) != 0 || ::cfsetospeed(&tio, *speed) != 0) return LastError();
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) return LastError();
  // Bytes the module sent before we opened the port answer nothing we asked.
  ::tcflush(fd, TCIFLUSH);
  return {};
}

}  // namespace

std::string SerialPort::LockPathFor(const std::string& lock_dir, const std::string& device) {
  // Lock the device, not the name: /dev/uclink/modem and the /dev/ttyUSB2 it points to are one
  // port, and /tmp/a/modem and /tmp/b/modem are two (docs/at-channel.md, "The port lock").
  // The name is the device's path below /dev with '/' as '_': "ttyUSB2" as pppd and lockdev
  // spell it for a device directly in /dev, "pts_3" for /dev/pts/3. A path that does not
  // resolve (not there yet) keeps its own name.
  std::error_code error;
  const std::filesystem::path real = std::filesystem::canonical(device, error);
  std::string name = error ? device : real.string();
  if (!error && name.rfind("/dev/", 0) == 0) {
    name.erase(0, 5);
  } else {
    const std::size_t slash = name.rfind('/');
    if (slash != std::string::npos) name.erase(0, slash + 1);
  }
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return lock_dir + "/LCK.." + name;
}

std::unique_ptr<SerialPort> SerialPort::Open(boost::asio::io_context& io,
                                             const SerialOptions& options, std::error_code& error) {
  error.clear();
  if (!BaudConstant(options.baud)) {
    error = std::make_error_code(std::errc::invalid_argument);
    return nullptr;
  }
  std::string lock_path;
  if (options.lock) {
    lock_path = LockPathFor(options.lock_dir, options.path);
    error = TakeLock(lock_path);
    if (error) return nullptr;
  }
  const int fd = ::open(options.path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = errno == EBUSY ? std::error_code(Errc::kPortLocked) : LastError();
    if (!lock_path.empty()) ::unlink(lock_path.c_str());
    return nullptr;
  }
  error = Configure(fd, options);
  if (error) {
    ::ioctl(fd, TIOCNXCL);  // Configure may have set TIOCEXCL, which outlives this descriptor
    ::close(fd);
    if (!lock_path.empty()) ::unlink(lock_path.c_str());
    return nullptr;
  }
  return std::unique_ptr<SerialPort>(new SerialPort(io, fd, std::move(lock_path)));
}

SerialPort::SerialPort(boost::asio::io_context& io, int fd, std::string lock_path)
    : descriptor_(io, fd), lock_path_(std::move(lock_path)) {}

SerialPort::~SerialPort() { Close(); }

void SerialPort::Start(BytesHandler on_bytes, ClosedHandler on_closed) {
  on_bytes_ = std::move(on_bytes);
  on_closed_ = std::move(on_closed);
  ReadMore();
}

void SerialPort::ReadMore() {
  if (closed_ || reading_ || !descriptor_.is_open()) return;
  reading_ = true;
  std::weak_ptr<int> alive = alive_;
  descriptor_.async_read_some(boost::asio::buffer(buffer_),
                              [this, alive](const boost::system::error_code& ec, std::size_t n) {
                                if (alive.expired()) return;
                                reading_ = false;
                                if (ec == boost::asio::error::operation_aborted || closed_) return;
                                if (ec) {
                                  // EOF on a closed pty master, EIO when a USB adapter is
                                  // unplugged: an event.
                                  Fail(ec == boost::asio::error::eof
                                           ? std::make_error_code(std::errc::io_error)
                                           : std::error_code(ec.value(), std::generic_category()));
                                  return;
                                }
                                if (on_bytes_)
                                  on_bytes_(std::span<const std::uint8_t>(buffer_.data(), n));
                                if (alive.expired()) return;
                                ReadMore();
                              });
}

void SerialPort::Write(std::string bytes, WrittenHandler on_written) {
  writes_.emplace_back(std::move(bytes), std::move(on_written));
  WriteMore();
}

void SerialPort::WriteMore() {
  if (writing_ || writes_.empty() || closed_ || !descriptor_.is_open()) return;
  writing_ = true;
  std::weak_ptr<int> alive = alive_;
  boost::asio::async_write(descriptor_, boost::asio::buffer(writes_.front().first),
                           [this, alive](const boost::system::error_code& ec, std::size_t) {
                             if (alive.expired()) return;
                             writing_ = false;
                             if (writes_.empty()) return;
                             WrittenHandler done = std::move(writes_.front().second);
                             writes_.pop_front();
                             if (ec == boost::asio::error::operation_aborted) return;
                             if (done) done(std::error_code(ec.value(), std::generic_category()));
                             if (alive.expired()) return;
                             WriteMore();
                           });
}

void SerialPort::Fail(std::error_code error) {
  if (closed_) return;
  ClosedHandler handler = std::move(on_closed_);
  on_closed_ = nullptr;
  if (handler) handler(error);
}

int SerialPort::ReleaseFd() {
  if (!descriptor_.is_open()) return -1;
  boost::system::error_code ignored;
  descriptor_.cancel(ignored);
  writes_.clear();
  // Handlers of the cancelled operations still run later; they must not touch the new owner's fd.
  alive_ = std::make_shared<int>(0);
  reading_ = false;
  writing_ = false;
  return descriptor_.release();
}

void SerialPort::Adopt(int fd) {
  boost::system::error_code ignored;
  descriptor_.assign(fd, ignored);
  ReadMore();
}

void SerialPort::Close() {
  if (closed_) return;
  closed_ = true;
  alive_.reset();
  // TIOCEXCL belongs to the tty, not to our descriptor: it stays set after close while anyone
  // (a pty master, getty) keeps the tty alive, and the next uclink's open gets EBUSY
  // (tty_ioctl(4)).
  if (descriptor_.is_open()) ::ioctl(descriptor_.native_handle(), TIOCNXCL);
  boost::system::error_code ignored;
  descriptor_.close(ignored);
  writes_.clear();
  if (!lock_path_.empty()) ::unlink(lock_path_.c_str());
  lock_path_.clear();
}

}  // namespace uclink::chat
