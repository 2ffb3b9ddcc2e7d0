#include "pppif/pppd_backend.h"

#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <deque>
#include <utility>

#include "pppif/interface_errc.h"
#include "pppif/pppd_bridge.h"
#include "pppif/pppd_hook_event.h"
#include "pppif/pppd_private_dir.h"
#include "process/spawn.h"

namespace uclink::pppif {
namespace {

namespace asio = boost::asio;
using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kMaxAtChannelBytes = 4096;  // result codes after NO CARRIER are short

std::error_code LastError() { return {errno, std::system_category()}; }

// Opens a pty master (close-on-exec) and returns the slave's path for pppd.
int OpenPtyMaster(std::string& slave, std::error_code& ec) {
  int fd = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || ::grantpt(fd) != 0 || ::unlockpt(fd) != 0) {
    ec = LastError();
    if (fd >= 0) ::close(fd);
    return -1;
  }
  // Raw from the start: until pppd configures the slave, a cooked pty would echo the network's
  // first LCP Configure-Request back to it ("Serial line is looped back", pppd exit 17; seen in
  // the VM tier). Termios requests on the master apply to the slave side on Linux.
  termios tio{};
  if (::tcgetattr(fd, &tio) == 0) {
    ::cfmakeraw(&tio);
    ::tcsetattr(fd, TCSANOW, &tio);
  }
  std::array<char, 128> name{};
  if (::ptsname_r(fd, name.data(), name.size()) != 0) {
    ec = LastError();
    ::close(fd);
    return -1;
  }
  slave = name.data();
  return fd;
}

// No shell; stdin from /dev/null; descriptors above stderr are closed in the child (the serial
// port and our sockets must not leak into pppd or its scripts); signals at their defaults and
// unblocked (uclinkd reads its own from a signalfd with them blocked): process/spawn.h.
pid_t Spawn(const std::vector<std::string>& argv, std::error_code& ec) {
  process::SpawnOptions options;
  options.redirects = {process::Null(0)};
  const process::Spawned child = process::Spawn(argv, options);
  if (!child) ec = child.error;
  return child.pid;
}

IpConfig ToIpConfig(const PppdHookEvent& event, const PppdOptions& options) {
  IpConfig ip;
  ip.local = event.local;
  ip.peer = event.remote;
  ip.dns1 = event.dns1;
  ip.dns2 = event.dns2;
  ip.mtu = static_cast<std::uint16_t>(options.mtu.value_or(1500));
  return ip;
}

}  // namespace

bool PppdBackendAvailable(const std::string& pppd_path, std::error_code& why_not,
                          const std::string& ppp_device) {
  if (::access(pppd_path.c_str(), X_OK) != 0) {
    why_not = LastError();
    return false;
  }
  int fd = ::open(ppp_device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    why_not = LastError();
    return false;
  }
  ::close(fd);
  why_not.clear();
  return true;
}

DownReason DownReasonFor(const PppdTermination& termination, bool carrier_lost,
                         bool stop_requested) {
  if (stop_requested) return DownReason::kLocalClose;
  if (carrier_lost) return DownReason::kNoCarrier;
  if (!termination.exit_status) return DownReason::kLineClosed;
  auto exit = PppdExitFromStatus(*termination.exit_status);
  if (!exit) return DownReason::kNegotiationFailed;
  switch (*exit) {
    case PppdExit::kOk:
      return DownReason::kPeerTerminated;
    case PppdExit::kUserRequest:
      return DownReason::kLocalClose;
    case PppdExit::kPeerDead:
      return DownReason::kEchoTimeout;
    case PppdExit::kHangup:
    case PppdExit::kIdleTimeout:
    case PppdExit::kConnectTime:
      return DownReason::kLineClosed;
    case PppdExit::kLoopback:
      return DownReason::kLoopback;
    case PppdExit::kPeerAuthFailed:
    case PppdExit::kAuthToPeerFailed:
      return DownReason::kAuthFailed;
    case PppdExit::kFatalError:
    case PppdExit::kOptionError:
    case PppdExit::kNotRoot:
    case PppdExit::kNoKernelSupport:
    case PppdExit::kLockFailed:
    case PppdExit::kOpenFailed:
    case PppdExit::kConnectFailed:
    case PppdExit::kPtyCommandFailed:
    case PppdExit::kNegotiationFailed:
    case PppdExit::kCallback:
    case PppdExit::kInitFailed:
      return DownReason::kNegotiationFailed;
  }
  return DownReason::kNegotiationFailed;
}

// One pppd session: every descriptor, queue and flag whose handlers may still be pending after
// the backend moved on. Handlers hold a shared_ptr to it and return once `finished` is set.
struct PppdBackend::Run : std::enable_shared_from_this<Run> {
  Run(asio::io_context& io, std::chrono::milliseconds confirm)
      : line(io),
        pty(io),
        pidfd(io),
        events(io),
        bridge_timer(io),
        kill_timer(io),
        bridge(confirm) {}

  PppdBackend* owner = nullptr;  // null once the backend is destroyed
  std::unique_ptr<PppdPrivateDir> dir;
  asio::posix::stream_descriptor line, pty, pidfd;
  asio::local::datagram_protocol::socket events;
  asio::steady_timer bridge_timer, kill_timer;
  PppdBridge bridge;
  std::size_t high_water = 64 * 1024;
  pid_t pid = -1;
  bool finished = false, carrier_lost = false, stop_requested = false;
  std::deque<Bytes> to_modem, to_pppd;
  std::size_t to_modem_bytes = 0, to_pppd_bytes = 0;
  bool writing_modem = false, writing_pppd = false, line_paused = false, pty_paused = false;
  // A monitoring slice lent the port to the AT channel: nothing is read from or written to it;
  // pppd's output waits in to_modem (reading the pty pauses at high_water).
  bool suspended = false;
  // pppd configures its tty with TCSAFLUSH and then switches it to the PPP line discipline,
  // both of which discard queued input (pppd sys-linux.c set_up_tty, establish_ppp). Its first
  // output (LCP Configure-Request) comes after both, so module bytes (including those that came
  // with CONNECT) wait in to_pppd and the line is not read until pppd has written once.
  bool pppd_ready = false;
  // 16 KiB per read, as the userspace engine (EngineOptions::line_read_chunk): few syscalls.
  std::array<std::uint8_t, 16 * 1024> line_buffer{}, pty_buffer{};
  std::array<char, 2048> event_buffer{};

  void Apply(BridgeActions actions);
  void ReadLine();
  void ReadPty();
  void OnPtyRead(boost::system::error_code ec, std::size_t n);
  void WriteModem();
  void WritePppd();
  void ReceiveEvent();
  void WaitForExit();
  void HangUpPppd();
};

void PppdBackend::Run::HangUpPppd() {
  // Closing the master hangs up pppd's line: it exits 16 ("modem hangup", pppd(8)).
  // Queued bytes stay until the Run is freed: an aborted write may still name its buffer.
  boost::system::error_code ignored;
  pty.close(ignored);
}

void PppdBackend::Run::Apply(BridgeActions actions) {
  for (auto& action : actions) {
    if (auto* p = std::get_if<bridge::ToPppd>(&action)) {
      to_pppd_bytes += p->bytes.size();
      to_pppd.push_back(std::move(p->bytes));
      WritePppd();
    } else if (auto* m = std::get_if<bridge::ToModem>(&action)) {
      to_modem_bytes += m->bytes.size();
      to_modem.push_back(std::move(m->bytes));
      WriteModem();
    } else if (std::holds_alternative<bridge::CarrierLost>(action)) {
      carrier_lost = true;
      HangUpPppd();
    } else if (auto* at = std::get_if<bridge::ToAtChannel>(&action); at && owner) {
      auto& kept = owner->at_channel_bytes_;
      std::size_t room = kMaxAtChannelBytes - std::min(kMaxAtChannelBytes, kept.size());
      kept.insert(kept.end(), at->bytes.begin(),
                  at->bytes.begin() + static_cast<long>(std::min(room, at->bytes.size())));
    } else if (auto* t = std::get_if<bridge::SetTimer>(&action)) {
      bridge_timer.expires_at(t->deadline);
      bridge_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->finished) return;
        self->Apply(self->bridge.OnTimer(std::chrono::steady_clock::now()));
      });
    } else if (std::holds_alternative<bridge::CancelTimer>(action)) {
      bridge_timer.cancel();
    }
  }
}

void PppdBackend::Run::ReadLine() {
  if (suspended) return;  // Resume() starts reading again
  line.async_read_some(asio::buffer(line_buffer), [self = shared_from_this()](
                                                      boost::system::error_code ec, std::size_t n) {
    if (self->finished || ec == asio::error::operation_aborted) return;  // Suspend() cancels
    if (ec) {
      self->HangUpPppd();  // the port is gone: pppd exits 16, Finish reports kLineClosed
      return;
    }
    self->Apply(
        self->bridge.OnModemBytes({self->line_buffer.data(), n}, std::chrono::steady_clock::now()));
    // After NO CARRIER the line belongs to the AT channel again: stop reading it.
    if (self->bridge.state() != BridgeState::kBridging) return;
    if (self->to_pppd_bytes > self->high_water) {
      self->line_paused = true;
      return;
    }
    self->ReadLine();
  });
}

void PppdBackend::Run::ReadPty() {
  pty.async_read_some(asio::buffer(pty_buffer),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                        self->OnPtyRead(ec, n);
                      });
}

void PppdBackend::Run::OnPtyRead(boost::system::error_code ec, std::size_t n) {
  // EIO once pppd closed the slave: its exit arrives through the pidfd.
  if (finished || ec) return;
  Apply(bridge.OnPppdBytes({pty_buffer.data(), n}));
  if (!pppd_ready) {
    pppd_ready = true;
    WritePppd();
    if (bridge.state() == BridgeState::kBridging) ReadLine();
  }
  if (to_modem_bytes > high_water) {
    pty_paused = true;
    return;
  }
  ReadPty();
}

void PppdBackend::Run::WriteModem() {
  if (writing_modem || to_modem.empty() || !line.is_open() || suspended) return;
  writing_modem = true;
  asio::async_write(line, asio::buffer(to_modem.front()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_modem = false;
                      if (self->finished || ec) return;
                      self->to_modem_bytes -= self->to_modem.front().size();
                      self->to_modem.pop_front();
                      if (self->pty_paused && self->to_modem_bytes <= self->high_water) {
                        self->pty_paused = false;
                        self->ReadPty();
                      }
                      self->WriteModem();
                    });
}

void PppdBackend::Run::WritePppd() {
  if (!pppd_ready || writing_pppd || to_pppd.empty() || !pty.is_open()) return;
  writing_pppd = true;
  asio::async_write(pty, asio::buffer(to_pppd.front()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_pppd = false;
                      if (self->finished || ec || self->to_pppd.empty()) return;
                      self->to_pppd_bytes -= self->to_pppd.front().size();
                      self->to_pppd.pop_front();
                      if (self->line_paused && self->to_pppd_bytes <= self->high_water) {
                        self->line_paused = false;
                        self->ReadLine();
                      }
                      self->WritePppd();
                    });
}

void PppdBackend::Run::ReceiveEvent() {
  events.async_receive(asio::buffer(event_buffer),
                       [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                         if (self->finished || ec) return;
                         auto decoded = DecodeHookEvent({self->event_buffer.data(), n});
                         if (!decoded.error && self->owner != nullptr) {
                           auto& status = self->owner->status_;
                           if (decoded.event.kind == HookEventKind::kIpUp) {
                             IpConfig ip = ToIpConfig(decoded.event, self->owner->options_.pppd);
                             status.ip = ip;
                             status.ifname = decoded.event.ifname;
                             status.phase = Phase::kRunning;
                             self->owner->OnIpUp(ip, decoded.event.ifname);
                           } else {
                             status.ip.reset();
                             status.phase = Phase::kTerminate;
                             self->owner->UndoRouteAndDns();
                           }
                         }
                         if (!self->finished) self->ReceiveEvent();
                       });
}

void PppdBackend::Run::WaitForExit() {
  pidfd.async_wait(asio::posix::stream_descriptor::wait_read,
                   [self = shared_from_this()](boost::system::error_code ec) {
                     if (self->finished || ec) return;
                     int wait_status = 0;
                     if (::waitpid(self->pid, &wait_status, 0) != self->pid) return;
                     self->pid = -1;
                     PppdTermination termination;
                     if (WIFEXITED(wait_status)) termination.exit_status = WEXITSTATUS(wait_status);
                     if (WIFSIGNALED(wait_status)) termination.signal = WTERMSIG(wait_status);
                     if (self->owner != nullptr) self->owner->Finish(self, termination);
                   });
}

std::unique_ptr<PppdBackend> PppdBackend::Create(boost::asio::io_context& io,
                                                 PppdBackendOptions options, std::error_code& ec) {
  // Validate the static part of the argv now, so configuration errors surface at startup.
  PppdOptions probe = options.pppd;
  probe.tty = "/dev/null";
  if (probe.ipparam.empty()) probe.ipparam = "probe";
  if ((ec = BuildPppdArgv(probe).error)) return nullptr;
  std::unique_ptr<RouteNetlink> netlink;
  if (options.default_route_metric) {
    netlink = RouteNetlink::Connect(ec);
    if (!netlink) return nullptr;
  }
  return std::unique_ptr<PppdBackend>(new PppdBackend(io, std::move(options), std::move(netlink)));
}

PppdBackend::PppdBackend(boost::asio::io_context& io, PppdBackendOptions options,
                         std::unique_ptr<RouteNetlink> netlink)
    : io_(io),
      options_(std::move(options)),
      netlink_(std::move(netlink)),
      dns_(options_.dns),
      ipv6_(io, [this](const std::optional<Ipv6Status>& ipv6) {
        status_.ipv6 = ipv6;
        NotifyIpv6(ipv6);
      }) {}

PppdBackend::~PppdBackend() {
  UndoRouteAndDns();
  if (!run_) return;
  run_->owner = nullptr;
  run_->finished = true;
  if (run_->pid > 0) {
    ::kill(run_->pid, SIGKILL);
    ::waitpid(run_->pid, nullptr, 0);  // bounded: SIGKILL cannot be ignored
  }
}

std::error_code PppdBackend::Start(int line_fd, std::vector<std::uint8_t> leftover) {
  if (run_ && !run_->finished) return InterfaceErrc::kAlreadyStarted;
  auto run = std::make_shared<Run>(io_, options_.no_carrier_confirm);
  run->owner = this;
  run->high_water = options_.queue_high_water;
  std::error_code ec;
  run->dir = PppdPrivateDir::Create(options_.runtime_dir, ec);
  if (!run->dir) return ec;
  PppdOptions pppd = options_.pppd;
  if (!options_.password.empty()) {
    pppd.secrets_file = run->dir->WriteSecrets(options_.password, ec);
    if (ec) return ec;
  }
  pppd.event_socket = run->dir->EventSocketPath();
  boost::system::error_code bec;
  run->events.open(asio::local::datagram_protocol(), bec);
  if (!bec) run->events.bind(asio::local::datagram_protocol::endpoint(pppd.event_socket), bec);
  if (bec) return bec;
  int master = OpenPtyMaster(pppd.tty, ec);
  if (master < 0) return ec;
  run->pty.assign(master);
  int line = ::fcntl(line_fd, F_DUPFD_CLOEXEC, 0);  // the caller keeps its descriptor
  if (line < 0) return LastError();
  run->line.assign(line);
  PppdArgv argv = BuildPppdArgv(pppd);
  if (argv.error) return argv.error;
  last_argv_ = argv.argv;
  run->pid = Spawn(argv.argv, ec);
  if (run->pid < 0) return ec;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, run->pid, 0));
  if (pidfd < 0) {
    ec = LastError();
    ::kill(run->pid, SIGKILL);
    ::waitpid(run->pid, nullptr, 0);
    return ec;
  }
  run->pidfd.assign(pidfd);
  run_ = run;
  at_channel_bytes_.clear();
  status_ = BackendStatus{.running = true, .phase = Phase::kEstablish};
  run->ReceiveEvent();
  run->WaitForExit();
  // The bytes read with CONNECT are queued first; the line is read once pppd is ready.
  run->Apply(run->bridge.Start(leftover, std::chrono::steady_clock::now()));
  run->ReadPty();
  return {};
}

void PppdBackend::Stop() {
  if (!run_ || run_->finished || run_->stop_requested || run_->pid <= 0) return;
  run_->stop_requested = true;
  if (run_->suspended) {
    // The port belongs to the AT channel: pppd's Terminate-Request could not reach the module,
    // so waiting for its Ack is pointless. Hanging up the pty ends pppd at once (exit 16).
    run_->HangUpPppd();
  }
  // pppd answers SIGTERM with LCP Terminate-Request and exits 5 (pppd(8) EXIT STATUS).
  ::kill(run_->pid, SIGTERM);
  run_->kill_timer.expires_after(options_.stop_timeout);
  run_->kill_timer.async_wait([run = run_](boost::system::error_code ec) {
    if (!ec && !run->finished && run->pid > 0) ::kill(run->pid, SIGKILL);
  });
}

void PppdBackend::Suspend() {
  if (!run_ || run_->finished || run_->suspended) return;
  run_->suspended = true;
  status_.suspended = true;
  run_->Apply(run_->bridge.Suspend());
  // Cancels the read and any write in flight; an interrupted chunk stays at the queue's head
  // and is written whole after Resume (the PPP peer drops the cut copy by its FCS).
  boost::system::error_code ignored;
  run_->line.cancel(ignored);
}

void PppdBackend::Resume(int line_fd, std::vector<std::uint8_t> leftover) {
  // After a Stop() while suspended the pty is already hung up: pppd is on its way out.
  if (!run_ || run_->finished || !run_->suspended || run_->stop_requested) return;
  run_->suspended = false;
  status_.suspended = false;
  // The AT channel may hand back another descriptor for the port: bridge a fresh duplicate.
  boost::system::error_code ignored;
  run_->line.close(ignored);
  const int line = ::fcntl(line_fd, F_DUPFD_CLOEXEC, 0);
  boost::system::error_code assigned;
  if (line >= 0) run_->line.assign(line, assigned);
  if (line < 0 || assigned) {
    if (line >= 0 && !run_->line.is_open()) ::close(line);
    run_->HangUpPppd();  // pppd exits 16; Finish reports the link as down
    return;
  }
  run_->Apply(run_->bridge.Resume(leftover, std::chrono::steady_clock::now()));
  if (run_->pppd_ready && run_->bridge.state() == BridgeState::kBridging && !run_->line_paused) {
    run_->ReadLine();
  }
  run_->WriteModem();
}

void PppdBackend::Finish(const std::shared_ptr<Run>& run, const PppdTermination& termination) {
  run->finished = true;
  run->Apply(run->bridge.Stop());
  boost::system::error_code ignored;
  run->line.close(ignored);
  run->pty.close(ignored);
  run->events.close(ignored);
  run->pidfd.close(ignored);
  run->bridge_timer.cancel();
  run->kill_timer.cancel();
  run->dir.reset();   // removes the secrets file and the socket
  UndoRouteAndDns();  // pppd may die without running ip-down (SIGKILL, crash)
  last_termination_ = termination;
  DownReason reason = DownReasonFor(termination, run->carrier_lost, run->stop_requested);
  std::error_code error = ToErrorCode(termination);
  std::string detail = error ? error.message() : "pppd exit 0 (ok)";
  status_.running = false;
  status_.suspended = false;
  status_.phase = Phase::kDead;
  status_.ip.reset();
  status_.last_down = reason;
  status_.last_detail = detail;
  NotifyDown(reason, detail);
}

void PppdBackend::OnIpUp(const IpConfig& ip, const std::string& ifname) {
  UndoRouteAndDns();  // a renegotiation reports ip-up again, possibly with new values
  route_error_.clear();
  if (netlink_ && options_.default_route_metric) {
    // pppd created the interface in our namespace; it has no ifindex in the hook's arguments.
    if (unsigned index = ::if_nametoindex(ifname.c_str()); index == 0) {
      route_error_ = LastError();
    } else if (!(route_error_ = netlink_->AddDefaultRoute(static_cast<int>(index),
                                                          *options_.default_route_metric))) {
      route_ = DefaultRoute{static_cast<int>(index), *options_.default_route_metric};
    }
  }
  std::vector<Ipv4> servers;
  for (const std::optional<Ipv4>& dns : {ip.dns1, ip.dns2}) {
    if (dns && *dns != Ipv4{}) servers.push_back(*dns);
  }
  // As in the userspace backend: a missing route or DNS is reported in status, the link stays.
  dns_error_ = dns_.Apply(ifname, servers);
  NotifyUp(ip, ifname);
  // pppd +ipv6 (docs/ppp-engine.md, "IPv6"): the kernel holds the addresses; follow them.
  if (options_.pppd.ipv6) ipv6_.Start(ifname, options_.default_route_metric);
}

void PppdBackend::UndoRouteAndDns() {
  ipv6_.Stop();
  dns_.Revert();
  if (route_ && netlink_) {
    // Fails harmlessly when pppd already removed the interface (the kernel drops its routes).
    netlink_->DeleteDefaultRoute(route_->ifindex, route_->metric);
  }
  route_.reset();
}

BackendStatus PppdBackend::status() const { return status_; }

std::vector<std::uint8_t> PppdBackend::TakeAtChannelBytes() {
  return std::exchange(at_channel_bytes_, {});
}

}  // namespace uclink::pppif
