// End-to-end TCP throughput and CPU per MB through TUN → Engine/Session → pty → slirp-fullbolt
// (figures in docs/ppp-engine.md). One link is set up for the whole run, exactly as in
// //tests/pppif/e2e:slirp_e2e_test: the engine in a network namespace created here, slirp and the
// TCP servers in the host namespace, traffic only to 10.0.2.2 (the host's 127.0.0.1).
//
//   bazel run -c opt //bench/pppif:ppp_throughput        (needs root: TUN + namespaces)
//
// Counters: bytes_per_second (payload), engine_cpu_ms_per_MB (the io_context thread: engine,
// session, HDLC, TUN I/O), slirp_cpu_ms_per_MB (the peer process), both per MiB of payload.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "pppif/userspace_backend.h"
#include "tests/pppif/e2e/clients.h"
#include "tests/pppif/e2e/host_servers.h"
#include "tests/pppif/e2e/namespaced_link.h"
#include "tests/pppif/e2e/netns.h"
#include "tests/pppif/e2e/slirp_peer.h"

namespace uclink::pppif::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kTransferBytes = 16 * 1024 * 1024;
constexpr double kMiB = 1024.0 * 1024.0;

// The link and its peers, created once in main().
struct Rig {
  std::string work_dir;
  std::unique_ptr<HostServer> sink;
  std::unique_ptr<HostServer> source;
  std::unique_ptr<SlirpPeer> slirp;
  std::unique_ptr<NetNamespace> ns;
  std::unique_ptr<NamespacedLink> link;
};
Rig* rig = nullptr;

std::string SetUpRig(Rig& r) {
  if (std::string reason = NetAdminUnavailableReason(); !reason.empty()) return reason;
  if (!SlirpAvailable()) return "slirp-fullbolt is not installed";
  r.work_dir = (std::filesystem::temp_directory_path() / "uclink-ppp-bench-XXXXXX").string();
  if (::mkdtemp(r.work_dir.data()) == nullptr) return "mkdtemp failed";
  std::error_code ec;
  r.sink = HostServer::Start(ServerRole::kTcpSink, ec);
  if (!ec) r.source = HostServer::Start(ServerRole::kTcpSource, ec);
  if (!ec) r.slirp = SlirpPeer::Start(r.work_dir, {}, ec);
  if (!ec) r.ns = NetNamespace::Create(ec);
  // The peer address is a placeholder (slirp asks 0.0.0.0 for itself), so 10.0.2.2 is reached
  // through the default route, as any Internet address would be on a real GPRS link.
  UserspaceBackendOptions options;
  options.default_route_metric = 100;
  if (!ec) r.link = NamespacedLink::Start(*r.ns, r.slirp->line_fd(), options, ec);
  if (ec) return ec.message();
  if (!r.link->WaitUp(10s)) return "PPP link did not come up";
  return "";
}

void ReportCpu(benchmark::State& state, double engine_cpu, double slirp_cpu, double bytes) {
  const double mib = bytes / kMiB;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["engine_cpu_ms_per_MB"] = engine_cpu * 1000 / mib;
  state.counters["slirp_cpu_ms_per_MB"] = slirp_cpu * 1000 / mib;
}

// Namespace → host: the client sends kTransferBytes, the sink answers the count it received.
void BM_TcpUpload(benchmark::State& state) {
  const std::vector<std::uint8_t> chunk = PatternBytes(64 * 1024, 1);
  double engine_cpu = 0, slirp_cpu = 0, bytes = 0;
  for (auto _ : state) {
    const double engine_before = rig->link->CpuSeconds();
    const double slirp_before = rig->slirp->CpuSeconds();
    const std::uint64_t received = rig->ns->Run([&] {
      TcpClient client(kSlirpHost, rig->sink->port(), 30s);
      for (std::size_t sent = 0; client.connected() && sent < kTransferBytes;
           sent += chunk.size()) {
        if (!client.SendAll(chunk)) return std::uint64_t{0};
      }
      client.HalfClose();
      std::uint64_t count = 0;
      for (std::uint8_t byte : client.ReceiveExactly(8)) count = (count << 8) | byte;
      return count;
    });
    if (received != kTransferBytes) state.SkipWithError("sink received a different byte count");
    engine_cpu += rig->link->CpuSeconds() - engine_before;
    slirp_cpu += rig->slirp->CpuSeconds() - slirp_before;
    bytes += static_cast<double>(received);
  }
  ReportCpu(state, engine_cpu, slirp_cpu, bytes);
}

// Host → namespace: the client asks the source for kTransferBytes and reads them to EOF.
void BM_TcpDownload(benchmark::State& state) {
  double engine_cpu = 0, slirp_cpu = 0, bytes = 0;
  for (auto _ : state) {
    const double engine_before = rig->link->CpuSeconds();
    const double slirp_before = rig->slirp->CpuSeconds();
    const std::uint64_t received = rig->ns->Run([&] {
      TcpClient client(kSlirpHost, rig->source->port(), 30s);
      std::vector<std::uint8_t> request(8);
      for (int i = 0; i < 8; ++i)
        request[i] = static_cast<std::uint8_t>(kTransferBytes >> (56 - 8 * i));
      if (!client.connected() || !client.SendAll(request)) return std::uint64_t{0};
      std::vector<std::uint8_t> buffer(64 * 1024);
      std::uint64_t total = 0;
      for (long n; (n = client.ReceiveSome(buffer.data(), buffer.size())) > 0;) total += n;
      return total;
    });
    if (received != kTransferBytes) state.SkipWithError("received a different byte count");
    engine_cpu += rig->link->CpuSeconds() - engine_before;
    slirp_cpu += rig->slirp->CpuSeconds() - slirp_before;
    bytes += static_cast<double>(received);
  }
  ReportCpu(state, engine_cpu, slirp_cpu, bytes);
}

BENCHMARK(BM_TcpUpload)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TcpDownload)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace uclink::pppif::testing

int main(int argc, char** argv) {
  using namespace uclink::pppif::testing;
  benchmark::Initialize(&argc, argv);
  Rig r;
  if (const std::string reason = SetUpRig(r); !reason.empty()) {
    std::fprintf(stderr, "ppp_throughput: skipped: %s\n", reason.c_str());
    return 0;
  }
  rig = &r;
  benchmark::RunSpecifiedBenchmarks();
  const uclink::pppif::EngineCounters counters = r.link->Counters();
  const uclink::pppif::BackendStatus status = r.link->Status();
  std::printf(
      "engine: line_reads=%llu line_writes=%llu tun_read_pauses=%llu line_queue_peak=%zu "
      "frames_in=%llu frames_out=%llu fcs_errors=%llu\n",
      static_cast<unsigned long long>(counters.line_reads),
      static_cast<unsigned long long>(counters.line_writes),
      static_cast<unsigned long long>(counters.tun_read_pauses), counters.line_queue_peak_bytes,
      static_cast<unsigned long long>(status.counters.frames_in),
      static_cast<unsigned long long>(status.counters.frames_out),
      static_cast<unsigned long long>(status.counters.fcs_errors));
  r.link.reset();
  r.slirp.reset();
  std::error_code ignored;
  std::filesystem::remove_all(r.work_dir, ignored);
  benchmark::Shutdown();
  return 0;
}
