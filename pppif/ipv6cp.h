// IPV6CP option policy (RFC 5072) for the one Fsm: negotiate the 64-bit Interface-Identifier
// that forms each side's link-local address fe80::<identifier>. Pure; docs/ppp-engine.md, "IPv6".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pppif/fsm.h"
#include "pppif/lcp.h"
#include "pppif/packet.h"

namespace uclink::pppif {

/// RFC 5072 §4.1: the low 64 bits of a link-local address.
using InterfaceId = std::array<std::uint8_t, 8>;

/// IPV6CP option types (RFC 5072 §4).
enum class Ipv6cpOption : std::uint8_t {
  kInterfaceIdentifier = 1,
  kCompression = 2,  ///< RFC 5072 §4.2: we never ask for or accept header compression
};

/// The identifier the peer Acked for us, and the one we Acked for the peer (nullopt when the
/// peer asked for none: its link-local address is then unknown).
struct Ipv6cpResult {
  InterfaceId local{};
  std::optional<InterfaceId> peer;
};

class Ipv6cpListener {
 public:
  virtual void OnIpv6cpUp() = 0;
  virtual void OnIpv6cpDown() = 0;
  virtual void OnIpv6cpFinished() = 0;

 protected:
  ~Ipv6cpListener() = default;
};

class Ipv6cpPolicy final : public FsmPolicy {
 public:
  /// `local`: our first identifier (all zero: drawn from `random`); `random` also draws the
  /// identifiers we suggest to a peer and the new one we take after a collision.
  Ipv6cpPolicy(InterfaceId local, MagicSource& random, Ipv6cpListener& listener);

  std::vector<std::uint8_t> BuildRequest() override;
  std::optional<Verdict> CheckRequest(ByteSpan options, bool nak_allowed,
                                      std::vector<std::uint8_t>& reply) override;
  bool OnAck(ByteSpan options) override;
  bool OnNak(ByteSpan options) override;
  bool OnReject(ByteSpan options) override;
  void OnLayerUp() override;
  void OnLayerDown() override { listener_.OnIpv6cpDown(); }
  void OnLayerStarted() override {}
  void OnLayerFinished() override { listener_.OnIpv6cpFinished(); }

  const Ipv6cpResult& result() const { return result_; }
  /// The identifier our next Configure-Request carries.
  const InterfaceId& local() const { return local_; }

 private:
  // A non-zero identifier different from `avoid` (RFC 5072 §4.1: unique on the link).
  InterfaceId Draw(const InterfaceId& avoid);

  MagicSource& random_;
  Ipv6cpListener& listener_;
  InterfaceId local_;
  bool asked_ = true;  // false once the peer Rejected the option (RFC 1661 §5.4)
  std::vector<std::uint8_t> last_request_;
  std::optional<InterfaceId> peer_asked_;  // the identifier of the peer's last Acked request
  std::optional<InterfaceId> peer_seen_;   // the peer's last identifier, Acked or not
  Ipv6cpResult result_;
};

/// The link-local address fe80::<id> in RFC 5952 text, e.g. "fe80::1:2:3:4".
std::string FormatLinkLocal(const InterfaceId& id);

/// True for the all-zero identifier, which RFC 5072 §4.1 reserves for "please suggest one".
bool IsZero(const InterfaceId& id);

}  // namespace uclink::pppif
