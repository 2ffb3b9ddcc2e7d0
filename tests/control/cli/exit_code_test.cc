// control/cli/exit_code.h: the one table from error to exit code (docs/control-api.md, "`uclink`
// exit codes"), one test per row, and how errors the CLI meets by itself join the table.
#include "control/cli/exit_code.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <future>
#include <string>
#include <vector>

#include "chat/errc.h"

namespace uclink::control::cli {
namespace {

using api::Errc;

TEST(ExitCodeTest, Row1FailedIsWhatTheDaemonModuleOrServiceReported) {
  for (Errc e : {Errc::kAtFailed, Errc::kServiceFailed, Errc::kConnectFailed, Errc::kBadRequest,
                 Errc::kUnknownMethod}) {
    EXPECT_EQ(ExitCodeFor(e), ExitCode::kFailed) << api::ToString(e);
  }
}

TEST(ExitCodeTest, Row2UsageIsBadArgumentsOrConfiguration) {
  for (Errc e : {Errc::kInvalidParams, Errc::kRequestTooLong, Errc::kConfigInvalid}) {
    EXPECT_EQ(ExitCodeFor(e), ExitCode::kUsage) << api::ToString(e);
  }
  EXPECT_EQ(static_cast<int>(ExitCode::kUsage), 2);
}

TEST(ExitCodeTest, Row3UnreachableIsTheDaemonThePortOrThePeer) {
  for (Errc e :
       {Errc::kDaemonUnavailable, Errc::kProtocolError, Errc::kShuttingDown, Errc::kUnreachable}) {
    EXPECT_EQ(ExitCodeFor(e), ExitCode::kUnreachable) << api::ToString(e);
  }
  EXPECT_EQ(static_cast<int>(ExitCode::kUnreachable), 3);
}

TEST(ExitCodeTest, Row4RefusedIsPermissionDeniedOrBusy) {
  EXPECT_EQ(ExitCodeFor(Errc::kPermissionDenied), ExitCode::kRefused);
  EXPECT_EQ(ExitCodeFor(Errc::kBusy), ExitCode::kRefused);
  EXPECT_EQ(static_cast<int>(ExitCode::kRefused), 4);
}

TEST(ExitCodeTest, Row5Timeout) {
  EXPECT_EQ(ExitCodeFor(Errc::kTimeout), ExitCode::kTimeout);
  EXPECT_EQ(static_cast<int>(ExitCode::kTimeout), 5);
}

TEST(ExitCodeTest, Row6NotNowIsDataModeOrNoLink) {
  for (Errc e : {Errc::kInDataMode, Errc::kNotOnline, Errc::kUseNative}) {
    EXPECT_EQ(ExitCodeFor(e), ExitCode::kNotNow) << api::ToString(e);
  }
  EXPECT_EQ(static_cast<int>(ExitCode::kNotNow), 6);
}

TEST(ExitCodeTest, ErrorsOfTheOneOffPathsJoinTheTable) {
  EXPECT_EQ(ClassifyError(api::make_error_code(Errc::kBusy)), Errc::kBusy);
  EXPECT_EQ(ClassifyError(chat::Errc::kCmeError), Errc::kAtFailed);
  EXPECT_EQ(ClassifyError(chat::Errc::kTimeout), Errc::kTimeout);
  EXPECT_EQ(ClassifyError(chat::Errc::kUnresponsive), Errc::kTimeout);
  EXPECT_EQ(ClassifyError(chat::Errc::kClosed), Errc::kUnreachable);
  EXPECT_EQ(ClassifyError(chat::Errc::kPortLocked), Errc::kBusy);
  EXPECT_EQ(ClassifyError(chat::Errc::kInDataMode), Errc::kInDataMode);
  EXPECT_EQ(ClassifyError(std::make_error_code(std::errc::permission_denied)),
            Errc::kPermissionDenied);
  EXPECT_EQ(ClassifyError(std::make_error_code(std::errc::no_such_file_or_directory)),
            Errc::kUnreachable);
  EXPECT_EQ(ClassifyError(std::make_error_code(std::errc::connection_refused)), Errc::kUnreachable);
  EXPECT_EQ(ClassifyError(std::make_error_code(std::errc::invalid_argument)), Errc::kInvalidParams);
  // Another layer's error is a reported failure, never mistaken for an unreachable peer.
  EXPECT_EQ(ClassifyError(std::make_error_code(std::future_errc::broken_promise)),
            Errc::kServiceFailed);
}

TEST(ExitCodeTest, PermissionHintNamesTheControlGroup) {
  EXPECT_NE(PermissionHint().find("[control] group"), std::string::npos);
}

int Parse(std::vector<std::string> args, bool* ran = nullptr) {
  CLI::App app("test");
  app.set_version_flag("--version", "uclink 0.0.0");
  app.require_subcommand(1);
  int count = 0;
  app.add_subcommand("run")->add_option("--count", count);
  app.add_subcommand("fail")->callback([] { throw CLI::RuntimeError(5); });
  app.get_subcommand("run")->callback([ran] {
    if (ran != nullptr) *ran = true;
  });
  std::vector<char*> argv = {const_cast<char*>("test")};
  for (std::string& a : args) argv.push_back(a.data());
  return ParseCommandLine(app, static_cast<int>(argv.size()), argv.data()).value_or(-1);
}

TEST(ExitCodeTest, Row0AndRow2OfTheCommandLine) {
  bool ran = false;
  EXPECT_EQ(Parse({"run", "--count", "3"}, &ran), -1) << "parsed: the program goes on";
  EXPECT_TRUE(ran);
  EXPECT_EQ(Parse({"--version"}), 0);
  EXPECT_EQ(Parse({"--help"}), 0);
  EXPECT_EQ(Parse({"bogus"}), 2);                  // CLI11: ExtrasError, 109
  EXPECT_EQ(Parse({"run", "--count", "abc"}), 2);  // ConversionError, 106... all are usage
  EXPECT_EQ(Parse({"run", "--nope"}), 2);
  EXPECT_EQ(Parse({}), 2);  // RequiredError
  EXPECT_EQ(Parse({"fail"}), 5) << "a subcommand's own code passes through";
}

}  // namespace
}  // namespace uclink::control::cli
