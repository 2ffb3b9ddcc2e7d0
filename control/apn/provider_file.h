// Reads the provider database file (network.provider_db) and looks an IMSI up in it: the I/O
// half of control/apn, used by the daemon and `uclink doctor` only when network.apn = "auto".
#pragma once

#include <string>
#include <string_view>

#include "control/apn/lookup.h"
#include "control/apn/provider_db.h"

namespace uclink::control::apn {

/// Debian's mobile-broadband-provider-info file, network.provider_db's default.
inline constexpr std::string_view kDefaultProviderDb =
    "/usr/share/mobile-broadband-provider-info/serviceproviders.xml";

/// Reads and parses `path`. Errors: kDbMissing, kDbUnreadable (with errno's text), kDbTooLarge
/// (checked before reading, and the read is bounded), kDbMalformed.
ParsedDb LoadProviderDb(const std::string& path);

/// LoadProviderDb + FindCandidates; a database error is the lookup's error, with the path.
Lookup LookUpFile(const std::string& path, std::string_view imsi);

}  // namespace uclink::control::apn
