#include "chat/at_channel.h"

#include <unistd.h>

#include <variant>

#include "chat/errc.h"

namespace uclink::chat {

AtChannel::AtChannel(boost::asio::io_context& io, std::unique_ptr<ByteTransport> transport,
                     AtEngineOptions options)
    : io_(io), transport_(std::move(transport)), engine_(std::move(options)), timer_(io) {}

AtChannel::~AtChannel() {
  alive_.reset();
  if (transport_) transport_->Close();
}

void AtChannel::Start() {
  std::weak_ptr<int> alive = alive_;
  transport_->Start(
      [this, alive](std::span<const std::uint8_t> bytes) {
        if (alive.expired()) return;
        engine_.OnBytes(bytes, Clock::now());
        Pump();
      },
      [this, alive](std::error_code error) {
        if (alive.expired()) return;
        OnTransportClosed(error);
      });
}

CommandId AtChannel::Submit(AtCommand command, ReplyHandler on_reply) {
  const CommandId id = engine_.Submit(std::move(command), Clock::now());
  handlers_[id] = std::move(on_reply);
  Pump();
  return id;
}

void AtChannel::ResumeCommandMode(int fd, std::string already_read) {
  if (closed_) {
    ::close(fd);
    return;
  }
  transport_->Adopt(fd);
  const auto now = Clock::now();
  engine_.ResumeCommandMode(now);
  if (!already_read.empty()) engine_.OnBytes(already_read, now);
  Pump();
}

void AtChannel::Close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  transport_->Close();
  engine_.OnClosed();
  Pump();
}

void AtChannel::OnTransportClosed(std::error_code error) {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  transport_->Close();
  engine_.OnClosed();
  Pump();
  if (on_closed_) on_closed_(error);
}

// Handlers may call Submit(); the outer loop picks up what they queue, so nothing re-enters.
void AtChannel::Pump() {
  if (pumping_) return;
  pumping_ = true;
  std::weak_ptr<int> alive = alive_;
  for (;;) {
    std::vector<AtAction> actions = engine_.TakeActions();
    if (actions.empty()) break;
    for (AtAction& action : actions) {
      Perform(action);
      if (alive.expired()) return;  // a handler destroyed the channel
    }
  }
  pumping_ = false;
}

void AtChannel::Perform(AtAction& action) {
  std::weak_ptr<int> alive = alive_;
  if (auto* write = std::get_if<WriteAction>(&action)) {
    transport_->Write(std::move(write->bytes), [this, alive](std::error_code error) {
      if (alive.expired()) return;
      if (error) {
        OnTransportClosed(error);
        return;
      }
      engine_.OnWritten(Clock::now());
      Pump();
    });
  } else if (auto* set = std::get_if<SetTimerAction>(&action)) {
    timer_.expires_at(set->deadline);
    timer_.async_wait([this, alive](const boost::system::error_code& ec) {
      if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
      engine_.OnTimer(Clock::now());
      Pump();
    });
  } else if (std::holds_alternative<CancelTimerAction>(action)) {
    timer_.cancel();
  } else if (auto* complete = std::get_if<CompleteAction>(&action)) {
    const auto it = handlers_.find(complete->id);
    if (it == handlers_.end()) return;
    ReplyHandler handler = std::move(it->second);
    handlers_.erase(it);
    if (handler) handler(complete->reply);
  } else if (auto* urc = std::get_if<UrcAction>(&action)) {
    if (on_urc_) on_urc_(urc->urc);
  } else if (auto* enter = std::get_if<EnterDataModeAction>(&action)) {
    timer_.cancel();
    const int fd = transport_->ReleaseFd();
    if (on_data_mode_ && fd >= 0) {
      on_data_mode_(fd, std::move(enter->leftover), enter->drop_leading_lf);
    } else {
      if (fd >= 0) ::close(fd);
      OnTransportClosed(Errc::kInDataMode);
    }
  }
}

}  // namespace uclink::chat
