// Test scaffolding for sim/services: a ServiceHost that records everything, a driver that runs
// one command on a real io_context until its final result, and helpers that start real servers
// (vsftpd, mosquitto) on loopback ephemeral ports and stop them by PID.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/service_host.h"
#include "sim/services/services.h"

namespace uclink::sim::services::testing {

/// One thing a service did to the line.
struct HostEvent {
  enum class Kind { kInfo, kOk, kError, kPlainError, kUrc, kRaw, kPrompt };
  Kind kind;
  std::string text;  ///< line, bytes, or "CME 24" / "EXT 0" for kError, length for kPrompt
  bool operator==(const HostEvent&) const = default;
};

/// Readable form for failure messages: "I:+IPSEND=3", "OK", "E:CME 24", "U:CONNECT OK".
std::string ToString(const HostEvent& e);
std::string ToString(const std::vector<HostEvent>& events);

/// A ServiceHost that records output and answers prompts with scripted payloads.
class FakeServiceHost : public ServiceHost {
 public:
  void Info(std::string_view line) override;
  void Ok() override;
  void Error(ErrorKind kind, int code) override;
  void PlainError() override;
  void Urc(std::string_view line) override;
  void Raw(std::string_view bytes) override;
  void Prompt(int length, std::function<void(std::string)> done) override;
  bool NetworkReady() const override { return network_ready; }
  std::chrono::milliseconds Latency(std::chrono::milliseconds) const override { return {}; }
  std::string ResolveTarget(std::string_view host) const override;

  std::vector<HostEvent> events;
  int finals = 0;
  bool network_ready = true;
  std::map<std::string, std::string> host_map;  ///< extra names a test allows
  std::string prompt_payload;                   ///< what the "user" types after "> "
};

/// Builds the SimCommand the simulator core would hand over for `line` ("AT+X=...").
SimCommand ParseLine(const std::string& line);

/// Services on a private io_context, driven one command at a time.
class Driver {
 public:
  Driver();
  ~Driver();
  /// Runs `line` until its final result (bounded); returns the events it produced.
  std::vector<HostEvent> Run(const std::string& line);
  /// Runs the io_context until `done()` or the bound; returns done().
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds bound = std::chrono::seconds(15));
  /// Waits for the URCs whose text starts with `prefix` until `done(urcs)`; returns them.
  std::vector<std::string> Urcs(const std::string& prefix);
  /// Waits until at least `count` URCs starting with `prefix` arrived; returns them.
  std::vector<std::string> WaitUrcs(const std::string& prefix, std::size_t count);

  boost::asio::io_context io;
  FakeServiceHost host;
  std::unique_ptr<Services> services;
};

/// A port on 127.0.0.1 that was free a moment ago.
unsigned short FreePort();

/// Waits (bounded) until something accepts TCP connections on 127.0.0.1:port.
bool WaitListening(unsigned short port);

/// A child process stopped with SIGTERM (then SIGKILL) and reaped when this goes away.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

/// A server a test starts on 127.0.0.1 (vsftpd, mosquitto, openssl s_server): a directory under
/// /tmp for its files, a port that was free, and, once Start ran, its process and whether it
/// accepted connections in time. Going away stops the process, then removes the directory.
struct LoopbackServer {
  explicit LoopbackServer(const std::string& tag);
  ~LoopbackServer();
  /// Starts argv and waits (bounded) until something listens on `port`.
  void Start(const std::vector<std::string>& argv);

  std::string dir;
  unsigned short port = 0;
  std::unique_ptr<ChildProcess> process;
  bool listening = false;
};

/// Runs argv to completion (bounded by the child itself); returns its exit status or -1.
int RunToExit(const std::vector<std::string>& argv);

/// A self-signed P-256 certificate for CN=localhost (its own root) and its key, as files.
struct TestCert {
  std::string cert_path;
  std::string key_path;
};

/// Creates a TestCert in `dir` with the openssl tool; empty paths on failure.
TestCert MakeTestCert(const std::string& dir);

/// A fresh directory under TEST_TMPDIR (or under /tmp when `under_tmp`: servers that drop
/// privileges cannot traverse Bazel's /root/.cache).
std::string MakeTempDir(const std::string& tag, bool under_tmp = false);

/// Writes `bytes` to `path`.
void WriteFile(const std::string& path, const std::string& bytes);

/// Deterministic pseudo-random bytes (all 256 values appear).
std::string TestBytes(std::size_t n, unsigned seed);

}  // namespace uclink::sim::services::testing
