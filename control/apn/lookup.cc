#include "control/apn/lookup.h"

#include <algorithm>
#include <array>

#include "chat/commands/pdp.h"

namespace uclink::control::apn {
namespace {

// Mobile country codes whose networks use three-digit MNCs (ITU-T E.212 assignments: the USA,
// its territories, Canada, Mexico, the Caribbean, India's 405 block and parts of South America).
// Used only to break a tie between two readings that both match the database.
constexpr std::array<std::string_view, 22> kThreeDigitMnc = {
    "302", "310", "311", "312", "313", "314", "315", "316", "334", "338", "342",
    "344", "346", "348", "354", "356", "358", "360", "365", "376", "405", "722"};

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<const Provider*> Matching(const ProviderDb& db, const std::string& mcc,
                                      const std::string& mnc) {
  std::vector<const Provider*> found;
  if (mnc.empty()) return found;
  for (const Provider& provider : db.providers) {
    const bool match =
        std::any_of(provider.networks.begin(), provider.networks.end(),
                    [&](const NetworkId& id) { return id.mcc == mcc && id.mnc == mnc; });
    if (match) found.push_back(&provider);
  }
  return found;
}

// An APN refused by CheckApn may hold control bytes: shown in a warning, they become '?'.
std::string Printable(std::string_view text) {
  std::string out(text.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

}  // namespace

std::optional<ImsiPlmn> SplitImsi(std::string_view imsi) {
  const auto first = imsi.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  imsi = imsi.substr(first, imsi.find_last_not_of(" \t\r\n") - first + 1);
  if (imsi.size() < 6 || imsi.size() > 15 || !AllDigits(imsi)) return std::nullopt;
  return ImsiPlmn{std::string(imsi.substr(0, 3)), std::string(imsi.substr(3, 2)),
                  std::string(imsi.substr(3, 3))};
}

Lookup FindCandidates(const ProviderDb& db, std::string_view imsi) {
  Lookup lookup;
  const std::optional<ImsiPlmn> plmn = SplitImsi(imsi);
  if (!plmn) {
    lookup.error = Errc::kBadImsi;
    lookup.detail = imsi.empty() ? "no IMSI (AT+CIMI gave none)"
                                 : "IMSI \"" + Printable(imsi) + "\" is not 6 to 15 digits";
    return lookup;
  }
  const std::vector<const Provider*> two = Matching(db, plmn->mcc, plmn->mnc2);
  const std::vector<const Provider*> three = Matching(db, plmn->mcc, plmn->mnc3);
  bool use_three = false;
  if (two.empty() || three.empty()) {
    use_three = two.empty();
  } else if ((two.size() == 1) != (three.size() == 1)) {
    use_three = three.size() == 1;  // an exact single match beats an ambiguous one
  } else {
    use_three =
        std::find(kThreeDigitMnc.begin(), kThreeDigitMnc.end(), plmn->mcc) != kThreeDigitMnc.end();
  }
  const std::vector<const Provider*>& providers = use_three ? three : two;
  if (providers.empty()) {
    lookup.error = Errc::kNoProvider;
    lookup.detail = "MCC " + plmn->mcc + ", MNC " + plmn->mnc2 + " or " + plmn->mnc3;
    return lookup;
  }
  lookup.mcc = plmn->mcc;
  lookup.mnc = use_three ? plmn->mnc3 : plmn->mnc2;
  for (const Provider* provider : providers) {
    lookup.provider += (lookup.provider.empty() ? "" : " / ") + provider->name;
    for (const ApnEntry& entry : provider->internet) {
      if (std::optional<chat::CommandError> bad = chat::CheckApn(entry.apn);
          bad || entry.apn.empty()) {
        lookup.warnings.push_back(provider->name + ": APN \"" + Printable(entry.apn) +
                                  "\" skipped: " + (bad ? bad->detail : "empty"));
        continue;
      }
      const bool seen = std::any_of(lookup.candidates.begin(), lookup.candidates.end(),
                                    [&](const Candidate& c) { return c.entry == entry; });
      if (!seen) lookup.candidates.push_back({entry, provider->name});
    }
  }
  if (lookup.candidates.empty()) {
    lookup.error = Errc::kNoInternetApn;
    lookup.detail = lookup.provider + " (MCC " + lookup.mcc + ", MNC " + lookup.mnc + ")";
  }
  return lookup;
}

}  // namespace uclink::control::apn
