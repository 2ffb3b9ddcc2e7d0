#include "pppif/engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <deque>
#include <type_traits>
#include <utility>
#include <variant>

#include "pppif/interface_errc.h"

namespace uclink::pppif {

namespace asio = boost::asio;
using boost::system::error_code;

const char* ToString(EngineState state) {
  switch (state) {
    case EngineState::kIdle:
      return "idle";
    case EngineState::kRunning:
      return "running";
    case EngineState::kStopping:
      return "stopping";
    case EngineState::kFlushing:
      return "flushing";
    case EngineState::kFinished:
      return "finished";
  }
  return "unknown";
}

namespace {

// A TUN read returns one whole packet; the largest IPv4 packet is 65 535 bytes.
constexpr std::size_t kTunBufferSize = 65536;
constexpr std::size_t kMinLineReadChunk = 4096;
// Packets read from TUN per readiness before the session's frames go out in one line write: a
// pty or tty write costs about as much as copying a whole frame, so a TCP window's worth of
// segments (or its ACKs) waiting in the TUN queue should not cost one write each.
constexpr int kTunBatchPackets = 16;
// At most this many queued frames per line write (Linux IOV_MAX is 1024; Asio passes up to 64
// buffers per writev).
constexpr std::size_t kMaxGather = 64;
constexpr std::size_t kIpv4HeaderSize = 20;

bool IsIpv4(std::span<const std::uint8_t> packet) {
  return !packet.empty() && (packet[0] >> 4) == 4;
}

// The IPv4 total length when the packet is well-formed enough to hand to the kernel; HDLC
// padding after it is cut off (docs/ppp.md, "Pitfalls: Trim to the IPv4 total length").
std::optional<std::size_t> Ipv4Length(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv4HeaderSize || !IsIpv4(packet)) return std::nullopt;
  const std::size_t total = (std::size_t{packet[2]} << 8) | packet[3];
  if (total < kIpv4HeaderSize || total > packet.size()) return std::nullopt;
  return total;
}

// RFC 8200 §3: the 40-octet header plus the payload length; HDLC padding after it is cut off.
std::optional<std::size_t> Ipv6Length(std::span<const std::uint8_t> packet) {
  constexpr std::size_t kHeader = 40;
  if (packet.size() < kHeader || (packet[0] >> 4) != 6) return std::nullopt;
  const std::size_t total = kHeader + ((std::size_t{packet[4]} << 8) | packet[5]);
  if (total > packet.size()) return std::nullopt;
  return total;
}

std::optional<std::size_t> IpLength(std::span<const std::uint8_t> packet) {
  if (IsIpv4(packet)) return Ipv4Length(packet);
  return Ipv6Length(packet);
}

}  // namespace

class Engine::Impl : public std::enable_shared_from_this<Engine::Impl> {
 public:
  Impl(asio::io_context& io, std::unique_ptr<SessionCore> session, EngineOptions options,
       EngineCallbacks callbacks)
      : io_(io),
        session_(std::move(session)),
        options_(options),
        callbacks_(std::move(callbacks)),
        line_(io),
        tun_(io),
        timer_(io),
        bound_timer_(io),
        line_buffer_(std::max(options.line_read_chunk, kMinLineReadChunk)),
        tun_buffer_(kTunBufferSize) {}

  std::error_code Start(int line_fd, Bytes leftover, int tun_fd, std::string ifname);
  void Stop();
  void Suspend();
  void Resume(int line_fd, Bytes leftover);
  bool suspended() const { return suspended_; }
  // Releases everything without callbacks: the owner is going away.
  void Shutdown();

  EngineState state() const { return state_; }
  const SessionCore& session() const { return *session_; }
  const EngineCounters& counters() const { return counters_; }
  const std::string& ifname() const { return ifname_; }

 private:
  bool Active() const {
    return state_ == EngineState::kRunning || state_ == EngineState::kStopping;
  }

  void ReadLine();
  void OnLineRead(const error_code& ec, std::size_t size);
  void ReadTun();
  void OnTunReadable(const error_code& ec);
  void OnTunPacket(std::size_t size);
  void StartWrite();
  void OnWritten(const error_code& ec, std::size_t written);
  void OnLineFailed(const std::string& detail);

  // Performs the session's pending actions (the only place actions are executed).
  void Drain();
  // Drain() without starting the line write.
  void PerformActions();
  // Drops the frames that the first `written` bytes of the write in flight completed.
  void PopWritten(std::size_t written);
  void Perform(action::WriteLine& write);
  void Perform(const action::DeliverIp& deliver);
  void Perform(const action::SetTimer& timer);
  void Perform(const action::Up& up);
  void Perform(const action::Down& down);
  void Perform(const action::Ipv6& ipv6);

  void BeginFinish(DownReason reason, std::string detail);
  void Complete();
  void ReleaseDescriptors();
  void ArmBound(std::chrono::milliseconds bound, EngineState expected);

  template <typename Callback, typename... Args>
  void Notify(Callback EngineCallbacks::*member, Args... args) {
    asio::post(io_, [self = shared_from_this(), member, args...] {
      // A copy: the callback may destroy the Engine, which clears callbacks_.
      auto callback = self->callbacks_.*member;
      if (callback) callback(args...);
    });
  }

  asio::io_context& io_;
  std::unique_ptr<SessionCore> session_;
  EngineOptions options_;
  EngineCallbacks callbacks_;
  asio::posix::stream_descriptor line_;
  asio::posix::stream_descriptor tun_;
  asio::steady_timer timer_;        // the session's SetTimer
  asio::steady_timer bound_timer_;  // the stop and flush bounds
  std::uint64_t timer_generation_ = 0;
  std::uint64_t bound_generation_ = 0;
  std::vector<std::uint8_t> line_buffer_;
  std::vector<std::uint8_t> tun_buffer_;
  std::deque<Bytes> write_queue_;
  std::vector<asio::const_buffer> write_buffers_;  // the frames of the write in flight
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool tun_reading_ = false;
  bool tun_paused_ = false;
  // A monitoring slice borrowed the line (Suspend/Resume); timer_held_: the session's deadline
  // passed meanwhile and is delivered at Resume.
  bool suspended_ = false;
  bool timer_held_ = false;
  int line_flags_ = -1;
  EngineState state_ = EngineState::kIdle;
  Phase last_phase_ = Phase::kDead;
  DownReason down_reason_ = DownReason::kLocalClose;
  std::string down_detail_;
  std::string ifname_;
  EngineCounters counters_;
};

std::error_code Engine::Impl::Start(int line_fd, Bytes leftover, int tun_fd, std::string ifname) {
  if (state_ != EngineState::kIdle) return InterfaceErrc::kAlreadyStarted;
  error_code ec;
  // Remembered so the line goes back to chat/ exactly as it came (Asio sets O_NONBLOCK).
  line_flags_ = ::fcntl(line_fd, F_GETFL);
  line_.assign(line_fd, ec);
  if (!ec) tun_.assign(tun_fd, ec);
  // OnTunReadable reads the TUN descriptor directly until EAGAIN.
  if (!ec) tun_.native_non_blocking(true, ec);
  if (ec) {
    // epoll refuses the descriptor (a regular file, or one registered twice): nothing started.
    ReleaseDescriptors();
    return ec;
  }
  ifname_ = std::move(ifname);
  state_ = EngineState::kRunning;
  const Clock::time_point now = Clock::now();
  session_->Open(now);
  // The peer may already have sent LCP frames in the same read as CONNECT (slirp and many
  // modules start talking at once); they must reach the session before any later byte.
  if (!leftover.empty()) session_->OnLineBytes(leftover, now);
  Drain();
  if (Active()) {
    ReadLine();
    ReadTun();
  }
  return {};
}

void Engine::Impl::Stop() {
  if (state_ != EngineState::kRunning) return;
  if (suspended_) {
    // The line belongs to the AT side: no Terminate-Request can be sent. The caller hangs up
    // from command mode (ATH, AT+CGACT=0).
    write_queue_.clear();
    queued_bytes_ = 0;
    BeginFinish(DownReason::kLocalClose, "stopped during a monitoring slice");
    return;
  }
  state_ = EngineState::kStopping;
  session_->Close(Clock::now());
  Drain();
  if (state_ == EngineState::kStopping) ArmBound(options_.stop_timeout, EngineState::kStopping);
}

void Engine::Impl::Suspend() {
  if (state_ != EngineState::kRunning || suspended_) return;
  suspended_ = true;
  // release() cancels the pending read and write (operation_aborted): an interrupted frame stays
  // at the queue's head and is sent whole after Resume; the peer drops the cut copy by its FCS.
  const int fd = line_.release();
  if (line_flags_ >= 0) ::fcntl(fd, F_SETFL, line_flags_);
}

void Engine::Impl::Resume(int line_fd, Bytes leftover) {
  if (!suspended_) return;
  suspended_ = false;
  if (!Active()) return;
  line_flags_ = ::fcntl(line_fd, F_GETFL);
  error_code ec;
  line_.assign(line_fd, ec);
  if (ec) {
    OnLineFailed("line re-assign after a monitoring slice: " + ec.message());
    return;
  }
  const Clock::time_point now = Clock::now();
  if (!leftover.empty()) session_->OnLineBytes(leftover, now);
  if (std::exchange(timer_held_, false)) session_->OnTimer(now);
  Drain();
  if (!Active()) return;
  ReadLine();
  StartWrite();
  ReadTun();
}

void Engine::Impl::Shutdown() {
  callbacks_ = {};
  if (state_ == EngineState::kIdle || state_ == EngineState::kFinished) return;
  state_ = EngineState::kFinished;
  ReleaseDescriptors();
}

void Engine::Impl::ReadLine() {
  line_.async_read_some(asio::buffer(line_buffer_),
                        [self = shared_from_this()](const error_code& ec, std::size_t size) {
                          self->OnLineRead(ec, size);
                        });
}

void Engine::Impl::OnLineRead(const error_code& ec, std::size_t size) {
  if (ec == asio::error::operation_aborted || !Active()) return;
  if (ec) {
    // EOF, or EIO from a pty master whose slave side is gone.
    OnLineFailed("line read: " + ec.message());
    return;
  }
  ++counters_.line_reads;
  session_->OnLineBytes(std::span(line_buffer_.data(), size), Clock::now());
  Drain();
  if (Active()) ReadLine();
}

void Engine::Impl::OnLineFailed(const std::string& detail) {
  session_->OnLineClosed(Clock::now());
  Drain();
  // The line is gone either way; a session that did not say so still cannot continue.
  if (Active()) BeginFinish(DownReason::kLineClosed, detail);
}

// TUN reads return one packet each, so a read shorter than the buffer does not mean the queue
// is empty, and the reactor's edge-triggered readiness does not fire again for packets already
// queued: the engine reads until EAGAIN itself and only then waits for readiness. A round
// starts with a read (packets may be waiting since the last one) and ends after
// kTunBatchPackets, so the line side gets its turn, or at the high-water mark.
void Engine::Impl::ReadTun() {
  if (tun_reading_ || tun_paused_ || !Active()) return;
  tun_reading_ = true;
  asio::post(io_, [self = shared_from_this()] { self->OnTunReadable({}); });
}

void Engine::Impl::OnTunReadable(const error_code& ec) {
  if (ec == asio::error::operation_aborted || !Active()) {
    tun_reading_ = false;
    return;
  }
  std::error_code failure = ec;
  int packets = 0;
  while (!failure && packets < kTunBatchPackets && Active() && !tun_paused_) {
    const ssize_t got = ::read(tun_.native_handle(), tun_buffer_.data(), tun_buffer_.size());
    if (got > 0) {
      ++packets;
      OnTunPacket(static_cast<std::size_t>(got));
    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      StartWrite();  // the frames of this round share one line write
      tun_.async_wait(
          asio::posix::descriptor_base::wait_read,
          [self = shared_from_this()](const error_code& wait_ec) { self->OnTunReadable(wait_ec); });
      return;
    } else if (got == 0 || errno != EINTR) {
      failure = got == 0 ? std::make_error_code(std::errc::io_error)
                         : std::error_code(errno, std::system_category());
    }
  }
  tun_reading_ = false;
  StartWrite();
  if (failure && Active()) {
    // The interface vanished (deleted by an administrator): nothing can be carried any more.
    down_detail_ = "TUN read: " + failure.message();
    Stop();
    return;
  }
  ReadTun();  // a full round: continue after the handlers already queued
}

void Engine::Impl::OnTunPacket(std::size_t size) {
  ++counters_.tun_packets_read;
  const std::span<const std::uint8_t> packet(tun_buffer_.data(), size);
  const bool ipv6 = options_.carry_ipv6 && !packet.empty() && (packet[0] >> 4) == 6;
  if (IsIpv4(packet) || ipv6) {
    session_->OnIpPacket(packet, Clock::now());
    PerformActions();  // the queue bounds apply per packet; the write starts after the batch
  } else {
    ++counters_.tun_not_ipv4;
  }
}

void Engine::Impl::StartWrite() {
  if (writing_ || write_queue_.empty() || suspended_) return;
  writing_ = true;
  // Every queued frame in one gathered write: one syscall instead of one per frame.
  write_buffers_.clear();
  for (const Bytes& frame : write_queue_) {
    if (write_buffers_.size() == kMaxGather) break;
    write_buffers_.push_back(asio::buffer(frame));
  }
  asio::async_write(line_, write_buffers_,
                    [self = shared_from_this()](const error_code& ec, std::size_t written) {
                      self->OnWritten(ec, written);
                    });
}

void Engine::Impl::OnWritten(const error_code& ec, std::size_t written) {
  writing_ = false;
  if (state_ == EngineState::kFinished) return;
  if (ec == asio::error::operation_aborted) {
    // Suspend(): frames that reached the line are done; a cut one stays queued and is sent
    // whole after Resume (the peer drops the cut copy by its FCS). A Resume() that came first
    // found this write still in flight, so the queue restarts here.
    PopWritten(written);
    if (!suspended_ && line_.is_open()) StartWrite();
    return;
  }
  if (ec) {
    if (state_ == EngineState::kFlushing) {
      Complete();
    } else {
      OnLineFailed("line write: " + ec.message());
    }
    return;
  }
  ++counters_.line_writes;
  PopWritten(written);
  if (tun_paused_ && queued_bytes_ <= options_.line_queue_high_water / 2) {
    tun_paused_ = false;
    ReadTun();
  }
  if (write_queue_.empty() && state_ == EngineState::kFlushing) {
    Complete();
    return;
  }
  StartWrite();
}

void Engine::Impl::PopWritten(std::size_t written) {
  while (!write_queue_.empty() && write_queue_.front().size() <= written) {
    written -= write_queue_.front().size();
    queued_bytes_ -= write_queue_.front().size();
    write_queue_.pop_front();
  }
}

void Engine::Impl::Drain() {
  PerformActions();
  // After all actions, so that the frames of one session step share a write.
  StartWrite();
}

void Engine::Impl::PerformActions() {
  std::vector<Action> actions = session_->TakeActions();
  for (Action& action : actions) {
    std::visit([this](auto& a) { Perform(a); }, action);
  }
  const Phase phase = session_->phase();
  if (phase != last_phase_) {
    Notify(&EngineCallbacks::on_phase, last_phase_, phase);
    last_phase_ = phase;
  }
}

void Engine::Impl::Perform(action::WriteLine& write) {
  if (state_ == EngineState::kFinished || write.bytes.empty()) return;
  if (queued_bytes_ + write.bytes.size() > options_.line_queue_max_bytes) {
    ++counters_.line_write_drops;
    return;
  }
  queued_bytes_ += write.bytes.size();
  counters_.line_queue_peak_bytes = std::max(counters_.line_queue_peak_bytes, queued_bytes_);
  write_queue_.push_back(std::move(write.bytes));
  if (!tun_paused_ && queued_bytes_ >= options_.line_queue_high_water) {
    tun_paused_ = true;
    ++counters_.tun_read_pauses;
  }
}

void Engine::Impl::Perform(const action::DeliverIp& deliver) {
  const std::optional<std::size_t> length = IpLength(deliver.packet);
  // TUN writes never block for long: the kernel queues or drops, so a failed write is a drop.
  if (!length || ::write(tun_.native_handle(), deliver.packet.data(), *length) < 0) {
    ++counters_.tun_write_drops;
    return;
  }
  ++counters_.tun_packets_written;
}

void Engine::Impl::Perform(const action::SetTimer& timer) {
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_at(timer.deadline);
  timer_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
    // A handler already queued when SetTimer re-armed the timer carries an old generation.
    if (ec == asio::error::operation_aborted || generation != self->timer_generation_ ||
        !self->Active()) {
      return;
    }
    if (self->suspended_) {
      self->timer_held_ = true;  // keepalives wait: the PPP peer cannot hear us either
      return;
    }
    self->session_->OnTimer(Clock::now());
    self->Drain();
  });
}

void Engine::Impl::Perform(const action::Up& up) {
  Notify(&EngineCallbacks::on_up, up.ip, ifname_);
}

void Engine::Impl::Perform(const action::Ipv6& ipv6) {
  Notify(&EngineCallbacks::on_ipv6, ipv6.link, ifname_);
}

void Engine::Impl::Perform(const action::Down& down) {
  // A TUN failure that made us Stop() is the more useful detail.
  std::string detail = down_detail_.empty() ? down.detail : down_detail_ + "; " + down.detail;
  BeginFinish(down.reason, std::move(detail));
}

void Engine::Impl::BeginFinish(DownReason reason, std::string detail) {
  if (state_ == EngineState::kFlushing || state_ == EngineState::kFinished) return;
  state_ = EngineState::kFlushing;
  down_reason_ = reason;
  down_detail_ = std::move(detail);
  ++timer_generation_;
  timer_.cancel();
  error_code ignored;
  tun_.cancel(ignored);
  if (write_queue_.empty()) {
    Complete();
    return;
  }
  ArmBound(options_.flush_timeout, EngineState::kFlushing);
}

void Engine::Impl::ArmBound(std::chrono::milliseconds bound, EngineState expected) {
  const std::uint64_t generation = ++bound_generation_;
  bound_timer_.expires_after(bound);
  bound_timer_.async_wait(
      [self = shared_from_this(), generation, expected, bound](const error_code& ec) {
        if (ec == asio::error::operation_aborted || generation != self->bound_generation_ ||
            self->state_ != expected) {
          return;
        }
        if (expected == EngineState::kStopping) {
          self->BeginFinish(DownReason::kLocalClose,
                            "no Terminate-Ack within " + std::to_string(bound.count()) + " ms");
        } else {
          self->Complete();
        }
      });
}

void Engine::Impl::Complete() {
  if (state_ == EngineState::kFinished) return;
  state_ = EngineState::kFinished;
  ReleaseDescriptors();
  Notify(&EngineCallbacks::on_down, down_reason_, down_detail_);
}

void Engine::Impl::ReleaseDescriptors() {
  ++timer_generation_;
  ++bound_generation_;
  timer_.cancel();
  bound_timer_.cancel();
  write_queue_.clear();
  queued_bytes_ = 0;
  // release() cancels the pending operations; their handlers see operation_aborted.
  if (tun_.is_open()) tun_.release();
  if (line_.is_open()) {
    const int fd = line_.release();
    if (line_flags_ >= 0) ::fcntl(fd, F_SETFL, line_flags_);
  }
}

Engine::Engine(asio::io_context& io, std::unique_ptr<SessionCore> session, EngineOptions options,
               EngineCallbacks callbacks)
    : impl_(std::make_shared<Impl>(io, std::move(session), options, std::move(callbacks))) {}

Engine::~Engine() { impl_->Shutdown(); }

std::error_code Engine::Start(int line_fd, Bytes leftover, int tun_fd, std::string ifname) {
  return impl_->Start(line_fd, std::move(leftover), tun_fd, std::move(ifname));
}

void Engine::Stop() { impl_->Stop(); }
void Engine::Suspend() { impl_->Suspend(); }
void Engine::Resume(int line_fd, Bytes leftover) { impl_->Resume(line_fd, std::move(leftover)); }
bool Engine::suspended() const { return impl_->suspended(); }

EngineState Engine::state() const { return impl_->state(); }
Phase Engine::phase() const { return impl_->session().phase(); }
const Counters& Engine::counters() const { return impl_->session().counters(); }
const EngineCounters& Engine::engine_counters() const { return impl_->counters(); }
std::optional<IpConfig> Engine::ip() const { return impl_->session().ip(); }
std::optional<Ipv6Link> Engine::ipv6() const { return impl_->session().ipv6(); }
const std::string& Engine::ifname() const { return impl_->ifname(); }

}  // namespace uclink::pppif
