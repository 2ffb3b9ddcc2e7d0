#include "control/doctor/apn_check.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chat/commands/identity.h"
#include "control/apn/provider_file.h"

namespace uclink::control::doctor {
namespace {

// The APN remembered for `imsi` in <state_dir>/apn.json (docs/state.md), read without the
// state directory's repair (the doctor changes nothing on the host).
std::optional<std::string> RememberedApn(const std::string& state_dir, const std::string& imsi) {
  std::ifstream file(state_dir + "/apn.json");
  if (!file) return std::nullopt;
  std::string text(1 << 20, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(file.gcount()));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("sims") || !doc["sims"].is_object()) return std::nullopt;
  const nlohmann::json& sims = doc["sims"];
  if (!sims.contains(imsi) || !sims[imsi].is_object()) return std::nullopt;
  const nlohmann::json& entry = sims[imsi];
  if (!entry.contains("apn") || !entry["apn"].is_string()) return std::nullopt;
  return entry["apn"].get<std::string>();
}

std::string Quoted(const std::string& apn) { return "\"" + apn + "\""; }

}  // namespace

CheckResult CheckSimApn(const AtRunner& run, const Config& config) {
  const chat::AtReply reply = run(chat::AtCommand::FromText("AT+CIMI"));
  std::optional<std::string> imsi;
  if (reply.ok() && !reply.info.empty()) {
    if (chat::Result<std::string> decoded = chat::DecodeCimi(reply.info.front())) imsi = *decoded;
  }
  const bool automatic = config.network.AutoApn();
  if (!imsi || !apn::SplitImsi(*imsi)) {
    return {"sim_apn", automatic ? CheckStatus::kWarn : CheckStatus::kOk,
            "no IMSI from AT+CIMI" +
                (reply.final_line.empty() ? std::string() : " (" + reply.Describe() + ")"),
            automatic ? "insert or unlock the SIM; without an IMSI, network.apn = \"auto\" uses "
                        "the module's default context"
                      : ""};
  }
  const apn::Lookup lookup = apn::LookUpFile(config.network.provider_db, *imsi);
  std::string finding = "IMSI " + *imsi;
  if (lookup.error == apn::Errc::kOk) {
    finding += ": " + lookup.provider + " (MCC " + lookup.mcc + ", MNC " + lookup.mnc +
               "); candidate APNs";
    for (std::size_t i = 0; i < lookup.candidates.size(); ++i) {
      finding += (i ? ", " : " ") + Quoted(lookup.candidates[i].entry.apn);
    }
  } else {
    finding +=
        ": no candidates (" + std::string(apn::ToString(lookup.error)) + ": " + lookup.detail + ")";
  }
  if (!automatic) {
    const std::string& apn = config.network.apn;
    finding += "; in use: " + (apn.empty() ? std::string("the module's default") : Quoted(apn)) +
               " (config)";
    return {"sim_apn", CheckStatus::kOk, finding, ""};
  }
  if (std::optional<std::string> remembered = RememberedApn(config.daemon.state_dir, *imsi)) {
    return {"sim_apn", CheckStatus::kOk,
            finding + "; in use: " + Quoted(*remembered) + " (remembered)", ""};
  }
  if (lookup.candidates.empty()) {
    return {"sim_apn", CheckStatus::kWarn, finding + "; in use: the module's default",
            "set apn = \"<your operator's APN>\" under [network]; the provider database is " +
                config.network.provider_db + " (Debian: mobile-broadband-provider-info)"};
  }
  return {"sim_apn", CheckStatus::kOk,
          finding + "; in use: " + Quoted(lookup.candidates.front().entry.apn) +
              " first (auto: " + lookup.candidates.front().provider + ")",
          ""};
}

}  // namespace uclink::control::doctor
