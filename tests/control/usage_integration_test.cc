// The data budget end to end (docs/data-budget.md, docs/metrics.md): uclink-sim (pty, --fast,
// slirp as the PPP peer) + uclinkd with a private --state-dir, in a network namespace this test
// creates. Bytes sent through uclink0 show in `uclink usage`, survive a restart in the state
// directory, a corrupt ledger is set aside, the probe stays quiet while traffic flows, and the
// real prometheus-node-exporter serves the metrics textfile. Every wait is bounded; the
// processes are the rig's (tests/control/scenarios/uclink_rig.h: pidfds, readiness by sd_notify).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"

namespace {

namespace fs = std::filesystem;
using uclink::control::testing::ConnectToSlirpHost;
using uclink::control::testing::PrivateNamespacesTest;
using uclink::control::testing::ReadWholeFile;
using uclink::control::testing::UclinkRig;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kImsi = "460040812002376";  // uclink-sim's default (sim/scenario.h)

// A TCP listener on 127.0.0.1 that slirp reaches as 10.0.2.2 (its host alias); a thread
// accepts and drains every connection.
class Sink {
 public:
  Sink() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        const int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) return;
        std::thread([conn] {
          char buffer[4096];
          while (::recv(conn, buffer, sizeof buffer, 0) > 0) {
          }
          ::close(conn);
        }).detach();
      }
    });
  }
  ~Sink() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A TCP connection to 10.0.2.2:port through uclink0 only.
int ConnectThroughLink(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "uclink0", 8);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return ConnectToSlirpHost(fd, port);
}

// One HTTP/1.0 GET on 127.0.0.1:port; the body.
std::string HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, n);
  ::close(fd);
  const std::size_t body = answer.find("\r\n\r\n");
  return body == std::string::npos ? "" : answer.substr(body + 4);
}

// A free loopback TCP port (bound and released; nothing else runs in this namespace).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class UsageIntegrationTest : public PrivateNamespacesTest {
 protected:
  void SetUp() override {
    metrics_dir_ = fs::path(rig_.config_path()).parent_path() / "textfile";
    fs::create_directories(metrics_dir_);
    WriteConfig("");
  }

  void TearDown() override {
    if (HasFailure()) ADD_FAILURE() << "daemon log:\n" << rig_.DaemonLog();
    if (exporter_ > 0) rig_.WaitExited(exporter_, 0ms);  // SIGKILL, reaped, by its pid
  }

  void WriteConfig(const std::string& monitor) {
    std::ofstream(rig_.config_path())
        << "[connection]\nautoconnect = false\n[monitor]\necho_interval_s = 5\n"
        << monitor << "[usage]\nsave_interval_s = 10\n[metrics]\ntextfile = \""
        << metrics_dir_.string() << "/uclink.prom\"\ninterval_s = 1\n";
  }

  void StartSim() { ASSERT_TRUE(rig_.StartSim({"--fast"})) << rig_.SimLog(); }
  void StartDaemon() { ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog(); }

  nlohmann::json Json(const std::vector<std::string>& args) {
    auto [code, out] = rig_.Uclink(args);
    EXPECT_EQ(code, 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }

  void Connect() {
    auto [code, out] = rig_.Uclink({"connect", "--wait", "--timeout", "30"});
    ASSERT_EQ(code, 0) << out << rig_.DaemonLog();
  }

  // Sends `bytes` through uclink0 to the sink and closes.
  void SendThroughLink(int port, std::size_t bytes) {
    const int fd = ConnectThroughLink(port);
    ASSERT_GE(fd, 0) << "connect through uclink0: " << std::strerror(errno);
    const std::string chunk(1000, 'x');
    for (std::size_t sent = 0; sent < bytes; sent += chunk.size()) {
      ASSERT_EQ(::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL), 1000);
    }
    ::shutdown(fd, SHUT_WR);
    char c;
    ::recv(fd, &c, 1, 0);  // the sink closes after draining: everything went through
    ::close(fd);
  }

  std::string Ledger() const { return rig_.state_dir() + "/usage-" + kImsi + ".json"; }

  UclinkRig rig_{""};
  fs::path metrics_dir_;
  pid_t exporter_ = -1;
};

TEST_F(UsageIntegrationTest, BytesThroughTheLinkAreCountedPerSimAndSurviveARestart) {
  Sink sink;
  StartSim();
  StartDaemon();
  Connect();
  SendThroughLink(sink.port(), 20000);
  nlohmann::json usage = Json({"usage", "--json"});
  EXPECT_EQ(usage["imsi"], kImsi);
  const std::uint64_t tx = usage["period"]["tx_bytes"].get<std::uint64_t>();
  EXPECT_GE(tx, 20000u);  // the payload and its TCP/IP headers
  EXPECT_LT(tx, 40000u);
  EXPECT_EQ(usage["session"]["mode"], "ppp");
  EXPECT_GT(usage["session"]["line_tx_bytes"].get<std::uint64_t>(), tx);  // + PPP framing
  nlohmann::json status = Json({"status", "--json"});
  EXPECT_EQ(status["usage"]["period"]["tx_bytes"].get<std::uint64_t>(), tx);

  ASSERT_EQ(rig_.StopDaemon(), 0) << rig_.DaemonLog();  // SIGTERM: saves at shutdown
  const nlohmann::json saved = nlohmann::json::parse(ReadWholeFile(Ledger()), nullptr, false);
  ASSERT_TRUE(saved.is_object()) << Ledger();
  EXPECT_GE(saved["period"]["tx_bytes"].get<std::uint64_t>(), tx);
  EXPECT_EQ(saved["sessions"].size(), 1u);

  StartDaemon();
  Connect();
  usage = Json({"usage", "--json"});
  EXPECT_GE(usage["period"]["tx_bytes"].get<std::uint64_t>(), tx);
  EXPECT_EQ(usage["sessions"].size(), 1u);  // the first session, finished
}

TEST_F(UsageIntegrationTest, ACorruptLedgerIsSetAsideAndCountingStartsFromZero) {
  fs::create_directories(rig_.state_dir());
  std::ofstream(Ledger()) << "{\"schema\": 1, \"imsi\": \"" << kImsi << "\", \"period\": {\"st";
  StartSim();
  StartDaemon();
  Connect();
  EXPECT_TRUE(fs::exists(Ledger() + ".corrupt"));
  EXPECT_THAT(rig_.DaemonLog(), HasSubstr("not valid JSON"));
  const nlohmann::json usage = Json({"usage", "--json"});
  EXPECT_LT(usage["period"]["tx_bytes"].get<std::uint64_t>(), 10000u);
}

TEST_F(UsageIntegrationTest, ALedgerOfAnotherSimIsSetAside) {
  fs::create_directories(rig_.state_dir());
  nlohmann::json foreign = {
      {"schema", 1},
      {"imsi", "001010123456789"},
      {"period", {{"start", 0}, {"end", 1}, {"rx_bytes", 5}, {"tx_bytes", 5}}},
      {"sessions", nlohmann::json::array()},
      {"history", nlohmann::json::array()}};
  std::ofstream(Ledger()) << foreign.dump();
  StartSim();
  StartDaemon();
  Connect();
  EXPECT_TRUE(fs::exists(Ledger() + ".corrupt"));
  EXPECT_THAT(rig_.DaemonLog(), HasSubstr("another IMSI"));
}

TEST_F(UsageIntegrationTest, WhileTrafficFlowsTheProbeStaysQuiet) {
  Sink sink;
  WriteConfig("probe = \"tcp:10.0.2.2:" + std::to_string(sink.port()) +
              "\"\nprobe_interval_s = 2\nprobe_timeout_s = 1\n");
  StartSim();
  StartDaemon();
  Connect();
  // Ten seconds of steady traffic: five probe intervals, each with received packets (ACKs).
  const int fd = ConnectThroughLink(sink.port());
  ASSERT_GE(fd, 0);
  const std::int64_t probes_before = Json({"status", "--json"})["monitoring"]["probes"];
  const auto end = std::chrono::steady_clock::now() + 10s;
  const std::string chunk(200, 'y');
  while (std::chrono::steady_clock::now() < end) {
    ASSERT_EQ(::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL), 200);
    std::this_thread::sleep_for(100ms);  // the traffic's own pace, not a wait for uclinkd
  }
  const nlohmann::json busy = Json({"status", "--json"});
  ::close(fd);
  EXPECT_LE(busy["monitoring"]["probes"].get<std::int64_t>(), probes_before + 1);
  EXPECT_GE(busy["monitoring"]["probes_skipped"].get<std::int64_t>(), 3);
}

TEST_F(UsageIntegrationTest, NodeExporterServesTheTextfileWithoutScrapeError) {
  StartSim();
  StartDaemon();
  Connect();
  // Rewritten at every state change: online by the time connect --wait returned.
  ASSERT_THAT(ReadWholeFile(metrics_dir_ / "uclink.prom"), HasSubstr("state=\"online\""));
  const int port = FreePort();
  exporter_ = rig_.SpawnLogged(
      {"/usr/bin/prometheus-node-exporter",
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--collector.disable-defaults",
       "--collector.textfile", "--collector.textfile.directory=" + metrics_dir_.string()},
      "node_exporter.log");
  std::string body;
  for (int i = 0; i < 100 && body.empty(); ++i) {
    body = HttpGet(port, "/metrics");
    if (body.empty()) std::this_thread::sleep_for(50ms);  // until it listens (bounded)
  }
  ASSERT_FALSE(body.empty()) << rig_.Log("node_exporter.log");
  EXPECT_THAT(body, HasSubstr("node_textfile_scrape_error 0"));
  EXPECT_THAT(body, HasSubstr("uclink_state{state=\"online\"} 1"));
  EXPECT_THAT(body, HasSubstr("uclink_online 1"));
  EXPECT_THAT(body, HasSubstr("uclink_usage_period_tx_bytes"));
  EXPECT_THAT(body, HasSubstr("uclink_signal_csq"));
  // `uclink metrics` prints the same series.
  auto [code, out] = rig_.Uclink({"metrics"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, HasSubstr("uclink_state{state=\"online\"} 1"));
}

}  // namespace
