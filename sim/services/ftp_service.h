// AT+FTPMODE/FTPTYPE/FTPRESET/FTPSERV/FTPUN/FTPPW/FTPGETNAME/FTPPATH/FTPPUTNAME/FTPMKD/FTPRMD/
// FTPGET/FTPPUT/FTPLIST/FTPSIZE/FTPSCON/FTPQUIT (UC8088 manual §2.26–2.43): an FTP client written
// on Asio whose control connection maps one AT command to one FTP command, so the reply codes the
// manual prints (+FTPPATH:250) are the server's own. Active and passive data connections.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "sim/service_host.h"
#include "sim/services/ftp_reply.h"

namespace uclink::sim::services {

/// The module's FTP client: one control connection, one transfer at a time.
class FtpService : public std::enable_shared_from_this<FtpService> {
 public:
  FtpService(boost::asio::io_context& io, ServiceHost& host);
  /// Runs one +FTP... command (names already normalised to the FTP spelling).
  void Execute(const SimCommand& cmd);
  /// Drops both connections; no output follows.
  void Shutdown();

 private:
  enum class Transfer { kNone, kGet, kList, kPut };
  using ReplyFn = std::function<void(const FtpReply&)>;
  using CodeFn = std::function<void(int)>;
  struct Waiter {
    ReplyFn fn;
    bool timed;  // false for the final reply of a transfer: it may take as long as the data
  };

  bool Setting(const SimCommand& cmd);
  void Serv(const SimCommand& cmd);
  void Login(const SimCommand& cmd, bool password);
  void SimpleCommand(const SimCommand& cmd, const std::string& verb, int ok_code, bool echo_code);
  void Get(const SimCommand& cmd);
  void Put(const SimCommand& cmd);
  void PutChunk(std::string data);
  void FinishPut();
  void List(const SimCommand& cmd);
  void Size(const SimCommand& cmd);
  void Scon();
  void Quit();

  // Control connection.
  void Command(const std::string& line, ReplyFn fn, bool timed = true);
  void Expect(ReplyFn fn, bool timed);
  void ReadControl();
  void WriteNext();
  void ArmTimer();
  void Disconnect(int code);
  // Data connection and transfers.
  void StartTransfer(Transfer kind, const std::string& line, CodeFn accepted);
  void PrepareData(CodeFn next);
  void WhenDataConnected(CodeFn fn);
  void ReadData();
  void DataDone(int code);
  void TransferReply(const FtpReply& reply);
  void MaybeFinishTransfer();
  void CloseData();
  void ResetTransfer();
  void EndUpload();
  void WriteChunk(std::string data);
  void Fail(const std::string& prefix, int code);

  ServiceHost& host_;
  boost::asio::ip::tcp::socket control_;
  boost::asio::ip::tcp::socket data_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer timer_;
  FtpReplyParser parser_;
  std::array<char, 4096> control_buffer_{};
  std::array<char, 4096> data_buffer_{};
  std::deque<Waiter> waiters_;
  std::deque<std::string> writes_;
  bool connected_ = false;
  bool connecting_ = false;
  bool connect_timed_out_ = false;
  unsigned control_generation_ = 0;  // bumped on disconnect: stale handlers see a new value
  unsigned timer_generation_ = 0;
  // Settings (manual §2.26–2.34).
  std::string server_;
  std::uint16_t port_ = 21;
  std::string user_, password_, path_, get_name_, put_name_;
  bool passive_ = true;
  char type_ = 'I';
  long reset_ = 0;
  // The transfer in progress.
  Transfer transfer_ = Transfer::kNone;
  unsigned transfer_id_ = 0;  // bumped when a transfer starts or is dropped
  unsigned data_generation_ = 0;
  bool data_connected_ = false;
  bool accept_failed_ = false;
  CodeFn on_data_connected_;
  bool data_done_ = false;
  int data_code_ = 0;
  bool reply_done_ = false;
  int reply_code_ = 0;
  bool put_ending_ = false;
  std::string listing_;
  bool stopped_ = false;
};

}  // namespace uclink::sim::services
