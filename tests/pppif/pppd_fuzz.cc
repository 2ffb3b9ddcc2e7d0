// Fuzz target: hook datagrams and module byte streams never crash, hang or grow state.
// Input: first byte selects the split point of the bridge stream; the whole input is also
// decoded as a hook datagram.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "pppif/pppd_bridge.h"
#include "pppif/pppd_hook_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using uclink::pppif::PppdBridge;
  auto decoded =
      uclink::pppif::DecodeHookEvent(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!decoded.error) {
    // Whatever decodes must re-encode to something that decodes to the same event.
    auto again = uclink::pppif::DecodeHookEvent(uclink::pppif::EncodeHookEvent(decoded.event));
    if (again.error || !(again.event == decoded.event)) __builtin_trap();
  }
  if (size == 0) return 0;
  std::span<const std::uint8_t> bytes(data + 1, size - 1);
  std::size_t cut = data[0] % (bytes.size() + 1);
  PppdBridge bridge;
  auto now = uclink::pppif::bridge::Clock::time_point{};
  bridge.Start(bytes.first(cut), now);
  bridge.OnModemBytes(bytes.subspan(cut), now);
  bridge.OnPppdBytes(bytes);
  bridge.OnTimer(now + std::chrono::seconds(1));
  return 0;
}
