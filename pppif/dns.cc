#include "pppif/dns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "pppif/interface_errc.h"
#include "process/spawn.h"

namespace uclink::pppif {

const char* ToString(DnsMethod method) {
  switch (method) {
    case DnsMethod::kNone:
      return "none";
    case DnsMethod::kResolvConfFile:
      return "file";
    case DnsMethod::kResolvconfProgram:
      return "resolvconf";
  }
  return "unknown";
}

std::string FormatResolvConf(const std::string& ifname, const std::vector<Ipv4>& servers,
                             const std::vector<std::string>& ipv6_servers) {
  std::string text = "# Written by uclink for " + ifname + " (DNS from IPCP, RFC 1877" +
                     (ipv6_servers.empty() ? "" : "; RDNSS, RFC 8106") + ").\n";
  for (const Ipv4& server : servers) text += "nameserver " + FormatIpv4(server) + "\n";
  for (const std::string& server : ipv6_servers) {
    in6_addr parsed{};
    // Only an address reaches the file: never a line break or an option from elsewhere.
    if (::inet_pton(AF_INET6, server.c_str(), &parsed) == 1) text += "nameserver " + server + "\n";
  }
  return text;
}

namespace {

std::error_code LastError() { return {errno, std::system_category()}; }

// A descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::error_code WriteAll(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastError();
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// Readers of `path` see the old file or the new one, never a partial one: the new content is
// written to a temporary in the same directory, synced, then renamed over the path (rename(2)).
std::error_code WriteFileAtomically(const std::string& path, const std::string& content,
                                    unsigned mode) {
  std::string temp = path + ".uclink-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return LastError();
  std::error_code ec;
  {
    Fd file(fd);
    ec = WriteAll(fd, content);
    if (!ec && ::fchmod(fd, mode) != 0) ec = LastError();
    if (!ec && ::fsync(fd) != 0) ec = LastError();
  }
  if (!ec && ::rename(temp.c_str(), path.c_str()) != 0) ec = LastError();
  if (ec) ::unlink(temp.c_str());
  return ec;
}

std::error_code ReplaceWithSymlink(const std::string& path, const std::string& target) {
  const std::string temp = path + ".uclink-link." + std::to_string(::getpid());
  ::unlink(temp.c_str());
  if (::symlink(target.c_str(), temp.c_str()) != 0) return LastError();
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::error_code ec = LastError();
    ::unlink(temp.c_str());
    return ec;
  }
  return {};
}

std::error_code ReadFile(const std::string& path, std::string& content) {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return LastError();
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastError();
    if (n == 0) return {};
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

DnsConfigurator::~DnsConfigurator() { Revert(); }

std::error_code DnsConfigurator::Apply(const std::string& ifname, const std::vector<Ipv4>& servers,
                                       const std::vector<std::string>& ipv6_servers) {
  if (servers.empty() && ipv6_servers.empty()) return {};
  const std::string text = FormatResolvConf(ifname, servers, ipv6_servers);
  switch (options_.method) {
    case DnsMethod::kNone:
      return {};
    case DnsMethod::kResolvConfFile:
      return ApplyFile(text);
    case DnsMethod::kResolvconfProgram: {
      const std::error_code ec =
          RunProgram({options_.resolvconf_program, "-a", ifname}, text, options_.program_timeout);
      if (!ec) applied_ifname_ = ifname;
      return ec;
    }
  }
  return {};
}

std::error_code DnsConfigurator::Revert() {
  std::error_code ec = RevertFile();
  if (applied_ifname_) {
    const std::error_code program_ec = RunProgram(
        {options_.resolvconf_program, "-d", *applied_ifname_}, "", options_.program_timeout);
    applied_ifname_.reset();
    if (!ec) ec = program_ec;
  }
  return ec;
}

std::error_code DnsConfigurator::ApplyFile(const std::string& text) {
  const std::string& path = options_.resolv_conf_path;
  // A second Apply (a new IPCP negotiation) keeps the original to restore, not our own file.
  if (!previous_) {
    Previous previous;
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) {
      if (errno != ENOENT) return LastError();
    } else if (S_ISLNK(status.st_mode)) {
      char target[PATH_MAX];
      const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
      if (n < 0) return LastError();
      previous.kind = Previous::Kind::kSymlink;
      previous.content.assign(target, static_cast<std::size_t>(n));
    } else {
      if (std::error_code ec = ReadFile(path, previous.content); ec) return ec;
      previous.kind = Previous::Kind::kFile;
      previous.mode = status.st_mode & 07777;
    }
    previous_ = std::move(previous);
  }
  return WriteFileAtomically(path, text, 0644);
}

std::error_code DnsConfigurator::RevertFile() {
  if (!previous_) return {};
  const Previous previous = std::move(*previous_);
  previous_.reset();
  const std::string& path = options_.resolv_conf_path;
  switch (previous.kind) {
    case Previous::Kind::kAbsent:
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return LastError();
      return {};
    case Previous::Kind::kFile:
      return WriteFileAtomically(path, previous.content, previous.mode);
    case Previous::Kind::kSymlink:
      return ReplaceWithSymlink(path, previous.content);
  }
  return {};
}

namespace {

// Waits for `pid` at most `timeout`, then kills it; returns its wait status or nullopt.
std::optional<int> WaitBounded(pid_t pid, std::chrono::milliseconds timeout) {
  const Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pidfd.get() >= 0) {
    pollfd entry{pidfd.get(), POLLIN, 0};
    int ready;
    do {
      ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) ::kill(pid, SIGKILL);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::nullopt;
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return std::nullopt;
  return status;
}

}  // namespace

std::error_code RunProgram(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout) {
  // stdin is a socket, not a pipe: send(MSG_NOSIGNAL) cannot raise SIGPIPE in the daemon when
  // the program exits without reading.
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return LastError();
  const Fd ours(pair[0]);
  const Fd theirs(pair[1]);
  process::SpawnOptions options;
  options.redirects = {process::FromFd(STDIN_FILENO, theirs.get()), process::Null(STDOUT_FILENO),
                       process::Null(STDERR_FILENO)};
  const process::Spawned child = process::Spawn(argv, options);
  if (!child) return child.error;
  const pid_t pid = child.pid;
  // The input is a few hundred bytes, far below the socket buffer: send() does not block.
  const ssize_t sent = ::send(ours.get(), input.data(), input.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(ours.get(), SHUT_WR);
  const std::optional<int> status = WaitBounded(pid, timeout);
  if (sent != static_cast<ssize_t>(input.size()) || !status || !WIFEXITED(*status) ||
      WEXITSTATUS(*status) != 0) {
    return InterfaceErrc::kResolvconfFailed;
  }
  return {};
}

}  // namespace uclink::pppif
