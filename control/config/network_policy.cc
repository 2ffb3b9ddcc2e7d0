// network.roaming's words (docs/configuration.md, docs/apn.md).
#include "control/config/config.h"

namespace uclink::control {

const char* ToString(RoamingPolicy value) {
  switch (value) {
    case RoamingPolicy::kAllow:
      return "allow";
    case RoamingPolicy::kDeny:
      return "deny";
  }
  return "?";
}

std::optional<RoamingPolicy> RoamingPolicyFromString(std::string_view text) {
  for (RoamingPolicy v : {RoamingPolicy::kAllow, RoamingPolicy::kDeny}) {
    if (text == ToString(v)) return v;
  }
  return std::nullopt;
}

}  // namespace uclink::control
