// LCP option policy (RFC 1661 §6) for the one Fsm: what we ask for, what we accept from the
// peer, and Magic-Number loop-back detection. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "pppif/fsm.h"
#include "pppif/hdlc.h"
#include "pppif/packet.h"

namespace uclink::pppif {

/// LCP option types (RFC 1661 §6).
enum class LcpOption : std::uint8_t {
  kMru = 1,
  kAccm = 2,
  kAuthProtocol = 3,
  kMagicNumber = 5,
  kPfc = 7,
  kAcfc = 8,
};

inline constexpr std::uint16_t kMinMru = 128;       ///< pppd MINMRU
inline constexpr std::uint16_t kDefaultMru = 1500;  ///< RFC 1661 §6.1
inline constexpr std::uint8_t kChapMd5 = 5;         ///< RFC 1994 §3 algorithm
inline constexpr int kMaxLoopbackNaks = 10;         ///< pppd DEFLOOPBACKFAIL

/// What LCP settled on, in force from This-Layer-Up.
struct LcpResult {
  TxFraming tx;                          ///< peer's ACCM and compressions, for our frames
  std::uint32_t rx_accm = kDefaultAccm;  ///< what the peer agreed to send us
  std::uint16_t peer_mru = kDefaultMru;  ///< our frames' information field limit
  std::uint32_t local_magic = 0;
  std::uint32_t peer_magic = 0;
  std::uint16_t auth_protocol = 0;  ///< 0, kProtoPap or kProtoChap (MD5)
};

/// The session's view of LCP events.
class LcpListener {
 public:
  virtual void OnLcpUp() = 0;
  virtual void OnLcpDown() = 0;
  virtual void OnLcpFinished() = 0;
  virtual void OnProtocolRejected(std::uint16_t protocol) = 0;
  virtual void OnEchoReply(std::uint8_t id, ByteSpan data) = 0;
  /// Our own magic keeps coming back: the line is looped (RFC 1661 §6.4).
  virtual void OnLoopback() = 0;

 protected:
  ~LcpListener() = default;
};

/// Small deterministic generator for magic numbers (xorshift32); seeded by the owner.
class MagicSource {
 public:
  explicit MagicSource(std::uint32_t seed) : state_(seed != 0 ? seed : 0x9E3779B9U) {}
  /// Never returns 0 (RFC 1661 §6.4: zero means "no magic").
  std::uint32_t Next();

 private:
  std::uint32_t state_;
};

class LcpPolicy final : public FsmPolicy {
 public:
  /// `mru`: what we accept; `magic`: first magic number (0 = from `random`).
  LcpPolicy(std::uint16_t mru, std::uint32_t magic, MagicSource& random, LcpListener& listener);

  std::vector<std::uint8_t> BuildRequest() override;
  std::optional<Verdict> CheckRequest(ByteSpan options, bool nak_allowed,
                                      std::vector<std::uint8_t>& reply) override;
  bool OnAck(ByteSpan options) override;
  bool OnNak(ByteSpan options) override;
  bool OnReject(ByteSpan options) override;
  void OnLayerUp() override;
  void OnLayerDown() override { listener_.OnLcpDown(); }
  void OnLayerStarted() override {}
  void OnLayerFinished() override { listener_.OnLcpFinished(); }
  bool IsCatastrophic(std::uint16_t protocol) override { return protocol == kProtoLcp; }
  void OnProtocolRejected(std::uint16_t protocol) override;
  std::uint32_t EchoMagic() override { return result_.local_magic; }
  void OnEchoRequest(ByteSpan data) override;
  void OnEchoReply(std::uint8_t id, ByteSpan data) override;

  const LcpResult& result() const { return result_; }

 private:
  void CheckOption(const Option& option, std::vector<std::uint8_t>& naks,
                   std::vector<std::uint8_t>& rejects, bool& auth_seen);
  void NoteLoopback();

  MagicSource& random_;
  LcpListener& listener_;
  std::uint16_t mru_;
  bool want_mru_;
  bool want_accm_ = true;
  std::uint32_t accm_ = 0;  // docs/ppp.md, "Defaults and where they come from"
  bool want_magic_ = true;
  bool want_pfc_ = true;
  bool want_acfc_ = true;
  int loopback_naks_ = 0;
  std::uint32_t last_nak_magic_ = 0;  // the value our last Magic-Number Nak suggested
  std::vector<std::uint8_t> last_request_;
  LcpResult result_;
  LcpResult peer_;        // the peer's side as judged from its latest Configure-Request
  LcpResult acked_peer_;  // the peer's side from the request we Acked last
};

}  // namespace uclink::pppif
