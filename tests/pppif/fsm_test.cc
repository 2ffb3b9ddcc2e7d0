// The RFC 1661 automaton: every (state, event) cell of the §4.1 table, then the counters, timer
// and packet classification of §4.6 and §5.
#include "pppif/fsm.h"

#include <gtest/gtest.h>

#include <array>
#include <sstream>
#include <string>

#include "tests/pppif/hex.h"

namespace uclink::pppif {
namespace {

using testing::Hex;
using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

// Records the RFC's action names: tl* from the policy, s** from the packets sent.
struct Recorder : FsmPolicy, ControlSink {
  std::vector<std::uint8_t> BuildRequest() override { return Hex("05 06 11 22 33 44"); }
  std::optional<Verdict> CheckRequest(ByteSpan options, bool nak_allowed,
                                      std::vector<std::uint8_t>& reply) override {
    ++requests_checked;
    last_nak_allowed = nak_allowed;
    reply.assign(options.begin(), options.end());
    if (verdict == Verdict::kNak && !nak_allowed) return Verdict::kReject;
    return verdict;
  }
  bool OnAck(ByteSpan) override { return true; }
  bool OnNak(ByteSpan) override { return true; }
  bool OnReject(ByteSpan) override { return true; }
  void OnLayerUp() override { log.push_back("tlu"); }
  void OnLayerDown() override { log.push_back("tld"); }
  void OnLayerStarted() override { log.push_back("tls"); }
  void OnLayerFinished() override { log.push_back("tlf"); }
  bool IsCatastrophic(std::uint16_t protocol) override { return protocol == 0xC021; }
  std::uint32_t EchoMagic() override { return 0xAABBCCDD; }
  void SendControl(std::uint16_t, std::vector<std::uint8_t> packet) override {
    static const char* const kNames[] = {"?",   "scr", "sca", "scn", "scn", "str", "sta",
                                         "scj", "?",   "?",   "ser", "?",   "?",   "?"};
    log.push_back(packet[0] < 14 ? kNames[packet[0]] : "?");
    sent.push_back(std::move(packet));
  }
  std::string Log() const {
    std::string out;
    for (const std::string& s : log) out += (out.empty() ? "" : ",") + s;
    return out;
  }

  Verdict verdict = Verdict::kAck;
  bool last_nak_allowed = true;
  int requests_checked = 0;
  std::vector<std::string> log;
  std::vector<Bytes> sent;
};

const FsmClock::time_point kT0{};
constexpr FsmLimits kLimits{3s, 10, 2, 5};

class FsmTest : public ::testing::Test {
 protected:
  FsmTest()
      : fsm_(Fsm::Options{.protocol = 0xC021, .lcp_codes = true, .limits = kLimits}, recorder_,
             recorder_) {}

  void Feed(const Bytes& packet) { fsm_.OnPacket(packet, kT0); }

  Recorder recorder_;
  Fsm fsm_;
};

// ---------------------------------------------------------------- the RFC 1661 §4.1 table

constexpr std::array<FsmState, 10> kStates = {
    FsmState::kInitial, FsmState::kStarting, FsmState::kClosed,  FsmState::kStopped,
    FsmState::kClosing, FsmState::kStopping, FsmState::kReqSent, FsmState::kAckRcvd,
    FsmState::kAckSent, FsmState::kOpened};

struct Row {
  FsmEvent event;
  std::array<const char*, 10> cells;  // RFC 1661 §4.1, states 0..9; "-" = illegal event
};

// Transcribed from RFC 1661 §4.1; footnote letters kept.
const Row kTable[] = {
    {FsmEvent::kUp, {"2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-"}},
    {FsmEvent::kDown, {"-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1"}},
    {FsmEvent::kOpen, {"tls/1", "1", "irc,scr/6", "3r", "5r", "5r", "6", "7", "8", "9r"}},
    {FsmEvent::kClose,
     {"0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4", "irc,str/4", "tld,irc,str/4"}},
    {FsmEvent::kTimeoutPlus,
     {"-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6", "scr/8", "-"}},
    {FsmEvent::kTimeoutMinus,
     {"-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p", "tlf/3p", "-"}},
    {FsmEvent::kRcrPlus,
     {"-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8", "sca,tlu/9", "sca/8",
      "tld,scr,sca/8"}},
    {FsmEvent::kRcrMinus,
     {"-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6", "scn/7", "scn/6", "tld,scr,scn/6"}},
    {FsmEvent::kRca,
     {"-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6x", "irc,tlu/9", "tld,scr/6x"}},
    {FsmEvent::kRcn,
     {"-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6x", "irc,scr/8", "tld,scr/6x"}},
    {FsmEvent::kRtr,
     {"-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6", "sta/6", "sta/6", "tld,zrc,sta/5"}},
    {FsmEvent::kRta, {"-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8", "tld,scr/6"}},
    {FsmEvent::kRuc,
     {"-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6", "scj/7", "scj/8", "scj/9"}},
    {FsmEvent::kRxjPlus, {"-", "-", "2", "3", "4", "5", "6", "6", "8", "9"}},
    {FsmEvent::kRxjMinus,
     {"-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3", "tlf/3", "tlf/3", "tld,irc,str/5"}},
    {FsmEvent::kRxr, {"-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9"}},
};

Incoming IncomingFor(FsmEvent event) {
  static const Bytes kUnknown = Hex("20 09 00 04");
  static const Bytes kEcho = Hex("09 33 00 08 01 02 03 04");
  Incoming in{.id = 0x33};
  switch (event) {
    case FsmEvent::kRcrPlus:
      in.reply = Hex("05 06 01 02 03 04");
      break;
    case FsmEvent::kRcrMinus:
      in.verdict = Verdict::kNak;
      in.reply = Hex("05 06 09 09 09 09");
      break;
    case FsmEvent::kRuc:
      in.packet = kUnknown;
      break;
    case FsmEvent::kRxr:
      in.packet = kEcho;
      break;
    case FsmEvent::kUp:
    case FsmEvent::kDown:
    case FsmEvent::kOpen:
    case FsmEvent::kClose:
    case FsmEvent::kTimeoutPlus:
    case FsmEvent::kTimeoutMinus:
    case FsmEvent::kRca:
    case FsmEvent::kRcn:
    case FsmEvent::kRtr:
    case FsmEvent::kRta:
    case FsmEvent::kRxjPlus:
    case FsmEvent::kRxjMinus:
      break;
  }
  return in;
}

// Reaches each state through real events from Initial.
void DriveTo(Fsm& fsm, FsmState target) {
  auto d = [&](FsmEvent e) { fsm.Dispatch(e, IncomingFor(e), kT0); };
  switch (target) {
    case FsmState::kInitial:
      return;
    case FsmState::kStarting:
      return d(FsmEvent::kOpen);
    case FsmState::kClosed:
      return d(FsmEvent::kUp);
    case FsmState::kStopped:
      d(FsmEvent::kOpen), d(FsmEvent::kUp);
      return d(FsmEvent::kRxjMinus);
    case FsmState::kClosing:
      d(FsmEvent::kOpen), d(FsmEvent::kUp);
      return d(FsmEvent::kClose);
    case FsmState::kStopping:
      d(FsmEvent::kOpen), d(FsmEvent::kUp), d(FsmEvent::kRcrPlus), d(FsmEvent::kRca);
      return d(FsmEvent::kRtr);
    case FsmState::kReqSent:
      d(FsmEvent::kOpen);
      return d(FsmEvent::kUp);
    case FsmState::kAckRcvd:
      d(FsmEvent::kOpen), d(FsmEvent::kUp);
      return d(FsmEvent::kRca);
    case FsmState::kAckSent:
      d(FsmEvent::kOpen), d(FsmEvent::kUp);
      return d(FsmEvent::kRcrPlus);
    case FsmState::kOpened:
      d(FsmEvent::kOpen), d(FsmEvent::kUp), d(FsmEvent::kRcrPlus);
      return d(FsmEvent::kRca);
  }
}

struct Cell {
  std::string actions;  // without irc/zrc, which show in the restart counter instead
  bool irc = false, zrc = false;
  int sends = 0;  // scr and str decrement the restart counter (RFC 1661 §4.6)
  int next = -1;  // -1: illegal, state unchanged
};

Cell ParseCell(const std::string& text) {
  Cell cell;
  if (text == "-") return cell;
  std::string actions = text, next = text;
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    actions.clear();
  } else {
    actions = text.substr(0, slash);
    next = text.substr(slash + 1);
  }
  cell.next = next[0] - '0';  // footnote letters (r, x, p) follow the digit
  std::stringstream in(actions);
  for (std::string a; std::getline(in, a, ',');) {
    if (a == "irc") {
      cell.irc = true;
    } else if (a == "zrc") {
      cell.zrc = true;
    } else {
      if (a == "scr" || a == "str") ++cell.sends;
      cell.actions += (cell.actions.empty() ? "" : ",") + a;
    }
  }
  return cell;
}

bool HasTimeouts(FsmState s) {
  return s == FsmState::kClosing || s == FsmState::kStopping || s == FsmState::kReqSent ||
         s == FsmState::kAckRcvd || s == FsmState::kAckSent;
}

TEST(FsmTableTest, EveryStateEventCellMatchesRfc1661) {
  int cells = 0;
  for (const Row& row : kTable) {
    for (std::size_t s = 0; s < kStates.size(); ++s) {
      Recorder recorder;
      Fsm fsm(Fsm::Options{.protocol = 0xC021, .lcp_codes = true, .limits = kLimits}, recorder,
              recorder);
      DriveTo(fsm, kStates[s]);
      ASSERT_EQ(fsm.state(), kStates[s]) << "could not reach " << ToString(kStates[s]);
      recorder.log.clear();
      const int before = fsm.restart_count();
      const Cell cell = ParseCell(row.cells[s]);
      const std::string where =
          std::string(ToString(row.event)) + " in " + ToString(kStates[s]) + ": " + row.cells[s];

      fsm.Dispatch(row.event, IncomingFor(row.event), kT0);

      ++cells;
      EXPECT_EQ(recorder.Log(), cell.actions) << where;
      const FsmState expected = cell.next < 0 ? kStates[s] : kStates[cell.next];
      EXPECT_EQ(fsm.state(), expected) << where;
      const bool terminating = cell.actions.find("str") != std::string::npos;
      int count = before;
      if (cell.irc) count = terminating ? kLimits.max_terminate : kLimits.max_configure;
      if (cell.zrc) count = 0;
      EXPECT_EQ(fsm.restart_count(), count - cell.sends) << where;
      // RFC 1661 §4.1: the restart timer runs exactly in the states with TO events.
      EXPECT_EQ(fsm.deadline().has_value(), HasTimeouts(fsm.state())) << where;
    }
  }
  EXPECT_EQ(cells, 160);
}

// ---------------------------------------------------------------- counters and timer (§4.6)

TEST_F(FsmTest, MaxConfigureRequestsThenTimeoutMinusFinishes) {
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  FsmClock::time_point t = kT0;
  for (int i = 1; i < kLimits.max_configure; ++i) {
    t += 3s;
    fsm_.OnTimer(t);
  }
  EXPECT_EQ(recorder_.sent.size(), 10U);  // irc counts the first transmission too
  EXPECT_EQ(fsm_.state(), FsmState::kReqSent);
  t += 3s;
  fsm_.OnTimer(t);
  EXPECT_EQ(fsm_.state(), FsmState::kStopped);
  EXPECT_EQ(recorder_.log.back(), "tlf");
}

TEST_F(FsmTest, TimerDoesNothingBeforeItsDeadline) {
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  fsm_.OnTimer(kT0 + 2999ms);
  EXPECT_EQ(recorder_.sent.size(), 1U);
  EXPECT_EQ(fsm_.deadline(), kT0 + 3s);
}

TEST_F(FsmTest, RetransmissionKeepsTheIdentifier) {
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  fsm_.OnTimer(kT0 + 3s);
  ASSERT_EQ(recorder_.sent.size(), 2U);
  EXPECT_EQ(recorder_.sent[0][1], recorder_.sent[1][1]);
}

TEST_F(FsmTest, MaxTerminateRequestsThenClosed) {
  DriveTo(fsm_, FsmState::kOpened);
  recorder_.sent.clear();
  fsm_.Close(kT0);
  fsm_.OnTimer(kT0 + 3s);
  fsm_.OnTimer(kT0 + 6s);
  EXPECT_EQ(recorder_.sent.size(), 2U);  // Max-Terminate 2
  EXPECT_EQ(fsm_.state(), FsmState::kClosed);
}

TEST_F(FsmTest, AfterMaxFailureNaksDisagreementsAreRejected) {
  // RFC 1661 §4.6: Max-Failure Configure-Naks, then Configure-Reject instead.
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  recorder_.verdict = Verdict::kNak;
  for (int i = 0; i < 6; ++i) Feed(Hex("01 40 00 0a 05 06 01 02 03 04"));
  int naks = 0, rejects = 0;
  for (const Bytes& p : recorder_.sent) {
    naks += p[0] == 3;
    rejects += p[0] == 4;
  }
  EXPECT_EQ(naks, 5);
  EXPECT_EQ(rejects, 1);
}

TEST_F(FsmTest, EndlessNaksFromThePeerGiveUp) {
  // A peer that Naks forever is bounded by Max-Failure (100 for IPCP: docs/ppp.md, "Pitfalls:
  // Nak-stalling").
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  for (int i = 0; i <= kLimits.max_failure && fsm_.state() == FsmState::kReqSent; ++i) {
    const std::uint8_t id = recorder_.sent.back()[1];
    Feed(Bytes{3, id, 0, 10, 5, 6, 1, 2, 3, 4});
  }
  EXPECT_TRUE(fsm_.gave_up());
  EXPECT_EQ(fsm_.state(), FsmState::kStopped);
  EXPECT_EQ(recorder_.log.back(), "tlf");
}

// ---------------------------------------------------------------- packet classification (§5)

TEST_F(FsmTest, AckWithWrongIdentifierIsIgnored) {
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  const std::uint8_t id = recorder_.sent.back()[1];
  Feed(Bytes{2, static_cast<std::uint8_t>(id + 1), 0, 10, 5, 6, 0x11, 0x22, 0x33, 0x44});
  EXPECT_EQ(fsm_.state(), FsmState::kReqSent);
  Feed(Bytes{2, id, 0, 10, 5, 6, 0x11, 0x22, 0x33, 0x44});
  EXPECT_EQ(fsm_.state(), FsmState::kAckRcvd);
}

TEST_F(FsmTest, SecondAckForTheSameRequestIsIgnored) {
  // pppd's seen_ack: a duplicate Ack (after our retransmission) must not restart negotiation.
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  const std::uint8_t id = recorder_.sent.back()[1];
  const Bytes ack{2, id, 0, 10, 5, 6, 0x11, 0x22, 0x33, 0x44};
  Feed(ack);
  Feed(ack);
  EXPECT_EQ(fsm_.state(), FsmState::kAckRcvd);
  EXPECT_EQ(recorder_.sent.size(), 1U);
}

TEST_F(FsmTest, PacketWithLengthBeyondTheFrameIsDiscarded) {
  DriveTo(fsm_, FsmState::kOpened);
  recorder_.log.clear();
  Feed(Hex("05 01 00 40"));  // Terminate-Request claiming 64 bytes
  EXPECT_EQ(fsm_.state(), FsmState::kOpened);
  EXPECT_TRUE(recorder_.log.empty());
}

TEST_F(FsmTest, PaddingBeyondTheLengthIsIgnored) {
  // RFC 1661 §5: octets past Length are padding; the Terminate-Request is still valid.
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("05 01 00 04 ee ee"));
  EXPECT_EQ(fsm_.state(), FsmState::kStopping);
  EXPECT_EQ(recorder_.sent.back(), Hex("06 01 00 04"));
}

TEST_F(FsmTest, UnknownCodeIsCodeRejectedWithThePacket) {
  // Capture steps 18/19 (docs/ppp.md, "Reference frames"): what slirp answers to code 0x20, and
  // what we must answer too.
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("20 09 00 04"));
  const Bytes& reply = recorder_.sent.back();
  EXPECT_EQ(reply[0], 7);
  EXPECT_EQ(Bytes(reply.begin() + 4, reply.end()), Hex("20 09 00 04"));
}

TEST_F(FsmTest, CodeRejectOfEchoIsPermitted) {
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("07 01 00 08 09 01 00 04"));
  EXPECT_EQ(fsm_.state(), FsmState::kOpened);
}

TEST_F(FsmTest, CodeRejectOfConfigureRequestIsCatastrophic) {
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("07 01 00 08 01 01 00 04"));
  EXPECT_EQ(fsm_.state(), FsmState::kStopping);
}

TEST_F(FsmTest, ProtocolRejectOfLcpIsCatastrophic) {
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("08 01 00 08 c0 21 01 01"));
  EXPECT_EQ(fsm_.state(), FsmState::kStopping);
}

TEST_F(FsmTest, ProtocolRejectOfAnotherProtocolKeepsLcpOpen) {
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("08 01 00 08 80 fd 01 01"));
  EXPECT_EQ(fsm_.state(), FsmState::kOpened);
}

TEST_F(FsmTest, EchoRequestInOpenedIsAnsweredWithOurMagic) {
  // RFC 1661 §5.8: same id, our magic, the request's remaining data.
  DriveTo(fsm_, FsmState::kOpened);
  Feed(Hex("09 07 00 0a 12 34 56 78 99 98"));
  EXPECT_EQ(recorder_.sent.back(), Hex("0a 07 00 0a aa bb cc dd 99 98"));
}

TEST_F(FsmTest, EchoRequestBeforeOpenedIsDiscarded) {
  fsm_.Open(kT0);
  fsm_.Up(kT0);
  Feed(Hex("09 07 00 08 12 34 56 78"));
  EXPECT_EQ(recorder_.sent.size(), 1U);  // only our Configure-Request
}

TEST_F(FsmTest, IdentificationIsIgnoredNotCodeRejected) {
  // RFC 1570 §1.1: LCP Identification is informational; rejecting it invites storms.
  DriveTo(fsm_, FsmState::kOpened);
  const std::size_t sent = recorder_.sent.size();
  Feed(Hex("0c 01 00 0a 00 00 00 00 68 69"));
  EXPECT_EQ(recorder_.sent.size(), sent);
}

TEST(FsmNcpTest, CodesAboveSevenAreUnknownForNcps) {
  // RFC 1332 §2: IPCP uses codes 1–7 only; an Echo-Request there is Code-Rejected.
  Recorder recorder;
  Fsm fsm(Fsm::Options{.protocol = 0x8021, .limits = kLimits}, recorder, recorder);
  DriveTo(fsm, FsmState::kOpened);
  fsm.OnPacket(Hex("09 01 00 08 00 00 00 00"), kT0);
  EXPECT_EQ(recorder.sent.back()[0], 7);
}

TEST(FsmEnumTest, EveryEnumHasAName) {
  for (FsmState s : kStates) EXPECT_STRNE(ToString(s), "?");
  for (const Row& row : kTable) EXPECT_STRNE(ToString(row.event), "?");
  EXPECT_STREQ(ToString(Verdict::kNak), "Nak");
}

}  // namespace
}  // namespace uclink::pppif
