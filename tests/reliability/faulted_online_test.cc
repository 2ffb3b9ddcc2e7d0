// A long online period with a fault injected every interval (docs/RELIABILITY.md): uclink-sim with
// realistic latencies, uclinkd (userspace PPP engine, slirp peer) and one subscriber that stays
// connected throughout. Fault k (cycling through RecoverableOnlineFaults()) is injected at the
// start of interval k; the link must be online again before the interval ends. Each row reports
// the detection time (injection → the state event leaving `online`) and the recovery time
// (injection → `online` again); faults the link absorbs must leave no state event within 5 s.
// A drop nobody injected fails the test. The daemon's fds, RSS, children, TUN device and named
// namespaces are sampled online before the first fault and after the last interval and must be
// flat; SIGTERM must then exit 0 and leave the module in command mode.
//
// UCLINK_FAULTED_MINUTES (default 2, so CI stays short; docs/RELIABILITY.md records 30) sets the
// number of intervals, UCLINK_FAULT_INTERVAL_S (default 30; 60 for the recorded runs) their length.
// Figures go to stdout and $TEST_UNDECLARED_OUTPUTS_DIR/faulted_online.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/reliability/fault_matrix.h"
#include "tests/reliability/reliability_rig.h"

namespace uclink::reliability {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A URC storm or a reboot can leave a grown (but reused) buffer behind; 2 MiB over the whole
// period still catches a per-fault leak of 64 KiB after 30 faults. fds must match exactly.
constexpr long kRssSlackKb = 2048;
// The matrix's bound for one recovery (fault_matrix.h); an interval is at least 20 s longer.
constexpr auto kRecoveryBound = 60s;
// A wedge adds detection (the probe's silent tries), the power cycle and the settle (the
// matrix's wedge cells have the same bound).
constexpr auto kWedgeRecoveryBound = 120s;
// Longer than echo-failure detection (2 × 1 s in FastRecoveryConfig): "the link absorbed it".
constexpr auto kAbsorbWindow = 5s;

int EnvInt(const char* name, int fallback, int low, int high) {
  const char* text = std::getenv(name);
  return std::clamp(text == nullptr ? fallback : std::atoi(text), low, high);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

bool IsStateEvent(const json& e) { return e.is_object() && e.value("event", "") == "state"; }

bool LeavesOnline(const json& e) {
  return IsStateEvent(e) && e["data"].is_object() && e["data"].value("from", "") == "online";
}

struct Row {
  std::string fault;
  bool passed = false;
  std::string outcome;  // "recovered", "absorbed (stayed online)", "✗ ..."
  std::optional<double> detect_s, recover_s;
  std::string errors;  // error codes the daemon published on the way
  ResourceSample after;
};

class FaultedOnlineTest : public PrivateNamespacesTest {
 protected:
  // Injects `fault` while online and follows the events until the link is online again.
  Row InjectAndRecover(const Fault& fault) {
    Row row{.fault = fault.name};
    const auto injected = Clock::now();
    if (rig_.SimControl(fault.inject).rfind("OK", 0) != 0) {
      row.outcome = "✗ simulator refused " + fault.inject;
      return row;
    }
    std::set<std::string> errors;
    std::optional<Clock::time_point> left;
    auto note = [&](const json& e) {
      if (e.value("event", "") == "error") errors.insert(e["data"].value("code", "?"));
      if (LeavesOnline(e) && !left) left = Clock::now();
      return EntersState(e, "online");
    };
    bool back = false;
    if (fault.link_survives) {
      events_->WaitFor([&](const json& e) { return note(e) || IsStateEvent(e); }, kAbsorbWindow);
      back = !left && rig_.State() == "online";
      if (back) row.outcome = "absorbed (stayed online)";
    }
    if (!back && !fault.undo.empty()) {
      back = events_->WaitFor(note, fault.undo_after).has_value();
      rig_.SimControl(fault.undo);
    }
    if (!back) back = events_->WaitFor(note, recovery_bound_).has_value();
    if (!fault.undo_on_recovery.empty()) rig_.SimControl(fault.undo_on_recovery);
    for (const std::string& e : errors) row.errors += (row.errors.empty() ? "" : ", ") + e;
    if (left) row.detect_s = Seconds(*left - injected);
    if (!back) {
      row.outcome = "✗ not online " + std::to_string(Seconds(Clock::now() - injected)) +
                    " s after the fault; state " + rig_.State();
      return row;
    }
    if (row.outcome.empty()) {
      row.recover_s = Seconds(Clock::now() - injected);
      row.outcome = "recovered";
    }
    row.passed = rig_.DaemonAlive();
    if (!row.passed) row.outcome = "✗ daemon exited";
    row.after = rig_.Sample();
    return row;
  }

  // Keeps reading the stream until `until` (a subscriber that stops reading is dropped); a drop
  // nobody injected is counted and followed until the link is back.
  void StayOnlineUntil(Clock::time_point until) {
    while (Clock::now() < until) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      std::optional<json> e = events_->Next(std::max(left, 1ms));
      if (!e) continue;
      if (LeavesOnline(*e)) {
        ++unplanned_drops_;
        std::cout << "unplanned drop: " << e->dump() << std::endl;
        events_->WaitForState("online", recovery_bound_);
      }
    }
  }

  std::string Report(const std::vector<Row>& rows, const ResourceSample& start,
                     const ResourceSample& end, Clock::duration period) const {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << "| # | fault | outcome | detected | online again | daemon errors | "
        << "fds / RSS after |\n|---|---|---|---|---|---|---|\n";
    int i = 0;
    for (const Row& r : rows) {
      out << "| " << ++i << " | " << r.fault << " | " << r.outcome << " | ";
      if (r.detect_s) out << *r.detect_s << " s";
      out << " | ";
      if (r.recover_s) out << *r.recover_s << " s";
      out << " | " << r.errors << " | " << r.after.fds << " / " << r.after.rss_kb << " kB |\n";
    }
    out << "\nOnline period " << Seconds(period) << " s, " << rows.size() << " faults, "
        << unplanned_drops_
        << " unplanned drops.\nStart (online, before the first fault): " << Describe(start)
        << ".\nEnd (online, after the last interval): " << Describe(end) << ".\n";
    return out.str();
  }

  UclinkRig rig_{FastRecoveryConfig()};
  std::optional<EventStream> events_;
  std::chrono::seconds recovery_bound_ = kRecoveryBound;
  int unplanned_drops_ = 0;
};

TEST_F(FaultedOnlineTest, RecoversFromAFaultEveryIntervalWithFlatResources) {
  const int intervals = EnvInt("UCLINK_FAULTED_MINUTES", 2, 1, 24 * 60);
  // UCLINK_FAULTED_WEDGE=1: every fault is a wedge, recovered through the power-cycle rung
  // (recovery.reset_command power-cycles the simulator; docs/RELIABILITY.md, "Wedge soak").
  const bool wedge = EnvInt("UCLINK_FAULTED_WEDGE", 0, 0, 1) == 1;
  if (wedge) {
    AddSimPowerCycleResetCommand(rig_, 60);  // a wedge every few minutes: above 4 an hour
    recovery_bound_ = kWedgeRecoveryBound;
  }
  const auto interval = std::chrono::seconds(EnvInt("UCLINK_FAULT_INTERVAL_S", 30, 20, 3600));
  // Realistic latencies, as the fault matrix's PPP phase (docs/simulator.md).
  ASSERT_TRUE(rig_.StartSim({"--registration", "2:300,1:700"})) << rig_.SimLog();
  ASSERT_TRUE(rig_.StartDaemon()) << rig_.DaemonLog();
  events_.emplace(rig_.socket_path(), &rig_);
  ASSERT_TRUE(events_->open());
  ASSERT_EQ(rig_.Call("connect").value("ok", false), true);
  ASSERT_TRUE(events_->WaitForState("online", 60s)) << rig_.DaemonLog();
  const ResourceSample start = rig_.SettledSample();

  const std::vector<Fault> faults =
      wedge ? std::vector<Fault>{WedgeFault()} : RecoverableOnlineFaults();
  std::vector<Row> rows;
  const auto period_start = Clock::now();
  for (int k = 0; k < intervals; ++k) {
    rows.push_back(InjectAndRecover(faults[k % faults.size()]));
    const Row& row = rows.back();
    std::cout << k + 1 << ". " << row.fault << ": " << row.outcome << " (" << row.errors << ")"
              << std::endl;
    EXPECT_TRUE(row.passed) << row.fault << ": " << row.outcome << "\n" << rig_.Casualty();
    if (!row.passed) break;
    StayOnlineUntil(period_start + (k + 1) * interval);
  }
  const auto period = Clock::now() - period_start;
  const ResourceSample end = rig_.SettledSample();
  const std::string report = Report(rows, start, end, period);
  PublishReport("faulted_online.md", report);
  EXPECT_EQ(unplanned_drops_, 0);
  EXPECT_EQ(end.fds, start.fds);
  if (!kUnderAddressSanitizer) {
    EXPECT_LE(end.rss_kb, start.rss_kb + kRssSlackKb);
  }
  EXPECT_EQ(end.children, 0);
  EXPECT_TRUE(end.tun_present);
  events_.reset();
  EXPECT_EQ(rig_.StopDaemon(), 0) << rig_.DaemonLog().substr(0, 20000);
  EXPECT_TRUE(rig_.ModuleAnswersAt()) << "the module was left in data mode";
}

}  // namespace
}  // namespace uclink::reliability
