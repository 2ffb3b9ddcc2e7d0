// backend_link: runs one of pppif's PppBackends on a tty (the "serial port") for the VM tier:
//   --backend userspace  UserspacePppBackend, our PPP client on a TUN device
//   --backend pppd       PppdBackend: real pppd on kernel PPP behind the pty bridge, with
//                        //pppif:pppd_hook (--hook) reporting ip-up/ip-down
// so both meet a real pppd peer and their throughput can be compared on the same VM. Prints
// "up ifname=.. local=.. peer=.. dns1=.." and "down reason=.. detail=.."; SIGTERM asks for a
// clean LCP Terminate (Stop()). With --pdp-type IPV6 the backend runs IPv6 too (IPV6CP, or
// pppd +ipv6) and prints "ipv6 link_local=.. peer=.. addresses=a/len,.. dns=.." on each change.
// Usage: backend_link --backend pppd|userspace --tty PATH [--ifname NAME] [--echo-interval S]
//          [--hook PATH] [--pdp-type IP|IPV6]
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "pppif/pppd_backend.h"
#include "pppif/userspace_backend.h"

namespace {

using namespace uclink::pppif;

std::string Dotted(const Ipv4& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

int OpenRawTty(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  termios tio{};
  if (fd < 0 || ::tcgetattr(fd, &tio) != 0) return -1;
  ::cfmakeraw(&tio);  // the line carries HDLC bytes, not text
  return ::tcsetattr(fd, TCSANOW, &tio) == 0 ? fd : -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string tty, kind = "userspace";
  UserspaceBackendOptions options;
  PppdBackendOptions pppd;
  pppd.runtime_dir = "/tmp";
  pppd.pppd.ipparam = "vm-backend-link";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--tty") tty = value;
    if (flag == "--backend") kind = value;
    if (flag == "--hook") pppd.pppd.hook_path = value;
    if (flag == "--ifname") options.tun.name = pppd.pppd.ifname = value;
    if (flag == "--pdp-type" && value == "IPV6") options.session.ipv6 = pppd.pppd.ipv6 = true;
    if (flag == "--resolv-conf") {  // interface.dns = "file", written to this path
      options.dns.method = DnsMethod::kResolvConfFile;
      options.dns.resolv_conf_path = value;
    }
    if (flag == "--echo-interval") {
      options.session.echo_interval = std::chrono::seconds(std::atoi(value.c_str()));
      pppd.pppd.lcp_echo_interval_s = std::atoi(value.c_str());
    }
  }
  int fd = OpenRawTty(tty);
  if (fd < 0) {
    std::cerr << "cannot open " << tty << "\n";
    return 2;
  }
  boost::asio::io_context io;
  std::error_code ec;
  std::unique_ptr<PppBackend> backend;
  if (kind == "pppd") backend = PppdBackend::Create(io, pppd, ec);
  if (kind == "userspace") backend = UserspacePppBackend::Create(io, options, ec);
  if (!backend) {
    std::cerr << "backend: " << ec.message() << "\n";
    return 3;
  }
  int status = 1;
  backend->set_on_up([](const IpConfig& ip, const std::string& ifname) {
    std::cout << "up ifname=" << ifname << " local=" << Dotted(ip.local)
              << " peer=" << Dotted(ip.peer) << " dns1=" << (ip.dns1 ? Dotted(*ip.dns1) : "-")
              << std::endl;
  });
  backend->set_on_ipv6([](const std::optional<Ipv6Status>& ipv6) {
    if (!ipv6) {
      std::cout << "ipv6 none" << std::endl;
      return;
    }
    std::string addresses, dns;
    for (const Ipv6Address& a : ipv6->addresses) {
      addresses += (addresses.empty() ? "" : ",") + a.address + "/" + std::to_string(a.prefix_len);
    }
    for (const std::string& server : ipv6->dns) dns += (dns.empty() ? "" : ",") + server;
    std::cout << "ipv6 link_local=" << ipv6->link_local
              << " peer=" << ipv6->peer_link_local.value_or("-")
              << " addresses=" << (addresses.empty() ? "-" : addresses)
              << " dns=" << (dns.empty() ? "-" : dns) << std::endl;
  });
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  backend->set_on_down([&](DownReason reason, const std::string& detail) {
    std::cout << "down reason=" << ToString(reason) << " detail=\"" << detail << "\"" << std::endl;
    status = reason == DownReason::kLocalClose ? 0 : 1;
    signals.cancel();
  });
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (!error) backend->Stop();
  });
  if (auto start_error = backend->Start(fd, {})) {
    std::cerr << "start: " << start_error.message() << "\n";
    return 4;
  }
  io.run();
  ::close(fd);
  return status;
}
