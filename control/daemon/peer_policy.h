// Who may call the mutating control methods: root, or members of control.group (SO_PEERCRED).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <system_error>

namespace uclink::control {

/// The connecting process as the kernel reports it (SO_PEERCRED, unix(7)).
struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// Reads the credentials of a connected Unix socket.
std::optional<PeerCredentials> ReadPeerCredentials(int fd);

class PeerPolicy {
 public:
  /// Root only.
  PeerPolicy() = default;
  /// Root and members of `group`; an unknown group is an error (configuration mistake).
  static std::optional<PeerPolicy> ForGroup(const std::string& group, std::error_code& error);

  /// uid 0, primary gid = group, or the group among the user's supplementary groups.
  bool Allows(const PeerCredentials& peer) const;
  std::optional<gid_t> gid() const { return gid_; }

 private:
  std::optional<gid_t> gid_;
};

}  // namespace uclink::control
