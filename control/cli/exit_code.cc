#include "control/cli/exit_code.h"

#include <CLI/CLI.hpp>
#include <cerrno>

#include "chat/errc.h"

namespace uclink::control::cli {

ExitCode ExitCodeFor(api::Errc errc) {
  switch (errc) {
    case api::Errc::kAtFailed:
    case api::Errc::kServiceFailed:
    case api::Errc::kConnectFailed:
    case api::Errc::kBadRequest:     // the daemon could not read what this client sent
    case api::Errc::kUnknownMethod:  // a daemon older than this client
      return ExitCode::kFailed;
    case api::Errc::kInvalidParams:
    case api::Errc::kRequestTooLong:
    case api::Errc::kConfigInvalid:
      return ExitCode::kUsage;
    case api::Errc::kDaemonUnavailable:
    case api::Errc::kProtocolError:
    case api::Errc::kShuttingDown:  // it is going away: as good as not running
    case api::Errc::kUnreachable:
      return ExitCode::kUnreachable;
    case api::Errc::kPermissionDenied:
    case api::Errc::kBusy:
      return ExitCode::kRefused;
    case api::Errc::kTimeout:
      return ExitCode::kTimeout;
    case api::Errc::kInDataMode:
    case api::Errc::kNotOnline:
    case api::Errc::kUseNative:
      return ExitCode::kNotNow;
  }
  return ExitCode::kFailed;
}

api::Errc ClassifyError(const std::error_code& error) {
  if (error.category() == api::ApiCategory()) return static_cast<api::Errc>(error.value() - 1);
  if (error.category() == chat::ChatCategory()) {
    switch (static_cast<chat::Errc>(error.value())) {
      case chat::Errc::kTimeout:
      case chat::Errc::kUnresponsive:
        return api::Errc::kTimeout;
      case chat::Errc::kClosed:
        return api::Errc::kUnreachable;
      case chat::Errc::kInDataMode:
        return api::Errc::kInDataMode;
      case chat::Errc::kPortLocked:
        return api::Errc::kBusy;
      case chat::Errc::kInvalidCommand:
        return api::Errc::kInvalidParams;
      case chat::Errc::kOk:
      case chat::Errc::kModuleError:
      case chat::Errc::kCmeError:
      case chat::Errc::kExtError:
      case chat::Errc::kNoCarrier:
      case chat::Errc::kConnectFail:
      case chat::Errc::kPayloadTruncated:
        return api::Errc::kAtFailed;
    }
    return api::Errc::kAtFailed;
  }
  if (error.category() != std::system_category() && error.category() != std::generic_category()) {
    return api::Errc::kServiceFailed;  // another layer's failure: reported, row 1
  }
  if (error == std::errc::permission_denied || error == std::errc::operation_not_permitted) {
    return api::Errc::kPermissionDenied;
  }
  if (error == std::errc::invalid_argument) return api::Errc::kInvalidParams;  // e.g. a baud rate
  return api::Errc::kUnreachable;  // opening a socket or a port: missing, refused, reset
}

std::string PermissionHint() {
  return "uclinkd lets root and the members of the group named by [control] group "
         "(/etc/uclink/uclink.toml, docs/configuration.md) use its socket and change the link; "
         "run as root or ask to be added to that group";
}

std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a subcommand's own code, already from the table
  } catch (const CLI::ParseError& e) {
    // --help and --version print and succeed; CLI11 prints every other parse error.
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }
  return std::nullopt;
}

}  // namespace uclink::control::cli
