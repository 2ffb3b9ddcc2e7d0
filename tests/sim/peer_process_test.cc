// The simulator's PPP peer process: started and stopped at once, hundreds of times, with the
// simulator's own SIGTERM watch in place (as cmd/uclink-sim has it). Stopping the peer must
// never stop the simulator: the cause of the fault matrix's vanishing simulator, kept as a
// regression (docs/RELIABILITY.md, "Who stopped the simulator").
#include "sim/peer_process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "process/signal_watch.h"

namespace uclink::sim {
namespace {

TEST(PeerProcessTest, PeerStoppedRightAfterStartNeverSignalsTheSimulator) {
  boost::asio::io_context io;
  process::SignalWatch watch(io, {SIGINT, SIGTERM});
  ASSERT_FALSE(watch.error());
  std::optional<process::SignalInfo> simulator_got;
  watch.Watch([&](const process::SignalInfo& info) { simulator_got = info; });
  for (int i = 0; i < 300; ++i) {
    auto peer = std::make_shared<PeerProcess>(
        io, [](std::string_view) {}, [] {});
    ASSERT_FALSE(peer->Start({"cat"}, /*fresh_home=*/i % 10 == 0)) << "round " << i;
    ASSERT_TRUE(peer->running());
    peer->Stop();  // SIGTERM to the child at once, reaped
    EXPECT_FALSE(peer->running());
    io.poll();
    ASSERT_FALSE(simulator_got.has_value()) << "round " << i << ": " << simulator_got->description;
  }
}

TEST(PeerProcessTest, APeerThatCannotStartIsAnError) {
  boost::asio::io_context io;
  auto peer = std::make_shared<PeerProcess>(
      io, [](std::string_view) {}, [] {});
  EXPECT_TRUE(peer->Start({"/nonexistent/slirp"}, false));
  EXPECT_FALSE(peer->running());
}

}  // namespace
}  // namespace uclink::sim
