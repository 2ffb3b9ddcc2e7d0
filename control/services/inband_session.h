// One-off in-band session for the CLI (`uclink ... --port P`): opens the module's port, runs
// AT+CFUN=1, AT+CGATT=1, AT+CGACT=1,<cid> (the module's sockets need an active PDP context,
// manual §2.25.1), then runs one in-band Operation to its end on a private io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "chat/at_channel.h"
#include "control/services/facade.h"
#include "control/services/inband_runner.h"

namespace uclink::control::services {

class InbandSession {
 public:
  explicit InbandSession(const ServiceMode& mode) : mode_(mode) {}
  ~InbandSession();

  // Opens the port and activates the PDP context; an error names what failed.
  ServiceError Open();
  boost::asio::io_context& io() { return io_; }
  // Runs `op` until its DoneAction: `start` is called once with the runner (start the op there,
  // then runner.Pump()). `handlers.on_done` is wrapped; the result is returned.
  ServiceError Run(inband::Operation& op, RunnerHandlers handlers,
                   const std::function<void(InbandRunner&)>& start);

 private:
  chat::AtReply RunCommand(const std::string& text);

  ServiceMode mode_;
  boost::asio::io_context io_;
  std::unique_ptr<chat::AtChannel> channel_;
  chat::SerialPort* port_ = nullptr;  // owned by channel_
  InbandRunner* runner_ = nullptr;
};

}  // namespace uclink::control::services
