// The fixture of the Session tests (session_test, session_ipv6_test): a Session, the peer's
// receiver of what it writes, and every action it asked for, sorted by kind. Time is an
// argument; no clock is read.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "pppif/hdlc.h"
#include "pppif/session.h"
#include "tests/pppif/hex.h"

namespace uclink::pppif::testing {

/// The time every scripted exchange starts at.
inline const Clock::time_point kT0 = Clock::time_point{} + std::chrono::seconds(1000);

/// Decodes what the session wrote, as "pppp: info" strings (liberal, like any peer); a framing
/// error is recorded as its name.
struct FrameLog : HdlcSink {
  void OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) override {
    frames.push_back(FrameText(protocol, info));
  }
  void OnFrameError(FrameError error) override { frames.push_back(ToString(error)); }
  void OnNoCarrier() override {}
  std::vector<std::string> frames;
};

class SessionFixture : public ::testing::Test {
 protected:
  explicit SessionFixture(SessionConfig config) : session_(std::move(config)) {}

  /// Runs the call and sorts its actions; returns the frames written.
  std::vector<std::string> Take() {
    FrameLog log;
    for (Action& a : session_.TakeActions()) {
      if (auto* w = std::get_if<action::WriteLine>(&a)) {
        wire_.push_back(w->bytes);
        peer_deframer_.Feed(w->bytes, log);
      } else if (auto* d = std::get_if<action::DeliverIp>(&a)) {
        delivered_.push_back(d->packet);
      } else if (auto* t = std::get_if<action::SetTimer>(&a)) {
        timer_ = t->deadline;
      } else if (auto* u = std::get_if<action::Up>(&a)) {
        up_.push_back(u->ip);
      } else if (auto* v6 = std::get_if<action::Ipv6>(&a)) {
        ipv6_.push_back(v6->link);
      } else if (auto* dn = std::get_if<action::Down>(&a)) {
        down_.push_back(*dn);
      }
    }
    return log.frames;
  }

  /// Hands the session bytes from the line; returns the frames it wrote in answer.
  std::vector<std::string> Feed(const Bytes& bytes, Clock::time_point now = kT0) {
    session_.OnLineBytes(bytes, now);
    return Take();
  }

  Session session_;
  // The peer's receiver keeps its state between writes: frames after a short gap share flags.
  HdlcDeframer peer_deframer_{4096};
  std::vector<Bytes> wire_;
  std::vector<Bytes> delivered_;
  std::optional<Clock::time_point> timer_;
  std::vector<IpConfig> up_;
  std::vector<std::optional<Ipv6Link>> ipv6_;
  std::vector<action::Down> down_;
};

}  // namespace uclink::pppif::testing
