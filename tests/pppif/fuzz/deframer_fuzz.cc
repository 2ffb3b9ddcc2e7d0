// libFuzzer target: the HDLC deframer on arbitrary line bytes in arbitrary chunks. Frames handed
// out must respect the size bound; nothing may crash or grow without limit; the SSSE3 path must
// report exactly what the portable path reports (differential check of HdlcPath).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "pppif/hdlc.h"

namespace {

using uclink::pppif::HdlcPath;

constexpr std::size_t kMaxFrame = 256;

// Folds every event into a digest (FNV-1a), so two deframers can be compared without keeping
// their output.
struct CheckingSink : uclink::pppif::HdlcSink {
  void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) override {
    if (info.size() > kMaxFrame) std::abort();
    Mix(0x100U | (protocol >> 8));
    Mix(protocol & 0xFFU);
    for (std::uint8_t b : info) Mix(b);
    Mix(0x200U);
  }
  void OnFrameError(uclink::pppif::FrameError error) override {
    Mix(0x300U | static_cast<unsigned>(error));
  }
  void OnNoCarrier() override { Mix(0x400U); }
  void Mix(unsigned value) { digest = (digest ^ value) * 0x100000001B3ULL; }
  std::uint64_t digest = 0xCBF29CE484222325ULL;
};

std::uint64_t Digest(std::span<const std::uint8_t> rest, std::size_t chunk, std::uint32_t accm,
                     HdlcPath path) {
  uclink::pppif::HdlcDeframer deframer(kMaxFrame, path);
  deframer.SetReceiveAccm(accm);
  CheckingSink sink;
  while (!rest.empty()) {
    const std::size_t n = rest.size() < chunk ? rest.size() : chunk;
    deframer.Feed(rest.first(n), sink);
    rest = rest.subspan(n);
  }
  return sink.digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // First byte: chunk size; second: receive ACCM choice.
  const std::size_t chunk = data[0] % 32 + 1;
  const std::uint32_t accm = (data[1] & 1) != 0   ? 0xFFFFFFFFU
                             : (data[1] & 2) != 0 ? 0x000A0000U
                                                  : 0;
  const std::span<const std::uint8_t> rest(data + 2, size - 2);
  if (Digest(rest, chunk, accm, HdlcPath::kPortable) !=
      Digest(rest, chunk, accm, uclink::pppif::BestHdlcPath())) {
    std::abort();
  }
  return 0;
}
