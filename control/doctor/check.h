// The result of one pre-flight check and the report `uclink doctor` prints (human or JSON).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace uclink::control::doctor {

/// How a check came out: kWarn works but is degraded or will be fixed by uclinkd itself; kFail
/// stops uclinkd from getting online until the user acts.
enum class CheckStatus { kOk, kWarn, kFail };

/// "ok", "warn", "fail" (the JSON spelling).
std::string_view ToString(CheckStatus status);

/// One check: a stable name ("port_busy"), its status, what was found, and the fix ("" if ok).
struct CheckResult {
  std::string name;
  CheckStatus status = CheckStatus::kOk;
  std::string finding;
  std::string fix;

  friend bool operator==(const CheckResult&, const CheckResult&) = default;
};

/// A check that was not run because an earlier one failed (e.g. no module checks on a busy port).
struct SkippedCheck {
  std::string name;
  std::string reason;

  friend bool operator==(const SkippedCheck&, const SkippedCheck&) = default;
};

/// Everything one doctor run found, in the order the checks ran.
struct Report {
  std::vector<CheckResult> checks;
  std::vector<SkippedCheck> skipped;

  /// True when no check failed (warnings allowed).
  bool ok() const;
  /// The check named `name`, or nullptr.
  const CheckResult* Find(std::string_view name) const;
};

/// `--json`: {"checks": [{"name","status","finding","fix"}], "skipped": [{"name","reason"}],
/// "ok": bool}, keys in that order. "fix" is null for a passing check.
nlohmann::ordered_json ToJson(const Report& report);

/// One line per check, "✔ name: finding", "! ...", "✘ ..."; the fix indented below it; the
/// skipped checks and a summary line last.
std::string FormatHuman(const Report& report);

/// The process exit code: 0 when no check failed, 1 otherwise.
int ExitCode(const Report& report);

}  // namespace uclink::control::doctor
