// The Asio shell of the in-band clients: submits an Operation's commands to chat::AtChannel,
// feeds replies and URCs back, runs its timer, and hands the results to callbacks. One
// io_context thread (docs/ARCHITECTURE.md, "Threads and time").
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>

#include "chat/at_channel.h"
#include "control/inband/operation.h"

namespace uclink::control::services {

struct RunnerHandlers {
  std::function<void()> on_ready;
  std::function<void(const std::string&)> on_data;
  std::function<void(std::size_t)> on_sent;
  std::function<void(std::size_t done, std::optional<std::size_t> total)> on_progress;
  std::function<void(const std::string& topic, const std::string& payload)> on_message;
  std::function<void(const inband::ServiceError&)> on_done;
};

class InbandRunner {
 public:
  InbandRunner(boost::asio::io_context& io, chat::AtChannel& channel, inband::Operation& op,
               RunnerHandlers handlers);
  ~InbandRunner();
  InbandRunner(const InbandRunner&) = delete;
  InbandRunner& operator=(const InbandRunner&) = delete;

  // Performs the operation's pending actions; call after every call into the operation.
  void Pump();
  // The channel's URC handler calls this (the channel has one handler for all users).
  void OnUrc(const chat::Urc& urc);

 private:
  void Perform(inband::Action& action);

  boost::asio::io_context& io_;
  chat::AtChannel& channel_;
  inband::Operation& op_;
  RunnerHandlers handlers_;
  boost::asio::steady_timer timer_;
  bool pumping_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::control::services
