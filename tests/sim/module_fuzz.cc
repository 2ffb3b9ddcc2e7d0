// Fuzz target: arbitrary bytes on the serial line and from the PPP peer, arbitrary pacing.
// The module must never crash, hang or grow without bound (ASan/UBSan in --config=fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/module.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using uclink::sim::Module;
  uclink::sim::Scenario scenario;
  scenario.fast = (size % 2) == 0;
  scenario.escape = (size % 3) == 0;
  Module::TimePoint now{};
  Module module(scenario, now);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t total = 0;
  while (!input.empty()) {
    // First byte of each piece: its length (1-32) and whether it goes to the peer.
    unsigned char control = static_cast<unsigned char>(input.front());
    input.remove_prefix(1);
    std::size_t length = std::min<std::size_t>(input.size(), (control & 0x1F) + 1);
    std::string_view piece = input.substr(0, length);
    input.remove_prefix(length);
    now += std::chrono::milliseconds(control * 13);
    if (control & 0x80) {
      module.OnPeer(piece, now);
    } else {
      module.OnSerial(piece, now);
    }
    if ((control & 0x60) == 0x60) module.OnPeerExit(now);
    for (int i = 0; i < 64; ++i) {
      std::optional<Module::TimePoint> next = module.NextDeadline();
      if (!next || *next > now + std::chrono::seconds(10)) break;
      module.OnTimer(*next > now ? *next : now);
    }
    for (const uclink::sim::ModuleAction& action : module.TakeActions())
      total += action.bytes.size();
  }
  return total > (1u << 30) ? 1 : 0;
}
