#include "tests/control/scenarios/uclink_rig.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "process/exit_status.h"
#include "process/spawn.h"

namespace uclink::control::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out) {
  process::SpawnOptions options;
  options.redirects = {process::Null(0), process::AppendTo(1, out), process::AppendTo(2, out)};
  const process::Spawned child = process::Spawn(argv, options);
  if (!child) std::ofstream(out, std::ios::app) << "spawn: " << child.error.message() << "\n";
  return child.pid;
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits for `pid` to exit (poll on its pidfd when there is one); SIGKILLs it (by its own pid)
// when `bound` passes. Returns the raw wait status, or -1 when it had to be killed.
int WaitStatus(pid_t pid, int pidfd, std::chrono::milliseconds bound) {
  int status = 0;
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(bound.count())) == 1 && ::waitpid(pid, &status, 0) == pid) {
      return status;
    }
  } else {
    const auto deadline = Clock::now() + bound;
    while (Clock::now() < deadline) {
      if (::waitpid(pid, &status, WNOHANG) == pid) return status;
      std::this_thread::sleep_for(10ms);  // no pidfd: the kernel is older than 5.3
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// Waits for `pid` to exit; SIGKILLs it (by its own pid) when `bound` passes.
int PidFd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

int WaitExit(pid_t& pid, std::chrono::milliseconds bound) {
  if (pid <= 0) return -1;
  const int pidfd = PidFd(pid);
  const int status = WaitStatus(pid, pidfd, bound);
  if (pidfd >= 0) ::close(pidfd);
  pid = -1;
  return status < 0 ? -1 : ExitCode(status);
}

// Waits until `fd` is readable, or `pidfd` (the process that should make it so) exits, or
// `deadline` passes. True only for `fd`.
bool WaitReadable(int fd, int pidfd, Clock::time_point deadline) {
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd fds[2] = {{fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    const int n = ::poll(fds, pidfd >= 0 ? 2 : 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    return fds[0].revents != 0;
  }
}

std::string LastLines(const std::string& text, std::size_t count) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) {
    out += lines[i] + "\n";
  }
  return out;
}

int ConnectUnix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads one '\n'-terminated line from `fd` into `line` (kept in `buffer` across calls). Ends
// early (false) when one of `watch` becomes readable: a pidfd whose process exited.
bool ReadLine(int fd, std::string& buffer, std::string& line, Clock::time_point deadline,
              const std::vector<int>& watch = {}) {
  while (true) {
    const auto newline = buffer.find('\n');
    if (newline != std::string::npos) {
      line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      return true;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    std::vector<pollfd> fds{{fd, POLLIN, 0}};
    for (int w : watch) fds.push_back({w, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) <= 0) return false;
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents != 0) return false;
    }
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

std::string Exchange(const std::string& path, const std::string& request) {
  const int fd = ConnectUnix(path);
  if (fd < 0) return "";
  const std::string out = request + "\n";
  ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
  std::string buffer, line;
  ReadLine(fd, buffer, line, Clock::now() + 5s);
  ::close(fd);
  return line;
}

int CountEntries(const std::string& dir) {
  std::error_code ec;
  int n = 0;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    ++n;
  }
  return ec ? (fs::exists(dir) ? -1 : 0) : n;
}

int CountChildren(pid_t parent) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadWholeFile("/proc/" + name + "/stat");
    const auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(close_paren + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) ++n;
  }
  return n;
}

}  // namespace

std::string ReadWholeFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

namespace {

// The private /etc's tmpfs (upper and work directories of the overlay), removed at exit.
std::string& PrivateEtcDir() {
  static std::string dir;
  return dir;
}

void RemovePrivateEtc() {
  if (PrivateEtcDir().empty()) return;
  ::umount2("/etc", MNT_DETACH);
  ::umount2(PrivateEtcDir().c_str(), MNT_DETACH);
  ::rmdir(PrivateEtcDir().c_str());
}

// /etc as an overlay whose writes land in a tmpfs of this mount namespace: what the daemon
// writes there (resolv.conf with dns = "auto" → file, docs/system-integration.md) never
// reaches the machine, even when the daemon is killed before it restores the file.
bool OverlayEtc() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base != nullptr ? base : "/tmp") + "/uclink-etc-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return false;
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "mode=0755") != 0) {
    ::rmdir(dir.c_str());
    return false;
  }
  PrivateEtcDir() = dir;
  std::atexit(RemovePrivateEtc);
  const std::string upper = dir + "/upper", work = dir + "/work";
  const std::string options = "lowerdir=/etc,upperdir=" + upper + ",workdir=" + work;
  return ::mkdir(upper.c_str(), 0755) == 0 && ::mkdir(work.c_str(), 0755) == 0 &&
         ::mount("overlay", "/etc", "overlay", 0, options.c_str()) == 0;
}

}  // namespace

bool EnterPrivateNamespaces() {
  if (::unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) return false;
  // Our mounts stay ours: nothing propagates back to the machine's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
  return OverlayEtc() && std::system("ip link set lo up") == 0;
}

std::string FastRecoveryConfig() {
  return R"([connection]
autoconnect = false
registration_timeout_s = 10
ppp_timeout_s = 5
retry_ppp_after_s = 0
[monitor]
echo_interval_s = 1
echo_failures = 2
registration_lost_grace_s = 2
csq_interval_s = 1
cgreg_interval_s = 1
[backoff]
initial_s = 1
max_s = 2
reset_after_s = 5
[recovery]
probe_attempts = 2
cfun_cycle_after = 3
fail_after = 8
)";
}

void AddSimPowerCycleResetCommand(const UclinkRig& rig, int max_resets_per_hour, int settle_s) {
  const std::string dir = std::filesystem::path(rig.config_path()).parent_path().string();
  const std::string helper =
      (std::filesystem::current_path() / "tests/control/scenarios/sim_power_cycle").string();
  std::ofstream(rig.config_path(), std::ios::app)
      << "reset_settle_s = " << settle_s << "\nmax_resets_per_hour = " << max_resets_per_hour
      << "\nreset_command = [\"" << helper << "\", \"" << dir << "/sim.ctl\"]\n";
}

bool EntersState(const nlohmann::json& event, const std::string& state) {
  return event.is_object() && event.value("event", "") == "state" && event.contains("data") &&
         event["data"].is_object() && event["data"].value("to", "") == state;
}

bool IsError(const nlohmann::json& event, const std::string& code) {
  return event.is_object() && event.value("event", "") == "error" && event.contains("data") &&
         event["data"].is_object() && event["data"].value("code", "") == code;
}

EventStream::EventStream(const std::string& socket_path, UclinkRig* rig)
    : fd_(ConnectUnix(socket_path)), rig_(rig) {
  if (fd_ < 0) return;
  const std::string request = R"({"id":1,"method":"subscribe"})"
                              "\n";
  ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
  if (!Next(5s)) {  // the answer carrying the current status
    ::close(fd_);
    fd_ = -1;
  }
}

EventStream::~EventStream() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<nlohmann::json> EventStream::Next(std::chrono::milliseconds bound) {
  if (fd_ < 0) return std::nullopt;
  std::string line;
  const std::vector<int> watch = rig_ != nullptr ? rig_->LifeFds() : std::vector<int>{};
  if (!ReadLine(fd_, buffer_, line, Clock::now() + bound, watch)) return std::nullopt;
  seen_.push_back(nlohmann::json::parse(line, nullptr, false));
  return seen_.back();
}

std::optional<nlohmann::json> EventStream::WaitFor(
    const std::function<bool(const nlohmann::json&)>& match, std::chrono::milliseconds bound) {
  const auto deadline = Clock::now() + bound;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<nlohmann::json> event = Next(left);
    if (!event) return std::nullopt;
    if (match(*event)) return event;
  }
  return std::nullopt;
}

bool EventStream::WaitForState(const std::string& state, std::chrono::milliseconds bound) {
  return WaitFor([&](const nlohmann::json& e) { return EntersState(e, state); }, bound).has_value();
}

UclinkRig::UclinkRig(const std::string& config_toml) {
  char dir[] = "/tmp/uclink-rig-XXXXXX";
  if (::mkdtemp(dir) != nullptr) dir_ = dir;
  // The port's UUCP lock is named after the pty the link resolves to (chat/serial_port.h); a
  // link name unique to this rig also keeps its logs apart from a concurrent rig's.
  modem_ = dir_ + "/" + fs::path(dir_).filename().string();
  socket_ = dir_ + "/uclinkd.sock";
  config_ = dir_ + "/uclink.toml";
  control_ = dir_ + "/sim.ctl";
  std::ofstream(config_) << config_toml;
}

UclinkRig::~UclinkRig() {
  StopDaemon();
  StopSim();
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
}

bool UclinkRig::Start(Child& child, const std::vector<std::string>& argv,
                      process::SpawnOptions options) {
  child.ended.clear();
  const std::string log = dir_ + "/" + child.log;
  if (options.redirects.empty()) {
    options.redirects = {process::Null(0), process::AppendTo(1, log), process::AppendTo(2, log)};
  }
  const process::Spawned spawned = process::Spawn(argv, options);
  if (!spawned) std::ofstream(log, std::ios::app) << "spawn: " << spawned.error.message() << "\n";
  child.pid = spawned.pid;
  child.pidfd = child.pid > 0 ? PidFd(child.pid) : -1;
  std::ofstream(dir_ + "/children.log", std::ios::app)
      << child.name << " pid " << child.pid << ": started\n";
  return child.pid > 0;
}

void UclinkRig::Record(const Child& child, int status, const std::string& how) {
  std::ofstream(dir_ + "/children.log", std::ios::app)
      << child.name << " pid " << child.pid << ": "
      << (status < 0 ? "killed with SIGKILL after its bound" : process::DescribeWaitStatus(status))
      << ", " << how << "\n";
}

int UclinkRig::Stop(Child& child, int signal, std::chrono::milliseconds bound) {
  if (child.pid <= 0) return -1;
  ::kill(child.pid, signal);
  const int status = WaitStatus(child.pid, child.pidfd, bound);
  Record(child, status, "after the rig sent " + process::SignalName(signal));
  if (child.pidfd >= 0) ::close(child.pidfd);
  child.pidfd = -1;
  child.pid = -1;
  return status < 0 ? -1 : ExitCode(status);
}

bool UclinkRig::Reap(Child& child) {
  if (child.pid <= 0) return false;
  int status = 0;
  if (::waitpid(child.pid, &status, WNOHANG) != child.pid) return false;
  Record(child, status, "on its own");
  child.ended = child.name + " pid " + std::to_string(child.pid) + " exited (" +
                process::DescribeWaitStatus(status) + "); last 20 lines of " + child.log + ":\n" +
                LastLines(Log(child.log), 20);
  if (child.pidfd >= 0) ::close(child.pidfd);
  child.pidfd = -1;
  child.pid = -1;
  return true;
}

std::string UclinkRig::Casualty() {
  Reap(sim_);
  Reap(daemon_);
  std::string out = sim_.ended;
  if (!daemon_.ended.empty()) out += (out.empty() ? "" : "\n") + daemon_.ended;
  return out;
}

std::vector<int> UclinkRig::LifeFds() const {
  std::vector<int> fds;
  for (const Child* c : {&sim_, &daemon_}) {
    if (c->pidfd >= 0) fds.push_back(c->pidfd);
  }
  return fds;
}

std::string UclinkRig::ChildrenLog() const { return Log("children.log"); }

// Ready when the simulator prints its last announcement line, READY (docs/simulator.md): its
// stdout is a pipe read here and copied into sim.log.
bool UclinkRig::StartSim(const std::vector<std::string>& extra) {
  if (!extra.empty() || sim_args_.empty()) sim_args_ = extra;
  std::vector<std::string> argv = {"cmd/uclink-sim", "--link", modem_, "--control", control_};
  argv.insert(argv.end(), sim_args_.begin(), sim_args_.end());
  std::error_code ignored;
  fs::remove(control_, ignored);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return false;
  process::SpawnOptions options;
  const std::string log = dir_ + "/" + sim_.log;
  options.redirects = {process::Null(0), process::FromFd(1, out[1]), process::AppendTo(2, log)};
  const bool started = Start(sim_, argv, options);
  ::close(out[1]);
  std::string buffer, line;
  bool ready = false;
  const auto deadline = Clock::now() + 10s;
  while (started && !ready && ReadLine(out[0], buffer, line, deadline, LifeFds())) {
    std::ofstream(log, std::ios::app) << line << "\n";
    ready = line == "READY";
  }
  ::close(out[0]);  // nothing follows READY on stdout
  return ready;
}

void UclinkRig::KillSim() {
  // SIGKILL: the port vanishes the way an unplugged USB module's does, device node included. A
  // killed simulator cannot remove its link, so the rig does: a dangling link would point at
  // whatever pty the kernel hands out next, perhaps another test's simulator, and the daemon
  // retrying its port would open that one (docs/RELIABILITY.md, "Two tests, one pty").
  Stop(sim_, SIGKILL, 5s);
  std::error_code ignored;
  fs::remove(modem_, ignored);
}

void UclinkRig::StopSim() { Stop(sim_, SIGTERM, 5s); }

// Ready when the daemon says READY=1 over the sd_notify protocol (NOTIFY_SOCKET, a datagram
// socket of the rig's), as systemd would hear it: after its control socket listens.
bool UclinkRig::StartDaemon(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"cmd/uclinkd", "--config", config_, "--port", modem_,
                                   "--socket",    socket_,    "--apn", apn_,     "-v"};
  if (!backend_.empty()) argv.insert(argv.end(), {"--backend", backend_});
  // A private state directory: a test never writes /var/lib/uclink nor shares a ladder.
  argv.insert(argv.end(), {"--state-dir", dir_ + "/state"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  const std::string notify_path = dir_ + "/notify.sock";
  const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", notify_path.c_str());
  ::unlink(notify_path.c_str());
  if (notify < 0 || ::bind(notify, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (notify >= 0) ::close(notify);
    return false;
  }
  process::SpawnOptions options;
  options.environment = {"NOTIFY_SOCKET=" + notify_path};
  bool ready = Start(daemon_, argv, options);
  const auto deadline = Clock::now() + 10s;
  bool said_ready = false;
  while (ready && !said_ready && WaitReadable(notify, daemon_.pidfd, deadline)) {
    char datagram[512];
    const ssize_t n = ::recv(notify, datagram, sizeof datagram, 0);
    said_ready = n > 0 && std::string_view(datagram, static_cast<std::size_t>(n)).find("READY=1") !=
                              std::string_view::npos;
  }
  // Later STATUS= datagrams must not queue up against a socket nobody reads: once it is gone
  // the daemon's sends fail at once.
  ::close(notify);
  ::unlink(notify_path.c_str());
  return said_ready;
}

int UclinkRig::StopDaemon(std::chrono::milliseconds bound) { return Stop(daemon_, SIGTERM, bound); }

bool UclinkRig::DaemonAlive() {
  Reap(daemon_);
  return daemon_.pid > 0;
}

std::string UclinkRig::SimControl(const std::string& line) { return Exchange(control_, line); }

std::string UclinkRig::SimStatusField(const std::string& key) {
  std::istringstream words(SimControl("status"));
  std::string word;
  while (words >> word) {
    if (word.rfind(key + "=", 0) == 0) return word.substr(key.size() + 1);
  }
  return "";
}

nlohmann::json UclinkRig::Call(const std::string& method, const nlohmann::json& params) {
  nlohmann::json request = {{"id", 1}, {"method", method}};
  if (!params.is_null()) request["params"] = params;
  return nlohmann::json::parse(Exchange(socket_, request.dump()), nullptr, false);
}

nlohmann::json UclinkRig::Status() {
  nlohmann::json answer = Call("status");
  if (answer.is_object() && answer.value("ok", false)) return answer["result"];
  return nullptr;
}

std::string UclinkRig::State() {
  nlohmann::json s = Status();
  return s.is_object() && s["state"].is_string() ? s["state"].get<std::string>() : "";
}

// A subscription answers with the current status, then carries every state event: no polling.
bool UclinkRig::WaitForState(const std::string& state, std::chrono::milliseconds bound) {
  EventStream events(socket_, this);
  if (!events.open() || events.seen().empty()) {
    // No daemon to ask: wait for it to be reaped (Casualty() then says how), or for the bound.
    std::vector<pollfd> fds;
    for (int fd : LifeFds()) fds.push_back({fd, POLLIN, 0});
    if (daemon_.pidfd >= 0) ::poll(fds.data(), fds.size(), static_cast<int>(bound.count()));
    return false;
  }
  // {"id":1,"ok":true,"result":{"status":{"state":…}}} (docs/control-api.md, `subscribe`).
  const nlohmann::json& answer = events.seen().front();
  const nlohmann::json current =
      answer.is_object()
          ? answer.value(nlohmann::json::json_pointer("/result/status/state"), nlohmann::json())
          : nlohmann::json();
  if (current.is_string() && current.get<std::string>() == state) return true;
  return events.WaitForState(state, bound);
}

std::pair<int, std::string> UclinkRig::Uclink(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"cmd/uclink", "--socket", socket_};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string out = dir_ + "/uclink-" + std::to_string(runs_++) + ".out";
  pid_t client = Spawn(argv, out);
  const int code = WaitExit(client, 60s);
  return {code, ReadWholeFile(out)};
}

pid_t UclinkRig::SpawnLogged(const std::vector<std::string>& argv, const std::string& log_name) {
  return Spawn(argv, dir_ + "/" + log_name);
}

int UclinkRig::WaitExited(pid_t pid, std::chrono::milliseconds bound) {
  return WaitExit(pid, bound);
}

std::string UclinkRig::Log(const std::string& log_name) const {
  return ReadWholeFile(dir_ + "/" + log_name);
}

// inotify on the rig's directory: every write to a log in it wakes the wait, which reads the log
// again. The watch is set before the first look, so no write falls between the two.
bool UclinkRig::WaitForLog(const std::string& log_name, const std::string& text,
                           std::chrono::milliseconds bound) const {
  const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch >= 0) ::inotify_add_watch(watch, dir_.c_str(), IN_MODIFY | IN_CREATE);
  const auto deadline = Clock::now() + bound;
  bool found = Log(log_name).find(text) != std::string::npos;
  while (!found && watch >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    std::vector<pollfd> fds{{watch, POLLIN, 0}};
    for (int fd : LifeFds()) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) <= 0) break;
    char events[4096];
    while (::read(watch, events, sizeof events) > 0) {
    }
    found = Log(log_name).find(text) != std::string::npos;
    if (fds.size() > 1 &&
        std::any_of(fds.begin() + 1, fds.end(), [](const pollfd& p) { return p.revents != 0; })) {
      break;  // the simulator or the daemon exited: Casualty() says how
    }
  }
  if (watch >= 0) ::close(watch);
  return found;
}

ResourceSample UclinkRig::Sample() const {
  ResourceSample sample;
  if (daemon_.pid > 0) {
    const std::string proc = "/proc/" + std::to_string(daemon_.pid);
    sample.fds = CountEntries(proc + "/fd");
    std::istringstream status(ReadWholeFile(proc + "/status"));
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) sample.rss_kb = std::atol(line.c_str() + 6);
    }
    sample.children = CountChildren(daemon_.pid);
  }
  // /proc/self/net follows our network namespace; /sys/class/net shows the one sysfs was mounted
  // in.
  sample.tun_present = ReadWholeFile("/proc/self/net/dev").find("uclink0:") != std::string::npos;
  return sample;
}

ResourceSample UclinkRig::SettledSample() const {
  // Answered (or refused) once the earlier ends of stream were read.
  Exchange(socket_, R"({"id":1,"method":"status"})");
  const std::string request = R"({"id":2,"method":"status"})"
                              "\n";
  const int fd = ConnectUnix(socket_);
  if (fd < 0) return Sample();
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string buffer;
  std::string line;
  const bool answered = ReadLine(fd, buffer, line, Clock::now() + 10s, LifeFds());
  ResourceSample sample = Sample();
  if (answered && sample.fds > 0) --sample.fds;  // the fresh connection itself
  ::close(fd);
  return sample;
}

bool UclinkRig::ModuleAnswersAt(std::chrono::milliseconds bound) {
  const int fd = ::open(modem_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  termios tio{};
  ::tcgetattr(fd, &tio);
  ::cfmakeraw(&tio);
  ::tcsetattr(fd, TCSANOW, &tio);
  const auto deadline = Clock::now() + bound;
  std::string seen;
  bool ok = false;
  // Twice: the first AT may meet half a line left by the daemon.
  for (int attempt = 0; attempt < 2 && !ok; ++attempt) {
    if (::write(fd, "AT\r", 3) != 3) break;  // -c opt: write is warn_unused_result
    const auto attempt_end = std::min(deadline, Clock::now() + bound / 2);
    while (!ok && Clock::now() < attempt_end) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) == 1) {
        char chunk[512];
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n > 0) seen.append(chunk, static_cast<size_t>(n));
      }
      ok = seen.find("OK\r\n") != std::string::npos;
    }
  }
  ::close(fd);
  return ok;
}

std::string UclinkRig::DaemonLog() const { return ReadWholeFile(dir_ + "/uclinkd.log"); }
std::string UclinkRig::SimLog() const { return ReadWholeFile(dir_ + "/sim.log"); }

}  // namespace uclink::control::testing
