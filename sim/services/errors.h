// The services' error vocabulary: generic command failures and the module error each one is
// reported as. Failures of a running transfer are reported with the service's own table code
// (manual tables 3.3 HTTP, 3.4 MQTT, 3.5 FTP) in an information line, then ERROR.
#pragma once

#include <string_view>
#include <system_error>

#include "sim/service_host.h"

namespace uclink::sim::services {

/// Why a service command was refused before anything went on the network.
enum class Errc {
  kBadParameter = 1,  ///< missing, malformed or out-of-range parameter: +EXT ERROR: 0
  kTooLong,           ///< a string over the manual's limit: +CME ERROR: 24 (text string too long)
  kNoNetwork,         ///< CFUN/attach/PDP not ready: +CME ERROR: 30 (no network service)
  kNotAllowed,        ///< wrong state, e.g. a second TCP client: +CME ERROR: 3
  kIpCloseFail,       ///< IPCLOSE of a socket that does not exist: +CME ERROR: 514
};

/// The category of `Errc` ("uclink.sim.services").
const std::error_category& ServicesCategory();

/// Makes `Errc` usable as a std::error_code.
std::error_code make_error_code(Errc e);

/// The enumerator's name, e.g. "kTooLong".
std::string_view ToString(Errc e);

/// Ends the current command with the module error that stands for `e`.
void ReplyError(ServiceHost& host, Errc e);

}  // namespace uclink::sim::services

template <>
struct std::is_error_code_enum<uclink::sim::services::Errc> : std::true_type {};
