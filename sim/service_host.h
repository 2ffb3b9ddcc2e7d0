// The seam between the simulator's command core (sim/module.*) and its in-band services
// (sim/services/: IPCREATE/IPSEND, FTP, HTTP, MQTT). The core parses every line with the
// simulator's own parser and hands service commands over through this interface.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::sim {

/// One AT command as the simulator parsed it.
struct SimCommand {
  enum class Form { kExec, kTest, kRead, kSet };
  std::string name;  ///< upper-case, with '+': "+IPCREATE", "+FTPGET", "+CSQ"
  Form form = Form::kExec;
  std::vector<std::string> args;  ///< set-form arguments, surrounding quotes removed
  std::vector<bool> quoted;       ///< per argument: was it quoted in the input
  std::string raw;                ///< the line as received, without the line end
};

/// Module-side error styles follow AT+CMEE (manual §2.7): the host renders the code.
enum class ErrorKind { kCme, kExt };

/// What a service may do to the serial line and the command queue. Implemented by the core.
class ServiceHost {
 public:
  virtual ~ServiceHost() = default;
  /// An information line of the current command (the host adds the line ends).
  virtual void Info(std::string_view line) = 0;
  /// Final OK; the command queue moves on.
  virtual void Ok() = 0;
  /// Final error rendered per the current AT+CMEE mode ("ERROR", "+CME ERROR: 3", ...).
  virtual void Error(ErrorKind kind, int code) = 0;
  /// Plain "ERROR" regardless of CMEE (the manual shows it for several service commands).
  virtual void PlainError() = 0;
  /// An unsolicited line (e.g. "+IPRECV:...", "+MQTTSUB:..."), sent between commands.
  virtual void Urc(std::string_view line) = 0;
  /// Flow control for URC sources (sockets, the FTP data connection, the MQTT loop): true while
  /// the URCs waiting for the line are above their bound. A source must then stop reading.
  virtual bool UrcBacklogFull() const { return false; }
  /// Calls `resume` once the pending URCs are at or below their bound (at once when they are
  /// already). Sources call this before each read, so nothing ever has to be dropped.
  virtual void WhenUrcsDrain(std::function<void()> resume) { resume(); }
  /// Raw bytes written as they are (payloads after a header line).
  virtual void Raw(std::string_view bytes) = 0;
  /// Shows the "> " prompt and collects exactly `length` bytes (or up to a Ctrl-Z when
  /// length < 0), then calls `done` with them.
  virtual void Prompt(int length, std::function<void(std::string)> done) = 0;
  /// CFUN=1, attached (CGATT=1) and a PDP context active: the manual's precondition for data.
  virtual bool NetworkReady() const = 0;
  /// Simulated per-command latency scale (0 with --fast).
  virtual std::chrono::milliseconds Latency(std::chrono::milliseconds realistic) const = 0;
  /// Whether a target host may be contacted: loopback always, others only when mapped by a test
  /// (--map HOST=127.0.0.1). Returns the address to actually use, or empty when refused.
  virtual std::string ResolveTarget(std::string_view host) const = 0;
};

}  // namespace uclink::sim
