#include "tests/pppif/e2e/netns.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace uclink::pppif::testing {
namespace {

bool HasCapability(int capability) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return (data[capability / 32].effective & (1u << (capability % 32))) != 0;
}

std::error_code BringLoopbackUp() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {errno, std::system_category()};
  ifreq request{};
  std::strcpy(request.ifr_name, "lo");
  std::error_code ec;
  if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    ec = {errno, std::system_category()};
  } else {
    request.ifr_flags |= IFF_UP;
    if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) ec = {errno, std::system_category()};
  }
  ::close(fd);
  return ec;
}

}  // namespace

std::string NetAdminUnavailableReason() {
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is not available";
  if (!HasCapability(CAP_NET_ADMIN) || !HasCapability(CAP_SYS_ADMIN)) {
    return "CAP_NET_ADMIN and CAP_SYS_ADMIN are required (run as root)";
  }
  return "";
}

std::unique_ptr<NetNamespace> NetNamespace::Create(std::error_code& ec) {
  int fd = -1;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      ec = {errno, std::system_category()};
      return;
    }
    fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      ec = {errno, std::system_category()};
      return;
    }
    ec = BringLoopbackUp();
  }).join();
  if (ec) {
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<NetNamespace>(new NetNamespace(fd));
}

NetNamespace::~NetNamespace() { ::close(fd_); }

std::error_code NetNamespace::Enter() const {
  if (::setns(fd_, CLONE_NEWNET) != 0) return {errno, std::system_category()};
  return {};
}

void NetNamespace::EnterOrDie() const {
  if (const std::error_code ec = Enter(); ec) {
    std::fprintf(stderr, "setns(CLONE_NEWNET): %s\n", ec.message().c_str());
    std::abort();
  }
}

}  // namespace uclink::pppif::testing
