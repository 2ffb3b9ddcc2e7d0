// The configuration file the package installs lists every key with its default (generated from
// docs/configuration.md by packaging/conffile.py). Uncommented, it must parse without a problem —
// every documented key exists, with a value of the right type — and yield exactly the built-in
// defaults, so a default changed in the code but not in the documentation fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "control/config/config.h"

namespace uclink::control {
namespace {

std::string g_path;

auto Fields(const Config& c) {
  return std::tuple(
      std::tie(c.modem.port, c.modem.at_port, c.modem.data_port, c.modem.baud, c.modem.flow_control,
               c.modem.escape_supported),
      std::tie(c.network.apn, c.network.cid, c.network.username, c.network.password),
      std::tie(c.connection.backend, c.connection.mode, c.connection.autoconnect,
               c.connection.retry_ppp_after, c.connection.registration_timeout,
               c.connection.ppp_timeout),
      std::tie(c.monitor.csq_interval, c.monitor.cgreg_interval, c.monitor.echo_interval,
               c.monitor.echo_failures, c.monitor.registration_lost_grace, c.monitor.probe,
               c.monitor.probe_interval, c.monitor.probe_timeout, c.monitor.probe_failures),
      std::tie(c.backoff.initial, c.backoff.max, c.backoff.reset_after),
      std::tie(c.recovery.probe_attempts, c.recovery.cfun_cycle_after, c.recovery.fail_after,
               c.recovery.ppp_failures_before_inband),
      std::tie(c.interface.name, c.interface.default_route, c.interface.route_metric,
               c.interface.dns, c.interface.mtu),
      std::tie(c.control.socket, c.control.group, c.control.idle_timeout,
               c.control.max_connections_per_uid),
      std::tie(c.log.level));
}

TEST(PackagedConffile, EveryDocumentedDefaultIsTheBuiltInDefault) {
  std::ifstream in(g_path);
  ASSERT_TRUE(in) << g_path;
  std::stringstream text;
  text << in.rdbuf();
  const ConfigResult result = ParseConfig(text.str());
  for (const ConfigIssue& issue : result.issues) ADD_FAILURE() << issue.ToString();
  EXPECT_TRUE(Fields(result.config) == Fields(Config{}));
}

}  // namespace
}  // namespace uclink::control

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc > 1) uclink::control::g_path = argv[1];
  return RUN_ALL_TESTS();
}
