// Monitoring slices end to end (docs/state-machine.md): uclink-sim --escape ("+++" → OK, ATO →
// CONNECT), uclinkd with modem.escape_supported on its one port, the userspace PPP engine and a
// TCP transfer through the interface to a server on the host side (slirp's 10.0.2.2 is the
// namespace's loopback). Readings must stay fresh while the transfer keeps working across
// slices; without --escape on the simulator the missing OK must be detected and the link
// redialled. Everything runs in a private network namespace; every wait is bounded.
//
// The per-slice time out of data mode (p50/max) goes to stdout and, when Bazel provides it, to
// $TEST_UNDECLARED_OUTPUTS_DIR/escape_slices.md (docs/PERFORMANCE.md, "Monitoring slices").
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;

// Readings every 4 s (CSQ) and 8 s (CGREG) so that a slice (about 2.3 s out of data mode) leaves
// room for data; LCP echoes every 2 s with 3 misses allowed.
constexpr int kCsqIntervalS = 4;
constexpr int kCgregIntervalS = 8;
// The manager's bound on one slice: two guard times (1 s + 0.2 s drain margin, 1 s) + 5 s.
constexpr double kSliceBudgetS = 7.2;

std::string EscapeConfig() {
  return "[connection]\nautoconnect = false\nregistration_timeout_s = 10\nppp_timeout_s = 5\n"
         "retry_ppp_after_s = 0\n"
         "[modem]\nescape_supported = true\n"
         "[monitor]\necho_interval_s = 2\necho_failures = 3\nregistration_lost_grace_s = 5\n"
         "csq_interval_s = " +
         std::to_string(kCsqIntervalS) + "\ncgreg_interval_s = " + std::to_string(kCgregIntervalS) +
         "\n[backoff]\ninitial_s = 1\nmax_s = 2\nreset_after_s = 5\n"
         "[recovery]\nprobe_attempts = 2\ncfun_cycle_after = 3\nfail_after = 8\n";
}

// An echo server on 127.0.0.1 (ephemeral port) for one client, on its own thread; every wait in
// it is bounded by polls of 100 ms and the stop flag.
class EchoServer {
 public:
  EchoServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~EchoServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    int client = -1;
    while (!stop_ && client < 0) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 100) == 1) client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    }
    char buffer[4096];
    while (!stop_ && client >= 0) {
      pollfd p{client, POLLIN, 0};
      if (::poll(&p, 1, 100) != 1) continue;
      const ssize_t n = ::read(client, buffer, sizeof buffer);
      if (n <= 0) break;
      if (::write(client, buffer, static_cast<std::size_t>(n)) != n) break;
    }
    if (client >= 0) ::close(client);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A TCP client through the PPP interface with bounded sends and receives.
int ConnectThroughPpp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval bound{15, 0};  // longer than a slice plus TCP's retransmission back-off
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
  return ConnectToSlirpHost(fd, port);
}

// Sends `chunk` and reads its echo back whole; false on a timeout or a mismatch.
// One echo of `chunk`. A receive bound that passes (EAGAIN, SO_RCVTIMEO) is a stall, not a
// break: slices pause the link, TCP's retransmission back-off can make a pause outlast the
// bound under load, and the connection is still fine; the wait goes on until `stop`. A break is
// what TCP reports as one (reset, close, a send error) or an echo that differs; `why` says which.
bool RoundTrip(int fd, const std::string& chunk, const std::atomic<bool>& stop,
               std::string* why = nullptr) {
  auto fail = [&](std::string text) {
    if (why != nullptr) *why = std::move(text);
    return false;
  };
  const ssize_t sent = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
  if (sent != static_cast<ssize_t>(chunk.size())) {
    return fail("send " + std::to_string(sent) + ": " + std::strerror(errno));
  }
  std::string echoed;
  char buffer[4096];
  while (echoed.size() < chunk.size()) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !stop) continue;  // a stall
    if (n == 0) return fail("recv: the peer closed the connection");
    if (n < 0) return fail(std::string("recv: ") + std::strerror(errno));
    echoed.append(buffer, static_cast<std::size_t>(n));
  }
  if (echoed != chunk) {
    const auto diff = std::mismatch(chunk.begin(), chunk.end(), echoed.begin());
    return fail("echo differs at byte " + std::to_string(diff.first - chunk.begin()) + " of " +
                std::to_string(echoed.size()));
  }
  return true;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

bool IsMonitoringEvent(const nlohmann::json& e) {
  return e.is_object() && e.value("event", "") == "monitoring" && e.contains("data");
}

class EscapeSliceScenarioTest : public RigScenarioTest {
 protected:
  void SetUp() override { rig_ = std::make_unique<UclinkRig>(EscapeConfig()); }

  void TearDown() override {
    ExpectCleanStop();
    // SIGTERM hangs up cleanly whatever a slice was doing: the module is in command mode.
    EXPECT_EQ(rig_->SimStatusField("mode"), "kCommand") << rig_->SimControl("status");
    rig_.reset();
  }

  // The rig's StartAndConnect, then online.
  void StartAndConnect(const std::vector<std::string>& sim_args) {
    RigScenarioTest::StartAndConnect(sim_args);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(events_->WaitForState("online", 30s)) << rig_->DaemonLog();
  }
};

TEST_F(EscapeSliceScenarioTest, ReadingsStayFreshAndTcpKeepsFlowingAcrossSlices) {
  const int slices = [] {
    const char* text = std::getenv("UCLINK_ESCAPE_SLICES");
    return std::clamp(text == nullptr ? 6 : std::atoi(text), 3, 200);
  }();
  EchoServer server;
  ASSERT_GT(server.port(), 0);
  StartAndConnect({"--fast", "--escape"});
  const int fd = ConnectThroughPpp(server.port());
  ASSERT_GE(fd, 0) << "no TCP connection through the PPP interface";
  const std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) {
    ::close(*f);
    delete f;
  });
  const std::atomic<bool> no_waiting{true};  // before slicing: one receive bound is enough
  ASSERT_TRUE(RoundTrip(fd, "hello", no_waiting)) << "no echo through the PPP interface";

  // Traffic never stops: a slice stalls it (TCP retransmits), it must not break it.
  std::atomic<bool> stop{false}, broken{false};
  std::atomic<std::size_t> round_trips{0};
  std::string broke_because;   // written by the traffic thread before `broken`, read after join
  double longest_stall_s = 0;  // written by the traffic thread, read after join
  std::mutex progress_mutex;   // round_trips' changes are signalled on `progress`
  std::condition_variable progress;
  std::thread traffic([&] {
    const std::string chunk(1024, 'u');
    while (!stop && !broken) {
      std::string why;
      const auto started = Clock::now();
      if (RoundTrip(fd, chunk, stop, &why)) {
        {
          const std::lock_guard<std::mutex> lock(progress_mutex);
          ++round_trips;
        }
        progress.notify_all();
        longest_stall_s = std::max(longest_stall_s,
                                   std::chrono::duration<double>(Clock::now() - started).count());
      } else if (!stop) {  // the shutdown() below ends the last one on purpose
        broke_because = why;
        {
          const std::lock_guard<std::mutex> lock(progress_mutex);
          broken = true;
        }
        progress.notify_all();
      }
    }
  });
  // Status is sampled every 100 ms, traffic or not, so the worst ages are seen right before
  // each fresh reading.
  std::vector<double> durations_ms;
  double worst_signal_age = 0, worst_registration_age = 0;
  std::size_t seen = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(slices * kCsqIntervalS + 30);
  while (static_cast<int>(durations_ms.size()) < slices && Clock::now() < deadline && !broken) {
    while (events_->Next(100ms)) {  // 1 ms would round down to "no wait" in the rig
    }
    bool error = false;
    for (; seen < events_->seen().size(); ++seen) {
      const nlohmann::json& e = events_->seen()[seen];
      if (e.value("event", "") == "error") error = true;
      EXPECT_FALSE(e.value("event", "") == "error") << e.dump();
      if (IsMonitoringEvent(e)) durations_ms.push_back(e["data"]["last_escape_ms"].get<double>());
    }
    if (error) break;
    if (durations_ms.empty()) continue;  // ages are meaningful once slices run
    const nlohmann::json status = rig_->Status();
    if (!status.is_object() || status["state"] != "online" ||
        !status["signal"]["age_s"].is_number() || !status["registration"]["age_s"].is_number()) {
      ADD_FAILURE() << "status while slicing: " << status.dump();
      break;
    }
    worst_signal_age = std::max(worst_signal_age, status["signal"]["age_s"].get<double>());
    worst_registration_age =
        std::max(worst_registration_age, status["registration"]["age_s"].get<double>());
  }
  // A stall is not a break, but the data path must still work once slicing is over: the
  // round trip in flight completes (TCP's next retransmission) before the connection is shut.
  bool flowing_after_slices = broken;
  {
    std::unique_lock<std::mutex> lock(progress_mutex);
    const std::size_t before = round_trips;
    flowing_after_slices = progress.wait_for(lock, std::chrono::seconds(120), [&] {
      return round_trips > before || broken;
    }) && !broken;
  }
  EXPECT_TRUE(flowing_after_slices) << "no round trip completed after the last slice";
  stop = true;
  ::shutdown(fd, SHUT_RDWR);  // ends a round trip in flight at once
  traffic.join();
  EXPECT_FALSE(broken) << "transfer broke after " << round_trips
                       << " round trips: " << broke_because;
  std::cout << "round trips " << round_trips << ", longest stall " << longest_stall_s << " s"
            << std::endl;
  ASSERT_EQ(static_cast<int>(durations_ms.size()), slices) << "slices seen in time";
  EXPECT_LT(worst_signal_age, kCsqIntervalS + kSliceBudgetS);
  EXPECT_LT(worst_registration_age, kCgregIntervalS + kSliceBudgetS);
  const nlohmann::json status = rig_->Status();
  EXPECT_GE(status["monitoring"]["escapes"].get<int>(), slices);
  EXPECT_GT(status["monitoring"]["last_escape_ms"].get<double>(), 2000.0);  // the guard times

  const double p50 = Percentile(durations_ms, 0.5);
  const double max = *std::max_element(durations_ms.begin(), durations_ms.end());
  EXPECT_LT(max, kSliceBudgetS * 1000);
  std::ostringstream report;
  report << "| slices | p50 out of data mode | max | worst signal age | worst registration age "
            "| TCP round trips (1 KiB) |\n|---|---|---|---|---|---|\n"
         << "| " << durations_ms.size() << " | " << p50 << " ms | " << max << " ms | "
         << worst_signal_age << " s | " << worst_registration_age << " s | " << round_trips.load()
         << " |\n";
  PublishReport("escape_slices.md", report.str());
}

TEST_F(EscapeSliceScenarioTest, FirmwareWithoutEscapeIsDetectedAndTheLinkRedialled) {
  StartAndConnect({"--fast"});  // the simulator forwards "+++" as data: no OK ever comes
  const auto online_at = Clock::now();
  ASSERT_TRUE(
      events_->WaitFor([](const nlohmann::json& e) { return IsError(e, "escape-failed"); }, 30s))
      << rig_->DaemonLog();
  // The first slice starts after csq_interval_s and gives up at its budget.
  EXPECT_LT(Clock::now() - online_at, std::chrono::seconds(kCsqIntervalS + 9));
  ASSERT_TRUE(events_->WaitForState("online", 30s)) << "not redialled";
  EXPECT_EQ(rig_->Status()["monitoring"]["escapes"], 0);
}

}  // namespace
}  // namespace uclink::control::testing
