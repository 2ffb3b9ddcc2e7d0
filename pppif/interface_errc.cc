#include "pppif/interface_errc.h"

#include <string>

namespace uclink::pppif {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.pppif.interface"; }
  std::string message(int value) const override {
    return Describe(static_cast<InterfaceErrc>(value));
  }
};

}  // namespace

const char* ToString(InterfaceErrc errc) {
  switch (errc) {
#define UCLINK_X(name, value, wire, text) \
  case InterfaceErrc::name:               \
    return wire;
    UCLINK_PPPIF_INTERFACE_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown-error";
}

const char* Describe(InterfaceErrc errc) {
  switch (errc) {
#define UCLINK_X(name, value, wire, text) \
  case InterfaceErrc::name:               \
    return text;
    UCLINK_PPPIF_INTERFACE_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown error";
}

const std::error_category& InterfaceCategory() {
  static const Category category;
  return category;
}

std::error_code make_error_code(InterfaceErrc errc) {
  return {static_cast<int>(errc), InterfaceCategory()};
}

}  // namespace uclink::pppif
