#include "sim/services/errors.h"

#include <string>

namespace uclink::sim::services {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.sim.services"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kBadParameter:
        return "parameter not allowed";
      case Errc::kTooLong:
        return "text string too long";
      case Errc::kNoNetwork:
        return "no network service";
      case Errc::kNotAllowed:
        return "operation not allowed";
      case Errc::kIpCloseFail:
        return "IP CLOSE FAIL";
    }
    return "unknown services error " + std::to_string(ev);
  }
};

}  // namespace

const std::error_category& ServicesCategory() {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc e) { return {static_cast<int>(e), ServicesCategory()}; }

std::string_view ToString(Errc e) {
  switch (e) {
    case Errc::kBadParameter:
      return "kBadParameter";
    case Errc::kTooLong:
      return "kTooLong";
    case Errc::kNoNetwork:
      return "kNoNetwork";
    case Errc::kNotAllowed:
      return "kNotAllowed";
    case Errc::kIpCloseFail:
      return "kIpCloseFail";
  }
  return "?";
}

void ReplyError(ServiceHost& host, Errc e) {
  // Codes from manual table 3.1 (CME) and 3.2 (EXT).
  switch (e) {
    case Errc::kBadParameter:
      return host.Error(ErrorKind::kExt, 0);
    case Errc::kTooLong:
      return host.Error(ErrorKind::kCme, 24);
    case Errc::kNoNetwork:
      return host.Error(ErrorKind::kCme, 30);
    case Errc::kNotAllowed:
      return host.Error(ErrorKind::kCme, 3);
    case Errc::kIpCloseFail:
      return host.Error(ErrorKind::kCme, 514);
  }
}

}  // namespace uclink::sim::services
