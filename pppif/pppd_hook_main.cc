// pppd_hook: the program uclink passes to pppd as both ip-up-script and ip-down-script. It
// sends one datagram describing the event (pppif/pppd_hook_event.h) to the socket named by
// UCLINK_PPPD_EVENTS and exits. pppd runs it with stdio on /dev/null and does not wait for it
// (pppd(8) SCRIPTS), so errors are reported only through the exit status.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pppif/pppd_hook_event.h"
#include "pppif/pppd_options.h"

namespace {

std::optional<std::string> Env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

int Send(const std::string& socket_path, const std::string& datagram) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(address.sun_path)) return 3;
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 4;
  ssize_t sent = ::sendto(fd, datagram.data(), datagram.size(), 0,
                          reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  ::close(fd);
  return sent == static_cast<ssize_t>(datagram.size()) ? 0 : 5;
}

}  // namespace

int main(int argc, char** argv) {
  auto socket_path = Env(uclink::pppif::kPppdEventSocketEnv);
  if (!socket_path) return 2;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto decoded = uclink::pppif::HookEventFromInvocation(args, Env);
  if (decoded.error) return 1;
  return Send(*socket_path, uclink::pppif::EncodeHookEvent(decoded.event));
}
