#include "process/signal_watch.h"

#include <signal.h>
#include <sys/signalfd.h>

#include <array>
#include <boost/asio/read.hpp>
#include <memory>

#include "process/exit_status.h"

namespace uclink::process {

SignalWatch::SignalWatch(boost::asio::io_context& io, std::initializer_list<int> signals)
    : descriptor_(io) {
  sigset_t set;
  ::sigemptyset(&set);
  for (int s : signals) ::sigaddset(&set, s);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    error_ = std::error_code(errno, std::system_category());
    return;
  }
  const int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    error_ = std::error_code(errno, std::system_category());
    return;
  }
  descriptor_.assign(fd);
}

SignalWatch::~SignalWatch() { Cancel(); }

void SignalWatch::Watch(Handler handler) {
  handler_ = std::move(handler);
  if (descriptor_.is_open()) Read();
}

void SignalWatch::Cancel() {
  boost::system::error_code ignored;
  if (descriptor_.is_open()) descriptor_.close(ignored);
  handler_ = nullptr;
}

void SignalWatch::Read() {
  auto info = std::make_shared<signalfd_siginfo>();
  boost::asio::async_read(
      descriptor_, boost::asio::buffer(info.get(), sizeof *info),
      [this, info](const boost::system::error_code& error, std::size_t) {
        if (error || !handler_) return;  // closed (Cancel) or destroyed
        SignalInfo received;
        received.number = static_cast<int>(info->ssi_signo);
        received.sender_pid = static_cast<pid_t>(info->ssi_pid);
        received.sender_uid = static_cast<uid_t>(info->ssi_uid);
        received.description = SignalName(received.number) + " from " +
                               DescribeProcess(received.sender_pid, received.sender_uid);
        const Handler handler = handler_;  // the handler may Cancel() and so reset handler_
        Read();
        handler(received);
      });
}

}  // namespace uclink::process
