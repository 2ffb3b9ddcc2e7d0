// `status` round trip over the real control socket: ControlServer (Asio, its own thread, as in
// uclinkd) answering with a ConnectionManager snapshot, ControlClient (as in `uclink status`).
// Reports p50/p99 in microseconds; process start-up of `uclink` is not included.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "control/cli/client.h"
#include "control/daemon/control_server.h"
#include "control/manager/connection_manager.h"

namespace {

using namespace uclink::control;

void BM_StatusRoundTrip(benchmark::State& state) {
  char dir[] = "/tmp/uclink-bench-XXXXXX";
  if (::mkdtemp(dir) == nullptr) return state.SkipWithError("mkdtemp");
  const std::string path = std::string(dir) + "/s.sock";
  boost::asio::io_context io;
  ConnectionManager manager(ManagerOptions{}, Clock::now());
  ControlServer server(
      io,
      [&](const api::Request& request, ControlServer::Reply reply) {
        api::Response response;
        response.id = request.id;
        response.result = api::ToJson(manager.Snapshot(Clock::now(), 1'800'000'000));
        reply(response);
      },
      PeerPolicy{});
  if (server.Listen(path)) return state.SkipWithError("listen");
  auto work = boost::asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });

  std::error_code error;
  std::optional<cli::ControlClient> client = cli::ControlClient::Connect(path, error);
  std::vector<double> micros;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto response = client->Call(api::Method::kStatus, {}, std::chrono::seconds(5), error);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    if (!response) state.SkipWithError("no response");
  }
  std::sort(micros.begin(), micros.end());
  if (!micros.empty()) {
    state.counters["p50_us"] = micros[micros.size() / 2];
    state.counters["p99_us"] = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
  }
  client.reset();
  boost::asio::post(io, [&] { server.Stop(); });
  work.reset();
  thread.join();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StatusRoundTrip)->Iterations(5000)->Unit(benchmark::kMicrosecond);

// One manager event with its actions: the cost of the pure core per AT reply.
void BM_ManagerHandlesAtReply(benchmark::State& state) {
  ManagerOptions options;
  ConnectionManager manager(options, Clock::now());
  auto actions = manager.Handle(ev::UserConnect{}, Clock::now());
  std::uint64_t id = std::get<act::SendAt>(actions.back()).id;
  for (auto _ : state) {
    // The probe's OK: a transition (log + publish actions) and the first init command.
    actions = manager.Handle(ev::AtDone{id, uclink::chat::FinalKind::kOk, 0, {}}, Clock::now());
    benchmark::DoNotOptimize(actions);
    state.PauseTiming();
    manager = ConnectionManager(options, Clock::now());
    actions = manager.Handle(ev::UserConnect{}, Clock::now());
    id = std::get<act::SendAt>(actions.back()).id;
    state.ResumeTiming();
  }
}
BENCHMARK(BM_ManagerHandlesAtReply);

}  // namespace

BENCHMARK_MAIN();
