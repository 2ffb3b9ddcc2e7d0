#include "tests/pppif/session_fixture.h"

#include <cstdio>
#include <variant>

#include "tests/pppif/hex.h"

namespace uclink::pppif::testing {

void FrameLog::OnFrame(std::uint16_t protocol, std::span<const std::uint8_t> info) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", protocol);
  frames.push_back(std::string(buf) + ": " + ToHex(Bytes(info.begin(), info.end())));
}

std::vector<std::string> SessionFixture::Take() {
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

}  // namespace uclink::pppif::testing
