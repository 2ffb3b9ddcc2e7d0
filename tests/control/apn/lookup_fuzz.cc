// Fuzzes the APN lookup: the first line is the IMSI, the rest a serviceproviders.xml. Any bytes
// must give a result or an error, never a crash, and every candidate must be an APN the module
// can take in AT+CGDCONT's quoted parameter (chat::CheckApn).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chat/commands/pdp.h"
#include "control/apn/lookup.h"
#include "control/apn/provider_db.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace uclink::control::apn;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = bytes.find('\n');
  const std::string_view imsi = bytes.substr(0, newline);
  const std::string_view xml = newline == std::string_view::npos ? "" : bytes.substr(newline + 1);
  (void)SplitImsi(imsi);
  const ParsedDb parsed = ParseProviderDb(xml);
  const Lookup lookup = FindCandidates(parsed.db, imsi);
  for (const Candidate& candidate : lookup.candidates) {
    if (candidate.entry.apn.empty() || uclink::chat::CheckApn(candidate.entry.apn)) {
      __builtin_trap();
    }
  }
  if (lookup.error == Errc::kOk && lookup.candidates.empty()) __builtin_trap();
  return 0;
}
