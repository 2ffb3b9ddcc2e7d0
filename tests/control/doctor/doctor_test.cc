// RunDoctor end to end over a fake host and a scripted opener, and the report formats.
#include "control/doctor/doctor.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "chat/errc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/doctor/at_replies.h"
#include "tests/control/doctor/fake_host.h"

namespace uclink::control::doctor {
namespace {

using testing::FakeHost;
using ::testing::HasSubstr;
using testing::Ok;

// A registered module behind any port.
ModuleOpener HealthyModule(int* opened) {
  return [opened](const std::string&, const Config&, std::string*) -> AtRunner {
    ++*opened;
    return [](chat::AtCommand command) {
      if (command.text == "AT+CFUN?") return Ok({"+CFUN: 1"});
      if (command.text == "AT+CGREG?") return Ok({"+CGREG: 0,1"});
      if (command.text == "AT+CSQ") return Ok({"+CSQ: 20,0"});
      return Ok();
    };
  };
}

class DoctorTest : public ::testing::Test {
 protected:
  DoctorTest() {
    // A host where everything is in place: /dev/null plays port, /dev/ppp and /dev/net/tun.
    host_.env().dev_ppp = "/dev/null";
    host_.env().dev_tun = "/dev/null";
    const std::string pppd = host_.Write("usr/sbin/pppd", "");
    ::chmod(pppd.c_str(), 0755);
    host_.Write("proc/self/status", "CapEff:\t000001ffffffffff\n");
    options_.port = "/dev/null";
    options_.config_path = host_.Write("uclink.toml", "[network]\napn = \"internet\"\n");
  }

  Report Doctor() { return RunDoctor(host_.env(), options_, HealthyModule(&opened_)); }

  FakeHost host_;
  DoctorOptions options_;
  int opened_ = 0;
};

TEST_F(DoctorTest, HealthyHostAndModulePassEveryCheckInOrder) {
  const Report report = Doctor();
  std::vector<std::string> names;
  for (const CheckResult& check : report.checks) {
    names.push_back(check.name);
    EXPECT_EQ(check.status, CheckStatus::kOk) << check.name << ": " << check.finding;
  }
  EXPECT_THAT(names, ::testing::ElementsAre("config", "apn", "port", "port_lock", "port_busy",
                                            "port_permission", "modemmanager", "pppd", "tun",
                                            "cap_net_admin", "port_name", "dns", "hooks", "module",
                                            "cfun", "registration", "signal", "sim_apn"));
  EXPECT_TRUE(report.skipped.empty());
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(ExitCode(report), 0);
}

TEST_F(DoctorTest, MissingApnIsAWarningNotAFailure) {
  options_.config_path = host_.Write("uclink.toml", "[modem]\nbaud = 115200\n");
  const Report report = Doctor();
  EXPECT_EQ(report.Find("apn")->status, CheckStatus::kWarn);
  EXPECT_THAT(report.Find("apn")->fix, HasSubstr("[network]"));
  EXPECT_TRUE(report.ok());
}

TEST_F(DoctorTest, BrokenConfigurationFailsNamingKeyAndLine) {
  options_.config_path = host_.Write("uclink.toml", "[network]\napn = \"x\"\ncid = 9\n");
  const Report report = Doctor();
  const CheckResult& check = *report.Find("config");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("network.cid (line 3)"));
  EXPECT_EQ(ExitCode(report), 1);
}

TEST_F(DoctorTest, GivenConfigurationThatDoesNotExistFails) {
  options_.config_path = host_.root() + "/nope.toml";
  EXPECT_EQ(Doctor().Find("config")->status, CheckStatus::kFail);
}

TEST_F(DoctorTest, PortComesFromTheConfigurationWithoutFlag) {
  options_.port.clear();
  // /dev/ptmx: a terminal that exists everywhere (the configuration refuses /dev/null as a port).
  options_.config_path =
      host_.Write("uclink.toml", "[modem]\nport = \"/dev/ttyUSB7\"\nat_port = \"/dev/ptmx\"\n");
  const Report report = Doctor();
  EXPECT_EQ(report.Find("port")->status, CheckStatus::kOk);
  EXPECT_EQ(opened_, 1);
}

TEST_F(DoctorTest, MissingPortSkipsItsChecksAndNeverOpensTheModule) {
  options_.port = host_.root() + "/dev/ttyUSB0";
  const Report report = Doctor();
  EXPECT_EQ(report.Find("port")->status, CheckStatus::kFail);
  EXPECT_EQ(report.Find("port_busy"), nullptr);
  EXPECT_EQ(report.Find("module"), nullptr);
  EXPECT_EQ(report.skipped.size(), 7u);
  EXPECT_EQ(opened_, 0);
  EXPECT_NE(report.Find("pppd"), nullptr);  // host checks still run
}

TEST_F(DoctorTest, BusyPortIsNotOpenedUnderItsHolder) {
  host_.AddProcess(4242, "uclinkd");
  host_.AddFd(4242, 3, "/dev/null");
  const Report report = Doctor();
  EXPECT_EQ(report.Find("port_busy")->status, CheckStatus::kFail);
  EXPECT_EQ(opened_, 0);
  ASSERT_FALSE(report.skipped.empty());
  EXPECT_EQ(report.skipped[0].reason, "the port_busy check failed");
}

TEST_F(DoctorTest, PortThatCannotBeOpenedFailsTheModuleCheckWithTheReason) {
  const Report report =
      RunDoctor(host_.env(), options_, [](const std::string&, const Config&, std::string* error) {
        *error = "port locked by another process";
        return AtRunner();
      });
  EXPECT_EQ(report.Find("module")->status, CheckStatus::kFail);
  EXPECT_THAT(report.Find("module")->finding, HasSubstr("port locked by another process"));
  EXPECT_EQ(report.skipped.size(), 3u);
}

// --- report formats -----------------------------------------------------------------------

Report Sample() {
  Report report;
  report.checks = {{"port", CheckStatus::kOk, "/dev/ttyUSB0 exists", ""},
                   {"apn", CheckStatus::kWarn, "no APN configured", "set apn"},
                   {"module", CheckStatus::kFail, "no answer to AT", "check power"}};
  report.skipped = {{"cfun", "the module does not answer"}};
  return report;
}

TEST(ReportTest, JsonIsTheStableDocumentWithKeysInOrder) {
  EXPECT_EQ(ToJson(Sample()).dump(), nlohmann::ordered_json::parse(R"({
    "checks": [
      {"name": "port", "status": "ok", "finding": "/dev/ttyUSB0 exists", "fix": null},
      {"name": "apn", "status": "warn", "finding": "no APN configured", "fix": "set apn"},
      {"name": "module", "status": "fail", "finding": "no answer to AT", "fix": "check power"}
    ],
    "skipped": [{"name": "cfun", "reason": "the module does not answer"}],
    "ok": false
  })")
                                         .dump());
}

TEST(ReportTest, HumanOutputMarksEachCheckAndIndentsTheFix) {
  EXPECT_EQ(FormatHuman(Sample()),
            "\u2714 port: /dev/ttyUSB0 exists\n"
            "! apn: no APN configured\n"
            "    fix: set apn\n"
            "\u2718 module: no answer to AT\n"
            "    fix: check power\n"
            "- cfun: not checked (the module does not answer)\n"
            "not ready: 1 failed, 1 warning\n");
}

TEST(ReportTest, WarningsAloneExitZero) {
  Report report = Sample();
  report.checks.pop_back();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(ExitCode(report), 0);
  EXPECT_EQ(ExitCode(Sample()), 1);
}

TEST(ReportTest, StatusNamesAreStable) {
  EXPECT_EQ(ToString(CheckStatus::kOk), "ok");
  EXPECT_EQ(ToString(CheckStatus::kWarn), "warn");
  EXPECT_EQ(ToString(CheckStatus::kFail), "fail");
}

// The "sim_apn" check (docs/apn.md): IMSI → operator and candidate APNs → the one in use.
class SimApnCheckTest : public DoctorTest {
 protected:
  Report DoctorWithImsi(const std::string& imsi) {
    return RunDoctor(host_.env(), options_,
                     [imsi](const std::string&, const Config&, std::string*) -> AtRunner {
                       return [imsi](chat::AtCommand command) {
                         if (command.text == "AT+CIMI") return Ok({imsi});
                         if (command.text == "AT+CFUN?") return Ok({"+CFUN: 1"});
                         if (command.text == "AT+CGREG?") return Ok({"+CGREG: 0,1"});
                         if (command.text == "AT+CSQ") return Ok({"+CSQ: 20,0"});
                         return Ok();
                       };
                     });
  }
  void Configure(const std::string& network) {
    options_.config_path = host_.Write(
        "uclink.toml", "[network]\n" + network +
                           "provider_db = \"tests/control/apn/testdata/providers.xml\"\n"
                           "[daemon]\nstate_dir = \"" +
                           host_.root() + "/state\"\n");
  }
};

TEST_F(SimApnCheckTest, AutoShowsOperatorCandidatesAndTheFirstOneInUse) {
  Configure("apn = \"auto\"\n");
  const Report report = DoctorWithImsi("460111234567890");
  const CheckResult& check = *report.Find("sim_apn");
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_EQ(check.finding,
            "IMSI 460111234567890: China Telecom (MCC 460, MNC 11); candidate APNs \"ctnet\", "
            "\"ctlte\"; in use: \"ctnet\" first (auto: China Telecom)");
}

TEST_F(SimApnCheckTest, AutoShowsTheRememberedApnInUse) {
  Configure("apn = \"auto\"\n");
  host_.Write("state/apn.json", R"({"schema": 1, "sims": {"460111234567890": {"apn": "ctlte"}}})");
  const Report report = DoctorWithImsi("460111234567890");
  const CheckResult& check = *report.Find("sim_apn");
  EXPECT_THAT(check.finding, HasSubstr("in use: \"ctlte\" (remembered)"));
}

TEST_F(SimApnCheckTest, ExplicitApnIsInUseAndCandidatesAreStillShown) {
  Configure("apn = \"cmnet\"\n");
  const Report report = DoctorWithImsi("460001234567890");
  const CheckResult& check = *report.Find("sim_apn");
  EXPECT_EQ(check.status, CheckStatus::kOk);
  EXPECT_THAT(check.finding, HasSubstr("China Mobile"));
  EXPECT_THAT(check.finding, HasSubstr("in use: \"cmnet\" (config)"));
}

TEST_F(SimApnCheckTest, UnknownOperatorOrNoImsiWarnsInAutoMode) {
  Configure("apn = \"auto\"\n");
  const CheckResult unknown = *DoctorWithImsi("001011234567890").Find("sim_apn");
  EXPECT_EQ(unknown.status, CheckStatus::kWarn);
  EXPECT_THAT(unknown.finding, HasSubstr("no-provider"));
  EXPECT_THAT(unknown.fix, HasSubstr("[network]"));
  EXPECT_EQ(DoctorWithImsi("ERROR").Find("sim_apn")->status, CheckStatus::kWarn);
}

}  // namespace
}  // namespace uclink::control::doctor
