#include "control/doctor/check.h"

#include <algorithm>

namespace uclink::control::doctor {

std::string_view ToString(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kWarn:
      return "warn";
    case CheckStatus::kFail:
      return "fail";
  }
  return "unknown";
}

bool Report::ok() const {
  return std::none_of(checks.begin(), checks.end(),
                      [](const CheckResult& c) { return c.status == CheckStatus::kFail; });
}

const CheckResult* Report::Find(std::string_view name) const {
  for (const CheckResult& check : checks) {
    if (check.name == name) return &check;
  }
  return nullptr;
}

nlohmann::ordered_json ToJson(const Report& report) {
  using nlohmann::ordered_json;
  ordered_json checks = ordered_json::array();
  for (const CheckResult& c : report.checks) {
    checks.push_back({{"name", c.name},
                      {"status", ToString(c.status)},
                      {"finding", c.finding},
                      {"fix", c.fix.empty() ? ordered_json(nullptr) : ordered_json(c.fix)}});
  }
  ordered_json skipped = ordered_json::array();
  for (const SkippedCheck& s : report.skipped) {
    skipped.push_back({{"name", s.name}, {"reason", s.reason}});
  }
  return {{"checks", std::move(checks)}, {"skipped", std::move(skipped)}, {"ok", report.ok()}};
}

namespace {

std::string_view Mark(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "\u2714";  // ✔
    case CheckStatus::kWarn:
      return "!";
    case CheckStatus::kFail:
      return "\u2718";  // ✘
  }
  return "?";
}

}  // namespace

std::string FormatHuman(const Report& report) {
  std::string out;
  int failed = 0;
  int warned = 0;
  for (const CheckResult& c : report.checks) {
    out += std::string(Mark(c.status)) + " " + c.name + ": " + c.finding + "\n";
    if (!c.fix.empty()) out += "    fix: " + c.fix + "\n";
    failed += c.status == CheckStatus::kFail;
    warned += c.status == CheckStatus::kWarn;
  }
  for (const SkippedCheck& s : report.skipped) {
    out += "- " + s.name + ": not checked (" + s.reason + ")\n";
  }
  out += report.ok() ? "ready" : "not ready";
  out += ": " + std::to_string(failed) + " failed, " + std::to_string(warned) + " warning" +
         (warned == 1 ? "" : "s") + "\n";
  return out;
}

int ExitCode(const Report& report) { return report.ok() ? 0 : 1; }

}  // namespace uclink::control::doctor
