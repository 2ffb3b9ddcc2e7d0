// Tokenizer + classifier throughput over a realistic UC8088 transcript mix (docs/at-channel.md).
// Also counts heap allocations inside the measured loop: the target is none per line.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "chat/at_tokenizer.h"
#include "chat/final_result.h"
#include "chat/urc_table.h"

namespace {

std::atomic<long> g_allocations{0};

}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that this operator new and these deletes are a pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace uclink::chat {
namespace {

// One "session" in the manual's own shapes: echo, identity, registration with URCs between the
// info lines and OK (§2.15.3), PDP queries, a socket with +IPRECV payloads, an FTP listing and an
// MQTT message. Repeated to fill 1 MiB.
std::string TranscriptMix() {
  const std::string session =
      "AT+CSQ\r\r\n+CSQ: 21,99\r\n\r\nOK\r\n"
      "AT+CGREG?\r\r\n+CGREG: 1,1,13122,32451\r\n\r\nOK\r\n"
      "\r\n+CGREG: 2\r\n\r\n+CGREG: 1\r\n\r\nOK\r\n"
      "\r\n+CGDCONT: 1, \"IP\", \"\", \"\", 0, 0\r\n\r\nOK\r\n"
      "\r\n+CGACT:1,1\r\n\r\n+CGACT:2,1\r\n\r\nOK\r\n"
      "\r\n+CGPADDR: 1,\"192.168.40.13\"\r\n+CGPADDR: 2,\"192.168.40.14\"\r\nOK\r\n"
      "\r\n+COPS: 0,2,\"26242\"\r\n\r\nOK\r\n"
      "\r\n+IPSEND=64\r\n\r\nOK\r\n"
      "\r\n+IPRECV=\"TCP\",64,0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n"
      "\r\n+MQTTSUB:\"topic1\",5,\"hello\"\r\n"
      "\r\n+FTPLIST:0,62\r\n-rwxrwxrwx\t1\t1000\t1000\t8 May 14 12:04\t1.bin\r\n"
      "-rw-----\t1\t128\t137\t12 Jun 18 19:50\t12\r\n\r\nOK\r\n"
      "\r\n+CME ERROR: 30\r\n";
  std::string mix;
  while (mix.size() < (1 << 20)) mix += session;
  return mix;
}

void BM_TokenizeAndClassify(benchmark::State& state) {
  const std::string mix = TranscriptMix();
  const std::size_t read_size = static_cast<std::size_t>(state.range(0));
  const UrcTable urcs;
  AtTokenizer tokenizer;
  long lines = 0;
  long finals = 0;
  long allocations = 0;
  for (auto _ : state) {
    const long before = g_allocations.load(std::memory_order_relaxed);
    for (std::size_t pos = 0; pos < mix.size(); pos += read_size) {
      tokenizer.Feed(std::string_view(mix).substr(pos, read_size));
      while (auto token = tokenizer.Next()) {
        if (token->kind != TokenKind::kLine && token->kind != TokenKind::kPayloadHeader) continue;
        ++lines;
        if (ClassifyFinal(token->text)) {
          ++finals;
        } else {
          benchmark::DoNotOptimize(urcs.Classify(token->text));
        }
      }
    }
    allocations += g_allocations.load(std::memory_order_relaxed) - before;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(mix.size()));
  state.counters["lines"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.counters["allocs_per_line"] =
      static_cast<double>(allocations) / static_cast<double>(lines ? lines : 1);
  benchmark::DoNotOptimize(finals);
}

// 64-byte reads are what a 115200-baud tty hands over; 4 KiB is a full buffer.
BENCHMARK(BM_TokenizeAndClassify)->Arg(64)->Arg(4096);

}  // namespace
}  // namespace uclink::chat

BENCHMARK_MAIN();
