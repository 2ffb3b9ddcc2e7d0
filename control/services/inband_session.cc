#include "control/services/inband_session.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include "chat/serial_port.h"

namespace uclink::control::services {

using inband::Errc;
using inband::MakeError;

InbandSession::~InbandSession() {
  // chat::SerialPort opens with TIOCEXCL and never clears it; on a pty whose master stays open
  // the flag outlives our descriptor and the next one-off command would get EBUSY. Clear it.
  if (port_ != nullptr) {
    const int fd = port_->ReleaseFd();
    if (fd >= 0) {
      ::ioctl(fd, TIOCNXCL);
      ::close(fd);
    }
  }
  if (channel_) channel_->Close();
}

chat::AtReply InbandSession::RunCommand(const std::string& text) {
  std::optional<chat::AtReply> result;
  channel_->Submit(chat::AtCommand::FromText(text),
                   [&result](const chat::AtReply& reply) { result = reply; });
  while (!result && io_.run_one() > 0) {
  }
  io_.restart();
  return result.value_or(chat::AtReply{});
}

ServiceError InbandSession::Open() {
  if (mode_.port.empty()) {
    return MakeError(Errc::kInvalidArgument, "in-band mode needs the module's port (--port)");
  }
  std::error_code error;
  auto port = chat::SerialPort::Open(
      io_, {.path = mode_.port, .baud = mode_.baud, .lock_dir = mode_.lock_dir}, error);
  if (!port) {
    return MakeError(Errc::kModuleError, "cannot open " + mode_.port + ": " + error.message());
  }
  port_ = port.get();
  channel_ = std::make_unique<chat::AtChannel>(io_, std::move(port));
  channel_->SetUrcHandler([this](const chat::Urc& urc) {
    if (runner_ != nullptr) runner_->OnUrc(urc);
  });
  channel_->Start();
  if (mode_.cid > 0) {
    // The one-off prelude of §2.25.1/§2.43: power up, attach, activate. Each is a no-op on a
    // module that is already there (the daemon's in-band mode skips it with cid 0).
    for (const std::string& text : {std::string("AT+CFUN=1"), std::string("AT+CGATT=1"),
                                    "AT+CGACT=1," + std::to_string(mode_.cid)}) {
      chat::AtReply reply = RunCommand(text);
      if (!reply.ok()) return inband::ModuleFailure(text, reply);
    }
  }
  return {};
}

ServiceError InbandSession::Run(inband::Operation& op, RunnerHandlers handlers,
                                const std::function<void(InbandRunner&)>& start) {
  std::optional<ServiceError> result;
  auto on_done = std::move(handlers.on_done);
  handlers.on_done = [&](const ServiceError& error) {
    result = error;
    if (on_done) on_done(error);
  };
  InbandRunner runner(io_, *channel_, op, std::move(handlers));
  runner_ = &runner;
  boost::asio::post(io_, [&] { start(runner); });
  while (!result && io_.run_one() > 0) {
  }
  runner_ = nullptr;
  io_.restart();
  if (!result) return MakeError(Errc::kModuleError, "the module's port closed");
  return *result;
}

}  // namespace uclink::control::services
