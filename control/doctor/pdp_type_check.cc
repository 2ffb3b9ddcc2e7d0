#include "control/doctor/pdp_type_check.h"

#include <string_view>
#include <vector>

namespace uclink::control::doctor {

CheckResult CheckPdpType(const AtRunner& run, const std::string& port, chat::PdpType type) {
  const std::string_view wanted = chat::ToString(type);
  const chat::AtReply reply = run(chat::AtCommand::FromText("AT+CGDCONT=?"));
  std::vector<std::string> listed;
  for (const std::string& line : reply.info) {
    const chat::Result<chat::PdpSupport> support = chat::DecodeCgdcontTest(line);
    if (support) listed.push_back(support->type);
  }
  if (!reply.ok() || listed.empty()) {
    return {"pdp_type", CheckStatus::kWarn,
            "AT+CGDCONT=? gave no usable answer" +
                (reply.final_line.empty() ? std::string() : " (" + reply.Describe() + ")"),
            "run `uclink at --port " + port + " AT+CGDCONT=?` to see the raw answer"};
  }
  std::string joined;
  for (const std::string& name : listed) {
    if (name == wanted) {
      return {"pdp_type", CheckStatus::kOk,
              "the module lists PDP type " + std::string(wanted) + " (AT+CGDCONT=?)", ""};
    }
    joined += (joined.empty() ? "" : ", ") + name;
  }
  return {"pdp_type", CheckStatus::kWarn,
          "the module lists PDP types " + joined + " but not " + std::string(wanted) +
              " (network.pdp_type)",
          "the manual (§2.11) accepts IPV6 although its own AT+CGDCONT=? answer omits it: if "
          "AT+CGDCONT fails when uclinkd connects, set network.pdp_type = \"IP\""};
}

}  // namespace uclink::control::doctor
