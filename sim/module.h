// The simulated UC8088 as one pure object: serial bytes, peer bytes, control lines and the time
// go in; bytes for the serial line, bytes for the PPP peer and peer start/stop requests come out.
// No I/O: the Asio shell (sim/simulator.h) performs the actions and calls OnTimer at
// NextDeadline().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/hdlc_watch.h"
#include "sim/network.h"
#include "sim/reply.h"
#include "sim/scenario.h"
#include "sim/service_host.h"
#include "sim/service_router.h"

namespace uclink::sim {

/// Where the serial line's bytes go.
enum class LineMode {
  kCommand,  ///< AT commands
  kData,     ///< bridged to the PPP peer (after CONNECT)
  kPrompt,   ///< a service collects payload bytes after "> "
};

/// Name of a LineMode value.
std::string_view ToString(LineMode mode);

/// Something the shell must do.
struct ModuleAction {
  enum class Kind {
    kWriteSerial,  ///< write `bytes` to the DTE
    kStartPeer,    ///< start the PPP peer for data mode on `cid`
    kWritePeer,    ///< write `bytes` to the PPP peer
    kStopPeer,     ///< stop the PPP peer (kill it by its PID)
  };
  Kind kind = Kind::kWriteSerial;
  std::string bytes;
  int cid = 0;
};

/// Name of a ModuleAction::Kind value.
std::string_view ToString(ModuleAction::Kind kind);

/// The module core. Implements ServiceHost for the in-band services.
class Module : public ServiceHost {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  /// Longest command line kept (longer lines answer ERROR); queued lines while busy.
  static constexpr std::size_t kMaxLine = 4096;
  static constexpr std::size_t kMaxQueuedLines = 64;
  /// Pending URCs above which services pause their sources (ServiceHost::UrcBacklogFull) and
  /// at or below which they resume.
  static constexpr std::size_t kUrcHighWater = 256;
  /// Hard bound on pending URCs: only a source that ignores the flow control reaches it; what
  /// is beyond is counted (urcs_lost, "status") rather than held.
  static constexpr std::size_t kMaxBacklog = 65536;
  /// After the PPP session's Terminate-Ack the call ends this much later (the Ack must reach
  /// the other side first); a Terminate-Request that is never acknowledged ends it after
  /// kTerminateTimeout (pppd's 3 s restart timer, RFC 1661 §4.6).
  static constexpr std::chrono::milliseconds kTerminateGrace{200};
  static constexpr std::chrono::milliseconds kTerminateTimeout{3000};
  /// Output held back by "chunk N GAP_MS" beyond this many bytes is dropped.
  static constexpr std::size_t kMaxChunkedBytes = 1 << 16;

  Module(Scenario scenario, TimePoint start);
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// Connects the in-band services (may stay null: service commands then answer ERROR).
  void SetServices(ServiceRouter* services) { services_ = services; }
  /// Called whenever new actions are queued, so the shell can pump after async service calls.
  void SetActionListener(std::function<void()> listener) { listener_ = std::move(listener); }

  /// Bytes from the DTE (serial line).
  void OnSerial(std::string_view bytes, TimePoint now);
  /// Bytes from the PPP peer.
  void OnPeer(std::string_view bytes, TimePoint now);
  /// The PPP peer exited (or could not start).
  void OnPeerExit(TimePoint now);
  /// Time passed: emit what is due.
  void OnTimer(TimePoint now);
  /// One control-socket line; returns "OK[ detail]" or "ERROR <reason>".
  std::string OnControl(std::string_view line, TimePoint now);

  /// When OnTimer must next be called, if anything is pending.
  std::optional<TimePoint> NextDeadline() const;
  /// Takes the queued actions, oldest first.
  std::vector<ModuleAction> TakeActions();

  /// No command running or queued and nothing scheduled for the line (timeline aside).
  bool Idle() const;
  LineMode mode() const { return mode_; }
  const Network& network() const { return network_; }

  // ServiceHost.
  void Info(std::string_view line) override;
  void Ok() override;
  void Error(ErrorKind kind, int code) override;
  void PlainError() override;
  void Urc(std::string_view line) override;
  void Raw(std::string_view bytes) override;
  void Prompt(int length, std::function<void(std::string)> done) override;
  bool NetworkReady() const override { return network_.NetworkReady(); }
  std::chrono::milliseconds Latency(std::chrono::milliseconds realistic) const override;
  std::string ResolveTarget(std::string_view host) const override;
  bool UrcBacklogFull() const override { return backlog_.size() > kUrcHighWater; }
  void WhenUrcsDrain(std::function<void()> resume) override;

  /// URCs waiting for the line (a command in flight, or data mode).
  std::size_t urcs_pending() const { return backlog_.size(); }
  /// URCs discarded at the hard bound since start (0 unless a source ignored flow control).
  std::size_t urcs_lost() const { return urcs_lost_; }

 private:
  struct QueuedLine {
    std::string text;
    bool overflow = false;  ///< longer than kMaxLine
    bool damaged = false;   ///< first line after a low-power wake-up (manual §2.19)
  };
  struct TimedStep {
    TimePoint due;
    ReplyStep step;
  };
  struct Chunk {
    TimePoint due;
    std::string bytes;
  };
  struct Session {
    bool active = false;
    bool suspended = false;  ///< escaped to command mode with "+++" (--escape)
    int cid = 0;
  };

  void Enter(TimePoint now);
  void Drain();
  bool Step();
  void CommandBytes(std::string_view bytes);
  void DataBytes(std::string_view bytes);
  std::size_t PromptBytes(std::string_view bytes);
  void CompleteLine();
  void StartLine(const QueuedLine& line);
  void ExecuteBasic(const SimCommand& command);
  void Cmee(const SimCommand& command);
  void Schedule(const Reply& reply);
  void ApplyStep(const ReplyStep& step);
  void Final(std::string_view text);
  void Finish();
  void EmitLine(std::string_view text);
  void EmitInfo(std::string_view text);
  void Emit(std::string_view bytes);
  void Push(ModuleAction action);
  bool ResumeUrcSources();
  // Watches the frames in `bytes` for LCP Terminate; under "blackhole" returns the re-encoded
  // frames that may cross (everything but network-layer data), else "".
  std::string WatchPpp(PppSide from, std::string_view bytes);
  void OnLcp(PppSide from, std::uint8_t code);
  void ResetPppWatch();
  void EnterDataMode(int cid);
  void EndSession(bool no_carrier);
  void Reboot();
  std::string ApplyControl(std::string_view line);
  std::string RenderError(ErrorKind kind, int code) const;
  std::string Garbage(std::size_t count);
  bool Ready() const { return !hung_ && !booting_until_; }

  Scenario scenario_;
  Latencies latency_;
  Network network_;
  ServiceRouter* services_ = nullptr;
  std::function<void()> listener_;
  TimePoint start_;
  TimePoint now_;
  int depth_ = 0;

  LineMode mode_ = LineMode::kCommand;
  bool echo_;
  int cmee_;
  std::string line_;
  bool line_overflow_ = false;
  bool line_damaged_ = false;
  bool after_cr_ = false;
  std::deque<QueuedLine> queued_;
  bool busy_ = false;
  bool service_busy_ = false;
  bool info_open_ = false;
  std::deque<TimedStep> steps_;
  std::deque<std::string> backlog_;
  std::vector<std::function<void()>> drain_waiters_;
  std::size_t urcs_lost_ = 0;
  std::deque<Chunk> chunks_;
  std::size_t chunked_bytes_ = 0;
  std::vector<ModuleAction> actions_;

  bool hung_ = false;
  bool wedged_ = false;  ///< "wedge": hung_ that only "power-cycle" (or "reboot") clears
  bool silent_ = false;
  bool blackhole_ = false;  ///< "blackhole": only non-IP frames cross the bridge
  std::size_t chunk_size_;
  Millis chunk_gap_;
  std::optional<TimePoint> booting_until_;
  std::size_t timeline_next_ = 0;
  std::uint32_t rng_;

  Session session_;
  HdlcDeframer host_frames_;
  HdlcDeframer network_frames_;
  std::optional<PppSide> terminate_from_;  ///< who sent the first LCP Terminate-Request
  std::optional<TimePoint> hangup_at_;     ///< when the terminated PPP session ends the call
  int pluses_ = 0;
  TimePoint last_data_;
  TimePoint last_plus_;

  int prompt_length_ = 0;
  std::string prompt_buffer_;
  std::function<void(std::string)> prompt_done_;

  TimePoint last_rx_;
  bool asleep_ = false;
};

}  // namespace uclink::sim
