// Connect/disconnect soak: N cycles (UCLINK_SOAK_CYCLES, default 20 for CI; the figures in
// docs/RELIABILITY.md come from 200 and 1000) through uclink-sim --fast and the userspace PPP
// engine. The daemon's fds, RSS, children, the TUN device and named namespaces are sampled in
// `idle` after a warm-up cycle and after the last one; the test fails on any growth beyond
// allocator noise. Figures go to stdout and $TEST_UNDECLARED_OUTPUTS_DIR/soak.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/reliability/reliability_rig.h"

namespace uclink::reliability {
namespace {

using namespace std::chrono_literals;

// RSS may move by a few pages (malloc arenas, page-cache of the binary); a leak of even 1 KiB per
// cycle exceeds this after 200 cycles, and the fd count must match exactly.
constexpr long kRssSlackKb = 512;

int Cycles() {
  const char* text = std::getenv("UCLINK_SOAK_CYCLES");
  const int n = text == nullptr ? 20 : std::atoi(text);
  return std::clamp(n, 1, 100000);
}

class SoakTest : public PrivateNamespacesTest {
 protected:
  // One connect → online → disconnect → idle; returns its duration, or nullopt on failure.
  std::optional<Clock::duration> Cycle() {
    const auto start = Clock::now();
    {
      EventStream events(rig_.socket_path(), &rig_);
      if (rig_.Call("connect").value("ok", false) != true) return std::nullopt;
      if (!events.WaitForState("online", 30s)) return std::nullopt;
      if (rig_.Call("disconnect").value("ok", false) != true) return std::nullopt;
      if (!events.WaitForState("idle", 30s)) return std::nullopt;
    }
    return Clock::now() - start;
  }

  UclinkRig rig_{FastRecoveryConfig()};
};

TEST_F(SoakTest, ConnectDisconnectCyclesKeepResourcesFlat) {
  ASSERT_TRUE(rig_.StartSim({"--fast"})) << rig_.SimLog();
  ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog();
  ASSERT_TRUE(Cycle()) << rig_.DaemonLog();  // warm-up: first-use allocations are not leaks
  const ResourceSample start = rig_.SettledSample();
  const int cycles = Cycles();
  std::vector<double> ms;
  const auto run_start = Clock::now();
  for (int i = 0; i < cycles; ++i) {
    const std::optional<Clock::duration> took = Cycle();
    ASSERT_TRUE(took) << "cycle " << i << " failed; state " << rig_.State() << "\n"
                      << rig_.Casualty() << "\n"
                      << rig_.DaemonLog().substr(0, 20000);
    ms.push_back(std::chrono::duration<double, std::milli>(*took).count());
  }
  const auto run = Clock::now() - run_start;
  const ResourceSample end = rig_.SettledSample();
  std::sort(ms.begin(), ms.end());
  std::ostringstream report;
  report.precision(1);
  report << std::fixed << "| cycles | start (idle) | end (idle) | cycle p50 | cycle p99 | total |\n"
         << "|---|---|---|---|---|---|\n| " << cycles << " | " << Describe(start) << " | "
         << Describe(end) << " | " << ms[ms.size() / 2] << " ms | "
         << ms[std::min(ms.size() - 1, ms.size() * 99 / 100)] << " ms | "
         << std::chrono::duration<double>(run).count() << " s |\n";
  PublishReport("soak.md", report.str());
  // No growth; one fewer is a descriptor that was transiently open when the first sample ran.
  EXPECT_LE(end.fds, start.fds);
  if (!kUnderAddressSanitizer) {
    EXPECT_LE(end.rss_kb, start.rss_kb + kRssSlackKb);
  }
  EXPECT_EQ(end.children, 0);
  EXPECT_FALSE(end.tun_present);
  EXPECT_EQ(rig_.StopDaemon(), 0);
  EXPECT_TRUE(rig_.ModuleAnswersAt()) << "the module was left in data mode";
}

}  // namespace
}  // namespace uclink::reliability
