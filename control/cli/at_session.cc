#include "control/cli/at_session.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <optional>

namespace uclink::control::cli {

void AddPortFlags(CLI::App& command, PortFlags& flags) {
  command.add_option("--port,-p", flags.port, "Serial device of the module (tty or pty)")
      ->required();
  command.add_option("--baud,-b", flags.baud, "Baud rate")->capture_default_str();
  command.add_flag("--rtscts", flags.rtscts, "Use RTS/CTS hardware flow control");
  command.add_option("--lock-dir", flags.lock_dir, "Directory for the UUCP lock file")
      ->capture_default_str();
}

std::unique_ptr<AtSession> AtSession::Open(const PortFlags& flags, std::error_code& error) {
  std::unique_ptr<AtSession> session(new AtSession());
  chat::SerialOptions options;
  options.path = flags.port;
  options.baud = flags.baud;
  options.rtscts = flags.rtscts;
  options.lock_dir = flags.lock_dir;
  auto port = chat::SerialPort::Open(session->io_, options, error);
  if (!port) return nullptr;
  session->channel_ = std::make_unique<chat::AtChannel>(session->io_, std::move(port));
  session->channel_->SetUrcHandler(
      [raw = session.get()](const chat::Urc& urc) { raw->urcs_.push_back(urc); });
  // A one-shot command has no PPP consumer: the descriptor is closed, the port released.
  session->channel_->SetDataModeHandler([](int fd, std::string, bool) { ::close(fd); });
  session->channel_->Start();
  return session;
}

AtSession::~AtSession() {
  if (channel_) channel_->Close();
}

chat::AtReply AtSession::Run(chat::AtCommand command) {
  std::optional<chat::AtReply> reply;
  channel_->Submit(std::move(command), [&reply](const chat::AtReply& r) { reply = r; });
  io_.restart();
  // The engine's timeout table bounds every command; the loop ends when the reply is in.
  while (!reply && io_.run_one() > 0) {
  }
  if (!reply) {
    chat::AtReply closed;
    closed.error = chat::Errc::kClosed;
    return closed;
  }
  return *reply;
}

}  // namespace uclink::control::cli
