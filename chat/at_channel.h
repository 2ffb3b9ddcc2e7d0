// AtChannel: the AT engine driven by a ByteTransport and one steady_timer. This is the API the
// connection manager, the daemon and the CLI use. One io_context thread; no locks
// (docs/ARCHITECTURE.md, "Threads and time").
//
//   boost::asio::io_context io;
//   std::error_code error;
//   auto port = chat::SerialPort::Open(io, {.path = "/dev/ttyUSB0"}, error);
//   chat::AtChannel channel(io, std::move(port));
//   channel.SetUrcHandler([](const chat::Urc& urc) { ... });
//   channel.Start();
//   channel.Submit(chat::AtCommand::FromText("AT+CSQ"), [](const chat::AtReply& reply) {
//     if (reply.ok()) ... reply.info ...; else ... reply.Describe() ...;
//   });
//   io.run();
//
// Errors in AtReply::error (chat::Errc): kModuleError, kCmeError, kExtError (with the manual's
// text in error_text), kNoCarrier, kConnectFail, kTimeout, kPayloadTruncated, kUnresponsive,
// kClosed, kInvalidCommand.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "chat/at_engine.h"
#include "chat/serial_port.h"

namespace uclink::chat {

class AtChannel {
 public:
  using ReplyHandler = std::function<void(const AtReply&)>;
  using UrcHandler = std::function<void(const Urc&)>;
  // CONNECT: `fd` now belongs to the handler (PPP); `leftover` are the first data bytes already
  // read; if `drop_leading_lf`, a LF as the very next byte ends the CONNECT line. Without a
  // handler the channel closes.
  using DataModeHandler = std::function<void(int fd, std::string leftover, bool drop_leading_lf)>;
  // The port is gone (EOF/EIO/unplugged); pending commands have completed with kClosed.
  using ClosedHandler = std::function<void(std::error_code)>;

  AtChannel(boost::asio::io_context& io, std::unique_ptr<ByteTransport> transport,
            AtEngineOptions options = {});
  ~AtChannel();
  AtChannel(const AtChannel&) = delete;
  AtChannel& operator=(const AtChannel&) = delete;

  void SetUrcHandler(UrcHandler handler) { on_urc_ = std::move(handler); }
  void SetDataModeHandler(DataModeHandler handler) { on_data_mode_ = std::move(handler); }
  void SetClosedHandler(ClosedHandler handler) { on_closed_ = std::move(handler); }

  // Starts reading the port.
  void Start();
  // Queues a command; `on_reply` runs exactly once, on the io_context thread.
  CommandId Submit(AtCommand command, ReplyHandler on_reply);
  // Takes the port back after data mode (the handler's fd) and resynchronises. `already_read`:
  // module output the data consumer read after its data ended (e.g. what followed NO CARRIER
  // in pppd's bridge), handled as if it had just arrived.
  void ResumeCommandMode(int fd, std::string already_read = {});
  // Closes the port; pending commands complete with kClosed.
  void Close();

  const AtEngine& engine() const { return engine_; }

 private:
  void Pump();
  void Perform(AtAction& action);
  void OnTransportClosed(std::error_code error);

  boost::asio::io_context& io_;
  std::unique_ptr<ByteTransport> transport_;
  AtEngine engine_;
  boost::asio::steady_timer timer_;
  std::map<CommandId, ReplyHandler> handlers_;
  UrcHandler on_urc_;
  DataModeHandler on_data_mode_;
  ClosedHandler on_closed_;
  bool pumping_ = false;
  bool closed_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace uclink::chat
