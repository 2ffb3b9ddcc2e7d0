#include "control/api/errc.h"

#include <array>

#include "errc/category.h"

namespace uclink::control::api {
namespace {

// Codes start at 1 (offset 1): std::error_code treats value 0 as "no error".
const auto& Table() {
  static const errc::Category kCategory("uclink.control.api",
                                        std::array{
#define UCLINK_X(name, wire, text) errc::Row<Errc>{Errc::name, wire, text},
                                            UCLINK_CONTROL_API_ERRORS(UCLINK_X)
#undef UCLINK_X
                                        },
                                        1);
  return kCategory;
}

}  // namespace

const char* ToString(Errc errc) { return Table().Name(errc); }
const char* Describe(Errc errc) { return Table().Describe(errc); }

std::optional<Errc> ErrcFromString(std::string_view wire) { return Table().Parse(wire); }

const std::error_category& ApiCategory() { return Table(); }
std::error_code make_error_code(Errc errc) { return Table().Make(errc); }

}  // namespace uclink::control::api
