// The Linux TUN device that carries the PPP link's IPv4 packets to the kernel's IP stack.
// Opened with IFF_TUN | IFF_NO_PI: every read and write is exactly one IP packet with no
// packet-information header (docs/ppp.md, "Pitfalls: Trim to the IPv4 total length").
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace uclink::pppif {

/// How to create the TUN interface.
struct TunOptions {
  /// Interface name; empty selects ppp0 when free, else the next free pppN.
  std::string name;
};

/// True when `name` is acceptable to the kernel (dev_valid_name) and to our config: 1..15 bytes
/// of [A-Za-z0-9_.-], optionally one "%d" that the kernel replaces with the lowest free number.
bool IsValidInterfaceName(std::string_view name);

/// An open TUN interface; closing it removes the (non-persistent) interface with its addresses
/// and routes. Move-only.
class TunDevice {
 public:
  /// A device that is not open.
  TunDevice() = default;
  ~TunDevice();
  TunDevice(TunDevice&& other) noexcept;
  TunDevice& operator=(TunDevice&& other) noexcept;
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  /// Creates the interface in the calling thread's network namespace; the descriptor is
  /// non-blocking and close-on-exec. On failure returns a closed device and sets `ec`.
  static TunDevice Open(const TunOptions& options, std::error_code& ec);
  /// Takes ownership of an already-open packet descriptor (tests: one end of a SOCK_SEQPACKET
  /// socketpair stands in for the TUN device).
  static TunDevice Adopt(int fd, std::string name, int ifindex);

  bool is_open() const { return fd_ >= 0; }
  /// The packet descriptor (-1 when closed).
  int fd() const { return fd_; }
  /// The interface name chosen by the kernel, e.g. "ppp0".
  const std::string& name() const { return name_; }
  /// The kernel's interface index (0 for an adopted descriptor without one).
  int ifindex() const { return ifindex_; }
  /// Closes the descriptor; the kernel then deletes the interface.
  void Close();

 private:
  TunDevice(int fd, std::string name, int ifindex)
      : fd_(fd), name_(std::move(name)), ifindex_(ifindex) {}

  int fd_ = -1;
  std::string name_;
  int ifindex_ = 0;
};

}  // namespace uclink::pppif
