#include "control/inband/errc.h"

#include <string>

namespace uclink::control::inband {

std::string_view ToString(Errc errc) {
  switch (errc) {
    case Errc::kOk:
      return "ok";
    case Errc::kInvalidArgument:
      return "invalid_argument";
    case Errc::kUnsendableByte:
      return "unsendable_byte";
    case Errc::kBusy:
      return "busy";
    case Errc::kConnectFailed:
      return "connect_failed";
    case Errc::kModuleError:
      return "module_error";
    case Errc::kServiceError:
      return "service_error";
    case Errc::kShortSend:
      return "short_send";
    case Errc::kPeerClosed:
      return "peer_closed";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kProtocol:
      return "protocol";
    case Errc::kNotOpen:
      return "not_open";
  }
  return "unknown";
}

namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.inband"; }
  std::string message(int value) const override {
    return std::string(ToString(static_cast<Errc>(value)));
  }
};

}  // namespace

const std::error_category& InbandCategory() {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc errc) { return {static_cast<int>(errc), InbandCategory()}; }

}  // namespace uclink::control::inband
