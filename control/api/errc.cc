#include "control/api/errc.h"

#include <string>

namespace uclink::control::api {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.control.api"; }
  std::string message(int value) const override { return Describe(static_cast<Errc>(value - 1)); }
};

}  // namespace

const char* ToString(Errc errc) {
  switch (errc) {
#define UCLINK_X(name, wire, text) \
  case Errc::name:                 \
    return wire;
    UCLINK_CONTROL_API_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown-error";
}

const char* Describe(Errc errc) {
  switch (errc) {
#define UCLINK_X(name, wire, text) \
  case Errc::name:                 \
    return text;
    UCLINK_CONTROL_API_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown error";
}

std::optional<Errc> ErrcFromString(std::string_view wire) {
#define UCLINK_X(name, wire_name, text) \
  if (wire == wire_name) return Errc::name;
  UCLINK_CONTROL_API_ERRORS(UCLINK_X)
#undef UCLINK_X
  return std::nullopt;
}

const std::error_category& ApiCategory() {
  static const Category category;
  return category;
}

std::error_code make_error_code(
    Errc errc) {  // Codes start at 1: std::error_code treats value 0 as "no error" (`if (ec)`).
  return {static_cast<int>(errc) + 1, ApiCategory()};
}

}  // namespace uclink::control::api
