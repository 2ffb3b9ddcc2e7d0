// line_bridge: the "serial line" of the VM tier's throughput scenarios: two ptys whose slaves
// stand for the module's UART and the network's end, joined both ways, optionally at a UART's
// rate so the userspace engine and kernel PPP are compared at the line's rate (docs/vm-tier.md,
// "line_rates").
//
//   line_bridge --link-a PATH --link-b PATH [--baud N]
//
// Each slave's name is symlinked at its PATH. With --baud N each direction carries at most N/10
// bytes per second (8N1: a start bit, eight data bits and a stop bit per byte), released in
// slices of at most 5 ms, like a UART's shift register; 0 (the default) means no limit. The
// bridge holds both slaves open itself, so a peer that opens, closes and re-opens its end never
// makes the master report a hang-up. Runs until SIGTERM or SIGINT; exit status 0, or 2 when a pty
// cannot be set up.
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_requested = 0;

void OnSignal(int) { stop_requested = 1; }

struct Pty {
  int master = -1;
  int slave = -1;  // held open: see the header comment
};

bool OpenPty(const std::string& link, Pty& pty) {
  pty.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (pty.master < 0 || ::grantpt(pty.master) != 0 || ::unlockpt(pty.master) != 0) return false;
  const char* name = ::ptsname(pty.master);
  if (name == nullptr) return false;
  pty.slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  termios tio{};
  if (pty.slave < 0 || ::tcgetattr(pty.slave, &tio) != 0) return false;
  ::cfmakeraw(&tio);  // the line carries HDLC bytes: no echo, no translation
  if (::tcsetattr(pty.slave, TCSANOW, &tio) != 0) return false;
  ::unlink(link.c_str());
  return ::symlink(name, link.c_str()) == 0;
}

// One direction of the line: bytes read from `from`, held in `pending` until `to` takes them.
class Direction {
 public:
  Direction(int from, int to, double bytes_per_second)
      : from_(from), to_(to), rate_(bytes_per_second), burst_(std::max(16.0, rate_ / 200)) {}

  // Earns the tokens of the time since the last call (up to two slices, so poll()'s wake-up
  // latency does not lower the rate).
  void Refill(Clock::time_point now) {
    if (rate_ > 0) {
      tokens_ = std::min(2 * burst_,
                         tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    }
    last_ = now;
  }
  // A whole slice at a time: reading every byte as it is earned would wake both ends of the
  // line thousands of times a second, far more often than a UART's FIFO interrupts do.
  bool WantsRead() const { return pending_.empty() && (rate_ <= 0 || tokens_ >= burst_); }
  bool WantsWrite() const { return !pending_.empty(); }
  // Milliseconds until the next slice is earned, when only the rate holds this direction back.
  int WaitMs() const {
    if (rate_ <= 0 || !pending_.empty() || tokens_ >= burst_) return -1;
    return std::max(1, static_cast<int>(std::ceil((burst_ - tokens_) * 1000 / rate_)));
  }

  void Read() {
    std::size_t limit = buffer_.size();
    if (rate_ > 0) limit = std::min(limit, static_cast<std::size_t>(tokens_));
    const ssize_t n = ::read(from_, buffer_.data(), limit);
    if (n <= 0) return;  // EAGAIN; a master whose slave is held open reports nothing else
    if (rate_ > 0) tokens_ -= static_cast<double>(n);
    pending_.assign(buffer_.begin(), buffer_.begin() + n);
    Write();
  }

  void Write() {
    const ssize_t n = ::write(to_, pending_.data(), pending_.size());
    if (n > 0) pending_.erase(pending_.begin(), pending_.begin() + n);
  }

  int from() const { return from_; }
  int to() const { return to_; }

 private:
  int from_;
  int to_;
  double rate_;
  double burst_;
  double tokens_ = 0;
  Clock::time_point last_ = Clock::now();
  std::array<std::uint8_t, 4096> buffer_{};
  std::vector<std::uint8_t> pending_;
};

int Run(Pty& a, Pty& b, double rate) {
  Direction a_to_b(a.master, b.master, rate);
  Direction b_to_a(b.master, a.master, rate);
  Direction* directions[] = {&a_to_b, &b_to_a};
  while (stop_requested == 0) {
    const Clock::time_point now = Clock::now();
    pollfd fds[2] = {{a.master, 0, 0}, {b.master, 0, 0}};
    int timeout = 200;  // also bounds how late a signal is noticed
    for (Direction* d : directions) {
      d->Refill(now);
      if (d->WantsRead()) fds[d->from() == a.master ? 0 : 1].events |= POLLIN;
      if (d->WantsWrite()) fds[d->to() == a.master ? 0 : 1].events |= POLLOUT;
      if (const int wait = d->WaitMs(); wait >= 0) timeout = std::min(timeout, wait);
    }
    if (::poll(fds, 2, timeout) < 0) {
      if (errno == EINTR) continue;
      std::perror("poll");
      return 1;
    }
    for (Direction* d : directions) {
      const pollfd& in = fds[d->from() == a.master ? 0 : 1];
      const pollfd& out = fds[d->to() == a.master ? 0 : 1];
      if (d->WantsWrite() && (out.revents & POLLOUT) != 0) d->Write();
      if (d->WantsRead() && (in.revents & POLLIN) != 0) d->Read();
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string link_a, link_b;
  long baud = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--link-a") link_a = argv[i + 1];
    if (flag == "--link-b") link_b = argv[i + 1];
    if (flag == "--baud") baud = std::strtol(argv[i + 1], nullptr, 10);
  }
  if (link_a.empty() || link_b.empty() || baud < 0) {
    std::fprintf(stderr, "usage: line_bridge --link-a PATH --link-b PATH [--baud N]\n");
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = OnSignal;  // no SA_RESTART: poll() returns EINTR
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  Pty a, b;
  if (!OpenPty(link_a, a) || !OpenPty(link_b, b)) {
    std::perror("line_bridge: pty");
    return 2;
  }
  const int status = Run(a, b, static_cast<double>(baud) / 10);
  ::unlink(link_a.c_str());
  ::unlink(link_b.c_str());
  return status;
}
