// The Asio shell around the PPP session: it moves bytes between the modem line (the descriptor
// chat/ hands over after CONNECT) and the TUN device, and performs the session's actions.
//
//   line fd ──read ≥4 KiB──▶ SessionCore ──WriteLine (queued; one gathered write)──▶ line fd
//   TUN fd ──up to 16 packets per wake-up──▶ SessionCore ──DeliverIp (one write each)──▶ TUN fd
//                          SessionCore ──SetTimer──▶ steady_timer ──OnTimer──▶ SessionCore
//                          SessionCore ──Up/Down──▶ callbacks (posted, never re-entrant)
//
// One io_context thread, so no locks (docs/ARCHITECTURE.md). The engine borrows both descriptors:
// it never closes them, and it restores the line descriptor's file flags before reporting on_down,
// so chat/ can take the line back (e.g. to hang up) once on_down has been delivered.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "pppif/session_core.h"

namespace uclink::pppif {

/// Tuning of the engine's I/O; the defaults suit a 115 200-baud UART and a USB CDC port alike.
struct EngineOptions {
  /// Bytes asked for per line read; at least 4 KiB so a busy line costs few syscalls.
  std::size_t line_read_chunk = 16 * 1024;
  /// TUN reads pause while this many bytes wait for the line, so the kernel's TUN queue (not our
  /// memory) absorbs a burst and TCP sees the congestion (docs/ppp.md, "Pitfalls: Bounded queues").
  std::size_t line_queue_high_water = 64 * 1024;
  /// Hard bound on queued line bytes: further WriteLine actions are dropped and counted. Only
  /// control frames can reach it, since TUN reads pause at the high-water mark.
  std::size_t line_queue_max_bytes = 256 * 1024;
  /// Stop(): how long to wait for the peer's Terminate-Ack before giving up.
  std::chrono::milliseconds stop_timeout{3000};
  /// After Down: how long queued frames (e.g. our Terminate-Ack) may take to reach the line.
  std::chrono::milliseconds flush_timeout{500};
  /// Hand IPv6 packets read from TUN to the session (SessionConfig::ipv6); false: they are
  /// counted in tun_not_ipv4 and dropped here.
  bool carry_ipv6 = false;
};

/// What the engine itself counts; the session's protocol counters are in Counters.
struct EngineCounters {
  std::uint64_t line_reads = 0;        ///< read completions on the line
  std::uint64_t line_writes = 0;       ///< completed line writes; each carries every frame queued
                                       ///< when it started (up to 64)
  std::uint64_t line_write_drops = 0;  ///< WriteLine actions dropped at line_queue_max_bytes
  std::uint64_t tun_packets_read = 0;  ///< packets read from the TUN device
  std::uint64_t tun_packets_written = 0;  ///< DeliverIp packets the TUN device accepted
  std::uint64_t tun_not_ipv4 = 0;     ///< packets read from TUN that are not IPv4 (nor IPv6 with
                                      ///< carry_ipv6), dropped
  std::uint64_t tun_write_drops = 0;  ///< DeliverIp packets refused or malformed, dropped
  std::uint64_t tun_read_pauses = 0;  ///< times the line queue reached the high-water mark
  std::size_t line_queue_peak_bytes = 0;  ///< the largest line queue seen
};

/// The engine's own lifecycle (the PPP phase is Phase, from the session).
enum class EngineState {
  kIdle,      ///< constructed, Start() not called
  kRunning,   ///< moving bytes
  kStopping,  ///< Stop(): Terminate-Request sent, waiting for the Ack (bounded)
  kFlushing,  ///< the session reported Down; queued frames drain to the line (bounded)
  kFinished,  ///< descriptors released, on_down posted
};
const char* ToString(EngineState state);

/// Event callbacks; each is posted to the io_context, so a callback may call Stop() or destroy
/// the engine.
struct EngineCallbacks {
  /// IPCP reached Opened; `ifname` is the interface passed to Start().
  std::function<void(const IpConfig& ip, const std::string& ifname)> on_up;
  /// The link is finished and both descriptors are released; exactly once per Start().
  std::function<void(DownReason reason, const std::string& detail)> on_down;
  /// The session's phase changed.
  std::function<void(Phase from, Phase to)> on_phase;
  /// IPV6CP reached Opened or its RDNSS servers changed (`link` set), or it left Opened.
  std::function<void(const std::optional<Ipv6Link>& link, const std::string& ifname)> on_ipv6;
};

/// Runs one PPP session over a line descriptor and a TUN descriptor.
class Engine {
 public:
  Engine(boost::asio::io_context& io, std::unique_ptr<SessionCore> session, EngineOptions options,
         EngineCallbacks callbacks);
  /// Releases the descriptors without further callbacks (use Stop() for a clean terminate).
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Opens the session and starts moving bytes. `leftover` holds the line bytes chat/ read after
  /// CONNECT (possibly the peer's first LCP frames); they are fed before anything else read.
  /// Both descriptors stay owned by the caller and must remain open until on_down. Returns
  /// kAlreadyStarted, or the error registering a descriptor with the reactor; no callback follows
  /// an error.
  std::error_code Start(int line_fd, Bytes leftover, int tun_fd, std::string ifname);
  /// Clean close: LCP Terminate-Request, then on_down(kLocalClose) when the peer acknowledges,
  /// or after options.stop_timeout. No effect unless running.
  void Stop();
  /// Stops reading and writing the line and releases it (file flags restored) so the AT side can
  /// use it for a monitoring slice ("+++", AT+CSQ, ATO: docs/state-machine.md). The session keeps
  /// its state; frames to send stay queued (bounded as usual) and the session's timer is held: a
  /// deadline that passes while suspended fires at Resume(). No effect unless running.
  void Suspend();
  /// Takes the line back (after ATO → CONNECT) and feeds `leftover` first. A descriptor the
  /// reactor refuses ends the link (on_down, kLineClosed). No effect unless suspended.
  void Resume(int line_fd, Bytes leftover);
  /// Between Suspend() and Resume().
  bool suspended() const;

  EngineState state() const;
  /// The session's phase.
  Phase phase() const;
  /// The session's protocol counters (bytes, frames, FCS errors, echo RTT, magic numbers).
  const Counters& counters() const;
  /// The engine's I/O counters.
  const EngineCounters& engine_counters() const;
  /// The negotiated addresses, DNS and MTU once IPCP is Opened.
  std::optional<IpConfig> ip() const;
  /// The IPv6 side while IPV6CP is Opened.
  std::optional<Ipv6Link> ipv6() const;
  /// The interface name given to Start().
  const std::string& ifname() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace uclink::pppif
