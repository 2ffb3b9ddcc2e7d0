#include "control/manager/serial_line.h"

namespace uclink::control {

bool SerialLine::HandedOver() const {
  return owner_ == LineOwner::kDaemon || owner_ == LineOwner::kPpp ||
         owner_ == LineOwner::kPppSuspended;
}

bool SerialLine::PppRunning() const { return owner_ == LineOwner::kPpp || PppSuspended(); }

bool SerialLine::PppSuspended() const {
  return owner_ == LineOwner::kPppSuspended || owner_ == LineOwner::kAtChannelPppSuspended;
}

bool SerialLine::MaybeDataMode() const {
  return module_ == ModuleMode::kData || module_ == ModuleMode::kCallHeldOrData;
}

bool SerialLine::CallHeld() const {
  return module_ == ModuleMode::kCallHeld || module_ == ModuleMode::kCallHeldOrData;
}

void SerialLine::Connected() {
  owner_ = LineOwner::kDaemon;
  module_ = ModuleMode::kData;
}

void SerialLine::PppStarted() { owner_ = LineOwner::kPpp; }

void SerialLine::PppEnded(bool no_carrier) {
  switch (owner_) {
    case LineOwner::kPpp:
    case LineOwner::kPppSuspended:
      owner_ = LineOwner::kDaemon;  // the descriptor stays with the daemon until Reclaim
      break;
    case LineOwner::kAtChannelPppSuspended:
      owner_ = LineOwner::kAtChannel;
      break;
    case LineOwner::kClosed:
    case LineOwner::kAtChannel:
    case LineOwner::kDaemon:
      break;
  }
  if (no_carrier) DataModeEnded();
}

std::vector<Action> SerialLine::Reclaim() {
  switch (owner_) {
    case LineOwner::kDaemon:
      owner_ = LineOwner::kAtChannel;
      return {act::ResumeCommandMode{}};
    case LineOwner::kPppSuspended:
      owner_ = LineOwner::kAtChannelPppSuspended;
      return {act::ResumeCommandMode{}};
    case LineOwner::kPpp:  // a running backend is stopped or suspended first
    case LineOwner::kClosed:
    case LineOwner::kAtChannel:
    case LineOwner::kAtChannelPppSuspended:
      return {};
  }
  return {};
}

std::vector<Action> SerialLine::PortClosed() {
  std::vector<Action> actions;
  if (HandedOver()) actions.emplace_back(act::ResumeCommandMode{});
  owner_ = LineOwner::kClosed;
  return actions;
}

std::vector<Action> SerialLine::ReopenIfClosed() {
  if (owner_ != LineOwner::kClosed) return {};
  owner_ = LineOwner::kAtChannel;
  return {act::ReopenPort{}};
}

void SerialLine::Reopened() {
  if (owner_ == LineOwner::kClosed) owner_ = LineOwner::kAtChannel;
}

void SerialLine::DataModeEnded() {
  if (module_ == ModuleMode::kData) module_ = ModuleMode::kCommand;
  if (module_ == ModuleMode::kCallHeldOrData) module_ = ModuleMode::kCallHeld;
}

void SerialLine::MayBeInDataMode() {
  if (module_ == ModuleMode::kCommand) module_ = ModuleMode::kData;
  if (module_ == ModuleMode::kCallHeld) module_ = ModuleMode::kCallHeldOrData;
}

void SerialLine::CallEnded() {
  if (module_ == ModuleMode::kCallHeld) module_ = ModuleMode::kCommand;
  if (module_ == ModuleMode::kCallHeldOrData) module_ = ModuleMode::kData;
}

std::vector<Action> SerialLine::Suspend() {
  owner_ = LineOwner::kPppSuspended;
  return {act::SuspendPpp{}};
}

std::vector<Action> SerialLine::Unsuspend() {
  owner_ = LineOwner::kPpp;
  return {act::ResumePpp{}};
}

void SerialLine::EscapeConfirmed() { module_ = ModuleMode::kCallHeld; }

std::vector<Action> SerialLine::Resumed() {
  owner_ = LineOwner::kPpp;
  module_ = ModuleMode::kData;
  return {act::ResumePpp{}};
}

const char* ToString(LineOwner owner) {
  switch (owner) {
    case LineOwner::kClosed:
      return "closed";
    case LineOwner::kAtChannel:
      return "at-channel";
    case LineOwner::kDaemon:
      return "daemon";
    case LineOwner::kPpp:
      return "ppp";
    case LineOwner::kPppSuspended:
      return "ppp-suspended";
    case LineOwner::kAtChannelPppSuspended:
      return "at-channel-ppp-suspended";
  }
  return "?";
}

const char* ToString(ModuleMode mode) {
  switch (mode) {
    case ModuleMode::kCommand:
      return "command";
    case ModuleMode::kData:
      return "data";
    case ModuleMode::kCallHeld:
      return "call-held";
    case ModuleMode::kCallHeldOrData:
      return "call-held-or-data";
  }
  return "?";
}

}  // namespace uclink::control
