// From an IMSI to the APNs to try: the MCC/MNC split and the candidate list (docs/apn.md,
// "Candidates"). Pure: the database is given, already parsed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/apn/errc.h"
#include "control/apn/provider_db.h"

namespace uclink::control::apn {

/// The IMSI's home network, both ways (3GPP TS 23.003 §2.2: MCC 3 digits, MNC 2 or 3). The
/// UC8088 cannot read the SIM's MNC length (EF_AD), so both readings are kept.
struct ImsiPlmn {
  std::string mcc;
  std::string mnc2;
  std::string mnc3;
};

/// Splits an IMSI (AT+CIMI, manual §2.6): 6 to 15 digits (TS 23.003 §2.2), surrounding blanks
/// ignored. nullopt for an absent, short, long or non-numeric value ("ERROR" included).
std::optional<ImsiPlmn> SplitImsi(std::string_view imsi);

/// One APN to try, with the provider it came from.
struct Candidate {
  ApnEntry entry;
  std::string provider;
};

/// The lookup's answer. `error` is kOk with at least one candidate, else why there is none.
struct Lookup {
  Errc error = Errc::kOk;
  std::string detail;
  std::string mcc, mnc;  ///< the reading of the IMSI that matched (empty when none did)
  std::string provider;  ///< the matching providers' names, joined with " / "
  std::vector<Candidate> candidates;
  std::vector<std::string> warnings;  ///< candidates skipped, and why
};

/// Every internet APN of the providers whose network id is the IMSI's MCC + MNC, in database
/// order, duplicates dropped. Both MNC lengths are tried; when both match, the reading with one
/// single provider wins, else the MNC length the MCC's country uses (three digits in North
/// America and a few others, two elsewhere). APNs chat::CheckApn refuses (quotes, control
/// characters, over 100 bytes: they cannot be sent in AT+CGDCONT's quoted parameter) are skipped
/// with a warning.
Lookup FindCandidates(const ProviderDb& db, std::string_view imsi);

}  // namespace uclink::control::apn
