// A test rig for end-to-end runs: uclink-sim on a pty (with its control socket), uclinkd on it,
// the uclink client, a subscriber on the control socket, and resource sampling of the daemon.
// Every wait is bounded; only the rig's own children are signalled, by their PIDs. Children are
// started with process::Spawn, watched through pidfds, and every exit is recorded with its
// status in children.log, so a rig-based test that loses its simulator or daemon stops at once
// and says how it died (Casualty()). Test-only.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "process/spawn.h"

namespace uclink::control::testing {

/// The clock of every wait and every measured duration of the rig and its tests.
using Clock = std::chrono::steady_clock;

/// True when this test (and so the daemon, built with the same --config) runs under ASan: its
/// quarantine keeps freed memory resident, so RSS growth says nothing there; LSan at the
/// daemon's exit (a non-zero exit status) is the leak check instead.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif

/// Moves the calling process (call it before any thread starts) into fresh network and mount
/// namespaces (needs root): `lo` is up, so the TUN device, addresses and routes of the daemon
/// vanish with the test process; and /etc is an overlay on a private tmpfs, so what a daemon
/// writes there (/etc/resolv.conf with the default dns = "auto" and no resolved) never reaches
/// the machine — also when it is killed before it can restore the file.
bool EnterPrivateNamespaces();

/// The whole text of `path` ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

/// A configuration with short intervals so that each recovery takes seconds, not minutes.
std::string FastRecoveryConfig();

/// What the daemon holds at one moment (from /proc).
struct ResourceSample {
  int fds = -1;              ///< entries in /proc/PID/fd
  long rss_kb = -1;          ///< VmRSS
  int children = -1;         ///< processes whose parent is the daemon
  bool tun_present = false;  ///< uclink0 exists in our (private) network namespace
};

/// "12 fds, RSS 3456 kB, 0 children, TUN present": a sample as the reports print it.
std::string Describe(const ResourceSample& sample);

/// Reads a subscription (`subscribe`) line by line with a bounded wait.
class UclinkRig;

class EventStream {
 public:
  /// With a `rig`, every wait also ends as soon as the rig's simulator or daemon exits
  /// (Casualty() then says how), instead of running out its bound.
  explicit EventStream(const std::string& socket_path, UclinkRig* rig = nullptr);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  bool open() const { return fd_ >= 0; }
  /// Next JSON line, or nullopt when `bound` passes or the stream ends.
  std::optional<nlohmann::json> Next(std::chrono::milliseconds bound);
  /// Reads until `match(line)`; returns it, or nullopt after `bound`. Every line read is kept.
  std::optional<nlohmann::json> WaitFor(const std::function<bool(const nlohmann::json&)>& match,
                                        std::chrono::milliseconds bound);
  /// Reads until a `state` event enters `state`.
  bool WaitForState(const std::string& state, std::chrono::milliseconds bound);
  /// Every line read so far, in order.
  const std::vector<nlohmann::json>& seen() const { return seen_; }

 private:
  int fd_ = -1;
  UclinkRig* rig_ = nullptr;
  std::string buffer_;
  std::vector<nlohmann::json> seen_;
};

/// True for a `state` event that enters `state`.
bool EntersState(const nlohmann::json& event, const std::string& state);
/// True for an `error` event with `code`.
bool IsError(const nlohmann::json& event, const std::string& code);

class UclinkRig {
 public:
  /// Creates a private temp dir (short path: sun_path is 108 bytes) and writes `config_toml`.
  explicit UclinkRig(const std::string& config_toml);
  /// Stops the daemon (SIGTERM) and the simulator, removes the temp dir.
  ~UclinkRig();
  UclinkRig(const UclinkRig&) = delete;
  UclinkRig& operator=(const UclinkRig&) = delete;

  /// Starts cmd/uclink-sim --link <modem> --control <ctl> plus `extra`; waits for the link.
  bool StartSim(const std::vector<std::string>& extra = {});
  /// SIGKILL: the port vanishes the way an unplugged USB module's does.
  void KillSim();
  /// Stops the simulator with SIGTERM (bounded).
  void StopSim();
  /// Starts cmd/uclinkd on the simulator's link; waits for the control socket.
  bool StartDaemon(const std::vector<std::string>& extra = {});
  /// The `--backend` the next StartDaemon passes (default "userspace"; "pppd" with a stand-in
  /// pppd named by UCLINK_PPPD in the environment, tests/control/security; "" passes none, so
  /// that the configuration file's `backend` decides).
  void set_backend(std::string backend) { backend_ = std::move(backend); }
  /// The `--apn` the next StartDaemon passes (default "cmnet"; "auto" for docs/apn.md).
  void set_apn(std::string apn) { apn_ = std::move(apn); }
  /// SIGTERM and wait (bounded, SIGKILL past it); returns the exit status (-1: killed).
  int StopDaemon(std::chrono::milliseconds bound = std::chrono::seconds(25));
  /// False once the daemon has exited (crashed, or stopped).
  bool DaemonAlive();
  /// "" while the simulator and the daemon the rig started are running (or were stopped by the
  /// rig); otherwise which one exited, how (status or signal), and the last 20 lines of its log.
  std::string Casualty();
  /// pidfds of the running simulator and daemon: readable once the process exits.
  std::vector<int> LifeFds() const;
  /// Every child's exit so far, one line each ("uclink-sim pid 12: signal 9 (SIGKILL), by rig").
  std::string ChildrenLog() const;

  /// One line to the simulator's control socket; returns its one-line answer.
  std::string SimControl(const std::string& line);
  /// The `status` control command of the simulator, as key=value pairs (mode, hung, ...).
  std::string SimStatusField(const std::string& key);
  /// One JSON-lines request to the daemon; returns the parsed answer (discarded when invalid).
  nlohmann::json Call(const std::string& method, const nlohmann::json& params = nullptr);
  nlohmann::json Status();
  std::string State();
  /// Subscribes and waits for `state` (bounded; ends early when the simulator or the daemon
  /// exits: Casualty() then says how).
  bool WaitForState(const std::string& state, std::chrono::milliseconds bound);
  /// Runs the uclink client; returns its exit code and output.
  std::pair<int, std::string> Uclink(const std::vector<std::string>& args);

  /// Daemon resources now.
  ResourceSample Sample() const;
  /// Daemon resources once it has released every control connection the test closed before
  /// the call. The daemon runs one io_context thread, and the end of stream of a closed
  /// connection is ready before a later connection can be accepted: once a `status` request on
  /// a fresh connection is answered, the earlier connections are closed on its side. A second
  /// round trip lets their sessions' cancelled operations finish too, so their slots
  /// (control.max_sessions) are free again. The sample is taken while the second connection is
  /// open; it is not counted in `fds`.
  ResourceSample SettledSample() const;
  /// With no daemon on the port: writes AT to the pty and expects OK (not in data mode).
  bool ModuleAnswersAt(std::chrono::milliseconds bound = std::chrono::seconds(3));

  /// Starts `argv` (a path inside the runfiles, e.g. cmd/uclink) with stdout and stderr going
  /// to `log_name` inside the rig's directory; waits for nothing.
  pid_t SpawnLogged(const std::vector<std::string>& argv, const std::string& log_name);
  /// Waits for a process started by SpawnLogged (bounded, SIGKILL past it); its exit status
  /// (-1: killed).
  int WaitExited(pid_t pid, std::chrono::milliseconds bound);
  /// The text of a log in the rig's directory.
  std::string Log(const std::string& log_name) const;
  /// Waits until the log contains `text`: woken by inotify whenever a log in the rig's directory
  /// is written (bounded; ends early when the simulator or the daemon exits).
  bool WaitForLog(const std::string& log_name, const std::string& text,
                  std::chrono::milliseconds bound) const;

  std::string DaemonLog() const;
  std::string SimLog() const;
  const std::string& socket_path() const { return socket_; }
  const std::string& modem_path() const { return modem_; }
  const std::string& config_path() const { return config_; }
  /// The daemon's private --state-dir (docs/state.md), inside the rig's directory.
  std::string state_dir() const { return dir_ + "/state"; }
  pid_t daemon_pid() const { return daemon_.pid; }
  pid_t sim_pid() const { return sim_.pid; }

 private:
  /// A child of the rig, its pidfd, its log, and how it ended.
  struct Child {
    std::string name;  ///< "uclink-sim", "uclinkd"
    std::string log;   ///< log file name in the rig's directory
    pid_t pid = -1;
    int pidfd = -1;
    std::string ended;  ///< set once reaped without the rig asking
  };
  /// Starts the child; without redirects its stdout and stderr go to its log.
  bool Start(Child& child, const std::vector<std::string>& argv,
             process::SpawnOptions options = {});
  /// Signals the child (by its pid) and reaps it within `bound` (SIGKILL past it); records it.
  int Stop(Child& child, int signal, std::chrono::milliseconds bound);
  /// Reaps the child if it has exited on its own; records how.
  bool Reap(Child& child);
  void Record(const Child& child, int status, const std::string& how);

  std::string dir_, modem_, socket_, config_, control_;
  std::vector<std::string> sim_args_;
  std::string backend_ = "userspace";
  std::string apn_ = "cmnet";
  Child sim_{"uclink-sim", "sim.log"};
  Child daemon_{"uclinkd", "uclinkd.log"};
  int runs_ = 0;
};

/// Appends recovery.reset_command (the test helper `sim_power_cycle`, which power-cycles this
/// rig's simulator through its control socket, as gpioset would a real module) and
/// recovery.reset_settle_s and recovery.max_resets_per_hour to the rig's configuration (a test
/// that wedges the module more often than the default 4 times an hour raises the bound). The
/// configuration must end in [recovery], as FastRecoveryConfig() does; the test needs the
/// helper as data.
void AddSimPowerCycleResetCommand(const UclinkRig& rig, int max_resets_per_hour = 4,
                                  int settle_s = 10);

/// The fixture of the tests that run the rig: the test process enters private namespaces
/// (EnterPrivateNamespaces, once per suite, before any thread starts; needs root).
class PrivateNamespacesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
};

/// A scenario fixture: private namespaces, a rig the test (or a derived SetUp) creates and a
/// subscriber it may open. TearDown with a rig: ExpectCleanStop(), then the rig goes (its temp
/// dir with it).
class RigScenarioTest : public PrivateNamespacesTest {
 protected:
  void TearDown() override;
  /// Adds the daemon's log to a failed test, then stops the daemon: a clean SIGTERM exit is 0
  /// (sanitizer reports would change it). Nothing without a rig.
  void ExpectCleanStop();
  /// Starts the simulator with `sim_args`, the daemon and a subscriber (events_), then asks
  /// for a connection.
  void StartAndConnect(const std::vector<std::string>& sim_args);

  std::unique_ptr<UclinkRig> rig_;
  std::unique_ptr<EventStream> events_;
};

/// Prints `report` and, under Bazel, writes it to $TEST_UNDECLARED_OUTPUTS_DIR/`file_name`
/// (the figures docs/RELIABILITY.md records).
void PublishReport(const std::string& file_name, const std::string& report);

/// Connects `fd` (a TCP socket the caller has configured) through the link to slirp's host
/// alias 10.0.2.2:`port`, which slirp forwards to 127.0.0.1:`port` in the test's namespace.
/// Returns `fd`, or -1 with `fd` closed.
int ConnectToSlirpHost(int fd, int port);

}  // namespace uclink::control::testing
