#include "pppif/interface_errc.h"

#include <array>

#include "errc/category.h"

namespace uclink::pppif {
namespace {

// The list gives each enumerator its value, starting at 1 (offset 0).
const auto& Table() {
  static const errc::Category kCategory("uclink.pppif.interface",
                                        std::array{
#define UCLINK_X(name, value, wire, text) errc::Row<InterfaceErrc>{InterfaceErrc::name, wire, text},
                                            UCLINK_PPPIF_INTERFACE_ERRORS(UCLINK_X)
#undef UCLINK_X
                                        });
  return kCategory;
}

}  // namespace

const char* ToString(InterfaceErrc errc) { return Table().Name(errc); }
const char* Describe(InterfaceErrc errc) { return Table().Describe(errc); }
const std::error_category& InterfaceCategory() { return Table(); }
std::error_code make_error_code(InterfaceErrc errc) { return Table().Make(errc); }

}  // namespace uclink::pppif
