// Dispatcher hooks fired by the real uclinkd (docs/system-integration.md, "Dispatcher hooks"):
// uclink-sim and the userspace PPP backend bring the link up and down, and the site's scripts
// in hooks.dir report what they were told through a FIFO the test holds open. Runs in private
// mount and network namespaces (root).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/control/scenarios/uclink_rig.h"

namespace uclink::control::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Lines the hooks write into a FIFO. The test holds both ends (O_RDWR), so a hook's open for
// writing never blocks and the read end never sees end-of-file between hooks.
class HookReports {
 public:
  explicit HookReports(const std::string& path) : path_(path) {
    if (::mkfifo(path.c_str(), 0600) == 0) fd_ = ::open(path.c_str(), O_RDWR | O_NONBLOCK);
  }
  ~HookReports() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool open() const { return fd_ >= 0; }

  /// The next line, waiting for the FIFO to become readable at most `bound`.
  std::optional<std::string> Next(std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    for (;;) {
      if (auto eol = buffer_.find('\n'); eol != std::string::npos) {
        std::string line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 1);
        seen_.push_back(line);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[512];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  /// Reads until a line starts with `prefix`; nullopt after `bound`.
  std::optional<std::string> WaitFor(const std::string& prefix, std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      std::optional<std::string> line = Next(left);
      if (!line) return std::nullopt;
      if (line->rfind(prefix, 0) == 0) return line;
    }
    return std::nullopt;
  }

  const std::vector<std::string>& seen() const { return seen_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  std::vector<std::string> seen_;
};

void WriteHook(const fs::path& path, const std::string& body, mode_t mode) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), mode);
}

class HooksScenarioTest : public PrivateNamespacesTest {
 protected:
  void SetUp() override {
    rig_ = std::make_unique<UclinkRig>(FastRecoveryConfig());
    const fs::path dir = fs::path(rig_->config_path()).parent_path();
    const fs::path hooks = dir / "dispatcher.d";
    fs::create_directory(hooks);
    ::chmod(hooks.c_str(), 0755);
    reports_ = std::make_unique<HookReports>((dir / "reports").string());
    ASSERT_TRUE(reports_->open());
    const std::string fifo = (dir / "reports").string();
    // Slow on "up": it says it started, then outlives hooks.timeout_s and is killed by pid.
    WriteHook(
        hooks / "05-slow",
        "[ \"$UCLINK_EVENT\" = up ] || exit 0\necho slow-started > " + fifo + "\nexec sleep 60\n",
        0755);
    WriteHook(hooks / "10-record",
              "echo \"$UCLINK_EVENT|$UCLINK_STATE|$UCLINK_MODE|$UCLINK_INTERFACE|"
              "$UCLINK_ADDRESS|$UCLINK_PEER|$UCLINK_DNS|$UCLINK_LAST_ERROR\" > " +
                  fifo + "\n",
              0755);
    // Writable by others: NetworkManager-dispatcher's rule says skip it.
    WriteHook(hooks / "20-insecure", "echo insecure-ran > " + fifo + "\n", 0777);
    std::ofstream(rig_->config_path(), std::ios::app)
        << "[hooks]\ndir = \"" << hooks.string() << "\"\ntimeout_s = 2\n";
  }

  void TearDown() override {
    if (HasFailure()) {
      std::string lines;
      for (const std::string& l : reports_->seen()) lines += l + "\n";
      ADD_FAILURE() << "hook reports:\n" << lines << "daemon log:\n" << rig_->DaemonLog();
    }
    EXPECT_EQ(rig_->StopDaemon(), 0);
    rig_.reset();
  }

  std::unique_ptr<UclinkRig> rig_;
  std::unique_ptr<HookReports> reports_;
};

TEST_F(HooksScenarioTest, UpAndDownReachTheSitesHooksInNameOrderWithTheLinksEnvironment) {
  ASSERT_TRUE(rig_->StartSim());
  ASSERT_TRUE(rig_->StartDaemon()) << rig_->DaemonLog();
  EventStream events(rig_->socket_path(), rig_.get());
  ASSERT_TRUE(events.open());
  ASSERT_EQ(rig_->Call("connect").value("ok", false), true);
  ASSERT_TRUE(events.WaitForState("online", 30s));

  // Name order: 05-slow runs first and is still running; the daemon answers meanwhile.
  ASSERT_TRUE(reports_->WaitFor("slow-started", 10s));
  const nlohmann::json status = rig_->Status();
  EXPECT_EQ(status.value("state", ""), "online");
  const std::string address = status["interface"].value("address", "");
  ASSERT_FALSE(address.empty());

  // 10-record hears "up" only after 05-slow was killed at hooks.timeout_s.
  const std::optional<std::string> up = reports_->WaitFor("up|", 10s);
  ASSERT_TRUE(up);
  EXPECT_EQ(*up, "up|online|ppp|uclink0|" + address + "|" + status["interface"].value("peer", "") +
                     "|" + status["interface"]["dns"][0].get<std::string>() + "|");
  EXPECT_NE(rig_->DaemonLog().find("hooks: 05-slow (up) still running after 2 s: killing pid"),
            std::string::npos);

  ASSERT_EQ(rig_->Call("disconnect").value("ok", false), true);
  ASSERT_TRUE(events.WaitForState("idle", 30s));
  const std::optional<std::string> down = reports_->WaitFor("down|", 10s);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->rfind("down|hanging-up|", 0), 0u) << *down;
  // The insecure hook never ran, and the log says why.
  for (const std::string& line : reports_->seen()) EXPECT_NE(line, "insecure-ran");
  EXPECT_NE(rig_->DaemonLog().find("20-insecure"), std::string::npos);
}

}  // namespace
}  // namespace uclink::control::testing
