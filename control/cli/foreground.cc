#include "control/cli/foreground.h"

#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

namespace uclink::control::cli {

struct ForegroundDaemon::Impl {
  boost::asio::io_context io{1};
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<boost::asio::signal_set> signals;
  std::thread thread;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> stopping{false};
  std::string dir;

  void WatchSignals() {
    signals->async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      stop_requested = true;
      StopOnIoThread();
    });
  }
  // Runs on the io thread: the daemon hangs up, then the io_context ends.
  void StopOnIoThread() {
    if (stopping.exchange(true)) return;
    daemon->Shutdown([this] {
      signals->cancel();
      io.stop();
    });
  }
};

namespace {

// SIGINT/SIGTERM/SIGHUP (the terminal went away, as for pppd) all mean "hang up". They must reach
// the io thread (Asio's signal_set), never the thread that blocks in the synchronous control
// client: block them here before the io thread starts, which inherits the mask and unblocks them
// for itself.
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void SetUpLogging(bool verbose) {
  if (spdlog::get("uclink") == nullptr) {
    auto logger = spdlog::stderr_color_mt("uclink");
    logger->set_pattern("%^%l%$ %v");
    spdlog::set_default_logger(logger);
  }
  // The CLI prints progress and the manager's error events on stdout; the daemon's own log adds
  // only what has no event (errors of the wiring itself) unless asked for.
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::err);
}

}  // namespace

ForegroundDaemon::ForegroundDaemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<ForegroundDaemon> ForegroundDaemon::Start(ConfigSource source, bool verbose,
                                                          std::string* error,
                                                          bool* config_invalid) {
  *config_invalid = false;
  auto impl = std::make_unique<Impl>();
  // A private directory (mkdtemp: 0700) keeps the socket reachable by this user only; the path
  // stays far below sun_path's 108 bytes.
  std::string dir_template = "/tmp/uclink-connect-XXXXXX";
  if (::mkdtemp(dir_template.data()) == nullptr) {
    *error = std::string("cannot create a private directory in /tmp: ") + std::strerror(errno);
    return nullptr;
  }
  impl->dir = dir_template;
  source.overrides.socket = impl->dir + "/uclinkd.sock";
  ConfigResult loaded = LoadConfig(source);
  if (!loaded.ok()) {
    std::string text;
    for (const ConfigIssue& issue : loaded.issues)
      text += (text.empty() ? "" : "\n") + issue.ToString();
    *error = text;
    *config_invalid = true;
    std::filesystem::remove_all(impl->dir);
    return nullptr;
  }
  SetUpLogging(verbose);
  loaded.config.log.level = verbose ? "debug" : "error";
  impl->daemon = std::make_unique<Daemon>(impl->io, loaded.config, source);
  if (std::error_code start_error = impl->daemon->Start()) {
    *error = "cannot start: " + start_error.message();
    impl->daemon.reset();
    std::filesystem::remove_all(impl->dir);
    return nullptr;
  }
  impl->signals = std::make_unique<boost::asio::signal_set>(impl->io, SIGINT, SIGTERM, SIGHUP);
  impl->WatchSignals();
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stop = StopSignals();
  ::pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] {
    sigset_t set = StopSignals();
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    raw->io.run();
  });
  auto daemon = std::unique_ptr<ForegroundDaemon>(new ForegroundDaemon(std::move(impl)));
  daemon->socket_path_ = source.overrides.socket.value_or("");
  return daemon;
}

bool ForegroundDaemon::stop_requested() const { return impl_->stop_requested; }

ForegroundDaemon::~ForegroundDaemon() {
  if (!impl_->stopping) {
    boost::asio::post(impl_->io, [impl = impl_.get()] { impl->StopOnIoThread(); });
  }
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->signals.reset();
  impl_->daemon.reset();
  std::error_code ignored;
  std::filesystem::remove_all(impl_->dir, ignored);
  sigset_t stop = StopSignals();
  ::pthread_sigmask(SIG_UNBLOCK, &stop, nullptr);
}

}  // namespace uclink::control::cli
