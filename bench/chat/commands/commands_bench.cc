// Cost of decoding the lines uclink reads most (CSQ, CGREG, COPS=?, payload headers) and of
// encoding a command, per call.
#include <benchmark/benchmark.h>

#include <string_view>

#include "chat/commands/ip.h"
#include "chat/commands/mqtt.h"
#include "chat/commands/network.h"
#include "chat/commands/pdp.h"

namespace uclink::chat {
namespace {

void BM_DecodeCsq(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DecodeCsq("+CSQ: 21, 99"));
}
BENCHMARK(BM_DecodeCsq);

void BM_DecodeCgregRead(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(DecodeCgreg("+CGREG: 2,1,\"8BE3\",\"00002B5D\",3", true));
}
BENCHMARK(BM_DecodeCgregRead);

void BM_DecodeCgdcont(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeCgdcont("+CGDCONT: 1,\"IP\",\"nate.sktelecom.com\",\"\",0,0"));
  }
}
BENCHMARK(BM_DecodeCgdcont);

void BM_DecodeCopsList(benchmark::State& state) {
  constexpr std::string_view kLine =
      "+COPS: (2,\"T-Mobile\",\"TMO\",\"31026\",0),(1,\"AT&T\",\"AT&T\",\"310410\",0),,"
      "(0,1,2,3,4),(0,1,2)";
  for (auto _ : state) benchmark::DoNotOptimize(DecodeCopsList(kLine));
}
BENCHMARK(BM_DecodeCopsList);

void BM_DecodeIprecvHeader(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeIprecvHeader("+IPRECV=\"TCP\",3,123", false));
  }
}
BENCHMARK(BM_DecodeIprecvHeader);

void BM_EncodeMqttpub(benchmark::State& state) {
  for (auto _ : state) {
    // No '"' in the message: a quoted parameter cannot carry one (refused, not encoded).
    benchmark::DoNotOptimize(EncodeMqttpub("sensors/room1/temperature", 1, false, "{'t':21.5}"));
  }
}
BENCHMARK(BM_EncodeMqttpub);

}  // namespace
}  // namespace uclink::chat
