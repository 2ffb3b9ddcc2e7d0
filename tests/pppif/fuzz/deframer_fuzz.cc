// libFuzzer target: the HDLC deframer on arbitrary line bytes in arbitrary chunks. Frames handed
// out must respect the size bound; nothing may crash or grow without limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "pppif/hdlc.h"

namespace {

constexpr std::size_t kMaxFrame = 256;

struct CheckingSink : uclink::pppif::HdlcSink {
  void OnFrame(std::uint16_t, std::span<const std::uint8_t> info) override {
    if (info.size() > kMaxFrame) std::abort();
  }
  void OnFrameError(uclink::pppif::FrameError) override {}
  void OnNoCarrier() override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // First byte: chunk size; second: receive ACCM choice.
  const std::size_t chunk = data[0] % 32 + 1;
  const std::uint32_t accm = (data[1] & 1) != 0   ? 0xFFFFFFFFU
                             : (data[1] & 2) != 0 ? 0x000A0000U
                                                  : 0;
  uclink::pppif::HdlcDeframer deframer(kMaxFrame);
  deframer.SetReceiveAccm(accm);
  CheckingSink sink;
  std::span<const std::uint8_t> rest(data + 2, size - 2);
  while (!rest.empty()) {
    const std::size_t n = rest.size() < chunk ? rest.size() : chunk;
    deframer.Feed(rest.first(n), sink);
    rest = rest.subspan(n);
  }
  return 0;
}
