#include "pppif/session.h"

#include <algorithm>
#include <random>
#include <utility>

#include "pppif/chap.h"
#include "pppif/fsm.h"
#include "pppif/hdlc.h"
#include "pppif/ipcp.h"
#include "pppif/ipv6cp.h"
#include "pppif/lcp.h"
#include "pppif/packet.h"
#include "pppif/pap.h"
#include "pppif/ra.h"

namespace uclink::pppif {
namespace {

// RFC 1662 §4.4: after this much line silence a frame gets a leading flag (docs/ppp.md,
// "Defaults and where they come from").
constexpr auto kIdleFlagAfter = std::chrono::milliseconds(100);
// Bounds the actions a caller has not taken yet; data beyond it is dropped and counted.
constexpr std::size_t kMaxPendingActions = 4096;
// Frames larger than the MRU plus header/FCS slack are garbage (docs/ppp.md, "Pitfalls: Invalid
// frames resynchronise at the next flag").
constexpr std::size_t kFrameSlack = 64;
// Looped-back frames in a row (nothing genuine between them) that mean the line is looped.
constexpr int kLoopedEchoesBeforeDown = 3;

std::uint32_t Seed(std::uint32_t configured) {
  if (configured != 0) return configured;
  std::random_device device;
  return device();
}

}  // namespace

const char* ToString(DownReason reason) {
  switch (reason) {
    case DownReason::kEchoTimeout:
      return "echo timeout";
    case DownReason::kNoCarrier:
      return "no carrier";
    case DownReason::kLineClosed:
      return "line closed";
    case DownReason::kPeerTerminated:
      return "peer terminated";
    case DownReason::kLocalClose:
      return "local close";
    case DownReason::kNegotiationFailed:
      return "negotiation failed";
    case DownReason::kAuthFailed:
      return "authentication failed";
    case DownReason::kLoopback:
      return "loopback";
  }
  return "?";
}

const char* ToString(Phase phase) {
  switch (phase) {
    case Phase::kDead:
      return "Dead";
    case Phase::kEstablish:
      return "Establish";
    case Phase::kAuthenticate:
      return "Authenticate";
    case Phase::kNetwork:
      return "Network";
    case Phase::kRunning:
      return "Running";
    case Phase::kTerminate:
      return "Terminate";
  }
  return "?";
}

struct Session::Impl final : HdlcSink, ControlSink, LcpListener, IpcpListener, Ipv6cpListener {
  explicit Impl(SessionConfig c)
      : config(std::move(c)),
        random(Seed(config.random_seed)),
        deframer(std::max<std::size_t>(config.mru, kDefaultMru) + kFrameSlack),
        lcp_policy(config.mru, config.magic, random, *this),
        lcp(Fsm::Options{.protocol = kProtoLcp,
                         .lcp_codes = true,
                         .limits = {config.restart_timer, config.max_configure,
                                    config.max_terminate, config.max_failure_lcp}},
            lcp_policy, *this),
        ipcp_policy(config.peer_placeholder, *this),
        ipcp(Fsm::Options{.protocol = kProtoIpcp,
                          .limits = {config.restart_timer, config.max_configure,
                                     config.max_terminate, config.max_failure_ipcp}},
             ipcp_policy, *this),
        ipv6cp_policy(config.interface_id, random, *this),
        ipv6cp(Fsm::Options{.protocol = kProtoIpv6cp,
                            .limits = {config.restart_timer, config.max_configure,
                                       config.max_terminate, config.max_failure_ipv6cp}},
               ipv6cp_policy, *this) {}

  // --- public entry points (each ends with Finish) ---
  void Open();
  void Close();
  void LineBytes(std::span<const std::uint8_t> bytes);
  void IpPacket(std::span<const std::uint8_t> packet);
  void Timer();
  void Begin(Clock::time_point t) { now = t; }
  void Finish();

  // --- HdlcSink ---
  void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) override;
  void OnFrameError(FrameError error) override;
  void OnNoCarrier() override { SetDown(DownReason::kNoCarrier, "NO CARRIER in data stream"); }
  // --- ControlSink ---
  void SendControl(std::uint16_t protocol, std::vector<std::uint8_t> packet) override;
  // --- LcpListener ---
  void OnLcpUp() override;
  void OnLcpDown() override;
  void OnLcpFinished() override;
  void OnProtocolRejected(std::uint16_t protocol) override;
  void OnEchoReply(std::uint8_t id, ByteSpan data) override;
  void OnLoopback() override { SetDown(DownReason::kLoopback, "own magic number came back"); }
  // --- IpcpListener ---
  void OnIpcpUp() override;
  void OnIpcpDown() override;
  void OnIpcpFinished() override;
  // --- Ipv6cpListener ---
  void OnIpv6cpUp() override;
  void OnIpv6cpDown() override;
  void OnIpv6cpFinished() override;

  bool IsLoopedBack(std::uint16_t protocol, std::span<const std::uint8_t> info) const;
  void NoteLooped();
  void HandleLcp(std::span<const std::uint8_t> info);
  void HandleIpcp(std::span<const std::uint8_t> info);
  void HandleAuth(std::uint16_t protocol, std::span<const std::uint8_t> info);
  void HandleIp(std::span<const std::uint8_t> info);
  // IPv6 (RFC 5072; docs/ppp-engine.md, "IPv6").
  void HandleIpv6cp(std::span<const std::uint8_t> info);
  void HandleIpv6(std::span<const std::uint8_t> info);
  void Ipv6Packet(std::span<const std::uint8_t> packet);
  void ReadRouterAdvert(std::span<const std::uint8_t> packet);
  bool Ipv6Open() const { return config.ipv6 && ipv6cp.state() == FsmState::kOpened; }
  void RejectProtocol(std::uint16_t protocol, std::span<const std::uint8_t> info);
  void StartAuth(std::uint16_t protocol);
  void CheckAuth();
  void EnterNetwork();
  void EchoTick();
  void WriteFrame(std::uint16_t protocol, std::span<const std::uint8_t> info,
                  const TxFraming& framing);
  void Flush();
  void SetDown(DownReason reason, std::string detail);
  void Abandon(DownReason reason, std::string detail);
  std::optional<Clock::time_point> NextDeadline() const;

  bool active() const { return !finished && !down; }

  SessionConfig config;
  MagicSource random;
  HdlcDeframer deframer;
  HdlcEncoder encoder;
  LcpPolicy lcp_policy;
  Fsm lcp;
  IpcpPolicy ipcp_policy;
  Fsm ipcp;
  Ipv6cpPolicy ipv6cp_policy;
  Fsm ipv6cp;
  std::unique_ptr<AuthClient> auth;

  Clock::time_point now{};
  Phase phase = Phase::kDead;
  bool opened = false;
  bool finished = false;  // Down emitted
  std::optional<action::Down> down;
  bool closing_locally = false;
  bool courtesy_terminate = false;
  TxFraming tx;  // default framing until LCP is Opened (RFC 1661 §5, RFC 1662 §7.1)
  std::uint16_t peer_mru = kDefaultMru;
  Counters counters;
  std::optional<IpConfig> ip;
  std::optional<Ipv6Link> ipv6;
  std::vector<Action> actions;
  Bytes pending_write;
  std::optional<Clock::time_point> last_tx;
  std::optional<Clock::time_point> last_timer;
  // LCP echo keepalive (docs/ppp.md, "Pitfalls: Keepalive is adaptive").
  std::optional<Clock::time_point> next_echo;
  int echo_unanswered = 0;
  Clock::time_point last_rx{};
  std::uint8_t echo_id = 0;
  std::optional<Clock::time_point> echo_sent_at;
  // Our own frames coming back since the peer last proved alive (RFC 1661 §6.4).
  int looped_echoes = 0;
};

// ---------------------------------------------------------------- entry points

void Session::Impl::Open() {
  if (opened || finished) return;
  opened = true;
  phase = Phase::kEstablish;
  // The line is already up (CONNECT), so Open and Up together start LCP (RFC 1661 §4.1).
  lcp.Open(now);
  lcp.Up(now);
}

void Session::Impl::Close() {
  if (!active()) return;
  closing_locally = true;
  if (!opened) return SetDown(DownReason::kLocalClose, "closed before open");
  phase = Phase::kTerminate;
  lcp.Close(now);  // Terminate-Request; Down follows on Terminate-Ack or after Max-Terminate
  const FsmState s = lcp.state();
  if (s != FsmState::kClosing) SetDown(DownReason::kLocalClose, "closed");
}

void Session::Impl::LineBytes(std::span<const std::uint8_t> bytes) {
  if (finished) return;
  counters.line_bytes_in += bytes.size();
  deframer.Feed(bytes, *this);
}

void Session::Impl::IpPacket(std::span<const std::uint8_t> packet) {
  if (finished) return;
  if (!packet.empty() && (packet[0] >> 4) == 6) return Ipv6Packet(packet);
  // RFC 1661 §3.6: no IP before IPCP is Opened; never above the peer MRU.
  if (phase != Phase::kRunning || down || packet.empty() || packet.size() > peer_mru ||
      actions.size() >= kMaxPendingActions) {
    ++counters.dropped;
    return;
  }
  ++counters.ip_packets_out;
  WriteFrame(kProtoIpv4, packet, tx);
}

void Session::Impl::Timer() {
  if (!active()) return;
  lcp.OnTimer(now);
  ipcp.OnTimer(now);
  if (config.ipv6) ipv6cp.OnTimer(now);
  if (auth) {
    auth->OnTimer(now);
    CheckAuth();
  }
  EchoTick();
}

void Session::Impl::Finish() {
  if (courtesy_terminate) {
    courtesy_terminate = false;
    if (lcp.state() == FsmState::kOpened) lcp.Close(now);
  }
  Flush();
  if (down && !finished) {
    finished = true;
    phase = Phase::kDead;
    ip.reset();
    ipv6.reset();
    actions.emplace_back(std::move(*down));
    return;
  }
  if (finished) return;
  const std::optional<Clock::time_point> next = NextDeadline();
  if (next && next != last_timer) actions.emplace_back(action::SetTimer{*next});
  last_timer = next;
}

std::optional<Clock::time_point> Session::Impl::NextDeadline() const {
  std::optional<Clock::time_point> next;
  auto consider = [&](std::optional<Clock::time_point> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(lcp.deadline());
  consider(ipcp.deadline());
  if (config.ipv6) consider(ipv6cp.deadline());
  if (auth) consider(auth->deadline());
  consider(next_echo);
  return next;
}

// ---------------------------------------------------------------- received frames

void Session::Impl::OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) {
  if (!active()) return;
  ++counters.frames_in;
  if (IsLoopedBack(protocol, info)) {
    // Our own frame came back (a rebooted module echoing in command mode, a looped line):
    // it proves nothing about the peer, so it must not reset the keepalive (docs/ppp.md,
    // "Loopback"). Looped IPv4 is dropped here; looped LCP still reaches the automaton, which
    // answers and counts it as RFC 1661 §6.4 says.
    NoteLooped();
    if (protocol == kProtoIpv4) {
      ++counters.dropped;
      return;
    }
  } else {
    last_rx = now;  // any genuine frame proves the peer alive (adaptive keepalive, docs/ppp.md)
    echo_unanswered = 0;
    looped_echoes = 0;
  }
  switch (protocol) {
    case kProtoLcp:
      return HandleLcp(info);
    case kProtoPap:
    case kProtoChap:
      return HandleAuth(protocol, info);
    case kProtoIpcp:
      return HandleIpcp(info);
    case kProtoIpv4:
      return HandleIp(info);
    case kProtoIpv6cp:
    case kProtoIpv6:
      // With pdp_type IP both are Protocol-Rejected, exactly like any protocol we do not run.
      if (!config.ipv6) return RejectProtocol(protocol, info);
      return protocol == kProtoIpv6cp ? HandleIpv6cp(info) : HandleIpv6(info);
    default:
      return RejectProtocol(protocol, info);
  }
}

// A frame we sent, received back: an LCP Echo-Request, Echo-Reply or Discard-Request carrying
// our own Magic-Number (RFC 1661 §5.8, §6.4), or an IPv4 packet whose source is our own address
// (the peer never sends those: our own traffic to ourselves does not cross the link).
bool Session::Impl::IsLoopedBack(std::uint16_t protocol, std::span<const std::uint8_t> info) const {
  if (protocol == kProtoIpv4) {
    return ip.has_value() && info.size() >= 20 &&
           std::equal(ip->local.begin(), ip->local.end(), info.begin() + 12);
  }
  if (protocol != kProtoLcp || info.size() < 8) return false;
  const auto code = static_cast<Code>(info[0]);
  if (code != Code::kEchoRequest && code != Code::kEchoReply && code != Code::kDiscardRequest) {
    return false;
  }
  const std::uint32_t magic = lcp_policy.result().local_magic;
  return magic != 0 && ReadU32(info.subspan(4)) == magic;
}

// Looped frames end the link after kLoopedEchoesBeforeDown of them with nothing genuine in
// between; each one asks for an Echo-Request at once, so a looped line is found within one
// round trip per confirmation instead of one echo interval (a rebooted module would otherwise
// look alive for echo_failures intervals, or for ever while our own traffic kept coming back).
void Session::Impl::NoteLooped() {
  ++counters.looped_frames;
  if (lcp.state() != FsmState::kOpened || config.echo_interval.count() <= 0) return;
  if (++looped_echoes >= kLoopedEchoesBeforeDown) {
    return Abandon(DownReason::kLoopback,
                   std::to_string(looped_echoes) +
                       " of our own frames came back: the line is looped (module echoing?)");
  }
  next_echo = now;
  last_rx = now - config.echo_interval;  // the next EchoTick probes instead of waiting
}

void Session::Impl::OnFrameError(FrameError error) {
  if (error == FrameError::kBadFcs) {
    ++counters.fcs_errors;
  } else {
    ++counters.framing_errors;
  }
}

void Session::Impl::HandleLcp(std::span<const std::uint8_t> info) {
  lcp.OnPacket(info, now);
  // A peer Terminate-Request ends this call; the manager redials (docs/ppp.md, "Pitfalls: A peer
  // Terminate-Request means redial"). The FSM has already answered it (RFC 1661 §5.5).
  const std::optional<ControlPacket> p = ParseControlPacket(info);
  if (p && p->code == static_cast<std::uint8_t>(Code::kTerminateRequest) && !closing_locally) {
    SetDown(DownReason::kPeerTerminated, "LCP Terminate-Request from peer");
  }
}

void Session::Impl::HandleIpcp(std::span<const std::uint8_t> info) {
  // RFC 1661 §3.5: NCP packets before the Network phase are silently discarded.
  if (phase != Phase::kNetwork && phase != Phase::kRunning) return;
  const bool was_open = ipcp.state() == FsmState::kOpened;
  ipcp.OnPacket(info, now);
  const std::optional<ControlPacket> p = ParseControlPacket(info);
  if (was_open && p && p->code == static_cast<std::uint8_t>(Code::kTerminateRequest)) {
    SetDown(DownReason::kPeerTerminated, "IPCP Terminate-Request from peer");
  }
}

void Session::Impl::HandleAuth(std::uint16_t protocol, std::span<const std::uint8_t> info) {
  if (lcp.state() != FsmState::kOpened) return;  // RFC 1661 §3.4: only LCP before Opened
  const std::uint16_t negotiated = lcp_policy.result().auth_protocol;
  if (!auth || negotiated != protocol) return;  // not the method agreed: ignore
  auth->OnPacket(info, now);
  CheckAuth();
}

void Session::Impl::HandleIp(std::span<const std::uint8_t> info) {
  // RFC 1661 §3.6: network-layer packets before the NCP is Opened are discarded.
  if (phase != Phase::kRunning || info.size() < 20 || (info[0] >> 4) != 4) {
    ++counters.dropped;
    return;
  }
  // RFC 791 §3.1: pass the IPv4 total length only, never HDLC padding.
  const std::size_t total = ReadU16(info.subspan(2));
  if (total < 20 || total > info.size() || actions.size() >= kMaxPendingActions) {
    ++counters.dropped;
    return;
  }
  ++counters.ip_packets_in;
  actions.emplace_back(action::DeliverIp{Bytes(info.begin(), info.begin() + total)});
}

void Session::Impl::RejectProtocol(std::uint16_t protocol, std::span<const std::uint8_t> info) {
  // RFC 1661 §5.7: Protocol-Reject only once LCP is Opened; CCP, IPV6CP, VJ... end up here.
  if (lcp.state() != FsmState::kOpened) return;
  const std::size_t room = peer_mru > 6 ? peer_mru - 6 : 0;
  std::vector<std::uint8_t> data{static_cast<std::uint8_t>(protocol >> 8),
                                 static_cast<std::uint8_t>(protocol)};
  data.insert(data.end(), info.begin(), info.begin() + std::min(info.size(), room));
  lcp.SendPacket(Code::kProtocolReject, data);
}

// ---------------------------------------------------------------- sending

void Session::Impl::SendControl(std::uint16_t protocol, std::vector<std::uint8_t> packet) {
  WriteFrame(protocol, packet, SelectFraming(protocol, packet, tx));
}

void Session::Impl::WriteFrame(std::uint16_t protocol, std::span<const std::uint8_t> info,
                               const TxFraming& framing) {
  // Frames in one write share flags; a frame after idle gets a leading flag (RFC 1662 §4.4).
  const bool leading = pending_write.empty() && (!last_tx || now - *last_tx >= kIdleFlagAfter);
  encoder.Append(protocol, info, framing, leading, pending_write);
  last_tx = now;
  ++counters.frames_out;
}

void Session::Impl::Flush() {
  if (pending_write.empty()) return;
  counters.line_bytes_out += pending_write.size();
  actions.emplace_back(action::WriteLine{std::move(pending_write)});
  pending_write.clear();
}

void Session::Impl::SetDown(DownReason reason, std::string detail) {
  if (down || finished) return;  // the first reason is the cause; the rest are consequences
  down = action::Down{reason, std::move(detail)};
}

// Gives up on a failure we detected while LCP is up. The courtesy Terminate-Request is sent
// from Finish(), outside every FSM callback, so no automaton is re-entered.
void Session::Impl::Abandon(DownReason reason, std::string detail) {
  if (down || finished) return;
  SetDown(reason, std::move(detail));
  courtesy_terminate = true;
}

// ---------------------------------------------------------------- LCP

void Session::Impl::OnLcpUp() {
  const LcpResult& r = lcp_policy.result();
  // docs/ppp.md, "Pitfalls: ACCM applies only from Opened" (RFC 1661 §5, RFC 1662 §7.1).
  tx = r.tx;
  deframer.SetReceiveAccm(r.rx_accm);
  peer_mru = r.peer_mru;
  counters.local_magic = r.local_magic;
  counters.peer_magic = r.peer_magic;
  echo_unanswered = 0;
  last_rx = now;
  if (config.echo_interval.count() > 0) next_echo = now + config.echo_interval;
  if (r.auth_protocol != 0) return StartAuth(r.auth_protocol);
  EnterNetwork();
}

void Session::Impl::OnLcpDown() {
  tx = TxFraming{};
  deframer.SetReceiveAccm(kDefaultAccm);
  next_echo.reset();
  auth.reset();
  ipcp.Down(now);  // back to Starting; LCP coming up again restarts it (RFC 1661 §3.7)
  if (config.ipv6) ipv6cp.Down(now);
  if (phase != Phase::kTerminate) phase = Phase::kEstablish;
}

void Session::Impl::OnLcpFinished() {
  if (closing_locally) return SetDown(DownReason::kLocalClose, "closed");
  SetDown(DownReason::kNegotiationFailed,
          lcp.gave_up() ? "LCP did not converge (Max-Failure)" : "LCP negotiation failed");
}

void Session::Impl::OnProtocolRejected(std::uint16_t protocol) {
  if (protocol == kProtoIpcp || protocol == kProtoIpv4) {
    Abandon(DownReason::kNegotiationFailed, "peer rejected IPCP/IPv4");
  } else if (protocol == kProtoIpv6cp || protocol == kProtoIpv6) {
    // A peer without IPv6 (RFC 1661 §5.7): IPV6CP stops, the IPv4 link carries on.
    if (config.ipv6) ipv6cp.Dispatch(FsmEvent::kRxjMinus, {}, now);
  } else if (protocol == kProtoPap || protocol == kProtoChap) {
    Abandon(DownReason::kAuthFailed, "peer rejected the authentication protocol");
  }
}

void Session::Impl::OnEchoReply(std::uint8_t id, ByteSpan) {
  if (echo_sent_at && id == echo_id) {
    counters.echo_rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - *echo_sent_at);
    echo_sent_at.reset();
  }
}

void Session::Impl::EchoTick() {
  if (!next_echo || now < *next_echo || lcp.state() != FsmState::kOpened) return;
  if (now - last_rx < config.echo_interval) {  // traffic arrived recently: no probe needed
    next_echo = last_rx + config.echo_interval;
    return;
  }
  next_echo = now + config.echo_interval;
  // While looped frames are being confirmed, their own count decides (NoteLooped).
  if (looped_echoes == 0 && echo_unanswered >= config.echo_failures) {
    return SetDown(DownReason::kEchoTimeout,
                   std::to_string(echo_unanswered) + " LCP echo requests unanswered");
  }
  const std::uint32_t magic = lcp_policy.result().local_magic;
  const std::uint8_t data[4] = {
      static_cast<std::uint8_t>(magic >> 24), static_cast<std::uint8_t>(magic >> 16),
      static_cast<std::uint8_t>(magic >> 8), static_cast<std::uint8_t>(magic)};
  echo_id = lcp.SendPacket(Code::kEchoRequest, data);
  echo_sent_at = now;
  ++echo_unanswered;
  ++counters.echo_requests_sent;
}

// ---------------------------------------------------------------- authentication

void Session::Impl::StartAuth(std::uint16_t protocol) {
  phase = Phase::kAuthenticate;
  Credentials credentials{config.username, config.password};
  if (protocol == kProtoPap) {
    auth = std::make_unique<PapClient>(std::move(credentials), config.restart_timer,
                                       config.pap_max_requests, *this);
  } else {
    auth = std::make_unique<ChapClient>(std::move(credentials), config.auth_timeout, *this);
  }
  auth->Start(now);
}

void Session::Impl::CheckAuth() {
  if (!auth) return;
  switch (auth->status()) {
    case AuthStatus::kInProgress:
      return;
    case AuthStatus::kSucceeded:
      if (phase == Phase::kAuthenticate) EnterNetwork();
      return;
    case AuthStatus::kFailed:
      return Abandon(DownReason::kAuthFailed, auth->failure());
  }
}

// ---------------------------------------------------------------- IPCP

void Session::Impl::EnterNetwork() {
  phase = Phase::kNetwork;
  ipcp.Open(now);
  ipcp.Up(now);
  if (config.ipv6) {
    ipv6cp.Open(now);
    ipv6cp.Up(now);
  }
}

void Session::Impl::OnIpcpUp() {
  const IpcpResult& r = ipcp_policy.result();
  if (r.local == Ipv4{}) {  // pppd: "Could not determine local IP address"
    return Abandon(DownReason::kNegotiationFailed, "peer gave no local address");
  }
  phase = Phase::kRunning;
  ip = IpConfig{r.local, r.peer, r.dns1, r.dns2, peer_mru};
  Flush();
  actions.emplace_back(action::Up{*ip});
}

void Session::Impl::OnIpcpDown() {
  ip.reset();
  if (phase == Phase::kRunning) phase = Phase::kNetwork;
}

void Session::Impl::OnIpcpFinished() {
  if (lcp.state() != FsmState::kOpened) return;  // LCP going down took IPCP with it
  Abandon(DownReason::kNegotiationFailed,
          ipcp.gave_up() ? "IPCP did not converge (Max-Failure)" : "IPCP negotiation failed");
}

// ---------------------------------------------------------------- IPV6CP and IPv6

void Session::Impl::HandleIpv6cp(std::span<const std::uint8_t> info) {
  // RFC 1661 §3.5: NCP packets before the Network phase are silently discarded. A peer ending
  // IPV6CP (Terminate-Request) leaves the IPv4 link up: the FSM answers and reports Down.
  if (phase != Phase::kNetwork && phase != Phase::kRunning) return;
  ipv6cp.OnPacket(info, now);
}

// RFC 5072 §3 / RFC 8200 §3: whole packets only, trimmed to the payload length (HDLC padding).
void Session::Impl::HandleIpv6(std::span<const std::uint8_t> info) {
  if (!Ipv6Open()) {  // RFC 1661 §3.6: not before IPV6CP is Opened
    ++counters.ipv6_dropped;
    return;
  }
  constexpr std::size_t kHeader = 40;
  const std::size_t total = info.size() >= kHeader ? kHeader + ReadU16(info.subspan(4)) : 0;
  if (total == 0 || (info[0] >> 4) != 6 || total > info.size() ||
      actions.size() >= kMaxPendingActions) {
    ++counters.dropped;
    return;
  }
  const std::span<const std::uint8_t> packet = info.first(total);
  ++counters.ip_packets_in;
  ReadRouterAdvert(packet);
  actions.emplace_back(action::DeliverIp{Bytes(packet.begin(), packet.end())});
}

// The kernel takes the prefix from the same RA (SLAAC) but not its RDNSS option (RFC 8106):
// the last RA's servers with a non-zero lifetime replace the earlier ones (docs/ppp-engine.md,
// "IPv6: DNS from the RA").
void Session::Impl::ReadRouterAdvert(std::span<const std::uint8_t> packet) {
  const std::optional<RouterAdvert> ra = ParseRouterAdvert(packet);
  if (!ra || ra->dns.empty() || !ipv6) return;
  std::vector<std::array<std::uint8_t, 16>> servers;
  for (const RaDnsServer& server : ra->dns) {
    if (server.lifetime != 0) servers.push_back(server.address);
  }
  if (servers == ipv6->dns) return;
  ipv6->dns = std::move(servers);
  actions.emplace_back(action::Ipv6{ipv6});
}

void Session::Impl::Ipv6Packet(std::span<const std::uint8_t> packet) {
  if (!Ipv6Open() || down || packet.size() > peer_mru || actions.size() >= kMaxPendingActions) {
    ++counters.ipv6_dropped;
    return;
  }
  ++counters.ip_packets_out;
  WriteFrame(kProtoIpv6, packet, tx);
}

void Session::Impl::OnIpv6cpUp() {
  const Ipv6cpResult& r = ipv6cp_policy.result();
  ipv6 = Ipv6Link{.local_id = r.local, .peer_id = r.peer, .dns = {}};
  Flush();
  actions.emplace_back(action::Ipv6{ipv6});
}

void Session::Impl::OnIpv6cpDown() {
  if (!ipv6) return;
  ipv6.reset();
  actions.emplace_back(action::Ipv6{std::nullopt});
}

// IPv6 is an extra on an IPCP link: a peer that never answers IPV6CP (slirp drops it: docs/
// ppp.md, "Pitfalls"), Naks for ever or Rejects it leaves IPv4 running.
void Session::Impl::OnIpv6cpFinished() { OnIpv6cpDown(); }

// ---------------------------------------------------------------- Session

Session::Session(SessionConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Session::~Session() = default;

void Session::Open(Clock::time_point now) {
  impl_->Begin(now);
  impl_->Open();
  impl_->Finish();
}

void Session::Close(Clock::time_point now) {
  impl_->Begin(now);
  impl_->Close();
  impl_->Finish();
}

void Session::OnLineBytes(std::span<const std::uint8_t> bytes, Clock::time_point now) {
  impl_->Begin(now);
  impl_->LineBytes(bytes);
  impl_->Finish();
}

void Session::OnLineClosed(Clock::time_point now) {
  impl_->Begin(now);
  impl_->SetDown(DownReason::kLineClosed, "line closed");
  impl_->Finish();
}

void Session::OnIpPacket(std::span<const std::uint8_t> packet, Clock::time_point now) {
  impl_->Begin(now);
  impl_->IpPacket(packet);
  impl_->Finish();
}

void Session::OnTimer(Clock::time_point now) {
  impl_->Begin(now);
  impl_->Timer();
  impl_->Finish();
}

std::vector<Action> Session::TakeActions() { return std::exchange(impl_->actions, {}); }

Phase Session::phase() const { return impl_->phase; }
const Counters& Session::counters() const { return impl_->counters; }
std::optional<IpConfig> Session::ip() const { return impl_->ip; }
std::optional<Ipv6Link> Session::ipv6() const { return impl_->ipv6; }

}  // namespace uclink::pppif
