// The reset_command of the wedge scenarios: "power-cycles" uclink-sim through its control socket
// (docs/simulator.md, `power-cycle`), as gpioset or uhubctl would a real module. Usage:
// sim_power_cycle <control socket>. Exit 0 when the simulator answered OK, 1 otherwise.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sim_power_cycle <control socket>\n");
    return 2;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", argv[1]);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::fprintf(stderr, "connect %s: %s\n", argv[1], std::strerror(errno));
    return 1;
  }
  const std::string line = "power-cycle\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 1;
  std::string answer;
  char buffer[256];
  ssize_t n = 0;
  while (answer.find('\n') == std::string::npos && (n = ::read(fd, buffer, sizeof buffer)) > 0) {
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::printf("uclink-sim: %s", answer.c_str());
  return answer.rfind("OK", 0) == 0 ? 0 : 1;
}
