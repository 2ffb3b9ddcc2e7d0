// Engine: the Asio shell between the line, the TUN device and the session. The session is a
// scripted fake (SessionCore), the line and the TUN device are socketpairs whose far ends the test
// plays: the "modem" end and the "kernel" end. No sleeps: the io_context runs until the expected
// event happened, bounded by a deadline.
#include "pppif/engine.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pppif/interface_errc.h"

namespace uclink::pppif {
namespace {

using namespace std::chrono_literals;

// What the engine called on the session.
struct Call {
  enum class Kind { kOpen, kClose, kLineBytes, kLineClosed, kIpPacket, kTimer };
  Kind kind;
  Bytes data;
  Clock::time_point now;
};

// The fake's state, shared with the test after the engine took ownership of the fake.
struct Script {
  std::vector<Call> calls;
  std::vector<Action> pending;
  // Runs after each call is recorded, to answer with actions (like a real session would).
  std::function<void(const Call&, Script&)> react;
  Phase phase = Phase::kDead;
  Counters counters;
  std::optional<IpConfig> ip;

  int Count(Call::Kind kind) const {
    int n = 0;
    for (const Call& call : calls) n += call.kind == kind;
    return n;
  }
};

class FakeSession final : public SessionCore {
 public:
  explicit FakeSession(std::shared_ptr<Script> script) : script_(std::move(script)) {}

  void Open(Clock::time_point now) override { Record(Call::Kind::kOpen, {}, now); }
  void Close(Clock::time_point now) override { Record(Call::Kind::kClose, {}, now); }
  void OnLineBytes(std::span<const std::uint8_t> bytes, Clock::time_point now) override {
    Record(Call::Kind::kLineBytes, Bytes(bytes.begin(), bytes.end()), now);
  }
  void OnLineClosed(Clock::time_point now) override { Record(Call::Kind::kLineClosed, {}, now); }
  void OnIpPacket(std::span<const std::uint8_t> packet, Clock::time_point now) override {
    Record(Call::Kind::kIpPacket, Bytes(packet.begin(), packet.end()), now);
  }
  void OnTimer(Clock::time_point now) override { Record(Call::Kind::kTimer, {}, now); }
  std::vector<Action> TakeActions() override { return std::exchange(script_->pending, {}); }
  Phase phase() const override { return script_->phase; }
  const Counters& counters() const override { return script_->counters; }
  std::optional<IpConfig> ip() const override { return script_->ip; }

 private:
  void Record(Call::Kind kind, Bytes data, Clock::time_point now) {
    script_->calls.push_back({kind, std::move(data), now});
    if (script_->react) script_->react(script_->calls.back(), *script_);
  }
  std::shared_ptr<Script> script_;
};

Bytes B(const std::string& text) { return Bytes(text.begin(), text.end()); }

// A minimal IPv4 header of `total` bytes (version 4, IHL 5), padded with `extra` bytes.
Bytes Ipv4Packet(std::size_t total, std::size_t extra = 0) {
  Bytes packet(total + extra, 0xAB);
  packet[0] = 0x45;
  packet[1] = 0;
  packet[2] = static_cast<std::uint8_t>(total >> 8);
  packet[3] = static_cast<std::uint8_t>(total);
  return packet;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { MakeLine(SOCK_STREAM); }

  void TearDown() override {
    engine_.reset();
    for (int fd : {line_, modem_, tun_, kernel_}) {
      if (fd >= 0) ::close(fd);
    }
  }

  void MakeLine(int type) {
    if (line_ >= 0) ::close(line_), ::close(modem_);
    int line[2];
    ASSERT_EQ(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, line), 0);
    line_ = line[0];
    modem_ = line[1];
    int tun[2];
    if (tun_ < 0) {
      ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, tun), 0);
      tun_ = tun[0];
      kernel_ = tun[1];
    }
  }

  void StartEngine(Bytes leftover = {}) {
    engine_ =
        std::make_unique<Engine>(io_, std::make_unique<FakeSession>(script_), options_,
                                 EngineCallbacks{
                                     .on_up =
                                         [this](const IpConfig& ip, const std::string& ifname) {
                                           ups_.push_back({ip, ifname});
                                         },
                                     .on_down =
                                         [this](DownReason reason, const std::string& detail) {
                                           downs_.push_back({reason, detail});
                                         },
                                     .on_phase =
                                         [this](Phase from, Phase to) {
                                           phases_.push_back({from, to});
                                         },
                                 });
    EXPECT_FALSE(engine_->Start(line_, std::move(leftover), tun_, "ppp7"));
  }

  // Runs the io_context until `done` holds; false after 5 s (a hang is a failure, not a wait).
  bool RunUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(10ms);
    }
    return true;
  }

  // Reads one chunk (or one message on SOCK_SEQPACKET) from `fd`, waiting up to 5 s.
  static Bytes ReadSome(int fd) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 5000) != 1) return {};
    Bytes data(65536);
    const ssize_t n = ::read(fd, data.data(), data.size());
    data.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return data;
  }

  void WriteModem(const Bytes& bytes) {
    ASSERT_EQ(::write(modem_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  void WriteKernel(const Bytes& packet) {
    ASSERT_EQ(::write(kernel_, packet.data(), packet.size()), static_cast<ssize_t>(packet.size()));
  }

  boost::asio::io_context io_;
  std::shared_ptr<Script> script_ = std::make_shared<Script>();
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
  int line_ = -1, modem_ = -1, tun_ = -1, kernel_ = -1;
  std::vector<std::pair<IpConfig, std::string>> ups_;
  std::vector<std::pair<DownReason, std::string>> downs_;
  std::vector<std::pair<Phase, Phase>> phases_;
};

TEST_F(EngineTest, LeftoverBytesReachTheSessionAfterOpenAndBeforeLaterLineBytes) {
  StartEngine(B("~leftover"));
  WriteModem(B("later"));
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kLineBytes) == 2; }));
  ASSERT_EQ(script_->calls.size(), 3u);
  EXPECT_EQ(script_->calls[0].kind, Call::Kind::kOpen);
  EXPECT_EQ(script_->calls[1].data, B("~leftover"));
  EXPECT_EQ(script_->calls[2].data, B("later"));
}

TEST_F(EngineTest, WaitingLineBytesAreReadInOneChunkUpToTheReadSize) {
  WriteModem(Bytes(12000, 0x7E));
  StartEngine();
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kLineBytes) == 1; }));
  EXPECT_EQ(script_->calls[1].data.size(), 12000u);
  EXPECT_EQ(engine_->engine_counters().line_reads, 1u);
}

TEST_F(EngineTest, ReadChunkIsNeverSmallerThan4KiB) {
  options_.line_read_chunk = 100;
  WriteModem(Bytes(12000, 0x7E));
  StartEngine();
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kLineBytes) >= 1; }));
  EXPECT_EQ(script_->calls[1].data.size(), 4096u);
}

// SOCK_SEQPACKET keeps write boundaries, so each message the modem receives is one write().
TEST_F(EngineTest, FramesOfOneSessionStepLeaveInOneWriteInOrder) {
  MakeLine(SOCK_SEQPACKET);
  script_->react = [](const Call& call, Script& s) {
    if (call.kind != Call::Kind::kOpen) return;
    s.pending = {action::WriteLine{Bytes(10, 1)}, action::WriteLine{Bytes(2000, 2)},
                 action::WriteLine{Bytes(7, 3)}};
  };
  StartEngine();
  ASSERT_TRUE(RunUntil([&] { return engine_->engine_counters().line_writes == 1; }));
  Bytes expected = Bytes(10, 1);
  for (const Bytes& part : {Bytes(2000, 2), Bytes(7, 3)}) {
    expected.insert(expected.end(), part.begin(), part.end());
  }
  EXPECT_EQ(ReadSome(modem_), expected);
}

// A TCP window's segments wait in the TUN queue together: they are read in one wake-up and their
// frames share one line write, in the order the kernel queued them.
TEST_F(EngineTest, PacketsWaitingInTunTogetherLeaveInOneLineWrite) {
  MakeLine(SOCK_SEQPACKET);
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kIpPacket) s.pending.push_back(action::WriteLine{call.data});
  };
  const Bytes first = Ipv4Packet(100, 0), second = Ipv4Packet(200, 0), third = Ipv4Packet(300, 0);
  WriteKernel(first);
  WriteKernel(second);
  WriteKernel(third);
  StartEngine();
  ASSERT_TRUE(RunUntil([&] { return engine_->engine_counters().line_writes == 1; }));
  EXPECT_EQ(engine_->engine_counters().tun_packets_read, 3u);
  Bytes expected = first;
  for (const Bytes& part : {second, third})
    expected.insert(expected.end(), part.begin(), part.end());
  EXPECT_EQ(ReadSome(modem_), expected);
}

TEST_F(EngineTest, Ipv4PacketsFromTunReachTheSessionWhole) {
  StartEngine();
  const Bytes packet = Ipv4Packet(1400);
  WriteKernel(packet);
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kIpPacket) == 1; }));
  EXPECT_EQ(script_->calls.back().data, packet);
}

// Without IPV6CP the kernel's router solicitations and MLD reports have nowhere to go
// (docs/ppp.md, "Pitfalls: IPv6 chatter").
TEST_F(EngineTest, NonIpv4PacketsFromTunNeverReachTheSession) {
  StartEngine();
  Bytes ipv6(48, 0);
  ipv6[0] = 0x60;
  WriteKernel(ipv6);
  WriteKernel(Ipv4Packet(40));
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kIpPacket) == 1; }));
  EXPECT_EQ(engine_->engine_counters().tun_not_ipv4, 1u);
  EXPECT_EQ(engine_->engine_counters().tun_packets_read, 2u);
}

TEST_F(EngineTest, DeliverIpWritesOnePacketCutToItsTotalLength) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kOpen) s.pending = {action::DeliverIp{Ipv4Packet(28, 3)}};
  };
  StartEngine();
  EXPECT_EQ(ReadSome(kernel_), Ipv4Packet(28));
  EXPECT_EQ(engine_->engine_counters().tun_packets_written, 1u);
}

TEST_F(EngineTest, DeliverIpShorterThanItsTotalLengthIsDropped) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind != Call::Kind::kOpen) return;
    Bytes truncated = Ipv4Packet(100);
    truncated.resize(60);
    s.pending = {action::DeliverIp{truncated}};
  };
  StartEngine();
  EXPECT_EQ(engine_->engine_counters().tun_write_drops, 1u);
  EXPECT_EQ(engine_->engine_counters().tun_packets_written, 0u);
}

TEST_F(EngineTest, SetTimerCallsOnTimerNoEarlierThanTheDeadline) {
  Clock::time_point deadline;
  script_->react = [&](const Call& call, Script& s) {
    if (call.kind != Call::Kind::kOpen) return;
    deadline = call.now + 20ms;
    s.pending = {action::SetTimer{deadline}};
  };
  StartEngine();
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kTimer) == 1; }));
  EXPECT_GE(script_->calls.back().now, deadline);
}

TEST_F(EngineTest, ALaterSetTimerReplacesTheEarlierOne) {
  Clock::time_point second;
  script_->react = [&](const Call& call, Script& s) {
    if (call.kind != Call::Kind::kOpen) return;
    second = call.now + 40ms;
    s.pending = {action::SetTimer{call.now + 5ms}, action::SetTimer{second}};
  };
  StartEngine();
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kTimer) == 1; }));
  EXPECT_GE(script_->calls.back().now, second);
}

TEST_F(EngineTest, UpIsReportedWithTheInterfaceName) {
  const IpConfig ip{.local = {10, 0, 2, 15}, .peer = {10, 0, 2, 2}, .mtu = 1500};
  script_->react = [&](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kLineBytes) s.pending = {action::Up{ip}};
  };
  StartEngine();
  WriteModem(B("ipcp-ack"));
  ASSERT_TRUE(RunUntil([&] { return ups_.size() == 1; }));
  EXPECT_EQ(ups_[0].first.local, ip.local);
  EXPECT_EQ(ups_[0].second, "ppp7");
}

TEST_F(EngineTest, PhaseChangesAreReportedInOrder) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kOpen) s.phase = Phase::kEstablish;
    if (call.kind == Call::Kind::kLineBytes) s.phase = Phase::kNetwork;
  };
  StartEngine();
  WriteModem(B("lcp-ack"));
  ASSERT_TRUE(RunUntil([&] { return phases_.size() == 2; }));
  EXPECT_EQ(phases_[0], std::make_pair(Phase::kDead, Phase::kEstablish));
  EXPECT_EQ(phases_[1], std::make_pair(Phase::kEstablish, Phase::kNetwork));
}

// The peer's Terminate-Request: the session answers with Terminate-Ack and Down in one batch;
// the Ack must reach the line before the engine lets go of it.
TEST_F(EngineTest, DownFlushesQueuedFramesThenReleasesTheLine) {
  const int flags_before = ::fcntl(line_, F_GETFL);
  script_->react = [](const Call& call, Script& s) {
    if (call.kind != Call::Kind::kLineBytes) return;
    s.pending = {action::WriteLine{B("term-ack")},
                 action::Down{DownReason::kPeerTerminated, "peer sent Terminate-Request"}};
  };
  StartEngine();
  WriteModem(B("term-req"));
  ASSERT_TRUE(RunUntil([&] { return downs_.size() == 1; }));
  EXPECT_EQ(ReadSome(modem_), B("term-ack"));
  EXPECT_EQ(downs_[0].first, DownReason::kPeerTerminated);
  EXPECT_EQ(downs_[0].second, "peer sent Terminate-Request");
  EXPECT_EQ(engine_->state(), EngineState::kFinished);
  EXPECT_EQ(::fcntl(line_, F_GETFL), flags_before);  // open, and blocking again as handed over
}

TEST_F(EngineTest, LineEofIsReportedToTheSession) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kLineClosed) {
      s.pending = {action::Down{DownReason::kLineClosed, "EOF on the line"}};
    }
  };
  StartEngine();
  ::close(std::exchange(modem_, -1));
  ASSERT_TRUE(RunUntil([&] { return downs_.size() == 1; }));
  EXPECT_EQ(script_->Count(Call::Kind::kLineClosed), 1);
  EXPECT_EQ(downs_[0].first, DownReason::kLineClosed);
  EXPECT_EQ(downs_[0].second, "EOF on the line");
}

TEST_F(EngineTest, LineEofEndsTheLinkEvenIfTheSessionSaysNothing) {
  StartEngine();
  ::close(std::exchange(modem_, -1));
  ASSERT_TRUE(RunUntil([&] { return downs_.size() == 1; }));
  EXPECT_EQ(downs_[0].first, DownReason::kLineClosed);
}

TEST_F(EngineTest, StopClosesTheSessionAndEndsWhenItReportsDown) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kClose) s.pending = {action::WriteLine{B("term-req")}};
    if (call.kind == Call::Kind::kLineBytes && s.Count(Call::Kind::kClose) == 1) {
      s.pending = {action::Down{DownReason::kLocalClose, "terminated"}};
    }
  };
  StartEngine();
  engine_->Stop();
  EXPECT_EQ(engine_->state(), EngineState::kStopping);
  EXPECT_EQ(ReadSome(modem_), B("term-req"));
  WriteModem(B("term-ack"));
  ASSERT_TRUE(RunUntil([&] { return downs_.size() == 1; }));
  EXPECT_EQ(downs_[0].first, DownReason::kLocalClose);
  EXPECT_EQ(downs_[0].second, "terminated");
}

TEST_F(EngineTest, StopIsBoundedWhenThePeerNeverAcknowledges) {
  options_.stop_timeout = 30ms;
  StartEngine();
  const auto stopped_at = std::chrono::steady_clock::now();
  engine_->Stop();
  ASSERT_TRUE(RunUntil([&] { return downs_.size() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - stopped_at, 30ms);
  EXPECT_EQ(downs_[0].first, DownReason::kLocalClose);
  EXPECT_NE(downs_[0].second.find("Terminate-Ack"), std::string::npos);
}

// A blocked line (the modem reads nothing): the queue stops growing at the high-water mark
// because TUN reads pause, and resumes when the modem drains the line.
TEST_F(EngineTest, TunReadsPauseAtTheHighWaterMarkAndResumeWhenTheLineDrains) {
  options_.line_queue_high_water = 32 * 1024;
  options_.line_queue_max_bytes = 64 * 1024;
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kIpPacket) s.pending = {action::WriteLine{Bytes(8192, 0x42)}};
  };
  StartEngine();
  constexpr int kPackets = 100;
  for (int i = 0; i < kPackets; ++i) WriteKernel(Ipv4Packet(64));
  ASSERT_TRUE(RunUntil([&] { return engine_->engine_counters().tun_read_pauses >= 1; }));
  EXPECT_LT(script_->Count(Call::Kind::kIpPacket), kPackets);
  std::size_t drained = 0;
  ASSERT_TRUE(RunUntil([&] {
    pollfd ready{modem_, POLLIN, 0};
    if (::poll(&ready, 1, 0) == 1) drained += ReadSome(modem_).size();
    return script_->Count(Call::Kind::kIpPacket) == kPackets && drained == kPackets * 8192u;
  }));
  EXPECT_LE(engine_->engine_counters().line_queue_peak_bytes, options_.line_queue_max_bytes);
  EXPECT_EQ(engine_->engine_counters().line_write_drops, 0u);
}

TEST_F(EngineTest, WritesBeyondTheHardBoundAreDroppedAndCounted) {
  options_.line_queue_high_water = 8 * 1024;
  options_.line_queue_max_bytes = 16 * 1024;
  script_->react = [](const Call& call, Script& s) {
    if (call.kind != Call::Kind::kOpen) return;
    for (int i = 0; i < 64; ++i) s.pending.push_back(action::WriteLine{Bytes(4096, 0x42)});
  };
  StartEngine();
  EXPECT_GT(engine_->engine_counters().line_write_drops, 0u);
  EXPECT_LE(engine_->engine_counters().line_queue_peak_bytes, 16u * 1024);
}

TEST_F(EngineTest, DestroyingTheEngineSuppressesPendingCallbacks) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kOpen) s.pending = {action::Up{IpConfig{}}};
  };
  StartEngine();
  engine_.reset();
  io_.run_for(20ms);
  EXPECT_TRUE(ups_.empty());
  EXPECT_TRUE(downs_.empty());
  EXPECT_NE(::fcntl(line_, F_GETFD), -1);  // borrowed descriptors stay open
  EXPECT_NE(::fcntl(tun_, F_GETFD), -1);
}

TEST_F(EngineTest, StopBeforeStartDoesNothing) {
  engine_ = std::make_unique<Engine>(io_, std::make_unique<FakeSession>(script_), options_,
                                     EngineCallbacks{});
  engine_->Stop();
  EXPECT_EQ(engine_->state(), EngineState::kIdle);
  EXPECT_TRUE(script_->calls.empty());
}

TEST_F(EngineTest, SecondStartIsRefused) {
  StartEngine();
  EXPECT_EQ(engine_->Start(line_, {}, tun_, "ppp7"), InterfaceErrc::kAlreadyStarted);
  EXPECT_EQ(script_->Count(Call::Kind::kOpen), 1);
}

TEST_F(EngineTest, StartWithAnInvalidLineFailsWithoutOpeningTheSession) {
  engine_ = std::make_unique<Engine>(io_, std::make_unique<FakeSession>(script_), options_,
                                     EngineCallbacks{});
  EXPECT_TRUE(engine_->Start(-1, {}, tun_, "ppp7"));
  EXPECT_EQ(engine_->state(), EngineState::kIdle);
  EXPECT_TRUE(script_->calls.empty());
}

// ---- monitoring slices (Suspend/Resume, docs/state-machine.md) --------------------------------

// Drives the io_context for `span` of wall time: "nothing happened" needs time to pass.
#define UCLINK_RUN_FOR(span)                                             \
  do {                                                                   \
    const auto until = std::chrono::steady_clock::now() + (span);        \
    RunUntil([&] { return std::chrono::steady_clock::now() >= until; }); \
  } while (false)

bool Readable(int fd) {
  pollfd ready{fd, POLLIN, 0};
  return ::poll(&ready, 1, 0) == 1;
}

TEST_F(EngineTest, SuspendedEngineLeavesLineBytesToTheAtSide) {
  StartEngine();
  engine_->Suspend();
  EXPECT_TRUE(engine_->suspended());
  WriteModem(B("\r\nOK\r\n"));
  UCLINK_RUN_FOR(30ms);
  EXPECT_EQ(script_->Count(Call::Kind::kLineBytes), 0);
  EXPECT_EQ(ReadSome(line_), B("\r\nOK\r\n"));  // still there for whoever holds the line now
}

TEST_F(EngineTest, FramesQueuedWhileSuspendedAreWrittenAfterResumeAfterTheLeftover) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kIpPacket) s.pending = {action::WriteLine{B("frame")}};
  };
  StartEngine();
  engine_->Suspend();
  WriteKernel(Ipv4Packet(40));
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kIpPacket) == 1; }));
  UCLINK_RUN_FOR(20ms);
  EXPECT_FALSE(Readable(modem_));  // the line is silent while suspended (the escape's guard)
  engine_->Resume(line_, B("after-connect"));
  EXPECT_FALSE(engine_->suspended());
  EXPECT_EQ(ReadSome(modem_), B("frame"));
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kLineBytes) == 1; }));
  EXPECT_EQ(script_->calls.back().data, B("after-connect"));
  WriteModem(B("later"));
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kLineBytes) == 2; }));
}

TEST_F(EngineTest, TimerDueWhileSuspendedFiresAtResume) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kOpen) s.pending = {action::SetTimer{call.now + 5ms}};
  };
  StartEngine();
  engine_->Suspend();
  UCLINK_RUN_FOR(30ms);
  EXPECT_EQ(script_->Count(Call::Kind::kTimer), 0);  // LCP echoes wait: the peer is deaf too
  engine_->Resume(line_, {});
  EXPECT_EQ(script_->Count(Call::Kind::kTimer), 1);
}

TEST_F(EngineTest, StopWhileSuspendedEndsAtOnceWithoutTouchingTheLine) {
  script_->react = [](const Call& call, Script& s) {
    if (call.kind == Call::Kind::kClose) s.pending = {action::WriteLine{B("term-req")}};
  };
  StartEngine();
  engine_->Suspend();
  engine_->Stop();
  ASSERT_TRUE(RunUntil([&] { return downs_.size() == 1; }));
  EXPECT_EQ(downs_[0].first, DownReason::kLocalClose);
  EXPECT_EQ(script_->Count(Call::Kind::kClose), 0);
  EXPECT_FALSE(Readable(modem_));
  EXPECT_EQ(engine_->state(), EngineState::kFinished);
}

TEST_F(EngineTest, SuspendAndResumeOutsideTheirStatesDoNothing) {
  StartEngine();
  engine_->Resume(line_, B("ignored"));  // not suspended
  engine_->Suspend();
  engine_->Suspend();
  engine_->Resume(line_, {});
  WriteModem(B("x"));
  ASSERT_TRUE(RunUntil([&] { return script_->Count(Call::Kind::kLineBytes) == 1; }));
  EXPECT_EQ(script_->calls.back().data, B("x"));
}

#undef UCLINK_RUN_FOR

TEST(EngineStateTest, EveryStateHasAName) {
  for (EngineState state : {EngineState::kIdle, EngineState::kRunning, EngineState::kStopping,
                            EngineState::kFlushing, EngineState::kFinished}) {
    EXPECT_STRNE(ToString(state), "unknown");
  }
}

}  // namespace
}  // namespace uclink::pppif
