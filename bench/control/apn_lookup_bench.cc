// docs/apn.md "Cost": what network.apn = "auto" pays once per connection attempt — reading and
// parsing Debian's serviceproviders.xml and the lookup — and the lookup alone on a parsed
// database. Needs mobile-broadband-provider-info (tools/setup.sh).
#include <benchmark/benchmark.h>

#include <string>

#include "control/apn/provider_file.h"

namespace {

using namespace uclink::control::apn;

const std::string kDb(kDefaultProviderDb);

void BM_LookUpFile(benchmark::State& state) {
  for (auto _ : state) {
    Lookup lookup = LookUpFile(kDb, "460111234567890");
    if (lookup.error != Errc::kOk) state.SkipWithError(lookup.detail.c_str());
    benchmark::DoNotOptimize(lookup);
  }
}
BENCHMARK(BM_LookUpFile)->Unit(benchmark::kMillisecond);

void BM_FindCandidates(benchmark::State& state) {
  const ParsedDb parsed = LoadProviderDb(kDb);
  if (parsed.error != Errc::kOk) state.SkipWithError(parsed.detail.c_str());
  state.counters["providers"] = static_cast<double>(parsed.db.providers.size());
  for (auto _ : state) {
    Lookup lookup = FindCandidates(parsed.db, "460111234567890");
    benchmark::DoNotOptimize(lookup);
  }
}
BENCHMARK(BM_FindCandidates)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
