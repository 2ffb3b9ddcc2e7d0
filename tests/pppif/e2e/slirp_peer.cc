#include "tests/pppif/e2e/slirp_peer.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

extern char** environ;

namespace uclink::pppif::testing {
namespace {

constexpr char kSlirp[] = "/usr/bin/slirp-fullbolt";

std::error_code LastError() { return {errno, std::system_category()}; }

}  // namespace

bool SlirpAvailable() { return ::access(kSlirp, X_OK) == 0; }

std::unique_ptr<SlirpPeer> SlirpPeer::Start(const std::string& work_dir,
                                            const std::vector<std::string>& options,
                                            std::error_code& ec) {
  // One HOME per instance: slirp binds $HOME/.slirp_socket and refuses to run twice on one.
  std::string home = work_dir + "/slirp-home-XXXXXX";
  if (::mkdtemp(home.data()) == nullptr) {
    ec = LastError();
    return nullptr;
  }
  int master = -1;
  int slave = -1;
  termios raw{};
  ::cfmakeraw(&raw);
  if (::openpty(&master, &slave, nullptr, &raw, nullptr) != 0) {
    ec = LastError();
    std::filesystem::remove_all(home);
    return nullptr;
  }
  ::fcntl(master, F_SETFD, FD_CLOEXEC);
  // `ppp` re-initialises all PPP options, so it comes first; `nozeros` stops five '0' bytes in a
  // row from ending slirp (docs/ppp.md, "slirp-fullbolt as the test peer").
  std::vector<std::string> args{kSlirp, "ppp", "nozeros"};
  args.insert(args.end(), options.begin(), options.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings{"HOME=" + home, "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const std::string log = home + "/stderr.log";
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, slave, STDIN_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, slave, STDOUT_FILENO);
  ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::posix_spawn_file_actions_addclose(&actions, slave);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, kSlirp, &actions, nullptr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  // Only slirp holds the slave now, so its death shows as EIO on the master.
  ::close(slave);
  if (spawned != 0) {
    ec = {spawned, std::system_category()};
    ::close(master);
    std::filesystem::remove_all(home);
    return nullptr;
  }
  return std::unique_ptr<SlirpPeer>(new SlirpPeer(pid, master, std::move(home)));
}

SlirpPeer::SlirpPeer(pid_t pid, int master, std::string home)
    : pid_(pid), master_(master), home_(std::move(home)) {}

SlirpPeer::~SlirpPeer() {
  Kill();
  ::close(master_);
  std::error_code ignored;
  std::filesystem::remove_all(home_, ignored);
}

void SlirpPeer::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  rusage usage{};
  while (::wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  cpu_seconds_ = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  pid_ = -1;
}

void SlirpPeer::Freeze() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

double SlirpPeer::CpuSeconds() const {
  if (pid_ <= 0) return cpu_seconds_;
  std::ifstream file("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)).
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string SlirpPeer::Log() const {
  std::ifstream file(home_ + "/stderr.log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace uclink::pppif::testing
