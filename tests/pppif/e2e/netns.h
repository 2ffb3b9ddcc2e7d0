// A network namespace for tests that need TUN devices and rtnetlink without touching the host:
// created on a short-lived thread with unshare(CLONE_NEWNET) and kept alive by a descriptor.
//
// Why threads: namespaces are per thread, and under Bazel's linux-sandbox (a user namespace) a
// thread may join a namespace it created but may not return to the host's. So the test's main
// thread never leaves the host namespace (where its servers and slirp live), and everything that
// must be created inside — TUN devices, rtnetlink sockets, client sockets, child processes —
// is created on a thread that joined the namespace (Run(), or Enter() on a dedicated thread).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

namespace uclink::pppif::testing {

/// Why TUN/netns tests cannot run here, or empty when they can (root or CAP_NET_ADMIN and
/// CAP_SYS_ADMIN, and /dev/net/tun present).
std::string NetAdminUnavailableReason();

/// A fresh network namespace with its loopback up; freed once the object and everything
/// created inside it are closed.
class NetNamespace {
 public:
  /// Creates the namespace; nullptr and `ec` set on failure.
  static std::unique_ptr<NetNamespace> Create(std::error_code& ec);
  ~NetNamespace();
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;

  /// Makes the calling thread a member of the namespace for the rest of its life. Call it only
  /// on threads created for this purpose.
  std::error_code Enter() const;

  /// Runs `fn` on a new thread that has joined the namespace, and returns its result.
  template <typename Fn>
  auto Run(Fn&& fn) const -> std::invoke_result_t<Fn> {
    using Result = std::invoke_result_t<Fn>;
    if constexpr (std::is_void_v<Result>) {
      std::thread([&] {
        EnterOrDie();
        fn();
      }).join();
    } else {
      std::optional<Result> result;
      std::thread([&] {
        EnterOrDie();
        result.emplace(fn());
      }).join();
      return std::move(*result);
    }
  }

  /// The namespace descriptor (for nsenter --net=/proc/PID/fd/N).
  int fd() const { return fd_; }

 private:
  explicit NetNamespace(int fd) : fd_(fd) {}
  // A thread that cannot join is a broken harness, not a test result: abort with the reason.
  void EnterOrDie() const;
  int fd_;
};

}  // namespace uclink::pppif::testing
