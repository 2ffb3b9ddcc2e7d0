// Termination and reload signals, read from a signalfd on the io_context.
//
// Boost.Asio's signal_set cannot say who sent a signal; a daemon that stops "without a word"
// leaves nobody able to tell whether a test, an operator or its own child asked it to. The
// kernel records the sender in the siginfo; a signalfd hands it over with the signal. The
// signals are blocked in the calling thread first, so construct the watcher in main() before
// any thread starts (threads inherit the mask; children started through process::Spawn get an
// empty one).
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <initializer_list>
#include <string>
#include <system_error>

namespace uclink::process {

/// One received signal and its sender.
struct SignalInfo {
  int number = 0;
  pid_t sender_pid = 0;  ///< 0: the kernel (or a terminal's line discipline)
  uid_t sender_uid = 0;
  /// "SIGTERM from pid 1234 (uid 0: kill -TERM 99)", read when the signal arrived.
  std::string description;
};

class SignalWatch {
 public:
  using Handler = std::function<void(const SignalInfo&)>;

  /// Blocks `signals` in the calling thread and reads them from a signalfd.
  SignalWatch(boost::asio::io_context& io, std::initializer_list<int> signals);
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  /// Why the watcher could not be set up (then no signal is delivered to `handler`).
  std::error_code error() const { return error_; }
  /// Calls `handler` for every signal until Cancel() or destruction.
  void Watch(Handler handler);
  void Cancel();

 private:
  void Read();

  boost::asio::posix::stream_descriptor descriptor_;
  Handler handler_;
  std::error_code error_;
};

}  // namespace uclink::process
