// The services' error vocabulary: generic command failures and the module error each one is
// reported as. Failures of a running transfer are reported with the service's own table code
// (manual tables 3.3 HTTP, 3.4 MQTT, 3.5 FTP) in an information line, then ERROR.
#pragma once

#include <string_view>
#include <system_error>

#include "sim/service_host.h"

namespace uclink::sim::services {

/// Why a service command was refused before anything went on the network, and the module error
/// each is reported as (ReplyError). X(enumerator, value, wire name, meaning): values start at 1,
/// as std::error_code treats 0 as success.
#define UCLINK_SIM_SERVICES_ERRORS(X)                               \
  /* missing, malformed or out-of-range parameter: +EXT ERROR: 0 */ \
  X(kBadParameter, 1, "bad-parameter", "parameter not allowed")     \
  /* a string over the manual's limit: +CME ERROR: 24 */            \
  X(kTooLong, 2, "too-long", "text string too long")                \
  /* CFUN/attach/PDP not ready: +CME ERROR: 30 */                   \
  X(kNoNetwork, 3, "no-network", "no network service")              \
  /* wrong state, e.g. a second TCP client: +CME ERROR: 3 */        \
  X(kNotAllowed, 4, "not-allowed", "operation not allowed")         \
  /* IPCLOSE of a socket that does not exist: +CME ERROR: 514 */    \
  X(kIpCloseFail, 5, "ip-close-fail", "IP CLOSE FAIL")

enum class Errc {
#define UCLINK_X(name, value, wire, text) name = value,
  UCLINK_SIM_SERVICES_ERRORS(UCLINK_X)
#undef UCLINK_X
};

/// The category of `Errc` ("uclink.sim.services").
const std::error_category& ServicesCategory();

/// Makes `Errc` usable as a std::error_code.
std::error_code make_error_code(Errc e);

/// The stable name, e.g. "too-long".
std::string_view ToString(Errc e);

/// Ends the current command with the module error that stands for `e`.
void ReplyError(ServiceHost& host, Errc e);

}  // namespace uclink::sim::services

template <>
struct std::is_error_code_enum<uclink::sim::services::Errc> : std::true_type {};
