// Errors of pppif's operating-system side (TUN device, rtnetlink, DNS hand-off, the Asio engine).
// Failures of a system call travel as std::system_category codes (errno) and libnl failures as
// NetlinkCategory codes (pppif/netlink.h); this list names what neither of those can say.
#pragma once

#include <system_error>

namespace uclink::pppif {

// X(enumerator, value, stable name, meaning). The one list for the interface shell. Values start
// at 1: a std::error_code with value 0 means success, so no error may have it.
#define UCLINK_PPPIF_INTERFACE_ERRORS(X)                                                      \
  X(kBadInterfaceName, 1, "bad-interface-name",                                               \
    "an interface name must be 1..15 bytes of [A-Za-z0-9_.-] with at most one %d template")   \
  X(kResolvconfFailed, 2, "resolvconf-failed",                                                \
    "the resolvconf program exited with a failure status or did not finish in time")          \
  X(kAlreadyStarted, 3, "already-started", "Start() was called on a backend that is running") \
  X(kInterfaceSetup, 4, "interface-setup-failed",                                             \
    "IPCP opened but the interface could not be configured (see the detail)")

/// Errors of the TUN/netlink/DNS shell around the PPP session.
enum class InterfaceErrc {
#define UCLINK_X(name, value, wire, text) name = value,
  UCLINK_PPPIF_INTERFACE_ERRORS(UCLINK_X)
#undef UCLINK_X
};

/// The stable name, e.g. "bad-interface-name".
const char* ToString(InterfaceErrc errc);
/// The one-line meaning documented for the code.
const char* Describe(InterfaceErrc errc);

/// The category of InterfaceErrc ("uclink.pppif.interface").
const std::error_category& InterfaceCategory();
std::error_code make_error_code(InterfaceErrc errc);

}  // namespace uclink::pppif

template <>
struct std::is_error_code_enum<uclink::pppif::InterfaceErrc> : std::true_type {};
