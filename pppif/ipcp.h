// IPCP option policy (RFC 1332, RFC 1877 DNS) for the one Fsm, client side: ask for address and
// DNS as 0.0.0.0, take the values from the Nak, use only what the peer Acked. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "pppif/fsm.h"
#include "pppif/ipv4.h"
#include "pppif/packet.h"

namespace uclink::pppif {

/// IPCP option types (RFC 1332 §3, RFC 1877 §1).
enum class IpcpOption : std::uint8_t {
  kIpAddresses = 1,
  kCompression = 2,
  kIpAddress = 3,
  kPrimaryDns = 129,
  kPrimaryNbns = 130,
  kSecondaryDns = 131,
  kSecondaryNbns = 132,
};

/// Addresses the peer Acked (ours) and the address we Acked for it.
struct IpcpResult {
  Ipv4 local{};
  Ipv4 peer{};
  std::optional<Ipv4> dns1;
  std::optional<Ipv4> dns2;
};

class IpcpListener {
 public:
  virtual void OnIpcpUp() = 0;
  virtual void OnIpcpDown() = 0;
  virtual void OnIpcpFinished() = 0;

 protected:
  ~IpcpListener() = default;
};

class IpcpPolicy final : public FsmPolicy {
 public:
  /// `peer_placeholder`: the address we Nak a peer with when it asks for 0.0.0.0 itself (slirp
  /// does: docs/ppp.md, "Pitfalls: A peer asking for 0.0.0.0 is Nak'd") and the peer address
  /// used when it asks for none.
  IpcpPolicy(Ipv4 peer_placeholder, IpcpListener& listener);

  std::vector<std::uint8_t> BuildRequest() override;
  std::optional<Verdict> CheckRequest(ByteSpan options, bool nak_allowed,
                                      std::vector<std::uint8_t>& reply) override;
  bool OnAck(ByteSpan options) override;
  bool OnNak(ByteSpan options) override;
  bool OnReject(ByteSpan options) override;
  void OnLayerUp() override;
  void OnLayerDown() override { listener_.OnIpcpDown(); }
  void OnLayerStarted() override {}
  void OnLayerFinished() override { listener_.OnIpcpFinished(); }

  const IpcpResult& result() const { return result_; }

 private:
  struct Wanted {
    bool asked = true;
    Ipv4 value{};
  };
  Wanted* Find(std::uint8_t type);

  Ipv4 placeholder_;
  IpcpListener& listener_;
  Wanted address_, dns1_, dns2_;
  std::vector<std::uint8_t> last_request_;
  Ipv4 peer_asked_{};
  bool peer_gave_address_ = false;
  IpcpResult result_;
};

}  // namespace uclink::pppif
