#include "control/doctor/module_checks.h"

#include <optional>
#include <string_view>

#include "chat/commands/network.h"
#include "control/api/status.h"

namespace uclink::control::doctor {
namespace {

constexpr std::string_view kDependentChecks[] = {"cfun", "registration", "signal"};

// The first information line of a successful reply.
std::optional<std::string> FirstLine(const chat::AtReply& reply) {
  if (!reply.ok() || reply.info.empty()) return std::nullopt;
  return reply.info.front();
}

CheckResult Unreadable(std::string name, const std::string& command, const chat::AtReply& reply,
                       const std::string& port) {
  return {std::move(name), CheckStatus::kWarn,
          command + " gave no usable answer" +
              (reply.final_line.empty() ? "" : " (" + reply.Describe() + ")"),
          "run `uclink at --port " + port + " " + command + "` to see the raw answer"};
}

// Manual §2.1: +CFUN: 0 minimum functionality (radio off), 1 full.
CheckResult CheckCfun(const AtRunner& run, const std::string& port, std::optional<int>* fun) {
  const chat::AtReply reply = run(chat::AtCommand::FromText("AT+CFUN?"));
  const auto line = FirstLine(reply);
  const auto decoded = line ? std::optional(chat::DecodeCfun(*line)) : std::nullopt;
  if (!decoded || !*decoded) return Unreadable("cfun", "AT+CFUN?", reply, port);
  *fun = (*decoded)->fun;
  if (**fun == 1) return {"cfun", CheckStatus::kOk, "full functionality (CFUN=1)", ""};
  return {"cfun", CheckStatus::kWarn,
          "radio not at full functionality (CFUN=" + std::to_string(**fun) + ")",
          "uclinkd sends AT+CFUN=1 when it connects; to switch it on now: uclink at --port " +
              port + " AT+CFUN=1"};
}

// Manual §2.15: +CGREG: <n>,<stat>; stat 1 home and 5 roaming are registered.
CheckResult CheckRegistration(const AtRunner& run, const std::string& port,
                              std::optional<int> fun) {
  const chat::AtReply reply = run(chat::AtCommand::FromText("AT+CGREG?"));
  const auto line = FirstLine(reply);
  const auto decoded =
      line ? std::optional(chat::DecodeCgreg(*line, /*query_in_flight=*/true)) : std::nullopt;
  if (!decoded || !*decoded) {
    if (fun == 0) {
      return {"registration", CheckStatus::kWarn, "not readable while the radio is off (CFUN=0)",
              "uclinkd switches the radio on (AT+CFUN=1) and then waits for registration"};
    }
    return Unreadable("registration", "AT+CGREG?", reply, port);
  }
  const int stat = static_cast<int>((*decoded)->status);
  const std::string name = api::RegistrationStatName(stat).value_or("stat " + std::to_string(stat));
  const std::string finding = "stat " + std::to_string(stat) + " (" + name + ")";
  if (chat::IsRegistered((*decoded)->status)) {
    return {"registration", CheckStatus::kOk, "registered: " + finding, ""};
  }
  if (fun == 0) {
    return {"registration", CheckStatus::kWarn, "not registered: " + finding + ", radio off",
            "uclinkd switches the radio on (AT+CFUN=1) and attaches (AT+CGATT=1) when it connects"};
  }
  switch ((*decoded)->status) {
    case chat::RegStatus::kSearching:
    case chat::RegStatus::kUnknown:
      return {"registration", CheckStatus::kWarn, "not registered yet: " + finding,
              "wait; if it stays so, check the antenna and coverage (uclink at --port " + port +
                  " AT+CSQ)"};
    case chat::RegStatus::kDenied:
      return {"registration", CheckStatus::kFail, "registration denied: " + finding,
              "the network refuses this SIM: check that it is activated for data and not "
              "barred, or try another operator (AT+COPS)"};
    case chat::RegStatus::kNotRegistered:
    case chat::RegStatus::kHome:
    case chat::RegStatus::kRoaming:
      break;
  }
  return {"registration", CheckStatus::kFail, "not registered and not searching: " + finding,
          "check the SIM and antenna; `uclink at --port " + port +
              " AT+CGATT=1` starts an attach (uclinkd does so when it connects); AT+COPS=0 "
              "restores automatic operator selection"};
}

// Manual §2.17: <rss> 0–31, 99 unknown (never shown as 0 %); below 10 is marginal for GPRS.
CheckResult CheckSignal(const AtRunner& run, const std::string& port) {
  const chat::AtReply reply = run(chat::AtCommand::FromText("AT+CSQ"));
  const auto line = FirstLine(reply);
  const auto decoded = line ? std::optional(chat::DecodeCsq(*line)) : std::nullopt;
  if (!decoded || !*decoded) return Unreadable("signal", "AT+CSQ", reply, port);
  const chat::SignalQuality& q = **decoded;
  if (!q.rssi_dbm) {
    return {"signal", CheckStatus::kWarn, "signal unknown (CSQ " + std::to_string(q.csq) + ")",
            "the module has no measurement yet (radio off, not registered, or no coverage): "
            "check the antenna, then run the doctor again"};
  }
  const std::string finding =
      "CSQ " + std::to_string(q.csq) + " (" + std::to_string(*q.rssi_dbm) + " dBm)";
  if (q.csq < 10) {
    return {"signal", CheckStatus::kWarn, "weak signal: " + finding,
            "move the antenna or the device; expect slow or dropped connections"};
  }
  return {"signal", CheckStatus::kOk, finding, ""};
}

}  // namespace

void CheckModule(const AtRunner& run, const std::string& port, Report* report) {
  chat::AtCommand at = chat::AtCommand::FromText("AT");
  at.timeout = kAtTimeout;
  const chat::AtReply hello = run(std::move(at));
  if (!hello.final) {
    report->checks.push_back(
        {"module", CheckStatus::kFail,
         "no answer to AT on " + port + " within " + std::to_string(kAtTimeout.count()) + " ms",
         "check power, wiring and the baud rate ([modem] baud in the configuration); a module "
         "left in data mode by a killed PPP session answers nothing until the call ends: "
         "power-cycle it"});
    for (std::string_view name : kDependentChecks) {
      report->skipped.push_back({std::string(name), "the module does not answer"});
    }
    return;
  }
  report->checks.push_back(
      {"module", CheckStatus::kOk, "answers AT (" + hello.final_line + ") on " + port, ""});
  std::optional<int> fun;
  report->checks.push_back(CheckCfun(run, port, &fun));
  report->checks.push_back(CheckRegistration(run, port, fun));
  report->checks.push_back(CheckSignal(run, port));
}

CheckResult CannotOpenPort(const std::string& port, const std::string& reason) {
  return {"module", CheckStatus::kFail, "cannot open " + port + ": " + reason,
          "see the port checks above"};
}

}  // namespace uclink::control::doctor
