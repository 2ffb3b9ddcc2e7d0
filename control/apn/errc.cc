#include "control/apn/errc.h"

#include <string>

namespace uclink::control::apn {
namespace {

const char* Text(Errc errc) {
  switch (errc) {
    case Errc::kOk:
      return "ok";
#define UCLINK_X(name, wire, text) \
  case Errc::name:                 \
    return text;
      UCLINK_APN_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown APN lookup error";
}

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.apn"; }
  std::string message(int value) const override { return Text(static_cast<Errc>(value)); }
};

}  // namespace

const char* ToString(Errc errc) {
  switch (errc) {
    case Errc::kOk:
      return "ok";
#define UCLINK_X(name, wire, text) \
  case Errc::name:                 \
    return wire;
      UCLINK_APN_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "?";
}

const std::error_category& ApnCategory() {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc errc) { return {static_cast<int>(errc), ApnCategory()}; }

}  // namespace uclink::control::apn
