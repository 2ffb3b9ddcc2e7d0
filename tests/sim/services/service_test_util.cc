#include "tests/sim/services/service_test_util.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "process/spawn.h"

namespace uclink::sim::services::testing {
namespace asio = boost::asio;

std::string ToString(const HostEvent& e) {
  switch (e.kind) {
    case HostEvent::Kind::kInfo:
      return "I:" + e.text;
    case HostEvent::Kind::kOk:
      return "OK";
    case HostEvent::Kind::kError:
      return "E:" + e.text;
    case HostEvent::Kind::kPlainError:
      return "ERROR";
    case HostEvent::Kind::kUrc:
      return "U:" + e.text;
    case HostEvent::Kind::kRaw:
      return "R:" + e.text;
    case HostEvent::Kind::kPrompt:
      return "P:" + e.text;
  }
  return "?";
}

std::string ToString(const std::vector<HostEvent>& events) {
  std::string out;
  for (const auto& e : events) out += ToString(e).substr(0, 200) + "\n";
  return out;
}

void FakeServiceHost::Info(std::string_view line) {
  events.push_back({HostEvent::Kind::kInfo, std::string(line)});
}
void FakeServiceHost::Ok() {
  events.push_back({HostEvent::Kind::kOk, ""});
  ++finals;
}
void FakeServiceHost::Error(ErrorKind kind, int code) {
  events.push_back({HostEvent::Kind::kError,
                    (kind == ErrorKind::kCme ? "CME " : "EXT ") + std::to_string(code)});
  ++finals;
}
void FakeServiceHost::PlainError() {
  events.push_back({HostEvent::Kind::kPlainError, ""});
  ++finals;
}
void FakeServiceHost::Urc(std::string_view line) {
  events.push_back({HostEvent::Kind::kUrc, std::string(line)});
}
void FakeServiceHost::Raw(std::string_view bytes) {
  events.push_back({HostEvent::Kind::kRaw, std::string(bytes)});
}
void FakeServiceHost::Prompt(int length, std::function<void(std::string)> done) {
  events.push_back({HostEvent::Kind::kPrompt, std::to_string(length)});
  done(prompt_payload);
}

std::string FakeServiceHost::ResolveTarget(std::string_view host) const {
  const std::string h(host);
  if (auto it = host_map.find(h); it != host_map.end()) return it->second;
  if (h == "127.0.0.1" || h == "localhost") return "127.0.0.1";
  return "";
}

SimCommand ParseLine(const std::string& line) {
  SimCommand cmd;
  cmd.raw = line;
  std::size_t end = 2;  // after "AT"
  while (end < line.size() && line[end] != '=' && line[end] != '?') ++end;
  for (std::size_t i = 2; i < end; ++i) {
    char c = line[i];
    cmd.name.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  }
  if (line.compare(end, 2, "=?") == 0) {
    cmd.form = SimCommand::Form::kTest;
  } else if (end < line.size() && line[end] == '?') {
    cmd.form = SimCommand::Form::kRead;
  } else if (end < line.size()) {
    cmd.form = SimCommand::Form::kSet;
  }
  return cmd;
}

Driver::Driver() : services(std::make_unique<Services>(io, host)) {}

Driver::~Driver() {
  services.reset();
  io.poll();
}

std::vector<HostEvent> Driver::Run(const std::string& line) {
  const std::size_t start = host.events.size();
  const int finals = host.finals;
  services->Execute(ParseLine(line));
  RunUntil([&] { return host.finals > finals; });
  return {host.events.begin() + static_cast<long>(start), host.events.end()};
}

bool Driver::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::vector<std::string> Driver::Urcs(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : host.events) {
    if (e.kind == HostEvent::Kind::kUrc && e.text.rfind(prefix, 0) == 0) out.push_back(e.text);
  }
  return out;
}

std::vector<std::string> Driver::WaitUrcs(const std::string& prefix, std::size_t count) {
  RunUntil([&] { return Urcs(prefix).size() >= count; });
  return Urcs(prefix);
}

unsigned short FreePort() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool WaitListening(unsigned short port) {
  for (int i = 0; i < 250; ++i) {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // server start-up, bounded
  }
  return false;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) : pid_(process::Spawn(argv).pid) {}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  // Its pidfd is readable once it has exited (bounded: SIGKILL past 2 s).
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  kill(pid_, SIGTERM);
  if (pidfd >= 0) {
    pollfd exited{pidfd, POLLIN, 0};
    const bool gone = poll(&exited, 1, 2000) == 1;
    close(pidfd);
    if (gone && waitpid(pid_, nullptr, 0) == pid_) return;
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

int RunToExit(const std::vector<std::string>& argv) {
  const pid_t pid = process::Spawn(argv).pid;
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TestCert MakeTestCert(const std::string& dir) {
  TestCert out{dir + "/cert.pem", dir + "/key.pem"};
  const int rc = RunToExit({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", out.key_path,
                            "-out", out.cert_path, "-subj", "/CN=localhost", "-days", "2"});
  if (rc != 0) return {};
  return out;
}

LoopbackServer::LoopbackServer(const std::string& tag)
    : dir(MakeTempDir(tag, true)), port(FreePort()) {}

LoopbackServer::~LoopbackServer() {
  process.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void LoopbackServer::Start(const std::vector<std::string>& argv) {
  process = std::make_unique<ChildProcess>(argv);
  listening = WaitListening(port);
}

std::string MakeTempDir(const std::string& tag, bool under_tmp) {
  const char* base = under_tmp ? nullptr : getenv("TEST_TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/" + tag + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string TestBytes(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<char>((x >> 16) & 0xff);
  }
  return out;
}

}  // namespace uclink::sim::services::testing
