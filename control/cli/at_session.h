// AtSession: runs AT commands one after another over a freshly opened port, for the one-shot CLI
// commands (`uclink at`, `uclink probe`). Each Run() drives the io_context until the reply.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "chat/at_channel.h"

namespace CLI {
class App;
}  // namespace CLI

namespace uclink::control::cli {

// Options every one-shot AT command takes.
struct PortFlags {
  std::string port;
  int baud = 115200;
  bool rtscts = false;
  std::string lock_dir = "/run/lock";
};

// Adds --port, --baud, --rtscts and --lock-dir to `command`.
void AddPortFlags(CLI::App& command, PortFlags& flags);

class AtSession {
 public:
  // Opens the port (exclusively, with a lock file). On failure returns nullptr and sets `error`.
  static std::unique_ptr<AtSession> Open(const PortFlags& flags, std::error_code& error);
  ~AtSession();

  // Sends `command` and waits for its reply (bounded by the command's timeout).
  chat::AtReply Run(chat::AtCommand command);
  // URCs seen so far.
  const std::vector<chat::Urc>& urcs() const { return urcs_; }

 private:
  AtSession() = default;

  boost::asio::io_context io_;
  std::unique_ptr<chat::AtChannel> channel_;
  std::vector<chat::Urc> urcs_;
};

}  // namespace uclink::control::cli
