#include "control/services/inband_runner.h"

#include <variant>

namespace uclink::control::services {

InbandRunner::InbandRunner(boost::asio::io_context& io, chat::AtChannel& channel,
                           inband::Operation& op, RunnerHandlers handlers)
    : io_(io), channel_(channel), op_(op), handlers_(std::move(handlers)), timer_(io) {}

InbandRunner::~InbandRunner() { timer_.cancel(); }

void InbandRunner::OnUrc(const chat::Urc& urc) {
  op_.OnUrc(urc, chat::Clock::now());
  Pump();
}

void InbandRunner::Pump() {
  // Handlers may call back into the operation and Pump() again: drain in one loop instead.
  if (pumping_) return;
  pumping_ = true;
  for (auto actions = op_.TakeActions(); !actions.empty(); actions = op_.TakeActions()) {
    for (inband::Action& action : actions) Perform(action);
  }
  pumping_ = false;
}

void InbandRunner::Perform(inband::Action& action) {
  if (auto* submit = std::get_if<inband::SubmitAction>(&action)) {
    std::weak_ptr<int> alive = alive_;
    channel_.Submit(std::move(submit->command), [this, alive](const chat::AtReply& reply) {
      if (alive.expired()) return;
      op_.OnReply(reply, chat::Clock::now());
      Pump();
    });
  } else if (std::holds_alternative<inband::ReadyAction>(action)) {
    if (handlers_.on_ready) handlers_.on_ready();
  } else if (auto* data = std::get_if<inband::DataAction>(&action)) {
    if (handlers_.on_data) handlers_.on_data(data->bytes);
  } else if (auto* sent = std::get_if<inband::SentAction>(&action)) {
    if (handlers_.on_sent) handlers_.on_sent(sent->bytes);
  } else if (auto* progress = std::get_if<inband::ProgressAction>(&action)) {
    if (handlers_.on_progress) handlers_.on_progress(progress->done, progress->total);
  } else if (auto* message = std::get_if<inband::MessageAction>(&action)) {
    if (handlers_.on_message) handlers_.on_message(message->topic, message->payload);
  } else if (auto* timer = std::get_if<inband::TimerAction>(&action)) {
    timer_.expires_at(timer->deadline);
    std::weak_ptr<int> alive = alive_;
    timer_.async_wait([this, alive](const boost::system::error_code& error) {
      if (error || alive.expired()) return;  // cancelled or replaced
      op_.OnTimer(chat::Clock::now());
      Pump();
    });
  } else if (auto* done = std::get_if<inband::DoneAction>(&action)) {
    timer_.cancel();
    if (handlers_.on_done) handlers_.on_done(done->error);
  }
}

}  // namespace uclink::control::services
