// The data budget end to end (docs/data-budget.md, docs/metrics.md): uclink-sim (pty, --fast,
// slirp as the PPP peer) + uclinkd with a private --state-dir, in a network namespace this test
// creates. Bytes sent through uclink0 show in `uclink usage`, survive a restart in the state
// directory, a corrupt ledger is set aside, the probe stays quiet while traffic flows, and the
// real prometheus-node-exporter serves the metrics textfile. Every wait is bounded.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kImsi = "460040812002376";  // uclink-sim's default (sim/scenario.h)

struct Child {
  pid_t pid = -1;
  std::string out;
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Child Spawn(const std::vector<std::string>& argv, const std::string& out) {
  Child child;
  child.out = out;
  child.pid = ::fork();
  if (child.pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  return child;
}

int WaitExit(Child& child, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
      child.pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(20ms);
  }
  ::kill(child.pid, SIGKILL);
  ::waitpid(child.pid, &status, 0);
  child.pid = -1;
  return -1;
}

void Stop(Child& child, std::chrono::milliseconds bound = 25s) {
  if (child.pid <= 0) return;
  ::kill(child.pid, SIGTERM);
  WaitExit(child, bound);
}

bool WaitForPath(const std::string& path, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

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

class UsageIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << "needs root (CAP_SYS_ADMIN)";
    ASSERT_EQ(std::system("ip link set lo up"), 0);
  }

  void SetUp() override {
    char dir[] = "/tmp/uclink-usage-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    modem_ = (dir_ / dir_.filename()).string();
    socket_ = (dir_ / "uclinkd.sock").string();
    config_ = (dir_ / "uclink.toml").string();
    state_ = (dir_ / "state").string();
    metrics_dir_ = (dir_ / "textfile").string();
    fs::create_directories(metrics_dir_);
    WriteConfig("");
  }

  void TearDown() override {
    if (daemon_.pid > 0) {
      ::kill(daemon_.pid, SIGTERM);
      EXPECT_EQ(WaitExit(daemon_, 25s), 0) << ReadFile(daemon_.out);
    }
    Stop(exporter_, 5s);
    Stop(sim_, 5s);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void WriteConfig(const std::string& monitor) {
    std::ofstream(config_) << "[connection]\nautoconnect = false\n[monitor]\necho_interval_s = 5\n"
                           << monitor << "[usage]\nsave_interval_s = 10\n[metrics]\ntextfile = \""
                           << metrics_dir_ << "/uclink.prom\"\ninterval_s = 1\n";
  }

  void StartSim() {
    sim_ = Spawn({"cmd/uclink-sim", "--fast", "--link", modem_}, (dir_ / "sim.log").string());
    ASSERT_TRUE(WaitForPath(modem_, 5s)) << ReadFile(sim_.out);
  }

  void StartDaemon() {
    std::error_code ignored;
    fs::remove(socket_, ignored);
    daemon_ = Spawn({"cmd/uclinkd", "--config", config_, "--port", modem_, "--socket", socket_,
                     "--apn", "cmnet", "--backend", "userspace", "--state-dir", state_, "-v"},
                    (dir_ / ("uclinkd-" + std::to_string(runs_++) + ".log")).string());
    ASSERT_TRUE(WaitForPath(socket_, 5s)) << ReadFile(daemon_.out);
  }

  std::pair<int, std::string> Uclink(std::vector<std::string> args) {
    std::vector<std::string> argv = {"tests/control/uclink_for_tests", "--socket", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = (dir_ / ("uclink-" + std::to_string(runs_++) + ".out")).string();
    Child client = Spawn(argv, out);
    const int code = WaitExit(client, 40s);
    return {code, ReadFile(out)};
  }

  nlohmann::json Json(std::vector<std::string> args) {
    auto [code, out] = Uclink(std::move(args));
    EXPECT_EQ(code, 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }

  void Connect() {
    auto [code, out] = Uclink({"connect", "--wait", "--timeout", "30"});
    ASSERT_EQ(code, 0) << out << ReadFile(daemon_.out);
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

  std::string Ledger() const { return state_ + "/usage-" + kImsi + ".json"; }

  fs::path dir_;
  std::string modem_, socket_, config_, state_, metrics_dir_;
  Child sim_, daemon_, exporter_;
  int runs_ = 0;
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

  ::kill(daemon_.pid, SIGTERM);  // saves at shutdown
  ASSERT_EQ(WaitExit(daemon_, 25s), 0) << ReadFile(daemon_.out);
  const nlohmann::json saved = nlohmann::json::parse(ReadFile(Ledger()), nullptr, false);
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
  fs::create_directories(state_);
  std::ofstream(Ledger()) << "{\"schema\": 1, \"imsi\": \"" << kImsi << "\", \"period\": {\"st";
  StartSim();
  StartDaemon();
  Connect();
  EXPECT_TRUE(fs::exists(Ledger() + ".corrupt"));
  EXPECT_THAT(ReadFile(daemon_.out), HasSubstr("not valid JSON"));
  const nlohmann::json usage = Json({"usage", "--json"});
  EXPECT_LT(usage["period"]["tx_bytes"].get<std::uint64_t>(), 10000u);
}

TEST_F(UsageIntegrationTest, ALedgerOfAnotherSimIsSetAside) {
  fs::create_directories(state_);
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
  EXPECT_THAT(ReadFile(daemon_.out), HasSubstr("another IMSI"));
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
  ASSERT_THAT(ReadFile(metrics_dir_ + "/uclink.prom"), HasSubstr("state=\"online\""));
  const int port = FreePort();
  exporter_ = Spawn(
      {"/usr/bin/prometheus-node-exporter",
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--collector.disable-defaults",
       "--collector.textfile", "--collector.textfile.directory=" + metrics_dir_},
      (dir_ / "node_exporter.log").string());
  std::string body;
  for (int i = 0; i < 100 && body.empty(); ++i) {
    body = HttpGet(port, "/metrics");
    if (body.empty()) std::this_thread::sleep_for(50ms);  // until it listens (bounded)
  }
  ASSERT_FALSE(body.empty()) << ReadFile(exporter_.out);
  EXPECT_THAT(body, HasSubstr("node_textfile_scrape_error 0"));
  EXPECT_THAT(body, HasSubstr("uclink_state{state=\"online\"} 1"));
  EXPECT_THAT(body, HasSubstr("uclink_online 1"));
  EXPECT_THAT(body, HasSubstr("uclink_usage_period_tx_bytes"));
  EXPECT_THAT(body, HasSubstr("uclink_signal_csq"));
  // `uclink metrics` prints the same series.
  auto [code, out] = Uclink({"metrics"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, HasSubstr("uclink_state{state=\"online\"} 1"));
}

}  // namespace
