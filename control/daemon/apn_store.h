// The daemon's side of network.apn = "auto" (docs/apn.md): the candidates for an IMSI, the one
// remembered in the state directory's "apn" document first, then network.provider_db's; and
// the save when one activated. File I/O only; every decision about trying them is the
// manager's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/manager/events.h"

namespace uclink::control {

/// The "apn" document's schema (docs/state.md): {"schema": 1, "sims": {IMSI: {"apn", "provider",
/// "saved"}}}.
inline constexpr int kApnDocumentSchema = 1;
/// SIMs remembered at most; the oldest entry makes room (a device sees few SIMs).
inline constexpr std::size_t kMaxRememberedSims = 32;

struct ApnResolution {
  ev::ApnCandidates event;
  std::vector<std::string> warnings;  ///< state-file and skipped-candidate warnings, for the log
};

/// The remembered APN for `imsi` (if any), then the database's candidates without it.
ApnResolution ResolveApnCandidates(const std::string& state_dir, const std::string& provider_db,
                                   const std::string& imsi);

/// Records `apn` as the one that activated for `imsi`; returns why it could not (nullopt: saved
/// or already remembered).
std::optional<std::string> RememberApn(const std::string& state_dir, const act::RememberApn& apn,
                                       const std::string& now_utc);

}  // namespace uclink::control
