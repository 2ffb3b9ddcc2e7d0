#include "control/apn/errc.h"

#include <array>

#include "errc/category.h"

namespace uclink::control::apn {
namespace {

// kOk is 0, so the codes of errors start at 1 (offset 0).
const auto& Table() {
  static const errc::Category kCategory("uclink.apn", std::array{
#define UCLINK_X(name, wire, text) errc::Row<Errc>{Errc::name, wire, text},
                                                          UCLINK_APN_ERRORS(UCLINK_X)
#undef UCLINK_X
                                                      });
  return kCategory;
}

}  // namespace

const char* ToString(Errc errc) { return Table().Name(errc); }
const std::error_category& ApnCategory() { return Table(); }
std::error_code make_error_code(Errc errc) { return Table().Make(errc); }

}  // namespace uclink::control::apn
