#include "pppif/pppd_errc.h"

#include <array>

#include "errc/category.h"

namespace uclink::pppif {
namespace {

// Codes start at 1 (offset 1): std::error_code treats value 0 as "no error". message() is
// "name: meaning", so a log line carries the name to search for.
const auto& Table() {
  static const errc::Category kCategory("uclink.pppif.pppd",
                                        std::array{
#define UCLINK_X(name, wire, text) errc::Row<PppdErrc>{PppdErrc::name, wire, text},
                                            UCLINK_PPPIF_PPPD_ERRORS(UCLINK_X)
#undef UCLINK_X
                                        },
                                        1, errc::Message::kNameAndMeaning);
  return kCategory;
}

}  // namespace

const char* ToString(PppdErrc errc) { return Table().Name(errc); }
const char* Describe(PppdErrc errc) { return Table().Describe(errc); }
const std::error_category& PppdCategory() { return Table(); }
std::error_code make_error_code(PppdErrc errc) { return Table().Make(errc); }

}  // namespace uclink::pppif
