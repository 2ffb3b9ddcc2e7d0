#include "sim/peer_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "process/exit_status.h"
#include "process/spawn.h"
#include "sim/errors.h"

namespace uclink::sim {

std::vector<std::string> DefaultPeerCommand() {
  return {"slirp-fullbolt", "ppp", "nozeros", "dns 127.0.0.1"};
}

std::vector<std::string> SplitCommandLine(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word.push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

PeerProcess::PeerProcess(boost::asio::io_context& io, DataHandler on_data, ExitHandler on_exit)
    : on_data_(std::move(on_data)), on_exit_(std::move(on_exit)), socket_(io) {}

PeerProcess::~PeerProcess() { Terminate(); }

std::error_code PeerProcess::Start(const std::vector<std::string>& argv, bool fresh_home) {
  if (argv.empty()) return make_error_code(Errc::kPeerSpawnFailed);
  if (fresh_home) {
    // slirp binds $HOME/.slirp_socket; two instances sharing HOME refuse to start (docs/ppp.md,
    // "slirp-fullbolt as the test peer").
    char templ[] = "/tmp/uclink-sim-peer-XXXXXX";
    if (::mkdtemp(templ) == nullptr) return make_error_code(Errc::kPeerSpawnFailed);
    home_ = templ;
  }
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return make_error_code(Errc::kPeerSpawnFailed);
  }
  // process::Spawn, never fork(): a child between fork() and exec() still runs our signal
  // handling, and a SIGTERM that hit it there used to stop the whole simulator (process/spawn.h).
  // The link is the child's stdin and stdout; stderr goes nowhere so slirp's banner stays off it.
  process::SpawnOptions options;
  options.redirects = {process::FromFd(0, fds[1]), process::FromFd(1, fds[1]), process::Null(2)};
  if (!home_.empty()) options.environment.push_back("HOME=" + home_);
  options.search_path = true;
  const process::Spawned child = process::Spawn(argv, options);
  if (!child) {
    ::close(fds[0]);
    ::close(fds[1]);
    return make_error_code(Errc::kPeerSpawnFailed);
  }
  const pid_t pid = child.pid;
  ::close(fds[1]);
  pid_ = pid;
  socket_.assign(boost::asio::local::stream_protocol(), fds[0]);
  writes_ = std::make_unique<WriteQueue<boost::asio::local::stream_protocol::socket>>(socket_);
  Read();
  return {};
}

void PeerProcess::Write(std::string_view bytes) {
  if (writes_ && pid_ > 0) writes_->Write(std::string(bytes));
}

void PeerProcess::Read() {
  socket_.async_read_some(
      boost::asio::buffer(buffer_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
        if (error == boost::asio::error::operation_aborted || self->pid_ <= 0) return;
        if (error) {  // EOF: the peer closed the link or exited
          self->Terminate();
          if (self->on_exit_) self->on_exit_();
          return;
        }
        self->on_data_(std::string_view(self->buffer_.data(), n));
        self->Read();
      });
}

void PeerProcess::Stop() { Terminate(); }

void PeerProcess::Terminate() {
  if (socket_.is_open()) {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  if (pid_ > 0) {
    // Only our own child, by its PID: SIGTERM, up to 2 s to exit, then SIGKILL.
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 200 && !reaped; ++i) {
      reaped = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    std::cerr << "uclink-sim: PPP peer pid " << pid_
              << " ended: " << process::DescribeWaitStatus(status) << std::endl;
    pid_ = -1;
  }
  if (!home_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(home_, ignored);
    home_.clear();
  }
}

}  // namespace uclink::sim
