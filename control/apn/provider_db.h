// mobile-broadband-provider-info's serviceproviders.xml (Debian package of that name) as data:
// the providers, their 3GPP network ids (MCC + MNC) and their internet APNs (docs/apn.md).
// Parsing takes the file's bytes and does no I/O; provider_file.h reads the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "control/apn/errc.h"

namespace uclink::control::apn {

/// One <apn> of a provider: the access point name and what the database says about logging in.
struct ApnEntry {
  std::string apn;       ///< the value attribute
  std::string username;  ///< <username>, often empty
  std::string password;  ///< <password>, often empty; never logged
  std::string auth;      ///< <authentication method="...">: "", "pap", "chap", ...
  bool operator==(const ApnEntry&) const = default;
};

/// A 3GPP network id: MCC 3 digits, MNC 2 or 3 digits as the database writes them.
struct NetworkId {
  std::string mcc;
  std::string mnc;
};

/// A <provider> with its <gsm> part: only the internet APNs are kept, in the file's order.
struct Provider {
  std::string name;  ///< the <name> without xml:lang, else the first
  std::vector<NetworkId> networks;
  std::vector<ApnEntry> internet;  ///< every <apn> with <usage type="internet"/>
};

struct ProviderDb {
  std::vector<Provider> providers;  ///< in the file's order
};

/// What parsing produced: `error` is Errc::kOk or kDbMalformed (with `detail`, e.g. "line 12:
/// Opening and ending tag mismatch").
struct ParsedDb {
  ProviderDb db;
  Errc error = Errc::kOk;
  std::string detail;
};

/// The largest database the lookup accepts (Debian's file is about 1 MiB; a file 16 times that
/// is not serviceproviders.xml, and parsing it would cost the daemon memory for nothing).
inline constexpr std::size_t kMaxDbBytes = 16u << 20;

/// Parses serviceproviders.xml (format 2.0) with libxml2: no network access, no external
/// entities, no entity expansion. Elements the lookup does not use are ignored.
ParsedDb ParseProviderDb(std::string_view xml);

/// Why libxml2 could not be loaded ("libxml2.so.2: cannot open shared object file"), or "" when
/// it was (lazy_libxml2.cc: it is loaded on the first parse, not at program start).
std::string LibxmlLoadError();

}  // namespace uclink::control::apn
