#include "control/daemon/apn_store.h"

#include <algorithm>

#include "chat/commands/pdp.h"
#include "control/apn/provider_file.h"
#include "control/state/state_dir.h"

namespace uclink::control {
namespace {

constexpr const char* kDocument = "apn";

// The remembered APN of `imsi`, when the document holds a usable one.
std::optional<std::string> Remembered(const nlohmann::json& document, const std::string& imsi) {
  const auto sims = document.find("sims");
  if (sims == document.end() || !sims->is_object()) return std::nullopt;
  const auto entry = sims->find(imsi);
  if (entry == sims->end() || !entry->is_object()) return std::nullopt;
  const auto apn = entry->find("apn");
  if (apn == entry->end() || !apn->is_string()) return std::nullopt;
  return apn->get<std::string>();
}

}  // namespace

ApnResolution ResolveApnCandidates(const std::string& state_dir, const std::string& provider_db,
                                   const std::string& imsi) {
  ApnResolution result;
  result.event.imsi = imsi;
  const apn::Lookup lookup = apn::LookUpFile(provider_db, imsi);
  result.warnings = lookup.warnings;
  std::optional<std::string> remembered;
  if (apn::SplitImsi(imsi)) {
    const state::Loaded loaded = state::StateDir(state_dir).Load(kDocument, kApnDocumentSchema);
    if (!loaded.warning.empty()) result.warnings.push_back(loaded.warning);
    if (loaded.document) remembered = Remembered(*loaded.document, imsi);
    // The state file is ours, but a hand-edited APN must pass the same rule as the database's.
    if (remembered && (remembered->empty() || chat::CheckApn(*remembered))) {
      result.warnings.push_back("state \"apn\": the remembered APN for this SIM is unusable");
      remembered.reset();
    }
  }
  std::vector<ApnChoice>& out = result.event.candidates;
  if (remembered) {
    ApnChoice choice{*remembered, "", "", "", "remembered"};
    for (const apn::Candidate& c : lookup.candidates) {
      if (c.entry.apn == *remembered) {  // the database's credentials for it, if it still has it
        choice = {c.entry.apn, c.entry.username, c.entry.password, c.entry.auth, "remembered"};
        break;
      }
    }
    out.push_back(std::move(choice));
  }
  for (const apn::Candidate& c : lookup.candidates) {
    if (remembered && c.entry.apn == *remembered) continue;
    out.push_back(
        {c.entry.apn, c.entry.username, c.entry.password, c.entry.auth, "auto: " + c.provider});
  }
  if (lookup.error != apn::Errc::kOk) {
    result.event.error = std::string(apn::ToString(lookup.error)) + ": " + lookup.detail;
  }
  return result;
}

std::optional<std::string> RememberApn(const std::string& state_dir, const act::RememberApn& apn,
                                       const std::string& now_utc) {
  const state::StateDir dir(state_dir);
  const state::Loaded loaded = dir.Load(kDocument, kApnDocumentSchema);
  nlohmann::json document = loaded.document.value_or(nlohmann::json::object());
  if (Remembered(document, apn.imsi) == apn.apn) return std::nullopt;  // spare the flash
  document["schema"] = kApnDocumentSchema;
  if (!document.contains("sims") || !document["sims"].is_object()) {
    document["sims"] = nlohmann::json::object();
  }
  nlohmann::json& sims = document["sims"];
  while (sims.size() >= kMaxRememberedSims && !sims.contains(apn.imsi)) {
    // Drop the entry saved longest ago ("saved" is ISO 8601 UTC, so strings sort by time).
    auto oldest = sims.begin();
    for (auto it = sims.begin(); it != sims.end(); ++it) {
      const std::string a = it->value("saved", std::string());
      if (a < oldest->value("saved", std::string())) oldest = it;
    }
    sims.erase(oldest);
  }
  sims[apn.imsi] = {{"apn", apn.apn}, {"provider", apn.provider}, {"saved", now_utc}};
  return dir.Save(kDocument, document);
}

}  // namespace uclink::control
