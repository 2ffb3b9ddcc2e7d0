#include "control/inband/ftp_client.h"

#include "chat/at_args.h"
#include "chat/commands/text_params.h"
#include "chat/error_tables.h"
#include "control/inband/url.h"

namespace uclink::control::inband {

using chat::Command;

std::string_view ToString(FtpVerb verb) {
  switch (verb) {
    case FtpVerb::kList:
      return "ls";
    case FtpVerb::kGet:
      return "get";
    case FtpVerb::kPut:
      return "put";
    case FtpVerb::kSize:
      return "size";
    case FtpVerb::kMkdir:
      return "mkdir";
    case FtpVerb::kRmdir:
      return "rmdir";
  }
  return "?";
}

std::string_view ToString(FtpClient::Step step) {
  switch (step) {
    case FtpClient::Step::kIdle:
      return "idle";
    case FtpClient::Step::kMode:
      return "mode";
    case FtpClient::Step::kType:
      return "type";
    case FtpClient::Step::kServ:
      return "serv";
    case FtpClient::Step::kUser:
      return "user";
    case FtpClient::Step::kPassword:
      return "password";
    case FtpClient::Step::kPath:
      return "path";
    case FtpClient::Step::kSize:
      return "size";
    case FtpClient::Step::kGet:
      return "get";
    case FtpClient::Step::kReceiving:
      return "receiving";
    case FtpClient::Step::kList:
      return "list";
    case FtpClient::Step::kListing:
      return "listing";
    case FtpClient::Step::kPutName:
      return "put_name";
    case FtpClient::Step::kPut:
      return "put";
    case FtpClient::Step::kPutEnd:
      return "put_end";
    case FtpClient::Step::kMkdir:
      return "mkdir";
    case FtpClient::Step::kRmdir:
      return "rmdir";
    case FtpClient::Step::kQuit:
      return "quit";
    case FtpClient::Step::kDone:
      return "done";
  }
  return "?";
}

std::string DescribeFtpCode(int code) {
  auto text = chat::DescribeFtp(code);
  return std::to_string(code) + " (" +
         (text ? std::string(*text) : std::string("not in table 3.5")) + ")";
}

namespace {

// The first two numeric fields of `+FTPGET:-1,426` / `+FTPLIST:0,370`.
std::optional<std::pair<long long, long long>> TwoNumbers(std::string_view line) {
  auto parts = chat::SplitInfoLine(line);
  if (!parts) return std::nullopt;
  auto args = chat::SplitArgs(parts->params);
  if (!args || args->size() < 2) return std::nullopt;
  auto a = chat::ParseInt((*args)[0], -1, 1 << 30, "<a>");
  auto b = chat::ParseInt((*args)[1], -1, 1 << 30, "<b>");
  if (!a || !b) return std::nullopt;
  return std::pair<long long, long long>{*a, *b};
}

}  // namespace

namespace {

// What every FTP name and credential needs in both modes (lengths: §2.30–§2.36).
std::optional<ServiceError> CheckNativeName(std::string_view value, std::string_view what) {
  if (value.empty()) return MakeError(Errc::kInvalidArgument, std::string(what) + " is empty");
  if (value.size() > chat::kMaxFtpName) {
    return MakeError(Errc::kInvalidArgument,
                     std::string(what) + " is longer than 64 bytes (UC8088 manual §2.30–§2.36)");
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r' || c == '\n' || c == '\0') {
      return MakeError(Errc::kInvalidArgument,
                       std::string(what) + ": " +
                           chat::DescribeByte({i, static_cast<unsigned char>(c), ""}) +
                           " would end the FTP command (RFC 959 §5.3.2: no CR, LF; no NUL)");
    }
  }
  return std::nullopt;
}

// The remote directory and name of a request (see FtpRequest::path).
void SplitPath(const FtpRequest& request, std::string* dir, std::string* name) {
  const bool names_file = request.verb == FtpVerb::kGet || request.verb == FtpVerb::kPut ||
                          request.verb == FtpVerb::kSize;
  if (names_file) {
    const auto slash = request.path.rfind('/');
    if (slash == std::string::npos) {
      *name = request.path;
    } else {
      *dir = slash == 0 ? "/" : request.path.substr(0, slash);
      *name = request.path.substr(slash + 1);
    }
  } else if (request.verb == FtpVerb::kList) {
    *dir = request.path;
  } else {
    *name = request.path;
  }
}

}  // namespace

FtpClient::FtpClient(FtpSession session, FtpRequest request)
    : session_(std::move(session)), request_(std::move(request)) {
  SplitPath(request_, &dir_, &name_);
  if (request_.verb == FtpVerb::kPut && session_.encoding == PayloadEncoding::kInline) {
    put_sizes_ =
        chat::PlanInlineParts(chat::TextParam::kFtpPutData, request_.data, chat::kMaxFtpPutData)
            .sizes;
  }
}

std::optional<ServiceError> CheckFtp(const FtpSession& session, const FtpRequest& request,
                                     Transport transport) {
  std::string dir;
  std::string name;
  SplitPath(request, &dir, &name);
  if (session.port < 1 || session.port > 65535) {
    return MakeError(Errc::kInvalidArgument, "server port must be 1..65535");
  }
  const bool inband = transport == Transport::kInband;
  auto check = [&](Command command, std::string_view value,
                   std::string_view what) -> std::optional<ServiceError> {
    if (!inband) return CheckNativeName(value, what);
    auto e = chat::EncodeFtpName(command, value);
    if (e) return std::nullopt;
    return ErrorOf(e.error(), what);
  };
  if (auto e = chat::EncodeFtpserv(session.host); !e) {
    if (inband || e.error().code != chat::CommandErrc::kInvalidCharacter) {
      return ErrorOf(e.error(), "server");
    }
  }
  if (auto e = check(Command::kFtpun, session.user, "user")) return e;
  if (auto e = check(Command::kFtppw, session.password, "password")) return e;
  if (!dir.empty()) {
    if (auto e = check(Command::kFtppath, dir, "directory")) return e;
  }
  switch (request.verb) {
    case FtpVerb::kList:
      return std::nullopt;
    case FtpVerb::kGet:
      return check(Command::kFtpgetname, name, "file name");
    case FtpVerb::kSize:
      return check(Command::kFtpsize, name, "file name");
    case FtpVerb::kPut:
      if (inband && session.encoding == PayloadEncoding::kInline) {
        const chat::PartPlan plan =
            chat::PlanInlineParts(chat::TextParam::kFtpPutData, request.data, chat::kMaxFtpPutData);
        if (plan.refused)
          return UnsendableError(*plan.refused, "AT+FTPPUT's <data> (manual §2.39)");
      }
      return check(Command::kFtpputname, name, "file name");
    case FtpVerb::kMkdir:
      return check(Command::kFtpmkd, name, "directory");
    case FtpVerb::kRmdir:
      return check(Command::kFtprmd, name, "directory");
  }
  return std::nullopt;
}

ServiceError ParseFtpUrl(std::string_view text, FtpSession* session, std::string* path) {
  Url url;
  if (auto e = ParseUrl(text, &url)) return e;
  if (url.scheme != "ftp") {
    return MakeError(Errc::kInvalidArgument, "URL: scheme \"" + url.scheme + "\" is not ftp");
  }
  if (url.query || url.fragment) {
    return MakeError(Errc::kInvalidArgument,
                     "URL: an FTP URL has no query or fragment (RFC 1738 §3.2); write '?' as "
                     "%3F and '#' as %23");
  }
  session->host = url.host;
  session->port = url.port.value_or(21);
  if (url.user) {
    session->user = *url.user;
    if (url.password) session->password = *url.password;
  }
  // RFC 1738 §3.2.2: the url-path is what follows the '/' after the host.
  *path = url.path.empty() ? std::string() : url.path.substr(1);
  return {};
}

std::string FtpUrlOf(const FtpSession& session, std::string_view path) {
  const bool literal = session.host.find(':') != std::string::npos;
  std::string url = "ftp://" + (literal ? "[" + session.host + "]" : session.host) + ":" +
                    std::to_string(session.port) + "/";
  if (path.starts_with("/")) {
    url += "%2F";
    path.remove_prefix(1);
  }
  return url + PercentEncode(path, "/");
}

std::optional<ServiceError> FtpClient::Validate() const {
  return CheckFtp(session_, request_, Transport::kInband);
}

void FtpClient::Start(chat::TimePoint now) {
  if (step_ != Step::kIdle) return;
  if (auto error = Validate()) return Finish(std::move(*error));
  Go(Step::kMode, now);
}

void FtpClient::Go(Step step, chat::TimePoint now) {
  step_ = step;
  chat::AtCommand command;
  switch (step) {
    case Step::kMode:
      command = chat::AtCommand::FromText(*chat::EncodeFtpmode(session_.passive ? 1 : 0));
      break;
    case Step::kType:
      command = chat::AtCommand::FromText(*chat::EncodeFtptype(session_.type));
      break;
    case Step::kServ: {
      std::string text = *chat::EncodeFtpserv(session_.host);
      if (session_.port != 21) text += "," + std::to_string(session_.port);
      command = chat::AtCommand::FromText(std::move(text));
      break;
    }
    case Step::kUser:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtpun, session_.user));
      break;
    case Step::kPassword:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtppw, session_.password));
      break;
    case Step::kPath:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtppath, dir_));
      break;
    case Step::kSize:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtpsize, name_));
      break;
    case Step::kGet:
      command = chat::AtCommand::FromText(*chat::EncodeFtpget(1, name_));
      // §2.43: the pieces follow OK as URCs; keep early ones off the reply.
      command.info_prefixes.clear();
      break;
    case Step::kList:
      command = chat::AtCommand::FromText("AT+FTPLIST");
      command.info_prefixes.clear();
      break;
    case Step::kPutName:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtpputname, name_));
      break;
    case Step::kPut:
      return SendPutPart();
    case Step::kPutEnd:
      command = chat::AtCommand::FromText(*chat::EncodeFtpput(""));
      break;
    case Step::kMkdir:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtpmkd, name_));
      break;
    case Step::kRmdir:
      command = chat::AtCommand::FromText(*chat::EncodeFtpName(Command::kFtprmd, name_));
      break;
    case Step::kQuit:
      command = chat::AtCommand::FromText("AT+FTPQUIT");
      break;
    case Step::kReceiving:
    case Step::kListing:
      Emit(TimerAction{now + session_.data_timeout});
      return;
    case Step::kIdle:
    case Step::kDone:
      return;
  }
  last_command_ = command.text;
  Submit(std::move(command));
}

void FtpClient::SendPutPart() {
  step_ = Step::kPut;
  const std::size_t size =
      session_.encoding == PayloadEncoding::kInline && put_part_ < put_sizes_.size()
          ? put_sizes_[put_part_++]
          : chat::kMaxFtpPutData;
  const std::string part = request_.data.substr(put_offset_, size);
  put_offset_ += part.size();
  chat::AtCommand command;
  if (session_.encoding == PayloadEncoding::kPrompt) {
    command = chat::AtCommand::FromText(
        chat::CommandText("+FTPPUT").Int(static_cast<std::int64_t>(part.size())).Take());
    command.payload = part;
  } else {
    auto text = chat::EncodeFtpput(part);
    if (!text) return Quit(ErrorOf(text.error()));
    command = chat::AtCommand::FromText(*text);
  }
  last_command_ = "AT+FTPPUT";
  Submit(std::move(command));
}

ServiceError FtpClient::FailureOf(const chat::AtReply& reply, std::string_view name) const {
  if (auto code = FindCode(reply, name)) {
    return MakeError(Errc::kServiceError, std::string(WithoutSecrets(last_command_)) +
                                              " failed: FTP code " + DescribeFtpCode(*code));
  }
  return ModuleFailure(last_command_, reply);
}

void FtpClient::Quit(ServiceError error) {
  result_ = std::move(error);
  Go(Step::kQuit, {});
}

void FtpClient::AfterLogin(chat::TimePoint now) {
  if (!dir_.empty()) return Go(Step::kPath, now);
  StartVerb(now);
}

void FtpClient::StartVerb(chat::TimePoint now) {
  switch (request_.verb) {
    case FtpVerb::kList:
      return Go(Step::kList, now);
    case FtpVerb::kGet:
    case FtpVerb::kSize:
      return Go(Step::kSize, now);
    case FtpVerb::kPut:
      return Go(Step::kPutName, now);
    case FtpVerb::kMkdir:
      return Go(Step::kMkdir, now);
    case FtpVerb::kRmdir:
      return Go(Step::kRmdir, now);
  }
}

void FtpClient::OnReply(const chat::AtReply& reply, chat::TimePoint now) {
  ReplyArrived();
  if (done()) return;
  switch (step_) {
    case Step::kMode:
      if (!reply.ok()) return Finish(ModuleFailure(last_command_, reply));
      return Go(Step::kType, now);
    case Step::kType:
      if (!reply.ok()) return Finish(ModuleFailure(last_command_, reply));
      return Go(Step::kServ, now);
    case Step::kServ: {
      auto code = FindCode(reply, "FTPSERV");
      if (reply.ok() && code.value_or(0) == 0) return Go(Step::kUser, now);
      std::string why = reply.Describe();
      if (code) {
        auto r = chat::DescribeFtpServResult(*code);
        why = "result " + std::to_string(*code) + " (" +
              (r ? std::string(r->gloss) : std::string("unknown")) + ", UC8088 manual §2.29)";
      }
      return Quit(MakeError(code ? Errc::kConnectFailed : Errc::kModuleError,
                            "cannot reach FTP server " + session_.host + ": " + why));
    }
    case Step::kUser:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPUN"));
      return Go(Step::kPassword, now);
    case Step::kPassword:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPPW"));
      return AfterLogin(now);
    case Step::kPath:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPPATH"));
      return StartVerb(now);
    case Step::kSize:
      if (reply.ok()) {
        for (const std::string& line : reply.info) {
          if (auto n = chat::DecodeFtpCode(line, Command::kFtpsize)) size_ = *n;
        }
      }
      if (request_.verb == FtpVerb::kSize) {
        if (!reply.ok()) return Quit(FailureOf(reply, "FTPSIZE"));
        if (!size_) return Quit(MakeError(Errc::kProtocol, "AT+FTPSIZE gave no +FTPSIZE:<n>"));
        return Quit({});
      }
      if (size_) Emit(ProgressAction{0, size_});
      return Go(Step::kGet, now);  // a server without SIZE still serves the file
    case Step::kGet:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPGET"));
      get_ok_seen_ = true;
      if (get_complete_) return Quit({});
      return Go(Step::kReceiving, now);
    case Step::kList:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPLIST"));
      return Go(Step::kListing, now);
    case Step::kPutName:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPPUTNAME"));
      if (request_.data.empty()) return Go(Step::kPutEnd, now);
      return SendPutPart();
    case Step::kPut:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPPUT"));
      Emit(ProgressAction{put_offset_, request_.data.size()});
      if (put_offset_ < request_.data.size()) return SendPutPart();
      return Go(Step::kPutEnd, now);
    case Step::kPutEnd:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPPUT"));
      return Quit({});
    case Step::kMkdir:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPMKD"));
      return Quit({});
    case Step::kRmdir:
      if (!reply.ok()) return Quit(FailureOf(reply, "FTPRMD"));
      return Quit({});
    case Step::kQuit:
      // The session is released either way; the operation's own outcome is what counts.
      step_ = Step::kDone;
      return Finish(std::move(result_));
    case Step::kIdle:
    case Step::kReceiving:
    case Step::kListing:
    case Step::kDone:
      return;
  }
}

void FtpClient::OnGetPiece(const chat::Urc& urc, chat::TimePoint now) {
  auto numbers = TwoNumbers(urc.line);
  if (numbers && numbers->first < 0) {
    // uclink-sim: `+FTPGET:-1,<code>` reports a failed transfer with its table 3.5 code.
    ServiceError error =
        MakeError(Errc::kServiceError,
                  "FTP get failed: FTP code " + DescribeFtpCode(static_cast<int>(numbers->second)));
    if (step_ == Step::kGet) {
      result_ = std::move(error);
      get_complete_ = true;
      return;
    }
    return Quit(std::move(error));
  }
  if (urc.truncated) {
    return Quit(MakeError(Errc::kProtocol, "a +FTPGET piece stopped short of its length"));
  }
  const bool end_marker = urc.payload.empty();
  if (!end_marker) {
    received_ += urc.payload.size();
    Emit(DataAction{urc.payload});
    Emit(ProgressAction{received_, size_});
  }
  const bool all_arrived =
      session_.type == chat::FtpTransferType::kBinary && size_ && received_ >= *size_ && *size_ > 0;
  if (end_marker || all_arrived) {
    get_complete_ = true;
    if (step_ == Step::kReceiving) return Quit(std::move(result_));
    return;
  }
  if (step_ == Step::kReceiving) Emit(TimerAction{now + session_.data_timeout});
}

void FtpClient::OnListing(const chat::Urc& urc) {
  auto numbers = TwoNumbers(urc.line);
  if (!numbers) return Quit(MakeError(Errc::kProtocol, "bad +FTPLIST header: " + urc.line));
  // §2.43 prints `+FTPLIST:0,370`: a non-zero first field is a table 3.5 code.
  if (numbers->first != 0) {
    return Quit(MakeError(
        Errc::kServiceError,
        "FTP list failed: FTP code " + DescribeFtpCode(static_cast<int>(numbers->first))));
  }
  if (urc.truncated) return Quit(MakeError(Errc::kProtocol, "the listing stopped short"));
  if (!urc.payload.empty()) Emit(DataAction{urc.payload});
  Quit({});
}

void FtpClient::OnUrc(const chat::Urc& urc, chat::TimePoint now) {
  if (done()) return;
  if (urc.kind == chat::UrcKind::kFtpData && (step_ == Step::kGet || step_ == Step::kReceiving) &&
      !get_complete_) {
    return OnGetPiece(urc, now);
  }
  if (urc.kind == chat::UrcKind::kFtpList && step_ == Step::kListing) return OnListing(urc);
}

void FtpClient::OnTimer(chat::TimePoint) {
  if (done()) return;
  if (step_ == Step::kReceiving || step_ == Step::kListing) {
    Quit(MakeError(
        Errc::kTimeout,
        "no FTP data for " + std::to_string(session_.data_timeout.count() / 1000) + " s"));
  }
}

}  // namespace uclink::control::inband
