#include "control/cli/probe_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "chat/commands/identity.h"
#include "chat/commands/network.h"
#include "chat/commands/pdp.h"
#include "control/api/status.h"
#include "control/cli/at_session.h"
#include "control/cli/at_subcommand.h"

namespace uclink::control::cli {
namespace {

using nlohmann::json;
using Run = std::function<chat::AtReply(chat::AtCommand)>;

struct ProbeFlags {
  PortFlags port;
  bool json = false;
};

// The first information line of a successful reply, if any (a copy: replies are temporaries).
std::optional<std::string> FirstLine(const chat::AtReply& reply) {
  if (!reply.ok() || reply.info.empty()) return std::nullopt;
  return reply.info.front();
}

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json StringOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

// Manual §2.2–§2.6.
json ProbeModule(const Run& run) {
  json module = {{"manufacturer", nullptr},
                 {"model", nullptr},
                 {"revision", nullptr},
                 {"imei", nullptr},
                 {"imsi", nullptr}};
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CGMI")))) {
    if (auto v = chat::DecodeCgmi(*line)) module["manufacturer"] = *v;
  }
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CGMM")))) {
    if (auto v = chat::DecodeCgmm(*line)) module["model"] = *v;
  }
  const chat::AtReply cgmr = run(chat::AtCommand::FromText("AT+CGMR"));
  if (cgmr.ok() && !cgmr.info.empty()) {
    const std::vector<std::string_view> lines(cgmr.info.begin(), cgmr.info.end());
    if (auto v = chat::DecodeCgmr(lines)) module["revision"] = StringOrNull(v->software);
  }
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CGSN")))) {
    if (auto v = chat::DecodeCgsn(*line)) module["imei"] = *v;
  }
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CIMI")))) {
    if (auto v = chat::DecodeCimi(*line)) module["imsi"] = *v;
  }
  return module;
}

// Manual §2.17: 99 means unknown and is null, never 0.
json ProbeSignal(const Run& run) {
  json signal = {{"csq", nullptr}, {"rssi_dbm", nullptr}, {"ber", nullptr}};
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CSQ")))) {
    if (auto v = chat::DecodeCsq(*line)) {
      if (v->csq != 99) signal["csq"] = v->csq;
      signal["rssi_dbm"] = OrNull(v->rssi_dbm);
      signal["ber"] = OrNull(v->ber);
    }
  }
  return signal;
}

// Manual §2.15.2: `+CGREG: <n>,<stat>[,<lac>,<ci>]`; lac/ci in the status document's format
// (api::FormatCellCode), so `probe` and `status` show the same cell the same way.
json ProbeRegistration(const Run& run) {
  json registration = {{"stat", nullptr}, {"name", nullptr}, {"lac", nullptr}, {"ci", nullptr}};
  const chat::AtReply reply = run(chat::AtCommand::FromText("AT+CGREG?"));
  const auto line = FirstLine(reply);
  if (!line) return registration;
  const auto decoded = chat::DecodeCgreg(*line, /*query_in_flight=*/true);
  if (!decoded) return registration;
  const int stat = static_cast<int>(decoded->status);
  registration["stat"] = stat;
  registration["name"] = OrNull(api::RegistrationStatName(stat));
  if (decoded->lac) registration["lac"] = api::FormatCellCode(*decoded->lac);
  if (decoded->ci) registration["ci"] = api::FormatCellCode(*decoded->ci);
  return registration;
}

// Manual §2.11, §2.10.3, §2.14: contexts from CGDCONT?, activity from CGACT?, addresses from
// CGPADDR.
json ProbePdpContexts(const Run& run) {
  std::map<int, json> contexts;
  const auto entry = [&contexts](int cid) -> json& {
    auto [it, inserted] = contexts.try_emplace(cid);
    if (inserted) {
      it->second = {{"cid", cid},
                    {"type", nullptr},
                    {"apn", nullptr},
                    {"active", nullptr},
                    {"address", nullptr}};
    }
    return it->second;
  };
  const chat::AtReply cgdcont = run(chat::AtCommand::FromText("AT+CGDCONT?"));
  for (const std::string& line : cgdcont.ok() ? cgdcont.info : std::vector<std::string>{}) {
    if (auto v = chat::DecodeCgdcont(line)) {
      json& context = entry(v->cid);
      context["type"] = StringOrNull(v->type);
      context["apn"] = v->apn;
    }
  }
  const chat::AtReply cgact = run(chat::AtCommand::FromText("AT+CGACT?"));
  for (const std::string& line : cgact.ok() ? cgact.info : std::vector<std::string>{}) {
    if (auto v = chat::DecodeCgact(line)) entry(v->cid)["active"] = v->active;
  }
  if (auto text = chat::EncodeCgpaddr()) {
    const chat::AtReply cgpaddr = run(chat::AtCommand::FromText(*text));
    for (const std::string& line : cgpaddr.ok() ? cgpaddr.info : std::vector<std::string>{}) {
      if (auto v = chat::DecodeCgpaddr(line)) entry(v->cid)["address"] = StringOrNull(v->address);
    }
  }
  json list = json::array();
  for (auto& [cid, context] : contexts) list.push_back(std::move(context));
  return list;
}

std::string Text(const json& value) {
  if (value.is_null()) return "unknown";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

void PrintText(const json& doc) {
  const json& m = doc["module"];
  std::cout << "module:       " << Text(m["manufacturer"]) << " " << Text(m["model"])
            << " (revision " << Text(m["revision"]) << ")\n"
            << "imei:         " << Text(m["imei"]) << "\n"
            << "imsi:         " << Text(m["imsi"]) << "\n"
            << "cfun:         " << Text(doc["cfun"]) << "\n";
  const json& s = doc["signal"];
  std::cout << "signal:       csq " << Text(s["csq"]) << ", " << Text(s["rssi_dbm"]) << " dBm, ber "
            << Text(s["ber"]) << "\n";
  const json& r = doc["registration"];
  std::cout << "registration: " << Text(r["stat"]) << " (" << Text(r["name"]) << "), lac "
            << Text(r["lac"]) << ", ci " << Text(r["ci"]) << "\n"
            << "operator:     " << Text(doc["operator"]) << "\n"
            << "attached:     " << Text(doc["attached"]) << "\n";
  for (const json& c : doc["pdp_contexts"]) {
    std::cout << "pdp context " << Text(c["cid"]) << ": type " << Text(c["type"]) << ", apn \""
              << Text(c["apn"]) << "\", active " << Text(c["active"]) << ", address "
              << Text(c["address"]) << "\n";
  }
}

ExitCode RunProbe(const ProbeFlags& flags) {
  std::error_code error;
  auto session = AtSession::Open(flags.port, error);
  if (!session) {
    std::cerr << "uclink probe: cannot open " << flags.port.port << ": " << error.message() << "\n";
    return ExitCodeFor(ClassifyError(error));
  }
  const chat::AtReply hello = session->Run(chat::AtCommand::FromText("AT"));
  if (!hello.final) {
    std::cerr << "uclink probe: the module does not answer AT: " << hello.error.message() << "\n";
    return ExitCodeFor(hello);
  }
  const json doc =
      Probe([&session](chat::AtCommand command) { return session->Run(std::move(command)); });
  if (flags.json) {
    std::cout << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    PrintText(doc);
  }
  return ExitCode::kOk;
}

}  // namespace

json Probe(const Run& run) {
  json doc;
  doc["module"] = ProbeModule(run);
  doc["cfun"] = nullptr;
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CFUN?")))) {
    if (auto v = chat::DecodeCfun(*line)) doc["cfun"] = v->fun;
  }
  doc["signal"] = ProbeSignal(run);
  doc["registration"] = ProbeRegistration(run);
  doc["operator"] = nullptr;
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+COPS?")))) {
    if (auto v = chat::DecodeCops(*line)) doc["operator"] = StringOrNull(v->oper);
  }
  doc["attached"] = nullptr;
  if (auto line = FirstLine(run(chat::AtCommand::FromText("AT+CGATT?")))) {
    if (auto v = chat::DecodeCgatt(*line)) doc["attached"] = *v;
  }
  doc["pdp_contexts"] = ProbePdpContexts(run);
  return doc;
}

void AddProbeCommand(CLI::App& app) {
  auto flags = std::make_shared<ProbeFlags>();
  CLI::App* probe = app.add_subcommand(
      "probe", "Report the module's identity, CFUN, signal, registration, operator and PDP state");
  AddPortFlags(*probe, flags->port);
  probe->add_flag("--json", flags->json, "Print the report as JSON");
  probe->callback([flags] {
    const ExitCode code = RunProbe(*flags);
    if (code != ExitCode::kOk) throw CLI::RuntimeError(static_cast<int>(code));
  });
}

}  // namespace uclink::control::cli
