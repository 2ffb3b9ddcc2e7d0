// The state directory ([daemon] state_dir, default /var/lib/uclink): small JSON documents that
// must survive a daemon restart or a reboot — the recovery ladder's counters, the data-usage
// ledger per SIM, the APN that worked per SIM (docs/state.md). The manager stays pure: it is
// given what was loaded and asks for saves as actions; only the daemon touches this directory.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace uclink::control::state {

/// What Load found. `document` is empty for a missing file (a first start: no warning) and for
/// a file that could not be used (`warning` says why, and the file is kept aside, never reused).
struct Loaded {
  std::optional<nlohmann::json> document;
  std::string warning;
};

class StateDir {
 public:
  /// Documents larger than this are refused when read (a state file is a few KiB).
  static constexpr std::size_t kMaxDocument = 1 << 20;

  explicit StateDir(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  /// Path of document `name` ("recovery" → "<dir>/recovery.json").
  std::string PathOf(std::string_view name) const;

  /// Reads document `name`. It must be a JSON object whose "schema" is an integer from 1 to
  /// `max_schema`. A truncated, non-JSON, foreign or future-version file is renamed to
  /// "<name>.json.corrupt" (replacing an older one) so that the next save does not destroy
  /// what a person may want to look at, and the caller starts fresh.
  Loaded Load(std::string_view name, int max_schema) const;

  /// Writes document `name` atomically (docs/state.md), creating the directory when missing.
  /// Returns why it failed ("…: Read-only file system"), nullopt on success.
  std::optional<std::string> Save(std::string_view name, const nlohmann::json& document) const;

 private:
  std::string path_;
};

}  // namespace uclink::control::state
