// libFuzzer target: a whole Session driven by arbitrary line bytes, timer ticks, IP packets and a
// close. Op records: [op][len][len bytes]. Frames of op 1 get a valid FCS so the fuzzer reaches
// the automata instead of stopping at the checksum. Input byte 0 bit 0 pre-negotiates (the
// captured slirp exchange) so the Running state is explored too.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pppif/hdlc.h"
#include "pppif/session.h"

namespace {

using namespace uclink::pppif;
using namespace std::chrono_literals;

Bytes Frame(std::uint16_t protocol, std::vector<std::uint8_t> info) {
  Bytes out;
  AppendFrame(protocol, info, TxFraming{}, true, out);
  return out;
}

void Negotiate(Session& s, Clock::time_point t) {
  s.Open(t);
  s.OnLineBytes(
      Frame(0xC021, {1, 1, 0, 0x12, 1, 4, 5, 0xdc, 5, 6, 0x60, 0x59, 0xf0, 0x49, 7, 2, 8, 2}), t);
  s.OnLineBytes(
      Frame(0xC021, {2, 1, 0, 0x14, 2, 6, 0, 0, 0, 0, 5, 6, 0x12, 0x34, 0x56, 0x78, 7, 2, 8, 2}),
      t);
  s.OnLineBytes(Frame(0x8021, {3, 1, 0, 0x10, 3, 6, 10, 0, 2, 15, 0x81, 6, 127, 0, 0, 1}), t);
  s.OnLineBytes(Frame(0x8021, {1, 3, 0, 0x0a, 3, 6, 10, 0, 2, 2}), t);
  s.OnLineBytes(Frame(0x8021, {2, 2,   0, 0x16, 3, 6,    10, 0, 2, 15, 0x81,
                               6, 127, 0, 0,    1, 0x83, 6,  0, 0, 0,  0}),
                t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  SessionConfig config;
  config.magic = 0x12345678;
  config.random_seed = 1;
  config.username = "u";
  config.password = "p";
  config.ipv6 = (data[0] & 2) != 0;  // pdp_type IPV6: IPV6CP and IPv6 frames reach the session
  Session session(config);
  Clock::time_point now{};
  if ((data[0] & 1) != 0) {
    Negotiate(session, now);
  } else {
    session.Open(now);
  }
  std::size_t i = 1;
  while (i + 2 <= size) {
    const std::uint8_t op = data[i];
    const std::size_t len = data[i + 1];
    i += 2;
    const std::span<const std::uint8_t> body(data + i, len <= size - i ? len : size - i);
    i += body.size();
    switch (op % 5) {
      case 0:
        session.OnLineBytes(body, now);
        break;
      case 1:
        if (body.size() >= 2) {
          const auto protocol = static_cast<std::uint16_t>(body[0] << 8 | body[1]);
          session.OnLineBytes(Frame(protocol, {body.begin() + 2, body.end()}), now);
        }
        break;
      case 2:
        now += std::chrono::milliseconds(body.empty() ? 1 : body[0] * 500);
        session.OnTimer(now);
        break;
      case 3:
        session.OnIpPacket(body, now);
        break;
      case 4:
        session.Close(now);
        break;
    }
    (void)session.TakeActions();
  }
  return 0;
}
