#include "sim/errors.h"

#include <array>
#include <utility>

#include "errc/category.h"

namespace uclink::sim {
namespace {

// kOk is 0, so the codes of errors start at 1 (offset 0).
const auto& Table() {
  static const errc::Category kCategory("uclink.sim", std::array{
#define UCLINK_X(name, wire, text) errc::Row<Errc>{Errc::name, wire, text},
                                                          UCLINK_SIM_ERRORS(UCLINK_X)
#undef UCLINK_X
                                                      });
  return kCategory;
}

// Manual §3.1 "CMEE 错误码", verbatim.
constexpr std::pair<int, std::string_view> kCmeTable[] = {
    {-1, "other error"},
    {0, "phone failure"},
    {1, "no connection to phone"},
    {2, "phone-adaptor link reserved"},
    {3, "operation not allowed"},
    {4, "operation not supported"},
    {5, "PH-SIM PIN required"},
    {10, "SIM not inserted"},
    {11, "SIM PIN required"},
    {12, "SIM PUK required"},
    {13, "SIM failure"},
    {14, "SIM busy"},
    {15, "SIM wrong"},
    {16, "incorrect password"},
    {17, "SIM PIN2 required"},
    {18, "SIM PUK2 required"},
    {20, "memory full"},
    {21, "invalid index"},
    {22, "not found"},
    {23, "memory failure"},
    {24, "text string too long"},
    {25, "invalid characters in text string"},
    {26, "dial string too long"},
    {27, "invalid characters in dial string"},
    {30, "no network service"},
    {31, "network timeout"},
    {32, "network not allowed - emergency calls only"},
    {33, "last AT cmd not completed"},
    {100, "unknown"},
    {103, "illegal MS"},
    {106, "illegal ME"},
    {107, "GPRS service not allowed"},
    {111, "PLMN not allowed"},
    {112, "Location not allowed"},
    {113, "Roaming not allowed in Location Area"},
    {132, "GPRS service option not supported"},
    {133, "requested service option not subscribed"},
    {134, "service option temporarily out of order"},
    {148, "unspecified GPRS error"},
    {149, "PDP authorisation error"},
    {150, "invalid module class"},
    {512, "failed to abort"},
    {513, "ACM reset needed"},
    {514, "IP CLOSE FAIL"},
};

// Manual §3.2 "EXT 错误码", verbatim.
constexpr std::pair<int, std::string_view> kExtTable[] = {
    {-1, "other error"},
    {0, "parameter not allowed"},
    {1, "data corrupted"},
    {2, "internal error"},
    {3, "call table full"},
    {4, "service table full"},
    {5, "call not found"},
    {6, "no data-call supported"},
    {7, "one call on hold"},
    {8, "hold call not supported for this type"},
    {9, "number not allowed by FDN"},
    {10, "number not allowed by BDN"},
    {11, "parallel USSD not supported"},
    {12, "fax minimum speed condition"},
    {13, "conflict with command details"},
    {14, "no pdp context defined"},
    {15, "no set device function(at+cfun=1)"},
    {16, "error unknown"},
};

template <std::size_t N>
std::string_view Lookup(const std::pair<int, std::string_view> (&table)[N], int code,
                        std::string_view missing) {
  for (const auto& [value, text] : table) {
    if (value == code) return text;
  }
  return missing;
}

}  // namespace

std::string_view ToString(Errc errc) { return Table().Name(errc); }

std::string_view ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kCme:
      return "cme";
    case ErrorKind::kExt:
      return "ext";
  }
  return "ErrorKind(?)";
}

const std::error_category& SimCategory() { return Table(); }

std::error_code make_error_code(Errc errc) { return Table().Make(errc); }

std::string_view CmeText(int code) { return Lookup(kCmeTable, code, "unknown"); }

std::string_view ExtText(int code) { return Lookup(kExtTable, code, "error unknown"); }

}  // namespace uclink::sim
