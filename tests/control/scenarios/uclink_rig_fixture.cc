// The rig's test fixtures and the small helpers several rig-based tests share (uclink_rig.h).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {

std::string Describe(const ResourceSample& sample) {
  std::ostringstream out;
  out << sample.fds << " fds, RSS " << sample.rss_kb << " kB, " << sample.children
      << " children, TUN " << (sample.tun_present ? "present" : "absent");
  return out.str();
}

void PrivateNamespacesTest::SetUpTestSuite() {
  ASSERT_TRUE(EnterPrivateNamespaces()) << "needs root";
}

void RigScenarioTest::TearDown() {
  ExpectCleanStop();
  rig_.reset();
}

void RigScenarioTest::ExpectCleanStop() {
  if (rig_ == nullptr) return;
  if (HasFailure()) ADD_FAILURE() << "daemon log:\n" << rig_->DaemonLog();
  EXPECT_EQ(rig_->StopDaemon(), 0);
}

void RigScenarioTest::StartAndConnect(const std::vector<std::string>& sim_args) {
  ASSERT_TRUE(rig_->StartSim(sim_args)) << rig_->SimLog();
  ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
  events_ = std::make_unique<EventStream>(rig_->socket_path());
  ASSERT_TRUE(events_->open());
  ASSERT_EQ(rig_->Call("connect").value("ok", false), true);
}

void PublishReport(const std::string& file_name, const std::string& report) {
  std::cout << report;
  if (const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    std::ofstream(std::string(dir) + "/" + file_name) << report;
  }
}

int ConnectToSlirpHost(int fd, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "10.0.2.2", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace uclink::control::testing
