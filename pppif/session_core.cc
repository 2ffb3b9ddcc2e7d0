#include "pppif/session_core.h"

#include <utility>

namespace uclink::pppif {
namespace {

class SessionAdapter final : public SessionCore {
 public:
  explicit SessionAdapter(SessionConfig config) : session_(std::move(config)) {}

  void Open(Clock::time_point now) override { session_.Open(now); }
  void Close(Clock::time_point now) override { session_.Close(now); }
  void OnLineBytes(std::span<const std::uint8_t> bytes, Clock::time_point now) override {
    session_.OnLineBytes(bytes, now);
  }
  void OnLineClosed(Clock::time_point now) override { session_.OnLineClosed(now); }
  void OnIpPacket(std::span<const std::uint8_t> packet, Clock::time_point now) override {
    session_.OnIpPacket(packet, now);
  }
  void OnTimer(Clock::time_point now) override { session_.OnTimer(now); }
  std::vector<Action> TakeActions() override { return session_.TakeActions(); }
  Phase phase() const override { return session_.phase(); }
  const Counters& counters() const override { return session_.counters(); }
  std::optional<IpConfig> ip() const override { return session_.ip(); }
  std::optional<Ipv6Link> ipv6() const override { return session_.ipv6(); }

 private:
  Session session_;
};

}  // namespace

std::unique_ptr<SessionCore> MakeSessionCore(SessionConfig config) {
  return std::make_unique<SessionAdapter>(std::move(config));
}

}  // namespace uclink::pppif
