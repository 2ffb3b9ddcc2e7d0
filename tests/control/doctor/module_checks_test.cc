// Module checks with scripted replies: the module's answers (manual §2.1, §2.15, §2.17) as data.
#include "control/doctor/module_checks.h"

#include <map>
#include <string>
#include <vector>

#include "chat/errc.h"
#include "control/doctor/pdp_type_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/doctor/at_replies.h"

namespace uclink::control::doctor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Ok;
using testing::Timeout;

// Answers from a table; anything unscripted times out. Records what was sent.
class ScriptedModule {
 public:
  explicit ScriptedModule(std::map<std::string, chat::AtReply> answers)
      : answers_(std::move(answers)) {}
  AtRunner runner() {
    return [this](chat::AtCommand command) {
      sent_.push_back(command.text);
      timeouts_.push_back(command.timeout);
      auto it = answers_.find(command.text);
      return it == answers_.end() ? Timeout() : it->second;
    };
  }
  const std::vector<std::string>& sent() const { return sent_; }
  const std::vector<std::optional<chat::Duration>>& timeouts() const { return timeouts_; }

 private:
  std::map<std::string, chat::AtReply> answers_;
  std::vector<std::string> sent_;
  std::vector<std::optional<chat::Duration>> timeouts_;
};

std::map<std::string, chat::AtReply> Healthy() {
  return {{"AT", Ok()},
          {"AT+CFUN?", Ok({"+CFUN: 1"})},
          {"AT+CGREG?", Ok({"+CGREG: 0,1,\"3352\",\"7EC3\""})},
          {"AT+CSQ", Ok({"+CSQ: 21,99"})}};
}

Report CheckAll(ScriptedModule& module) {
  Report report;
  CheckModule(module.runner(), "/dev/ttyUSB0", &report);
  return report;
}

TEST(ModuleChecksTest, HealthyModulePassesEveryCheckWithReadOnlyQueries) {
  ScriptedModule module(Healthy());
  const Report report = CheckAll(module);
  ASSERT_EQ(report.checks.size(), 4u);
  for (const CheckResult& check : report.checks) {
    EXPECT_EQ(check.status, CheckStatus::kOk) << check.name << ": " << check.finding;
  }
  EXPECT_THAT(module.sent(), ElementsAre("AT", "AT+CFUN?", "AT+CGREG?", "AT+CSQ"));
  EXPECT_THAT(report.Find("registration")->finding, HasSubstr("stat 1 (registered-home)"));
  EXPECT_THAT(report.Find("signal")->finding, HasSubstr("CSQ 21 (-71 dBm)"));
}

TEST(ModuleChecksTest, AtUsesTheShortTimeout) {
  ScriptedModule module(Healthy());
  CheckAll(module);
  ASSERT_FALSE(module.timeouts().empty());
  EXPECT_EQ(module.timeouts().front(), kAtTimeout);
}

TEST(ModuleChecksTest, SilentModuleFailsAndSkipsTheRest) {
  ScriptedModule module({});
  const Report report = CheckAll(module);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].name, "module");
  EXPECT_EQ(report.checks[0].status, CheckStatus::kFail);
  EXPECT_THAT(report.checks[0].fix, HasSubstr("baud"));
  EXPECT_THAT(module.sent(), ElementsAre("AT"));
  ASSERT_EQ(report.skipped.size(), 3u);
  EXPECT_EQ(report.skipped[0].name, "cfun");
}

TEST(ModuleChecksTest, ErrorToAtStillMeansTheModuleAnswers) {
  // Manual §2.19: in retention mode the first command after a pause is lost and gets ERROR.
  auto answers = Healthy();
  chat::AtReply error;
  error.final = chat::FinalKind::kError;
  error.final_line = "ERROR";
  error.error = chat::Errc::kModuleError;
  answers["AT"] = error;
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  EXPECT_EQ(report.Find("module")->status, CheckStatus::kOk);
  EXPECT_THAT(report.Find("module")->finding, HasSubstr("(ERROR)"));
}

TEST(ModuleChecksTest, RadioOffWarnsAndRegistrationExplainsWhy) {
  auto answers = Healthy();
  answers["AT+CFUN?"] = Ok({"+CFUN: 0"});
  answers["AT+CGREG?"] = Ok({"+CGREG: 0,0"});
  answers["AT+CSQ"] = Ok({"+CSQ: 99,99"});
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  EXPECT_EQ(report.Find("cfun")->status, CheckStatus::kWarn);
  EXPECT_THAT(report.Find("cfun")->fix, HasSubstr("AT+CFUN=1"));
  EXPECT_EQ(report.Find("registration")->status, CheckStatus::kWarn);
  EXPECT_THAT(report.Find("registration")->finding, HasSubstr("radio off"));
}

TEST(ModuleChecksTest, NotRegisteredWithRadioOnFailsAndNamesTheStat) {
  auto answers = Healthy();
  answers["AT+CGREG?"] = Ok({"+CGREG: 0,0"});
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  const CheckResult& check = *report.Find("registration");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("stat 0 (not-registered)"));
}

TEST(ModuleChecksTest, RegistrationDeniedFailsWithASimFix) {
  auto answers = Healthy();
  answers["AT+CGREG?"] = Ok({"+CGREG: 0,3"});
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  const CheckResult& check = *report.Find("registration");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("denied"));
  EXPECT_THAT(check.fix, HasSubstr("SIM"));
}

TEST(ModuleChecksTest, SearchingOnlyWarns) {
  auto answers = Healthy();
  answers["AT+CGREG?"] = Ok({"+CGREG: 1,2"});
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  const CheckResult& check = *report.Find("registration");
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("stat 2 (searching)"));
}

TEST(ModuleChecksTest, RoamingIsRegistered) {
  auto answers = Healthy();
  answers["AT+CGREG?"] = Ok({"+CGREG: 0,5"});
  ScriptedModule module(answers);
  EXPECT_EQ(CheckAll(module).Find("registration")->status, CheckStatus::kOk);
}

TEST(ModuleChecksTest, Csq99IsUnknownNotZero) {
  auto answers = Healthy();
  answers["AT+CSQ"] = Ok({"+CSQ: 99,99"});
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  const CheckResult& check = *report.Find("signal");
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("signal unknown (CSQ 99)"));
}

TEST(ModuleChecksTest, WeakSignalWarns) {
  auto answers = Healthy();
  answers["AT+CSQ"] = Ok({"+CSQ: 5,0"});
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  const CheckResult& check = *report.Find("signal");
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("-103 dBm"));
}

TEST(ModuleChecksTest, ErrorToAQueryWarnsWithTheModulesAnswer) {
  auto answers = Healthy();
  chat::AtReply error;
  error.final = chat::FinalKind::kExtError;
  error.final_line = "+EXT ERROR: 15";
  error.error = chat::Errc::kExtError;
  answers["AT+CSQ"] = error;
  ScriptedModule module(answers);
  const Report report = CheckAll(module);
  const CheckResult& check = *report.Find("signal");
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("+EXT ERROR: 15"));
  EXPECT_THAT(check.fix, HasSubstr("uclink at --port /dev/ttyUSB0 AT+CSQ"));
}

TEST(ModuleChecksTest, GarbledAnswerDoesNotPass) {
  auto answers = Healthy();
  answers["AT+CFUN?"] = Ok({"+CFUN: banana"});
  ScriptedModule module(answers);
  EXPECT_EQ(CheckAll(module).Find("cfun")->status, CheckStatus::kWarn);
}

// Manual §2.11.1 answers one line per PDP type; §2.11 accepts IPV6 although its example omits it.
TEST(PdpTypeCheckTest, ListedTypeIsOk) {
  ScriptedModule module({{"AT+CGDCONT=?", Ok({"+CGDCONT: (1-2), \"IP\", ,, (0, 1), (0, 1)",
                                              "+CGDCONT: (1-2), \"IPV6\", ,, (0, 1), (0, 1)"})}});
  const CheckResult check = CheckPdpType(module.runner(), "/dev/ttyS1", chat::PdpType::kIpv6);
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_THAT(check.finding, HasSubstr("IPV6"));
}

TEST(PdpTypeCheckTest, UnlistedTypeIsAWarningThatNamesWhatIsListed) {
  ScriptedModule module({{"AT+CGDCONT=?", Ok({"+CGDCONT: (1-2), \"IP\", ,, (0, 1), (0, 1)",
                                              "+CGDCONT: (1-2), \"PPP\", ,, (0, 1), (0, 1)"})}});
  const CheckResult check = CheckPdpType(module.runner(), "/dev/ttyS1", chat::PdpType::kIpv6);
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.finding, HasSubstr("IP, PPP but not IPV6"));
  EXPECT_THAT(check.fix, HasSubstr("network.pdp_type"));
}

TEST(PdpTypeCheckTest, NoAnswerIsAWarning) {
  ScriptedModule module({});
  const CheckResult check = CheckPdpType(module.runner(), "/dev/ttyS1", chat::PdpType::kIpv6);
  EXPECT_EQ(check.status, CheckStatus::kWarn);
  EXPECT_THAT(check.fix, HasSubstr("AT+CGDCONT=?"));
}

}  // namespace
}  // namespace uclink::control::doctor
