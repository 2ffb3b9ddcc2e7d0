// libFuzzer target: LCP, IPCP and IPV6CP option parsing and policies (Configure-Request judging and
// the handling of Ack/Nak/Reject of our request) on arbitrary option lists.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pppif/ipcp.h"
#include "pppif/ipv6cp.h"
#include "pppif/lcp.h"
#include "pppif/packet.h"

namespace {

using uclink::pppif::ByteSpan;

struct Listener : uclink::pppif::LcpListener,
                  uclink::pppif::IpcpListener,
                  uclink::pppif::Ipv6cpListener {
  void OnLcpUp() override {}
  void OnLcpDown() override {}
  void OnLcpFinished() override {}
  void OnProtocolRejected(std::uint16_t) override {}
  void OnEchoReply(std::uint8_t, ByteSpan) override {}
  void OnLoopback() override {}
  void OnIpcpUp() override {}
  void OnIpcpDown() override {}
  void OnIpcpFinished() override {}
  void OnIpv6cpUp() override {}
  void OnIpv6cpDown() override {}
  void OnIpv6cpFinished() override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan input(data, size);
  (void)uclink::pppif::ParseControlPacket(input);
  Listener listener;
  uclink::pppif::MagicSource random(size + 1);
  uclink::pppif::LcpPolicy lcp(1500, 0x12345678, random, listener);
  uclink::pppif::IpcpPolicy ipcp({10, 64, 64, 64}, listener);
  uclink::pppif::Ipv6cpPolicy ipv6cp({0, 0, 0, 0, 0, 0, 0, 1}, random, listener);
  for (bool nak_allowed : {true, false}) {
    std::vector<std::uint8_t> reply;
    (void)lcp.CheckRequest(input, nak_allowed, reply);
    reply.clear();
    (void)ipcp.CheckRequest(input, nak_allowed, reply);
    reply.clear();
    (void)ipv6cp.CheckRequest(input, nak_allowed, reply);
  }
  ipv6cp.BuildRequest();
  ipv6cp.OnNak(input);
  ipv6cp.OnReject(input);
  ipv6cp.OnAck(input);
  ipv6cp.OnLayerUp();
  lcp.BuildRequest();
  ipcp.BuildRequest();
  lcp.OnNak(input);
  ipcp.OnNak(input);
  lcp.OnReject(input);
  ipcp.OnReject(input);
  lcp.OnAck(input);
  ipcp.OnAck(input);
  lcp.OnLayerUp();
  ipcp.OnLayerUp();
  lcp.OnEchoRequest(input);
  lcp.OnEchoReply(1, input);
  return 0;
}
