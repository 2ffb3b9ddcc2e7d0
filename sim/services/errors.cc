#include "sim/services/errors.h"

#include <array>

#include "errc/category.h"

namespace uclink::sim::services {
namespace {

// The list gives each enumerator its value, starting at 1 (offset 0).
const auto& Table() {
  static const errc::Category kCategory("uclink.sim.services",
                                        std::array{
#define UCLINK_X(name, value, wire, text) errc::Row<Errc>{Errc::name, wire, text},
                                            UCLINK_SIM_SERVICES_ERRORS(UCLINK_X)
#undef UCLINK_X
                                        });
  return kCategory;
}

}  // namespace

const std::error_category& ServicesCategory() { return Table(); }

std::error_code make_error_code(Errc e) { return Table().Make(e); }

std::string_view ToString(Errc e) { return Table().Name(e); }

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
