#include "control/daemon/peer_policy.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace uclink::control {

std::optional<PeerCredentials> ReadPeerCredentials(int fd) {
  struct ucred cred {};
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) return std::nullopt;
  return PeerCredentials{cred.pid, cred.uid, cred.gid};
}

std::optional<PeerPolicy> PeerPolicy::ForGroup(const std::string& group, std::error_code& error) {
  PeerPolicy policy;
  if (group.empty()) return policy;
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  const int rc = getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr) {
    error = std::make_error_code(rc != 0 ? std::errc(rc) : std::errc::invalid_argument);
    return std::nullopt;
  }
  policy.gid_ = found->gr_gid;
  return policy;
}

bool PeerPolicy::Allows(const PeerCredentials& peer) const {
  if (peer.uid == 0) return true;
  if (!gid_) return false;
  if (peer.gid == *gid_) return true;
  // Supplementary groups are not in SO_PEERCRED; look the user up (bounded: 256 groups).
  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (getpwuid_r(peer.uid, &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return false;
  }
  std::vector<gid_t> groups(256);
  int count = static_cast<int>(groups.size());
  if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) < 0) return false;
  for (int i = 0; i < count; ++i) {
    if (groups[i] == *gid_) return true;
  }
  return false;
}

}  // namespace uclink::control
