// HDLC encode/decode throughput on 1500-byte random frames, ACCM 0 and 0xFFFFFFFF, side by side
// with a plain byte-at-a-time table-driven reference written here, so the ratio holds on a noisy
// shared machine; "Fast" runs the path this CPU picks (label: ssse3 or portable), "Portable" the
// word path every CPU runs. Figures and the command are in docs/ppp.md.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "pppif/fcs.h"
#include "pppif/hdlc.h"

namespace uclink::pppif {
namespace {

constexpr std::size_t kFrameSize = 1500;
constexpr int kFrames = 64;

// ---------------------------------------------------------------- the reference

// RFC 1662 App. C.2 table, one byte per step.
const std::array<std::uint16_t, 256> kRefTable = [] {
  std::array<std::uint16_t, 256> t{};
  for (unsigned i = 0; i < 256; ++i) {
    std::uint16_t v = static_cast<std::uint16_t>(i);
    for (int b = 0; b < 8; ++b)
      v = (v & 1) ? static_cast<std::uint16_t>((v >> 1) ^ 0x8408) : v >> 1;
    t[i] = v;
  }
  return t;
}();

inline std::uint16_t RefFcs(std::uint16_t fcs, std::uint8_t b) {
  return static_cast<std::uint16_t>((fcs >> 8) ^ kRefTable[(fcs ^ b) & 0xFF]);
}

inline bool RefEscape(std::uint8_t c, std::uint32_t accm) {
  return c == 0x7E || c == 0x7D || (c < 0x20 && ((accm >> c) & 1U));
}

inline std::uint8_t* RefPut(std::uint8_t c, std::uint32_t accm, std::uint8_t* o) {
  if (RefEscape(c, accm)) {
    *o++ = 0x7D;
    c ^= 0x20;
  }
  *o++ = c;
  return o;
}

// Byte-at-a-time encoder (pppd/lwIP style): FCS and escaping per byte.
std::size_t RefEncode(std::uint16_t protocol, const std::vector<std::uint8_t>& info,
                      std::uint32_t accm, std::uint8_t* out) {
  std::uint8_t* o = out;
  *o++ = 0x7E;
  std::uint16_t fcs = 0xFFFF;
  const std::uint8_t header[4] = {0xFF, 0x03, static_cast<std::uint8_t>(protocol >> 8),
                                  static_cast<std::uint8_t>(protocol)};
  for (std::uint8_t c : header) {
    fcs = RefFcs(fcs, c);
    o = RefPut(c, accm, o);
  }
  for (std::uint8_t c : info) {
    fcs = RefFcs(fcs, c);
    o = RefPut(c, accm, o);
  }
  fcs = static_cast<std::uint16_t>(~fcs);
  o = RefPut(static_cast<std::uint8_t>(fcs), accm, o);
  o = RefPut(static_cast<std::uint8_t>(fcs >> 8), accm, o);
  *o++ = 0x7E;
  return static_cast<std::size_t>(o - out);
}

// Byte-at-a-time decoder: one state machine step and one FCS step per byte.
struct RefDecoder {
  std::vector<std::uint8_t> frame;
  std::uint16_t fcs = 0xFFFF;
  bool escaped = false;
  std::size_t good = 0;

  RefDecoder() { frame.reserve(4096); }

  void Feed(const std::vector<std::uint8_t>& bytes, std::uint32_t accm) {
    for (std::uint8_t c : bytes) {
      if (c == 0x7E) {
        if (frame.size() >= 4 && fcs == 0xF0B8) ++good;
        frame.clear();
        fcs = 0xFFFF;
        escaped = false;
        continue;
      }
      if (c == 0x7D) {
        escaped = true;
        continue;
      }
      if (c < 0x20 && ((accm >> c) & 1U)) continue;
      if (escaped) {
        c ^= 0x20;
        escaped = false;
      }
      if (frame.size() < 4096) frame.push_back(c);
      fcs = RefFcs(fcs, c);
    }
  }
};

// ---------------------------------------------------------------- inputs

std::vector<std::vector<std::uint8_t>> RandomFrames() {
  std::mt19937 rng(1500);
  std::vector<std::vector<std::uint8_t>> frames(kFrames, std::vector<std::uint8_t>(kFrameSize));
  for (auto& f : frames) {
    for (auto& b : f) b = static_cast<std::uint8_t>(rng());
  }
  return frames;
}

std::vector<std::uint8_t> EncodedStream(std::uint32_t accm) {
  std::vector<std::uint8_t> stream;
  for (const auto& f : RandomFrames())
    AppendFrame(0x0021, f, TxFraming{.accm = accm}, true, stream);
  return stream;
}

struct CountingSink : HdlcSink {
  void OnFrame(std::uint16_t, std::span<const std::uint8_t> info) override { bytes += info.size(); }
  void OnFrameError(FrameError) override { ++errors; }
  void OnNoCarrier() override {}
  std::size_t bytes = 0, errors = 0;
};

std::uint32_t Accm(const benchmark::State& state) { return state.range(0) == 0 ? 0U : 0xFFFFFFFFU; }

// ---------------------------------------------------------------- benchmarks

void EncodeFast(benchmark::State& state, HdlcPath path) {
  const auto frames = RandomFrames();
  const TxFraming framing{.accm = Accm(state)};
  std::vector<std::uint8_t> out(MaxEncodedSize(kFrameSize));
  HdlcEncoder encoder(path);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t n = encoder.Encode(0x0021, frames[i++ % kFrames], framing, true, out.data());
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrameSize));
  state.SetLabel(ToString(encoder.path()));
}

// The fastest path this CPU runs (HdlcPath::kSsse3 on x86-64), and the portable word path.
void BM_EncodeFast(benchmark::State& state) { EncodeFast(state, BestHdlcPath()); }
void BM_EncodePortable(benchmark::State& state) { EncodeFast(state, HdlcPath::kPortable); }

void BM_EncodeReference(benchmark::State& state) {
  const auto frames = RandomFrames();
  const std::uint32_t accm = Accm(state);
  std::vector<std::uint8_t> out(MaxEncodedSize(kFrameSize));
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t n = RefEncode(0x0021, frames[i++ % kFrames], accm, out.data());
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrameSize));
}

void DecodeFast(benchmark::State& state, HdlcPath path) {
  const std::uint32_t accm = Accm(state);
  const auto stream = EncodedStream(accm);
  HdlcDeframer deframer(4096, path);
  deframer.SetReceiveAccm(accm);
  CountingSink sink;
  for (auto _ : state) {
    deframer.Feed(stream, sink);
    benchmark::ClobberMemory();
  }
  if (sink.errors != 0 || sink.bytes != state.iterations() * kFrames * kFrameSize) {
    state.SkipWithError("decoder lost frames");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrames * kFrameSize));
  state.SetLabel(ToString(deframer.path()));
}

void BM_DecodeFast(benchmark::State& state) { DecodeFast(state, BestHdlcPath()); }
void BM_DecodePortable(benchmark::State& state) { DecodeFast(state, HdlcPath::kPortable); }

void BM_DecodeReference(benchmark::State& state) {
  const std::uint32_t accm = Accm(state);
  const auto stream = EncodedStream(accm);
  RefDecoder decoder;
  for (auto _ : state) {
    decoder.Feed(stream, accm);
    benchmark::ClobberMemory();
  }
  if (decoder.good != static_cast<std::size_t>(state.iterations()) * kFrames) {
    state.SkipWithError("reference lost frames");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrames * kFrameSize));
}

void BM_Fcs16(benchmark::State& state) {
  const auto frames = RandomFrames();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(FcsUpdate(kFcsInit, frames[i++ % kFrames]));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrameSize));
}

void BM_Fcs16Reference(benchmark::State& state) {
  const auto frames = RandomFrames();
  std::size_t i = 0;
  for (auto _ : state) {
    std::uint16_t fcs = 0xFFFF;
    for (std::uint8_t c : frames[i++ % kFrames]) fcs = RefFcs(fcs, c);
    benchmark::DoNotOptimize(fcs);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrameSize));
}

// Arg 0: ACCM 0 (what we negotiate); arg 1: ACCM 0xFFFFFFFF (the default, and slirp's).
BENCHMARK(BM_EncodeFast)->ArgName("accm_ffffffff")->Arg(0)->Arg(1);
BENCHMARK(BM_EncodePortable)->ArgName("accm_ffffffff")->Arg(0)->Arg(1);
BENCHMARK(BM_EncodeReference)->ArgName("accm_ffffffff")->Arg(0)->Arg(1);
BENCHMARK(BM_DecodeFast)->ArgName("accm_ffffffff")->Arg(0)->Arg(1);
BENCHMARK(BM_DecodePortable)->ArgName("accm_ffffffff")->Arg(0)->Arg(1);
BENCHMARK(BM_DecodeReference)->ArgName("accm_ffffffff")->Arg(0)->Arg(1);
BENCHMARK(BM_Fcs16);
BENCHMARK(BM_Fcs16Reference);

}  // namespace
}  // namespace uclink::pppif

BENCHMARK_MAIN();
