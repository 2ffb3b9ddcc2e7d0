// The userspace PPP backend running on its own io_context thread inside a test network namespace:
// the TUN device and the rtnetlink socket are created in the namespace, the line descriptor comes
// from outside (a slirp pty). The test thread talks to it only by posting to the io_context and
// waiting on its events, so the backend itself stays single-threaded as in uclinkd.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "pppif/userspace_backend.h"
#include "tests/pppif/e2e/netns.h"

namespace uclink::pppif::testing {

/// on_down's arguments.
struct LinkDown {
  DownReason reason;
  std::string detail;
};

class NamespacedLink {
 public:
  /// Creates the backend in `ns` and starts it on `line_fd` (which must outlive the link), with
  /// `leftover` as the bytes chat/ would have read after CONNECT.
  static std::unique_ptr<NamespacedLink> Start(const NetNamespace& ns, int line_fd,
                                               UserspaceBackendOptions options, std::error_code& ec,
                                               Bytes leftover = {});
  /// Destroys the backend on its thread (undoing the interface) and joins the thread.
  ~NamespacedLink();
  NamespacedLink(const NamespacedLink&) = delete;
  NamespacedLink& operator=(const NamespacedLink&) = delete;

  /// The first on_up's IpConfig, waiting at most `timeout`.
  std::optional<IpConfig> WaitUp(std::chrono::milliseconds timeout);
  /// on_down's arguments, waiting at most `timeout`.
  std::optional<LinkDown> WaitDown(std::chrono::milliseconds timeout);
  /// The interface name passed to on_up (empty before).
  std::string ifname();
  /// Asks the backend for a clean LCP terminate.
  void Stop();
  /// The backend's status, read on its thread.
  BackendStatus Status();
  /// The engine's counters, read on its thread.
  EngineCounters Counters();
  /// CPU seconds the io_context thread (engine, session, TUN, netlink) has used so far.
  double CpuSeconds() const;

 private:
  NamespacedLink() = default;
  void Run(const NetNamespace& ns, int line_fd, UserspaceBackendOptions options, Bytes leftover);
  template <typename Fn>
  auto OnIoThread(Fn fn) -> decltype(fn());

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  std::unique_ptr<UserspacePppBackend> backend_;  // touched only on thread_
  std::thread thread_;

  std::mutex mutex_;  // guards the fields below, shared with the test thread
  std::condition_variable changed_;
  bool started_ = false;
  std::error_code start_error_;
  std::optional<IpConfig> up_;
  std::string ifname_;
  std::optional<LinkDown> down_;
};

}  // namespace uclink::pppif::testing
