// `uclink doctor` against the real simulator (//cmd:uclink-sim --fast) on a pty: the module
// answering and registered, told to `hang`, and told `register 0`; and the CLI's exit status.
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "control/cli/doctor_command.h"
#include "control/doctor/doctor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_process.h"

namespace uclink::control::doctor {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class DoctorSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_.started()) << "uclink-sim did not start";
    const char* base = std::getenv("TEST_TMPDIR");
    std::string templ = std::string(base != nullptr ? base : "/tmp") + "/doctor-sim-XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    config_ = dir_ + "/uclink.toml";
    std::ofstream(config_) << "[network]\napn = \"internet\"\n";
    // The control socket appears after the PTY line: an answered AT shows the simulator is up.
    sim_.Write("AT\r");
    ASSERT_THAT(sim_.ReadUntil("OK\r\n", 5s), HasSubstr("OK\r\n"));
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Radio on and attached, through the simulator's own pty descriptor (manual §2.1, §2.9).
  void Attach() {
    for (const char* command : {"AT+CFUN=1\r", "AT+CGATT=1\r"}) {
      sim_.Write(command);
      ASSERT_THAT(sim_.ReadUntil("OK\r\n", 5s), HasSubstr("OK\r\n")) << command;
    }
  }

  Report RunOnSim() {
    Environment env = HostEnvironment();
    env.lock_dir = dir_;
    return RunDoctor(env, {sim_.pty_path(), config_}, cli::AtSessionOpener(dir_));
  }

  sim::testing::SimProcess sim_{{"--fast"}};
  std::string dir_;
  std::string config_;
};

TEST_F(DoctorSimTest, AttachedModuleAnswersAndIsRegistered) {
  Attach();
  const Report report = RunOnSim();
  for (const char* name : {"config", "apn", "port", "port_lock", "port_busy", "module", "cfun",
                           "registration", "signal"}) {
    ASSERT_NE(report.Find(name), nullptr) << name;
    EXPECT_EQ(report.Find(name)->status, CheckStatus::kOk)
        << name << ": " << report.Find(name)->finding;
  }
  EXPECT_THAT(report.Find("registration")->finding, HasSubstr("stat 1 (registered-home)"));
  EXPECT_THAT(report.Find("signal")->finding, HasSubstr("CSQ 21"));
  // The simulator holds the pty master: it is the module, not a competitor for the port.
  EXPECT_THAT(report.Find("port_busy")->finding, HasSubstr("(uclink-sim) is the pty's other end"));
}

TEST_F(DoctorSimTest, PowerOnStateReportsTheRadioOff) {
  const Report report = RunOnSim();
  EXPECT_EQ(report.Find("module")->status, CheckStatus::kOk);
  EXPECT_EQ(report.Find("cfun")->status, CheckStatus::kWarn);
  EXPECT_THAT(report.Find("cfun")->finding, HasSubstr("CFUN=0"));
}

TEST_F(DoctorSimTest, HungModuleIsReportedAsNotAnswering) {
  Attach();
  ASSERT_EQ(sim_.Control("hang").rfind("OK", 0), 0u);
  const auto start = std::chrono::steady_clock::now();
  const Report report = RunOnSim();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);  // one AT, 1 s timeout
  EXPECT_EQ(report.Find("module")->status, CheckStatus::kFail);
  EXPECT_THAT(report.Find("module")->finding, HasSubstr("no answer to AT"));
  EXPECT_EQ(report.Find("registration"), nullptr);
  EXPECT_FALSE(report.ok());
}

TEST_F(DoctorSimTest, DeregisteredModuleIsNamedNotRegistered) {
  Attach();
  ASSERT_EQ(sim_.Control("register 0").rfind("OK", 0), 0u);
  const Report report = RunOnSim();
  const CheckResult& check = *report.Find("registration");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_THAT(check.finding, HasSubstr("stat 0 (not-registered)"));
  EXPECT_FALSE(report.ok());
}

// The command as cmd/uclink.cc adds it: JSON on stdout, exit status 1 through CLI::RuntimeError.
TEST_F(DoctorSimTest, CommandPrintsJsonAndExitsOneWhenTheModuleIsSilent) {
  ASSERT_EQ(sim_.Control("hang").rfind("OK", 0), 0u);
  CLI::App app("uclink");
  cli::AddDoctorCommand(app);
  ::testing::internal::CaptureStdout();
  int code = 0;
  try {
    app.parse("doctor --port " + sim_.pty_path() + " --config " + config_ + " --lock-dir " + dir_ +
                  " --json",
              /*program_name_included=*/false);
  } catch (const CLI::RuntimeError& e) {
    code = e.get_exit_code();
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 1);
  const nlohmann::json doc = nlohmann::json::parse(out);
  EXPECT_EQ(doc["ok"], false);
  bool found = false;
  for (const auto& check : doc["checks"]) {
    if (check["name"] == "module") {
      found = true;
      EXPECT_EQ(check["status"], "fail");
      EXPECT_TRUE(check["fix"].is_string());
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(DoctorSimTest, CommandExitsZeroWhenNothingFailed) {
  Attach();
  CLI::App app("uclink");
  cli::AddDoctorCommand(app);
  ::testing::internal::CaptureStdout();
  int code = 0;
  try {
    app.parse("doctor --port " + sim_.pty_path() + " --config " + config_ + " --lock-dir " + dir_,
              /*program_name_included=*/false);
  } catch (const CLI::RuntimeError& e) {
    code = e.get_exit_code();
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_THAT(out, HasSubstr("\u2714 registration: registered"));
  // Host checks (pppd, tun, CAP_NET_ADMIN) depend on the machine: the status must agree with them.
  EXPECT_EQ(code, out.find("\u2718") == std::string::npos ? 0 : 1) << out;
}

}  // namespace
}  // namespace uclink::control::doctor
