#include "control/inband/http_client.h"

#include "chat/at_args.h"
#include "chat/error_tables.h"

namespace uclink::control::inband {

std::string_view ToString(HttpClient::Step step) {
  switch (step) {
    case HttpClient::Step::kIdle:
      return "idle";
    case HttpClient::Step::kTls:
      return "tls";
    case HttpClient::Step::kUrl:
      return "url";
    case HttpClient::Step::kInit:
      return "init";
    case HttpClient::Step::kHeader:
      return "header";
    case HttpClient::Step::kData:
      return "data";
    case HttpClient::Step::kAction:
      return "action";
    case HttpClient::Step::kAwaitAction:
      return "await_action";
    case HttpClient::Step::kRead:
      return "read";
    case HttpClient::Step::kDone:
      return "done";
  }
  return "?";
}

std::string DescribeHttpCode(int code) {
  auto text = chat::DescribeHttp(code);
  return std::to_string(code) + " (" +
         (text ? std::string(*text) : std::string("not in table 3.3")) + ")";
}

namespace {

// Table 3.3 codes that mean the server could not be reached or did not answer in time map to
// the same errors as a refused or timed-out connection in PPP mode.
Errc ErrcOfHttpCode(int code) {
  switch (code) {
    case 202:  // a network error occurred
    case 203:  // a network connection error occurred
      return Errc::kConnectFailed;
    case 208:  // the response did not arrive within the timeout
      return Errc::kTimeout;
    default:
      return Errc::kServiceError;
  }
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         chat::EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

}  // namespace

HttpClient::HttpClient(HttpRequest request) : request_(std::move(request)) {}

std::optional<ServiceError> HttpClient::Validate() const {
  if (auto e = chat::EncodeHttppara(chat::HttpParam::kUrl, request_.url); !e) {
    return MakeError(Errc::kInvalidArgument, "URL: " + e.error().detail);
  }
  for (const std::string& header : request_.headers) {
    if (auto e = chat::EncodeHttppara(chat::HttpParam::kUser, header); !e) {
      return MakeError(Errc::kInvalidArgument,
                       "header \"" + header.substr(0, 40) + "\": " + e.error().detail);
    }
  }
  const bool has_body =
      request_.method == chat::HttpMethod::kPut || request_.method == chat::HttpMethod::kPost;
  if (!has_body && !request_.body.empty()) {
    return MakeError(Errc::kInvalidArgument, "a GET or HEAD request carries no body");
  }
  if (request_.encoding == PayloadEncoding::kInline) {
    if (auto bad = FindUnsendableByte(request_.body, false)) {
      return UnsendableError(*bad, "AT+HTTPDATA's <data> (manual §2.46)");
    }
  }
  return std::nullopt;
}

void HttpClient::Start(chat::TimePoint) {
  if (step_ != Step::kIdle) return;
  if (auto error = Validate()) return Finish(std::move(*error));
  step_ = Step::kTls;
  Next();
}

void HttpClient::Next() {
  switch (step_) {
    case Step::kTls:
      last_command_ = *chat::EncodeHttptls(StartsWithNoCase(request_.url, "https://") ? 1 : 0);
      return Submit(last_command_);
    case Step::kUrl:
      last_command_ = *chat::EncodeHttppara(chat::HttpParam::kUrl, request_.url);
      return Submit(last_command_);
    case Step::kInit:
      // §2.50: AT+HTTPINIT starts the request after its parameters; uclink-sim keeps the headers
      // and body given after it (§2.52 sets the body after HTTPINIT).
      last_command_ = "AT+HTTPINIT";
      return Submit(last_command_);
    case Step::kHeader:
      if (header_index_ < request_.headers.size()) {
        last_command_ =
            *chat::EncodeHttppara(chat::HttpParam::kUser, request_.headers[header_index_++]);
        return Submit(last_command_);
      }
      step_ = Step::kData;
      return Next();
    case Step::kData:
      if (body_offset_ < request_.body.size()) return SendData();
      step_ = Step::kAction;
      return Next();
    case Step::kAction: {
      last_command_ = *chat::EncodeHttpaction(request_.method);
      chat::AtCommand command = chat::AtCommand::FromText(last_command_);
      return Submit(std::move(command));
    }
    case Step::kRead:
      return Read();
    case Step::kIdle:
    case Step::kAwaitAction:
    case Step::kDone:
      return;
  }
}

void HttpClient::SendData() {
  const std::string part = request_.body.substr(body_offset_, chat::kMaxHttpData);
  body_offset_ += part.size();
  if (request_.encoding == PayloadEncoding::kPrompt) {
    chat::AtCommand command = chat::AtCommand::FromText(
        chat::CommandText("+HTTPDATA").Int(static_cast<std::int64_t>(part.size())).Take());
    command.payload = part;
    last_command_ = command.text;
    return Submit(std::move(command));
  }
  auto text = chat::EncodeHttpdata(part);
  if (!text) return Finish(MakeError(Errc::kInvalidArgument, text.error().detail));
  last_command_ = "AT+HTTPDATA";
  Submit(*text);
}

void HttpClient::Read() {
  last_command_ = "AT+HTTPREAD";
  Submit(last_command_);
}

void HttpClient::OnReply(const chat::AtReply& reply, chat::TimePoint now) {
  ReplyArrived();
  if (done()) return;
  if (step_ == Step::kAction) {
    for (const std::string& line : reply.info) {
      if (chat::DecodeHttpaction(line)) {
        if (!reply.ok()) {
          // A failed request: `+HTTPACTION:<code>,0` then ERROR (table 3.3 code).
          auto result = chat::DecodeHttpaction(line);
          return Finish(MakeError(ErrcOfHttpCode(result->status),
                                  "HTTP request failed: " + DescribeHttpCode(result->status)));
        }
        return OnActionResult(line);
      }
    }
    if (!reply.ok()) return Finish(ModuleFailure(last_command_, reply));
    // §2.49 prints +HTTPACTION after OK: wait for it as a URC.
    step_ = Step::kAwaitAction;
    Emit(TimerAction{now + request_.action_timeout});
    return;
  }
  if (!reply.ok()) return Finish(ModuleFailure(last_command_, reply));
  switch (step_) {
    case Step::kTls:
      step_ = Step::kUrl;
      return Next();
    case Step::kUrl:
      step_ = Step::kInit;
      return Next();
    case Step::kInit:
      step_ = Step::kHeader;
      return Next();
    case Step::kHeader:
    case Step::kData:
      return Next();
    case Step::kRead: {
      const std::size_t n = reply.payload.size();
      if (n == 0) {
        if (read_ < length_) {
          return Finish(MakeError(Errc::kProtocol, "AT+HTTPREAD returned nothing after " +
                                                       std::to_string(read_) + " of " +
                                                       std::to_string(length_) + " bytes"));
        }
        step_ = Step::kDone;
        return Succeed();
      }
      read_ += n;
      Emit(DataAction{reply.payload});
      Emit(ProgressAction{read_, length_});
      if (read_ >= length_) {
        step_ = Step::kDone;
        return Succeed();
      }
      return Read();
    }
    case Step::kIdle:
    case Step::kAction:
    case Step::kAwaitAction:
    case Step::kDone:
      return;
  }
}

void HttpClient::OnActionResult(std::string_view line) {
  auto result = chat::DecodeHttpaction(line);
  if (!result)
    return Finish(MakeError(Errc::kProtocol, "bad +HTTPACTION: " + result.error().detail));
  // Table 3.3: 0 is "a successful operation"; any other value is the library's failure code.
  // uclink-sim and §2.50 print 0 for success (the manual's "request type" reading would make a
  // POST's success 3, which no example shows).
  if (result->status != 0) {
    return Finish(MakeError(ErrcOfHttpCode(result->status),
                            "HTTP request failed: " + DescribeHttpCode(result->status)));
  }
  length_ = result->length;
  Emit(ProgressAction{0, length_});
  if (length_ == 0) {
    step_ = Step::kDone;
    return Succeed();
  }
  step_ = Step::kRead;
  Read();
}

void HttpClient::OnUrc(const chat::Urc& urc, chat::TimePoint) {
  if (done() || step_ != Step::kAwaitAction || urc.kind != chat::UrcKind::kHttpAction) return;
  OnActionResult(urc.line);
}

void HttpClient::OnTimer(chat::TimePoint) {
  if (done() || step_ != Step::kAwaitAction) return;
  Finish(MakeError(Errc::kTimeout, "no +HTTPACTION result within the request timeout"));
}

}  // namespace uclink::control::inband
