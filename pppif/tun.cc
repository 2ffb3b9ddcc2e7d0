#include "pppif/tun.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "pppif/interface_errc.h"

namespace uclink::pppif {
namespace {

// The kernel picks the lowest free N for "ppp%d", which is exactly "ppp0 when free, else the
// next free pppN" (drivers/net/tun.c → dev_alloc_name), without a racy scan on our side.
constexpr char kDefaultTemplate[] = "ppp%d";

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

bool IsValidInterfaceName(std::string_view name) {
  // IFNAMSIZ counts the terminating NUL; "." and ".." are refused by dev_valid_name().
  if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..") return false;
  int templates = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%') {
      if (i + 1 >= name.size() || name[i + 1] != 'd' || ++templates > 1) return false;
      ++i;
      continue;
    }
    if (!IsNameChar(name[i])) return false;
  }
  return true;
}

TunDevice::~TunDevice() { Close(); }

TunDevice::TunDevice(TunDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      name_(std::move(other.name_)),
      ifindex_(std::exchange(other.ifindex_, 0)) {}

TunDevice& TunDevice::operator=(TunDevice&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
    ifindex_ = std::exchange(other.ifindex_, 0);
  }
  return *this;
}

TunDevice TunDevice::Open(const TunOptions& options, std::error_code& ec) {
  ec.clear();
  const std::string requested = options.name.empty() ? kDefaultTemplate : options.name;
  if (!IsValidInterfaceName(requested)) {
    ec = InterfaceErrc::kBadInterfaceName;
    return {};
  }
  const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    ec = {errno, std::system_category()};
    return {};
  }
  ifreq request{};
  request.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(request.ifr_name, requested.data(), requested.size());
  if (::ioctl(fd, TUNSETIFF, &request) != 0) {
    ec = {errno, std::system_category()};
    ::close(fd);
    return {};
  }
  std::string name(request.ifr_name, ::strnlen(request.ifr_name, IFNAMSIZ));
  const unsigned ifindex = ::if_nametoindex(name.c_str());
  if (ifindex == 0) {
    ec = {errno, std::system_category()};
    ::close(fd);
    return {};
  }
  return TunDevice(fd, std::move(name), static_cast<int>(ifindex));
}

TunDevice TunDevice::Adopt(int fd, std::string name, int ifindex) {
  return TunDevice(fd, std::move(name), ifindex);
}

void TunDevice::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace uclink::pppif
