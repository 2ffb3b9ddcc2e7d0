// Why an APN lookup found no candidates: the vocabulary of control/apn (docs/apn.md).
#pragma once

#include <system_error>

namespace uclink::control::apn {

// X(enumerator, wire name, meaning)
#define UCLINK_APN_ERRORS(X)                                                                \
  X(kOk, "ok", "ok")                                                                        \
  X(kBadImsi, "bad-imsi", "the IMSI is absent, shorter than MCC + MNC or not all digits")   \
  X(kDbMissing, "db-missing", "the provider database file does not exist")                  \
  X(kDbUnreadable, "db-unreadable", "the provider database file cannot be read")            \
  X(kDbTooLarge, "db-too-large", "the provider database is larger than the lookup accepts") \
  X(kDbMalformed, "db-malformed",                                                           \
    "the provider database is not well-formed serviceproviders "                            \
    "XML")                                                                                  \
  X(kNoProvider, "no-provider", "no provider in the database has the IMSI's MCC and MNC")   \
  X(kNoInternetApn, "no-internet-apn", "the matching providers list no internet APN")

enum class Errc {
#define UCLINK_X(name, wire, text) name,
  UCLINK_APN_ERRORS(UCLINK_X)
#undef UCLINK_X
};

const char* ToString(Errc errc);  ///< wire name, e.g. "no-provider"
const std::error_category& ApnCategory();
std::error_code make_error_code(Errc errc);

}  // namespace uclink::control::apn

template <>
struct std::is_error_code_enum<uclink::control::apn::Errc> : std::true_type {};
