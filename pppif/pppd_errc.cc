#include "pppif/pppd_errc.h"

#include <string>

namespace uclink::pppif {
namespace {

class PppdCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "uclink.pppif.pppd"; }
  std::string message(int value) const override {
    switch (static_cast<PppdErrc>(value - 1)) {
#define UCLINK_X(name, wire, text) \
  case PppdErrc::name:             \
    return std::string(wire) + ": " + text;
      UCLINK_PPPIF_PPPD_ERRORS(UCLINK_X)
#undef UCLINK_X
    }
    return "unknown pppd backend error " + std::to_string(value);
  }
};

}  // namespace

const char* ToString(PppdErrc errc) {
  switch (errc) {
#define UCLINK_X(name, wire, text) \
  case PppdErrc::name:             \
    return wire;
    UCLINK_PPPIF_PPPD_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown";
}

const char* Describe(PppdErrc errc) {
  switch (errc) {
#define UCLINK_X(name, wire, text) \
  case PppdErrc::name:             \
    return text;
    UCLINK_PPPIF_PPPD_ERRORS(UCLINK_X)
#undef UCLINK_X
  }
  return "unknown";
}

const std::error_category& PppdCategory() {
  static const PppdCategoryImpl category;
  return category;
}

std::error_code make_error_code(
    PppdErrc errc) {  // Codes start at 1: std::error_code treats value 0 as "no error" (`if (ec)`).
  return {static_cast<int>(errc) + 1, PppdCategory()};
}

}  // namespace uclink::pppif
