// The pty bridge between the serial port and pppd, as a pure component: bytes from the module
// and from pppd in, write actions out. uclink keeps the serial port after CONNECT and hands pppd
// the pty slave, so it still sees `NO CARRIER`, owns hang-up, and the bytes that arrived in the
// same read as CONNECT reach pppd first.
//
// NO CARRIER detection (module -> pppd stream). The data phase starts with CONNECT to
// AT+CGDATA="PPP",1 (UC8088 manual §2.16); when it ends the module returns to command mode with
// the V.250 result code "\r\nNO CARRIER\r\n" (ITU-T V.250 §5.7.1, verbose format; the UC8088
// manual does not list it, the simulator and field logs do). With `asyncmap 0` PPP frames
// may carry raw CR/LF and text, so the words alone are not enough:
//  * right after a 0x7E flag (or at the start of the data phase) the text cannot be a frame:
//    a PPP frame begins with 0xFF (address) or a protocol field, and 0x0D is not a protocol
//    (RFC 1661 §2: the protocol's low byte is odd, its high byte even; 0x0D would be the
//    compressed protocol 0x000D, reserved). Carrier loss is reported at once;
//  * inside a frame (the carrier dropped mid-frame) the text is only a candidate: it is
//    confirmed when no flag follows within `confirm_after` (a frame in flight always ends with a
//    flag; the module sends nothing after NO CARRIER), and dropped when a flag does.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

namespace uclink::pppif {

enum class BridgeState {
  kIdle,         ///< before Start(): the port still belongs to the AT channel
  kBridging,     ///< copying bytes in both directions
  kCarrierLost,  ///< NO CARRIER seen: module bytes go back to the AT channel, pppd's are dropped
  kSuspended,    ///< a monitoring slice lent the port to the AT side ("+++" … ATO); pppd's bytes
                 ///< still come out as ToModem and the shell holds them until Resume
  kStopped,      ///< Stop() called (uclink hangs up): nothing is forwarded any more
};
const char* ToString(BridgeState state);

namespace bridge {
using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;
/// Write these bytes to the pty master (towards pppd).
struct ToPppd {
  Bytes bytes;
};
/// Write these bytes to the serial port (towards the module).
struct ToModem {
  Bytes bytes;
};
/// The module left data mode: close the pty master (pppd then exits 16, "hangup") and return
/// the port to the AT engine.
struct CarrierLost {};
/// Module bytes that follow NO CARRIER: feed them to the AT tokenizer.
struct ToAtChannel {
  Bytes bytes;
};
/// Call OnTimer at `deadline` (replaces an earlier request).
struct SetTimer {
  Clock::time_point deadline;
};
/// Forget the pending timer.
struct CancelTimer {};
}  // namespace bridge

using BridgeAction = std::variant<bridge::ToPppd, bridge::ToModem, bridge::CarrierLost,
                                  bridge::ToAtChannel, bridge::SetTimer, bridge::CancelTimer>;
using BridgeActions = std::vector<BridgeAction>;

/// Byte counters for status and tests.
struct BridgeCounters {
  std::uint64_t to_pppd = 0, to_modem = 0, dropped_from_pppd = 0, to_at_channel = 0;
};

class PppdBridge {
 public:
  /// `confirm_after`: how long a mid-frame NO CARRIER waits for a flag before it counts.
  explicit PppdBridge(std::chrono::milliseconds confirm_after = std::chrono::milliseconds(500));

  /// Enters kBridging; `after_connect` are the bytes read after the CONNECT line, forwarded
  /// first (and scanned like any other module bytes).
  BridgeActions Start(std::span<const std::uint8_t> after_connect, bridge::Clock::time_point now);
  BridgeActions OnModemBytes(std::span<const std::uint8_t> bytes, bridge::Clock::time_point now);
  BridgeActions OnPppdBytes(std::span<const std::uint8_t> bytes);
  BridgeActions OnTimer(bridge::Clock::time_point now);
  /// uclink hangs up: stop forwarding (the shell then escapes to command mode).
  BridgeActions Stop();
  /// A monitoring slice takes the port (docs/state-machine.md): module bytes are not ours until
  /// Resume; a pending mid-frame NO CARRIER candidate is dropped (the slice's AT traffic decides).
  BridgeActions Suspend();
  /// ATO answered CONNECT: like Start(), the stream begins afresh (a NO CARRIER right after it
  /// is certain) with `after_connect` first.
  BridgeActions Resume(std::span<const std::uint8_t> after_connect, bridge::Clock::time_point now);

  BridgeState state() const { return state_; }
  const BridgeCounters& counters() const { return counters_; }

 private:
  // Scans one module byte; true when NO CARRIER just became certain.
  bool Scan(std::uint8_t byte, bridge::Clock::time_point now, BridgeActions& actions);
  BridgeActions LoseCarrier(std::span<const std::uint8_t> rest);

  std::chrono::milliseconds confirm_after_;
  BridgeState state_ = BridgeState::kIdle;
  BridgeCounters counters_;
  std::size_t matched_ = 0;             // bytes of the pattern matched so far
  std::size_t segment_offset_ = 0;      // bytes since the last flag
  std::size_t match_start_offset_ = 0;  // segment offset where the current match began
  std::optional<bridge::Clock::time_point> candidate_deadline_;
};

}  // namespace uclink::pppif
