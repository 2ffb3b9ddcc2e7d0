#include "pppif/pppd_bridge.h"

#include <string_view>

namespace uclink::pppif {
namespace {

// The V1 result code up to its first trailing CR; the LF after it goes back to the AT channel.
constexpr std::string_view kNoCarrier = "\r\nNO CARRIER\r";
constexpr std::uint8_t kFlag = 0x7e;  // RFC 1662 §4.1

}  // namespace

const char* ToString(BridgeState state) {
  switch (state) {
    case BridgeState::kIdle:
      return "idle";
    case BridgeState::kBridging:
      return "bridging";
    case BridgeState::kCarrierLost:
      return "carrier-lost";
    case BridgeState::kStopped:
      return "stopped";
    case BridgeState::kSuspended:
      return "suspended";
  }
  return "unknown";
}

PppdBridge::PppdBridge(std::chrono::milliseconds confirm_after) : confirm_after_(confirm_after) {}

BridgeActions PppdBridge::Start(std::span<const std::uint8_t> after_connect,
                                bridge::Clock::time_point now) {
  if (state_ != BridgeState::kIdle) return {};
  state_ = BridgeState::kBridging;
  return OnModemBytes(after_connect, now);
}

bool PppdBridge::Scan(std::uint8_t byte, bridge::Clock::time_point now, BridgeActions& actions) {
  if (byte == kFlag) {
    // A flag ends whatever came before: a pending mid-frame candidate was frame payload.
    segment_offset_ = 0;
    matched_ = 0;
    if (candidate_deadline_) {
      candidate_deadline_.reset();
      actions.push_back(bridge::CancelTimer{});
    }
    return false;
  }
  if (byte != static_cast<std::uint8_t>(kNoCarrier[matched_])) {
    // The pattern's only border is its first byte, '\r', so a restart is the whole failure
    // function.
    matched_ = 0;
  }
  if (byte == static_cast<std::uint8_t>(kNoCarrier[matched_])) {
    if (matched_ == 0) match_start_offset_ = segment_offset_;
    ++matched_;
  }
  ++segment_offset_;
  if (matched_ < kNoCarrier.size()) return false;
  matched_ = 0;
  if (match_start_offset_ == 0) return true;  // between frames: certain
  candidate_deadline_ = now + confirm_after_;
  actions.push_back(bridge::SetTimer{*candidate_deadline_});
  return false;
}

BridgeActions PppdBridge::OnModemBytes(std::span<const std::uint8_t> bytes,
                                       bridge::Clock::time_point now) {
  BridgeActions actions;
  if (bytes.empty()) return actions;
  switch (state_) {
    case BridgeState::kIdle:
    case BridgeState::kStopped:
    case BridgeState::kSuspended:
      return actions;
    case BridgeState::kCarrierLost:
      counters_.to_at_channel += bytes.size();
      actions.push_back(bridge::ToAtChannel{{bytes.begin(), bytes.end()}});
      return actions;
    case BridgeState::kBridging:
      break;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!Scan(bytes[i], now, actions)) continue;
    // Everything up to the pattern still goes to pppd: never lose bytes of a frame.
    counters_.to_pppd += i + 1;
    actions.push_back(bridge::ToPppd{{bytes.begin(), bytes.begin() + i + 1}});
    auto rest = LoseCarrier(bytes.subspan(i + 1));
    actions.insert(actions.end(), rest.begin(), rest.end());
    return actions;
  }
  counters_.to_pppd += bytes.size();
  actions.push_back(bridge::ToPppd{{bytes.begin(), bytes.end()}});
  return actions;
}

BridgeActions PppdBridge::LoseCarrier(std::span<const std::uint8_t> rest) {
  BridgeActions actions;
  state_ = BridgeState::kCarrierLost;
  if (candidate_deadline_) {
    candidate_deadline_.reset();
    actions.push_back(bridge::CancelTimer{});
  }
  actions.push_back(bridge::CarrierLost{});
  if (!rest.empty()) {
    counters_.to_at_channel += rest.size();
    actions.push_back(bridge::ToAtChannel{{rest.begin(), rest.end()}});
  }
  return actions;
}

BridgeActions PppdBridge::OnPppdBytes(std::span<const std::uint8_t> bytes) {
  if (state_ != BridgeState::kBridging && state_ != BridgeState::kSuspended) {
    // After NO CARRIER the module is in command mode: pppd's frames would be read as AT input.
    counters_.dropped_from_pppd += bytes.size();
    return {};
  }
  if (bytes.empty()) return {};
  counters_.to_modem += bytes.size();
  return {bridge::ToModem{{bytes.begin(), bytes.end()}}};
}

BridgeActions PppdBridge::OnTimer(bridge::Clock::time_point now) {
  if (state_ != BridgeState::kBridging || !candidate_deadline_ || now < *candidate_deadline_) {
    return {};
  }
  candidate_deadline_.reset();
  return LoseCarrier({});
}

BridgeActions PppdBridge::Suspend() {
  BridgeActions actions;
  if (state_ != BridgeState::kBridging) return actions;
  if (candidate_deadline_) {
    candidate_deadline_.reset();
    actions.push_back(bridge::CancelTimer{});
  }
  state_ = BridgeState::kSuspended;
  return actions;
}

BridgeActions PppdBridge::Resume(std::span<const std::uint8_t> after_connect,
                                 bridge::Clock::time_point now) {
  if (state_ != BridgeState::kSuspended) return {};
  state_ = BridgeState::kBridging;
  matched_ = 0;
  segment_offset_ = 0;  // the module starts its data phase again: text here cannot be a frame
  return OnModemBytes(after_connect, now);
}

BridgeActions PppdBridge::Stop() {
  BridgeActions actions;
  if (candidate_deadline_) {
    candidate_deadline_.reset();
    actions.push_back(bridge::CancelTimer{});
  }
  state_ = BridgeState::kStopped;
  return actions;
}

}  // namespace uclink::pppif
