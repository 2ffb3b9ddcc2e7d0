#include "chat/errc.h"

#include <array>

#include "errc/category.h"

namespace uclink::chat {
namespace {

// kOk is 0, so the codes of errors start at 1 (offset 0).
const auto& Table() {
  static const errc::Category kCategory("uclink.chat", std::array{
#define UCLINK_X(name, wire, text) errc::Row<Errc>{Errc::name, wire, text},
                                                           UCLINK_CHAT_ERRORS(UCLINK_X)
#undef UCLINK_X
                                                       });
  return kCategory;
}

}  // namespace

std::string_view ToString(Errc errc) { return Table().Name(errc); }
const std::error_category& ChatCategory() { return Table(); }
std::error_code make_error_code(Errc errc) { return Table().Make(errc); }

}  // namespace uclink::chat
