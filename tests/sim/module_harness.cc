#include "tests/sim/module_harness.h"

#include <utility>

namespace uclink::sim::testing {

Scenario FastScenario() {
  Scenario scenario;
  scenario.fast = true;
  return scenario;
}

ModuleHarness::ModuleHarness(Scenario scenario)
    : start_(TimePoint() + std::chrono::hours(1)),
      now_(start_),
      module_(std::move(scenario), start_) {}

void ModuleHarness::Collect() {
  for (ModuleAction& action : module_.TakeActions()) {
    if (action.kind == ModuleAction::Kind::kWriteSerial) {
      serial_ += action.bytes;
    } else {
      peer_.push_back(std::move(action));
    }
  }
}

void ModuleHarness::Send(std::string_view bytes) {
  module_.OnSerial(bytes, now_);
  Collect();
}

void ModuleHarness::Advance(std::chrono::milliseconds ms) {
  TimePoint target = now_ + ms;
  for (int guard = 0; guard < 1000000; ++guard) {
    std::optional<TimePoint> next = module_.NextDeadline();
    if (!next || *next > target) break;
    now_ = std::max(now_, *next);
    module_.OnTimer(now_);
    Collect();
  }
  now_ = target;
  module_.OnTimer(now_);
  Collect();
}

void ModuleHarness::Settle(std::chrono::milliseconds limit) {
  Collect();
  TimePoint end = now_ + limit;
  for (int guard = 0; guard < 1000000 && !module_.Idle(); ++guard) {
    std::optional<TimePoint> next = module_.NextDeadline();
    if (!next || *next > end) break;
    now_ = std::max(now_, *next);
    module_.OnTimer(now_);
    Collect();
  }
}

std::string ModuleHarness::Command(std::string_view line) {
  TakeSerial();
  Send(std::string(line) + "\r");
  Settle();
  std::string out = TakeSerial();
  std::string echo = std::string(line) + "\r";
  if (out.compare(0, echo.size(), echo) == 0) out.erase(0, echo.size());
  return out;
}

std::vector<std::string> ModuleHarness::Lines(std::string_view line) {
  return SplitLines(Command(line));
}

std::string ModuleHarness::TakeSerial() {
  Collect();
  return std::exchange(serial_, {});
}

std::vector<ModuleAction> ModuleHarness::TakePeerActions() {
  Collect();
  return std::exchange(peer_, {});
}

std::string ModuleHarness::Control(std::string_view line) {
  std::string answer = module_.OnControl(line, now_);
  Collect();
  return answer;
}

std::chrono::milliseconds ModuleHarness::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - start_);
}

std::vector<std::string> SplitLines(std::string_view output) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= output.size()) {
    std::size_t end = output.find("\r\n", pos);
    std::string_view line = output.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (!line.empty()) lines.emplace_back(line);
    if (end == std::string_view::npos) break;
    pos = end + 2;
  }
  return lines;
}

}  // namespace uclink::sim::testing
