// libFuzzer target: the Router Advertisement reader (pppif/ra.h) on arbitrary packets.
#include <cstddef>
#include <cstdint>
#include <span>

#include "pppif/ra.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<uclink::pppif::RouterAdvert> ra =
      uclink::pppif::ParseRouterAdvert(std::span(data, size));
  if (ra) {
    for (const auto& server : ra->dns) (void)uclink::pppif::FormatIpv6(server.address);
  }
  return 0;
}
