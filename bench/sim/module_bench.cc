// Throughput of the pure simulator core: AT commands answered per second and data-mode bytes
// bridged per second (figures in docs/simulator.md).
#include <benchmark/benchmark.h>

#include <string>

#include "sim/module.h"

namespace {

using uclink::sim::Module;

uclink::sim::Scenario Fast() {
  uclink::sim::Scenario scenario;
  scenario.fast = true;
  return scenario;
}

void BM_AtCommandRoundTrip(benchmark::State& state) {
  Module::TimePoint now{};
  Module module(Fast(), now);
  module.OnSerial("AT+CFUN=1\r", now);
  module.TakeActions();
  std::size_t bytes = 0;
  for (auto _ : state) {
    module.OnSerial("AT+CGREG?\r", now);
    for (const auto& action : module.TakeActions()) bytes += action.bytes.size();
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AtCommandRoundTrip);

void BM_DataModeBridge(benchmark::State& state) {
  Module::TimePoint now{};
  Module module(Fast(), now);
  module.OnSerial("AT+CFUN=1\rAT+CGDATA=\"PPP\",1\r", now);
  module.TakeActions();
  const std::string frame(static_cast<std::size_t>(state.range(0)), '\x42');
  for (auto _ : state) {
    module.OnSerial(frame, now);  // DTE → peer
    module.OnPeer(frame, now);    // peer → DTE
    benchmark::DoNotOptimize(module.TakeActions());
  }
  state.SetBytesProcessed(state.iterations() * 2 * state.range(0));
}
BENCHMARK(BM_DataModeBridge)->Arg(64)->Arg(1500);

}  // namespace

BENCHMARK_MAIN();
