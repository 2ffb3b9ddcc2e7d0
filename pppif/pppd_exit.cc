#include "pppif/pppd_exit.h"

#include <string>

namespace uclink::pppif {
namespace {

class PppdExitCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pppd.exit"; }
  std::string message(int value) const override {
    if (auto exit = PppdExitFromStatus(value)) {
      return std::string("pppd exit ") + std::to_string(value) + " (" + ToString(*exit) +
             "): " + Describe(*exit);
    }
    return "pppd exit " + std::to_string(value) + " (undefined in pppd(8))";
  }
};

}  // namespace

const char* ToString(PppdExit exit) {
  switch (exit) {
#define UCLINK_X(name, code, wire, text, cls) \
  case PppdExit::name:                        \
    return wire;
    UCLINK_PPPIF_PPPD_EXITS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown";
}

const char* Describe(PppdExit exit) {
  switch (exit) {
#define UCLINK_X(name, code, wire, text, cls) \
  case PppdExit::name:                        \
    return text;
    UCLINK_PPPIF_PPPD_EXITS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown";
}

PppdExitClass ClassOf(PppdExit exit) {
  switch (exit) {
#define UCLINK_X(name, code, wire, text, cls) \
  case PppdExit::name:                        \
    return PppdExitClass::cls;
    UCLINK_PPPIF_PPPD_EXITS(UCLINK_X)
#undef UCLINK_X
  }
  return PppdExitClass::kEnvironment;
}

const char* ToString(PppdExitClass cls) {
  switch (cls) {
    case PppdExitClass::kPeerClosed:
      return "peer-closed";
    case PppdExitClass::kLinkLost:
      return "link-lost";
    case PppdExitClass::kLocalRequest:
      return "local-request";
    case PppdExitClass::kNegotiation:
      return "negotiation";
    case PppdExitClass::kAuthentication:
      return "authentication";
    case PppdExitClass::kConfiguration:
      return "configuration";
    case PppdExitClass::kEnvironment:
      return "environment";
    case PppdExitClass::kScript:
      return "script";
  }
  return "unknown";
}

bool ShouldRedial(PppdExitClass cls) {
  switch (cls) {
    case PppdExitClass::kPeerClosed:
    case PppdExitClass::kLinkLost:
    case PppdExitClass::kNegotiation:
      return true;
    case PppdExitClass::kLocalRequest:
    case PppdExitClass::kAuthentication:
    case PppdExitClass::kConfiguration:
    case PppdExitClass::kEnvironment:
    case PppdExitClass::kScript:
      return false;
  }
  return false;
}

std::optional<PppdExit> PppdExitFromStatus(int status) {
  switch (status) {
#define UCLINK_X(name, code, wire, text, cls) \
  case code:                                  \
    return PppdExit::name;
    UCLINK_PPPIF_PPPD_EXITS(UCLINK_X)
#undef UCLINK_X
    default:  // an int, not an enum: statuses pppd(8) does not define
      return std::nullopt;
  }
}

std::error_code ToErrorCode(const PppdTermination& termination) {
  if (termination.exit_status) {
    if (*termination.exit_status == 0) return {};
    return {*termination.exit_status, PppdExitCategory()};
  }
  // Killed by a signal (e.g. SIGKILL after the stop bound): pppd never chose a status.
  return std::make_error_code(std::errc::interrupted);
}

const std::error_category& PppdExitCategory() {
  static const PppdExitCategoryImpl kCategory;
  return kCategory;
}

std::error_code make_error_code(PppdExit exit) {
  return {static_cast<int>(exit), PppdExitCategory()};
}

}  // namespace uclink::pppif
