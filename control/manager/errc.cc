#include "control/manager/errc.h"

#include <array>

#include "errc/category.h"

namespace uclink::control {
namespace {

// Codes start at 1 (offset 1): std::error_code treats value 0 as "no error".
const auto& Table() {
  static const errc::Category kCategory("uclink.control",
                                        std::array{
#define UCLINK_X(name, wire, text) errc::Row<Errc>{Errc::name, wire, text},
                                            UCLINK_CONTROL_ERRORS(UCLINK_X)
#undef UCLINK_X
                                        },
                                        1);
  return kCategory;
}

}  // namespace

const char* ToString(Errc errc) { return Table().Name(errc); }
const char* Describe(Errc errc) { return Table().Describe(errc); }
const std::error_category& ControlCategory() { return Table(); }
std::error_code make_error_code(Errc errc) { return Table().Make(errc); }

}  // namespace uclink::control
