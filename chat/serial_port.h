// The one async seam of the AT channel (docs/ARCHITECTURE.md, "Design rules: one async seam"):
// ByteTransport, and SerialPort, its implementation over a tty or pty opened with termios, held
// exclusively like pppd's `lock`.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>

namespace uclink::chat {

// A byte stream: reads delivered in chunks, one write in flight, and the descriptor can be handed
// over (data mode) and taken back.
class ByteTransport {
 public:
  using BytesHandler = std::function<void(std::span<const std::uint8_t>)>;
  // EOF, EIO (unplugged) or another read error; called once, then nothing more is read.
  using ClosedHandler = std::function<void(std::error_code)>;
  using WrittenHandler = std::function<void(std::error_code)>;

  virtual ~ByteTransport() = default;
  // Starts reading; bytes and the end of the stream are reported through the handlers.
  virtual void Start(BytesHandler on_bytes, ClosedHandler on_closed) = 0;
  // Queues `bytes`; `on_written` runs when all are written (writes never overlap).
  virtual void Write(std::string bytes, WrittenHandler on_written) = 0;
  // Stops reading and gives up the descriptor (the caller owns it); -1 if none.
  virtual int ReleaseFd() = 0;
  // Takes a descriptor back after ReleaseFd() and resumes reading.
  virtual void Adopt(int fd) = 0;
  // Cancels I/O and closes; no handler runs afterwards.
  virtual void Close() = 0;
};

struct SerialOptions {
  std::string path;     // /dev/ttyUSB0, /dev/pts/N or a symlink to one
  int baud = 115200;    // 1200 … 921600
  bool rtscts = false;  // hardware flow control
  bool lock = true;     // create a UUCP lock file (pppd's `lock` option)
  std::string lock_dir = "/run/lock";
};

class SerialPort : public ByteTransport {
 public:
  // Opens and configures the port: raw 8N1, no modem control (CLOCAL), TIOCEXCL, lock file.
  // Errors: Errc::kPortLocked, std::errc::invalid_argument (baud), or the OS error.
  static std::unique_ptr<SerialPort> Open(boost::asio::io_context& io, const SerialOptions& options,
                                          std::error_code& error);
  ~SerialPort() override;

  void Start(BytesHandler on_bytes, ClosedHandler on_closed) override;
  void Write(std::string bytes, WrittenHandler on_written) override;
  int ReleaseFd() override;
  void Adopt(int fd) override;
  void Close() override;

  // The lock file this port holds ("" if none).
  const std::string& lock_path() const { return lock_path_; }

  // UUCP lock file name for a device: `<dir>/LCK..<name>`, where name is the resolved device's
  // path below /dev ('/' as '_'; "ttyUSB2" as pppd's lock() builds it), so that two names of one
  // device share a lock and two devices never do.
  static std::string LockPathFor(const std::string& lock_dir, const std::string& device);

 private:
  SerialPort(boost::asio::io_context& io, int fd, std::string lock_path);
  void ReadMore();
  void WriteMore();
  void Fail(std::error_code error);

  boost::asio::posix::stream_descriptor descriptor_;
  std::string lock_path_;
  std::array<std::uint8_t, 4096> buffer_{};
  BytesHandler on_bytes_;
  ClosedHandler on_closed_;
  std::deque<std::pair<std::string, WrittenHandler>> writes_;
  bool writing_ = false;
  bool reading_ = false;
  bool closed_ = false;
  // Handlers check it: the port may be destroyed before the io_context runs them.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::chat
