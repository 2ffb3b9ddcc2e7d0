#include "sim/services/ftp_service.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

#include "sim/services/errors.h"
#include "sim/services/forms.h"
#include "sim/services/limits.h"
#include "sim/services/params.h"

namespace uclink::sim::services {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kReplyTimeout = std::chrono::seconds(30);
constexpr auto kConnectTimeout = std::chrono::seconds(10);

// Manual §2.29 FTPSERV result codes.
constexpr int kServNoPdp = 1;
constexpr int kServBadAddress = 2;
constexpr int kServUnreachable = 3;
constexpr int kServTimeout = 4;
constexpr int kServRefused = 5;
// Manual table 3.5 codes used for failures detected on the module's side.
constexpr int kFtpStateError = 7;
constexpr int kFtpRecvTimeout = 8;
constexpr int kFtpBusy = 12;
constexpr int kFtpPasvPortError = 13;
constexpr int kFtpPasvOpenError = 14;
constexpr int kFtpServerInvalid = 421;
constexpr int kFtpDataFailed = 425;
constexpr int kFtpConnectionClosed = 426;
constexpr int kFtpStorageExceeded = 552;

bool Positive(int code) { return code >= 200 && code < 300; }

// The usage line of AT+<name>=? (and of the read form of commands without state, §2.37.1).
std::string_view Usage(std::string_view name) {
  if (name == "+FTPMODE") return "+FTPMODE: (0-1)";
  if (name == "+FTPTYPE") return "+FTPTYPE: (I/A)";
  if (name == "+FTPRESET") return "+FTPRESET:<value>";
  if (name == "+FTPSERV") return "+FTPSERV: <IP>";
  if (name == "+FTPUN") return "+FTPUN: <username>";
  if (name == "+FTPPW") return "+FTPPW: <password>";
  if (name == "+FTPGETNAME") return "+FTPGETNAME: <file name>";
  if (name == "+FTPPATH") return "+FTPPATH: <file path>";
  if (name == "+FTPPUTNAME") return "+FTPPUTNAME: <file name>";
  if (name == "+FTPMKD") return "+FTPMKD: <dir>";
  if (name == "+FTPRMD") return "+FTPRMD: <dir>";
  if (name == "+FTPSIZE") return "+FTPSIZE: <file name>";
  if (name == "+FTPGET") return "+FTPGET";
  if (name == "+FTPPUT") return "+FTPPUT";
  if (name == "+FTPLIST") return "+FTPLIST";
  if (name == "+FTPSCON") return "+FTPSCON";
  if (name == "+FTPQUIT") return "+FTPQUIT";
  return {};
}

// The single (bare) parameter of a set command, or nullopt.
std::optional<std::string> OneParam(const SimCommand& cmd) { return OneBareParam(cmd.raw); }

}  // namespace

FtpService::FtpService(asio::io_context& io, ServiceHost& host)
    : host_(host), control_(io), data_(io), acceptor_(io), timer_(io) {}

void FtpService::Shutdown() {
  stopped_ = true;
  waiters_.clear();
  Disconnect(kFtpServerInvalid);
}

void FtpService::Fail(const std::string& prefix, int code) {
  host_.Info(prefix + ":" + std::to_string(code));
  host_.PlainError();
}

void FtpService::Execute(const SimCommand& cmd) {
  const std::string_view usage = Usage(cmd.name);
  if (usage.empty()) return host_.PlainError();
  if (cmd.form == SimCommand::Form::kTest) {
    host_.Info(usage);
    return host_.Ok();
  }
  if (Setting(cmd)) return;
  if (cmd.form == SimCommand::Form::kRead) {
    host_.Info(usage);
    return host_.Ok();
  }
  const std::string& n = cmd.name;
  if (n == "+FTPSCON") return Scon();
  if (n == "+FTPQUIT") return Quit();
  if (n == "+FTPPUT") return Put(cmd);
  if (transfer_ != Transfer::kNone) return Fail(n, kFtpBusy);
  if (n == "+FTPSERV") return Serv(cmd);
  if (n == "+FTPGET") return Get(cmd);
  if (n == "+FTPLIST") return List(cmd);
  if (n == "+FTPSIZE") return Size(cmd);
  if (n == "+FTPMKD") return SimpleCommand(cmd, "MKD", 257, false);
  if (n == "+FTPRMD") return SimpleCommand(cmd, "RMD", 250, false);
  if (n == "+FTPPATH") return SimpleCommand(cmd, "CWD", 250, true);
  if (n == "+FTPUN") return Login(cmd, false);
  if (n == "+FTPPW") return Login(cmd, true);
  host_.PlainError();
}

// Settings that only store a value, and every read form. Returns false when not handled here.
bool FtpService::Setting(const SimCommand& cmd) {
  const std::string& n = cmd.name;
  std::string* text = n == "+FTPGETNAME"   ? &get_name_
                      : n == "+FTPPUTNAME" ? &put_name_
                      : n == "+FTPPATH"    ? &path_
                      : n == "+FTPUN"      ? &user_
                      : n == "+FTPPW"      ? &password_
                                           : nullptr;
  if (cmd.form == SimCommand::Form::kRead) {
    if (text != nullptr) {
      host_.Info(n + ": " + *text);
    } else if (n == "+FTPMODE") {
      host_.Info(std::string("+FTPMODE: ") + (passive_ ? "1" : "0"));
    } else if (n == "+FTPTYPE") {
      host_.Info(std::string("+FTPTYPE: ") + type_);
    } else if (n == "+FTPRESET") {
      host_.Info("+FTPRESET:" + std::to_string(reset_));
    } else if (n == "+FTPSERV") {
      host_.Info("+FTPSERV: " + server_);
    } else {
      return false;
    }
    host_.Ok();
    return true;
  }
  if (cmd.form != SimCommand::Form::kSet) return false;
  if (n == "+FTPMODE" || n == "+FTPTYPE" || n == "+FTPRESET") {
    const auto v = OneParam(cmd);
    if (!v) return ReplyError(host_, Errc::kBadParameter), true;
    if (n == "+FTPMODE") {
      const auto mode = ParseInt(*v, 0, 1);
      if (!mode) return ReplyError(host_, Errc::kBadParameter), true;
      passive_ = *mode == 1;
    } else if (n == "+FTPTYPE") {
      const std::string t = Upper(*v);
      if (t != "I" && t != "A") return ReplyError(host_, Errc::kBadParameter), true;
      type_ = t[0];
      host_.Info("+FTPTYPE:0");  // manual §2.43: "+FTPTYPE:0" (FTP_NO_ERROR)
    } else {
      const auto value = ParseInt(*v, 0, 1L << 30);
      if (!value) return ReplyError(host_, Errc::kBadParameter), true;
      // §2.28: a reset restarts transfers from the beginning: drop the one running. Its final
      // reply still arrives and is consumed by the transfer's waiter.
      reset_ = *value;
      ResetTransfer();
    }
    host_.Ok();
    return true;
  }
  if (text == nullptr) return false;
  const auto v = OneParam(cmd);
  if (!v) return ReplyError(host_, Errc::kBadParameter), true;
  if (v->size() > kMaxName) return ReplyError(host_, Errc::kTooLong), true;
  *text = *v;
  // USER, PASS and CWD go to the server when connected (§2.30: "执行 FTPUN 时, 登录").
  const bool remote = connected_ && (n == "+FTPUN" || n == "+FTPPW" || n == "+FTPPATH");
  if (!remote) host_.Ok();
  return !remote;
}

void FtpService::Serv(const SimCommand& cmd) {
  if (cmd.form != SimCommand::Form::kSet) return ReplyError(host_, Errc::kBadParameter);
  // "AT+FTPSERV=<ip>[,<port>]": the port is a simulator extension (tests use ephemeral ports).
  const auto p = SplitParams(cmd.raw, 2);
  if (!p || p->empty()) return ReplyError(host_, Errc::kBadParameter);
  const std::string server = Trim((*p)[0].text);
  const auto port = p->size() == 2 ? ParseInt((*p)[1].text, 1, 65535) : std::optional<long>(21);
  if (server.empty() || !port) return ReplyError(host_, Errc::kBadParameter);
  if (server.size() > kMaxName) return ReplyError(host_, Errc::kTooLong);
  Disconnect(kFtpServerInvalid);
  server_ = server;
  port_ = static_cast<std::uint16_t>(*port);
  if (!host_.NetworkReady()) return Fail("+FTPSERV", kServNoPdp);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host_.ResolveTarget(server_), ec);
  if (ec) return Fail("+FTPSERV", kServBadAddress);
  connecting_ = true;
  connect_timed_out_ = false;
  const unsigned generation = ++control_generation_;
  timer_.expires_after(kConnectTimeout);
  timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& e) {
    if (e || self->stopped_ || generation != self->control_generation_ || !self->connecting_) {
      return;
    }
    self->connect_timed_out_ = true;
    boost::system::error_code ignored;
    self->control_.close(ignored);
  });
  control_.async_connect(tcp::endpoint(address, port_), [self = shared_from_this(), generation](
                                                            const boost::system::error_code& e) {
    if (self->stopped_ || generation != self->control_generation_) return;
    self->connecting_ = false;
    self->timer_.cancel();
    if (e) {
      boost::system::error_code ignored;
      self->control_.close(ignored);
      return self->Fail("+FTPSERV", self->connect_timed_out_ ? kServTimeout : kServUnreachable);
    }
    self->connected_ = true;
    self->parser_ = FtpReplyParser();
    self->ReadControl();
    self->Expect(
        [self](const FtpReply& greeting) {
          if (greeting.code != 220) {
            self->Disconnect(kFtpServerInvalid);
            return self->Fail("+FTPSERV", kServRefused);
          }
          self->host_.Info("+FTPSERV:0");  // manual §2.29.2
          self->host_.Ok();
        },
        true);
  });
}

void FtpService::Login(const SimCommand&, bool password) {
  const std::string prefix = password ? "+FTPPW" : "+FTPUN";
  Command(password ? "PASS " + password_ : "USER " + user_,
          [self = shared_from_this(), prefix, password](const FtpReply& r) {
            const bool ok = r.code == 230 || (!password && r.code == 331);
            if (!ok) return self->Fail(prefix, r.code);
            self->host_.Ok();
          });
}

void FtpService::SimpleCommand(const SimCommand& cmd, const std::string& verb, int ok_code,
                               bool echo_code) {
  std::string arg;
  if (cmd.name == "+FTPPATH") {
    arg = path_;  // already stored by Setting()
  } else {
    if (cmd.form != SimCommand::Form::kSet) return ReplyError(host_, Errc::kBadParameter);
    const auto v = OneParam(cmd);
    if (!v || v->empty()) return ReplyError(host_, Errc::kBadParameter);
    if (v->size() > kMaxName) return ReplyError(host_, Errc::kTooLong);
    arg = *v;
  }
  if (!connected_) return Fail(cmd.name, kFtpStateError);
  Command(verb + " " + arg,
          [self = shared_from_this(), name = cmd.name, ok_code, echo_code](const FtpReply& r) {
            if (r.code != ok_code) return self->Fail(name, r.code);
            // Manual §2.43: "AT+FTPPATH=..." answers "+FTPPATH:250" before OK.
            if (echo_code) self->host_.Info(name + ":" + std::to_string(r.code));
            self->host_.Ok();
          });
}

void FtpService::Size(const SimCommand& cmd) {
  if (cmd.form != SimCommand::Form::kSet) return ReplyError(host_, Errc::kBadParameter);
  const auto name = OneParam(cmd);
  if (!name || name->empty()) return ReplyError(host_, Errc::kBadParameter);
  if (name->size() > kMaxName) return ReplyError(host_, Errc::kTooLong);
  if (!connected_) return Fail("+FTPSIZE", kFtpStateError);
  // SIZE counts bytes of the binary image (RFC 3659 §4); servers may refuse it in ASCII mode.
  Command("TYPE I", [](const FtpReply&) {});
  Command("SIZE " + *name, [self = shared_from_this()](const FtpReply& r) {
    if (r.code != 213) return self->Fail("+FTPSIZE", r.code);
    self->host_.Info("+FTPSIZE:" + Trim(r.text));  // manual §2.43: "+FTPSIZE:5"
    self->host_.Ok();
  });
}

void FtpService::Get(const SimCommand& cmd) {
  // "AT+FTPGET=1,123" (manual §2.43) or "AT+FTPGET" with the name from AT+FTPGETNAME.
  std::string name = get_name_;
  if (cmd.form == SimCommand::Form::kSet) {
    const auto p = SplitParams(cmd.raw, 2);
    if (!p || p->empty()) return ReplyError(host_, Errc::kBadParameter);
    name = Trim(p->back().text);
  }
  if (name.empty()) return ReplyError(host_, Errc::kBadParameter);
  if (name.size() > kMaxName) return ReplyError(host_, Errc::kTooLong);
  if (!connected_) return Fail("+FTPGET", kFtpStateError);
  StartTransfer(Transfer::kGet, "RETR " + name, [self = shared_from_this()](int code) {
    if (code != 0) return self->Fail("+FTPGET", code);
    self->host_.Ok();
  });
}

void FtpService::List(const SimCommand& cmd) {
  std::string line = "LIST";
  if (cmd.form == SimCommand::Form::kSet) {
    const auto dir = OneParam(cmd);
    if (!dir) return ReplyError(host_, Errc::kBadParameter);
    if (dir->size() > kMaxName) return ReplyError(host_, Errc::kTooLong);
    if (!dir->empty()) line += " " + *dir;
  }
  if (!connected_) return Fail("+FTPLIST", kFtpStateError);
  StartTransfer(Transfer::kList, line, [self = shared_from_this()](int code) {
    if (code != 0) return self->Fail("+FTPLIST", code);
    self->host_.Ok();
  });
}

void FtpService::Put(const SimCommand& cmd) {
  if (cmd.form != SimCommand::Form::kSet) return ReplyError(host_, Errc::kBadParameter);
  // "AT+FTPPUT=5, 12345" sends a chunk; "AT+FTPPUT=0," ends the file (manual §2.39);
  // "AT+FTPPUT=5" alone collects 5 bytes after the "> " prompt (simulator extension).
  // The length ends the data: quotes and commas in it are data (SplitCounted).
  const auto counted = SplitCounted(cmd.raw, 1 << 20);
  if (!counted) return ReplyError(host_, Errc::kBadParameter);
  const long length = counted->length;
  if (static_cast<std::size_t>(length) > kMaxSendChunk) return ReplyError(host_, Errc::kTooLong);
  if (transfer_ != Transfer::kNone && transfer_ != Transfer::kPut) return Fail("+FTPPUT", kFtpBusy);
  if (length == 0) return FinishPut();
  if (!counted->data) {
    return host_.Prompt(static_cast<int>(length), [weak = weak_from_this()](std::string data) {
      if (auto self = weak.lock(); self && !self->stopped_) self->PutChunk(std::move(data));
    });
  }
  if (counted->data->size() != static_cast<std::size_t>(length)) {
    return ReplyError(host_, Errc::kBadParameter);
  }
  PutChunk(*counted->data);
}

void FtpService::PutChunk(std::string data) {
  if (transfer_ == Transfer::kPut) return WriteChunk(std::move(data));
  if (!connected_ || put_name_.empty()) return Fail("+FTPPUT", kFtpStateError);
  StartTransfer(Transfer::kPut, "STOR " + put_name_,
                [self = shared_from_this(), data = std::move(data)](int code) mutable {
                  if (code != 0) return self->Fail("+FTPPUT", code);
                  self->WhenDataConnected([self, data = std::move(data)](int c) mutable {
                    if (c != 0) {
                      self->ResetTransfer();
                      return self->Fail("+FTPPUT", c);
                    }
                    self->WriteChunk(std::move(data));
                  });
                });
}

void FtpService::WriteChunk(std::string data) {
  if (!data_connected_ || reply_done_) {
    return Fail("+FTPPUT", reply_done_ ? reply_code_ : kFtpConnectionClosed);
  }
  auto payload = std::make_shared<std::string>(std::move(data));
  asio::async_write(data_, asio::buffer(*payload),
                    [self = shared_from_this(), payload, generation = data_generation_](
                        const boost::system::error_code& ec, std::size_t) {
                      if (self->stopped_) return;
                      if (ec || generation != self->data_generation_) {
                        return self->Fail("+FTPPUT", kFtpConnectionClosed);
                      }
                      self->host_.Ok();
                    });
}

void FtpService::FinishPut() {
  if (transfer_ == Transfer::kPut) return EndUpload();
  // "AT+FTPPUT=0," with no chunk before: store an empty file.
  if (!connected_ || put_name_.empty()) return Fail("+FTPPUT", kFtpStateError);
  StartTransfer(Transfer::kPut, "STOR " + put_name_, [self = shared_from_this()](int code) {
    if (code != 0) return self->Fail("+FTPPUT", code);
    self->WhenDataConnected([self](int c) {
      if (c != 0) {
        self->ResetTransfer();
        return self->Fail("+FTPPUT", c);
      }
      self->EndUpload();
    });
  });
}

void FtpService::EndUpload() {
  // Closing the data connection marks the end of the file (RFC 959 §3.4, stream mode); the
  // server then confirms with 226, and only then does AT+FTPPUT=0 answer.
  put_ending_ = true;
  boost::system::error_code ignored;
  data_.shutdown(tcp::socket::shutdown_send, ignored);
  DataDone(0);
}

void FtpService::Scon() {
  host_.Info("+FTPSCON:");
  host_.Info("SERVER:" + server_ + "," + std::to_string(port_));
  host_.Info("USER:" + user_);
  host_.Info(std::string("MODE:") + (passive_ ? "1" : "0"));
  host_.Info(std::string("TYPE:") + type_);
  host_.Info("PATH:" + path_);
  host_.Info("GETNAME:" + get_name_);
  host_.Info("PUTNAME:" + put_name_);
  host_.Info(std::string("STATE:") + (connected_ ? "1" : "0"));
  host_.Ok();
}

void FtpService::Quit() {
  if (!connected_) return host_.Ok();
  Command("QUIT", [self = shared_from_this()](const FtpReply&) {
    self->ResetTransfer();
    self->Disconnect(kFtpServerInvalid);
    self->host_.Ok();
  });
}

// --- Control connection -------------------------------------------------------------------

void FtpService::Command(const std::string& line, ReplyFn fn, bool timed) {
  writes_.push_back(line + "\r\n");
  if (writes_.size() == 1) WriteNext();
  Expect(std::move(fn), timed);
}

void FtpService::Expect(ReplyFn fn, bool timed) {
  waiters_.push_back({std::move(fn), timed});
  if (waiters_.size() == 1) ArmTimer();
}

void FtpService::WriteNext() {
  auto line = std::make_shared<std::string>(writes_.front());
  asio::async_write(control_, asio::buffer(*line),
                    [self = shared_from_this(), line, generation = control_generation_](
                        const boost::system::error_code& ec, std::size_t) {
                      if (self->stopped_ || generation != self->control_generation_) return;
                      if (ec) return self->Disconnect(kFtpServerInvalid);
                      self->writes_.pop_front();
                      if (!self->writes_.empty()) self->WriteNext();
                    });
}

void FtpService::ReadControl() {
  control_.async_read_some(
      asio::buffer(control_buffer_), [self = shared_from_this(), generation = control_generation_](
                                         const boost::system::error_code& ec, std::size_t n) {
        if (self->stopped_ || generation != self->control_generation_) return;
        if (ec) return self->Disconnect(kFtpServerInvalid);
        const auto replies = self->parser_.Feed(std::string_view(self->control_buffer_.data(), n));
        for (const auto& reply : replies) {
          if (self->waiters_.empty()) {
            if (reply.code == 421) return self->Disconnect(kFtpServerInvalid);
            continue;  // unsolicited and harmless
          }
          auto waiter = std::move(self->waiters_.front());
          self->waiters_.pop_front();
          self->ArmTimer();
          waiter.fn(reply);
          if (generation != self->control_generation_ || self->stopped_) return;
        }
        if (self->parser_.failed()) return self->Disconnect(kFtpServerInvalid);
        self->ReadControl();
      });
}

void FtpService::ArmTimer() {
  const unsigned generation = ++timer_generation_;
  timer_.cancel();
  if (waiters_.empty() || !waiters_.front().timed) return;
  timer_.expires_after(kReplyTimeout);
  timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
    if (ec || self->stopped_ || generation != self->timer_generation_) return;
    self->Disconnect(kFtpRecvTimeout);
  });
}

void FtpService::Disconnect(int code) {
  ++control_generation_;
  ++timer_generation_;
  connected_ = false;
  connecting_ = false;
  boost::system::error_code ignored;
  timer_.cancel();
  control_.close(ignored);
  CloseData();
  writes_.clear();
  auto waiters = std::move(waiters_);
  waiters_.clear();
  // Everyone still waiting learns the connection is gone (a transfer reports its failure).
  for (auto& w : waiters) {
    if (stopped_) break;
    w.fn(FtpReply{code, "connection closed"});
  }
}

// --- Data connection and transfers ---------------------------------------------------------

void FtpService::StartTransfer(Transfer kind, const std::string& line, CodeFn accepted) {
  transfer_ = kind;
  ++transfer_id_;
  data_done_ = false;
  data_code_ = 0;
  reply_done_ = false;
  reply_code_ = 0;
  put_ending_ = false;
  listing_.clear();
  PrepareData([self = shared_from_this(), kind, line, accepted](int code) {
    if (code != 0) {
      self->ResetTransfer();
      return accepted(code);
    }
    self->Command(line, [self, kind, accepted](const FtpReply& r) {
      if (r.code < 100 || r.code >= 200) {  // not "150 Opening data connection"
        self->ResetTransfer();
        return accepted(r.code);
      }
      self->Expect(
          [self, id = self->transfer_id_](const FtpReply& final_reply) {
            if (id == self->transfer_id_) self->TransferReply(final_reply);
          },
          false);
      if (kind != Transfer::kPut) {
        self->WhenDataConnected([self](int c) {
          if (c != 0) return self->DataDone(c);
          self->ReadData();
        });
      }
      accepted(0);
    });
  });
}

void FtpService::PrepareData(CodeFn next) {
  CloseData();
  Command(std::string("TYPE ") + type_, [self = shared_from_this(), next](const FtpReply& r) {
    if (!Positive(r.code)) return next(r.code);
    boost::system::error_code ec;
    if (self->passive_) {
      return self->Command("PASV", [self, next](const FtpReply& pasv) {
        if (pasv.code != 227) return next(pasv.code);
        const auto port = ParsePasvPort(pasv.text);
        boost::system::error_code e;
        const auto peer = self->control_.remote_endpoint(e);
        if (!port || e) return next(kFtpPasvPortError);
        // Connect to the control peer, not to the address in the reply (curl's
        // FTP_SKIP_PASV_IP): a PASV reply can never send the simulator elsewhere.
        const unsigned generation = self->data_generation_;
        self->data_.async_connect(tcp::endpoint(peer.address(), *port),
                                  [self, next, generation](const boost::system::error_code& c) {
                                    if (self->stopped_ || generation != self->data_generation_)
                                      return;
                                    if (c) return next(kFtpPasvOpenError);
                                    self->data_connected_ = true;
                                    next(0);
                                  });
      });
    }
    // Active mode (RFC 959 PORT): listen on the control connection's local address.
    const auto local = self->control_.local_endpoint(ec).address();
    if (ec || !local.is_v4()) return next(kFtpPasvPortError);
    self->acceptor_.open(tcp::v4(), ec);
    if (!ec) self->acceptor_.bind(tcp::endpoint(local, 0), ec);
    if (!ec) self->acceptor_.listen(1, ec);
    const auto port = ec ? 0 : self->acceptor_.local_endpoint(ec).port();
    if (ec) return next(kFtpPasvPortError);
    const unsigned generation = self->data_generation_;
    self->acceptor_.async_accept(self->data_,
                                 [self, generation](const boost::system::error_code& c) {
                                   if (self->stopped_ || generation != self->data_generation_)
                                     return;
                                   boost::system::error_code ignored;
                                   self->acceptor_.close(ignored);
                                   self->data_connected_ = !c;
                                   self->accept_failed_ = static_cast<bool>(c);
                                   if (auto fn = std::exchange(self->on_data_connected_, nullptr))
                                     fn(c ? kFtpDataFailed : 0);
                                 });
    self->Command(FormatPort(local.to_v4().to_bytes(), port),
                  [next](const FtpReply& r2) { next(Positive(r2.code) ? 0 : r2.code); });
  });
}

void FtpService::WhenDataConnected(CodeFn fn) {
  if (data_connected_) return fn(0);
  if (accept_failed_) return fn(kFtpDataFailed);
  on_data_connected_ = std::move(fn);
}

void FtpService::ReadData() {
  data_.async_read_some(
      asio::buffer(data_buffer_), [self = shared_from_this(), generation = data_generation_](
                                      const boost::system::error_code& ec, std::size_t n) {
        if (self->stopped_ || generation != self->data_generation_) return;
        if (ec) return self->DataDone(ec == asio::error::eof ? 0 : kFtpConnectionClosed);
        const std::string_view bytes(self->data_buffer_.data(), n);
        if (self->transfer_ == Transfer::kGet) {
          // Manual §2.43: "+FTPGET:24,123456781234567812345678".
          for (std::size_t off = 0; off < bytes.size(); off += kMaxReportChunk) {
            const auto piece = bytes.substr(off, kMaxReportChunk);
            self->host_.Urc("+FTPGET:" + std::to_string(piece.size()) + "," + std::string(piece));
          }
        } else if (self->listing_.size() + n > kMaxFtpListing) {
          return self->DataDone(kFtpStorageExceeded);
        } else {
          self->listing_.append(bytes);
        }
        // Flow control: the data connection pauses (TCP window) while the line is behind.
        self->host_.WhenUrcsDrain([self, generation] {
          if (!self->stopped_ && generation == self->data_generation_) self->ReadData();
        });
      });
}

void FtpService::DataDone(int code) {
  data_done_ = true;
  data_code_ = code;
  CloseData();
  // The final reply should follow the end of the data promptly: from now on it is timed.
  for (auto& w : waiters_) w.timed = true;
  ArmTimer();
  MaybeFinishTransfer();
}

void FtpService::TransferReply(const FtpReply& reply) {
  reply_done_ = true;
  reply_code_ = reply.code;
  if (!Positive(reply.code) && transfer_ != Transfer::kPut) {
    data_done_ = true;  // the server gave up: no more data will come
    CloseData();
  }
  MaybeFinishTransfer();
}

void FtpService::MaybeFinishTransfer() {
  if (!reply_done_) return;
  const bool ok = Positive(reply_code_) && data_code_ == 0;
  const int code = data_code_ != 0 ? data_code_ : reply_code_;
  switch (transfer_) {
    case Transfer::kNone:
      return;
    case Transfer::kGet:
      if (!data_done_) return;
      ResetTransfer();
      // End of file: a zero-length piece; a failure: "+FTPGET:-1,<table 3.5 code>".
      return host_.Urc(ok ? "+FTPGET:0," : "+FTPGET:-1," + std::to_string(code));
    case Transfer::kList: {
      if (!data_done_) return;
      const std::string listing = std::move(listing_);
      ResetTransfer();
      // Manual §2.43: "+FTPLIST:0,370" followed by the listing's 370 bytes.
      if (!ok) return host_.Urc("+FTPLIST:" + std::to_string(code) + ",0");
      return host_.Urc("+FTPLIST:0," + std::to_string(listing.size()) + "\r\n" + listing);
    }
    case Transfer::kPut:
      if (!put_ending_) return;
      ResetTransfer();
      if (!ok) return Fail("+FTPPUT", code);
      return host_.Ok();
  }
}

void FtpService::CloseData() {
  ++data_generation_;
  boost::system::error_code ignored;
  data_.close(ignored);
  acceptor_.close(ignored);
  data_connected_ = false;
  accept_failed_ = false;
  on_data_connected_ = nullptr;
}

void FtpService::ResetTransfer() {
  transfer_ = Transfer::kNone;
  ++transfer_id_;
  listing_.clear();
  CloseData();
}

}  // namespace uclink::sim::services
