#include "control/inband/http_client.h"

#include <algorithm>

#include "chat/at_args.h"
#include "chat/commands/text_params.h"
#include "chat/error_tables.h"
#include "control/inband/url.h"

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
    case HttpClient::Step::kStatus:
      return "status";
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

// RFC 9110 §15's reason phrases for the statuses a server commonly sends.
std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

// The digits of `text` as a number in [0, 999], or nullopt.
std::optional<int> ParseSmallNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Table 3.3 codes that mean the server could not be reached or did not answer in time map to
// the same errors as a refused or timed-out connection in PPP mode.
Errc ErrcOfHttpCode(int code) {
  switch (code) {
    case 203:  // a network connection error occurred
      return Errc::kConnectFailed;
    case 202:  // a network error occurred: the connection broke after it was made (uclink-sim
               // reports a server that closed mid-response so), as kPeerClosed in PPP mode
      return Errc::kPeerClosed;
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

std::string DescribeHttpStatus(int status) {
  const std::string_view phrase = ReasonPhrase(status);
  std::string text = "HTTP " + std::to_string(status);
  if (!phrase.empty()) text += " " + std::string(phrase);
  return text;
}

std::optional<int> ParseStatusLine(std::string_view header_block) {
  // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
  if (!header_block.starts_with("HTTP/")) return std::nullopt;
  const std::size_t space = header_block.find(' ');
  if (space == std::string_view::npos || header_block.size() < space + 4) return std::nullopt;
  const std::string_view code = header_block.substr(space + 1, 3);
  const std::size_t after = space + 4;
  if (header_block.size() > after && header_block[after] != ' ' && header_block[after] != '\r') {
    return std::nullopt;
  }
  auto status = ParseSmallNumber(code);
  if (!status || *status < 100) return std::nullopt;
  return status;
}

std::optional<int> ParseActionStatus(std::string_view line) {
  constexpr std::string_view kPrefix = "+HTTPACTION:";
  if (!StartsWithNoCase(line, kPrefix)) return std::nullopt;
  std::string_view rest = line.substr(kPrefix.size());
  const std::size_t first = rest.find(',');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = rest.find(',', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (!ParseSmallNumber(rest.substr(0, first))) return std::nullopt;
  auto status = ParseSmallNumber(rest.substr(first + 1, second - first - 1));
  if (!status || *status < 100) return std::nullopt;
  return status;
}

namespace {

// RFC 9110 §5.6.2: tchar.
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string Shown(std::string_view header) {
  std::string shown;
  for (char c : header.substr(0, 40)) {
    const auto b = static_cast<unsigned char>(c);
    shown += b < 0x20 || b == 0x7f ? '?' : c;
  }
  return "header \"" + shown + "\"";
}

}  // namespace

std::optional<ServiceError> CheckHeaderLine(std::string_view line) {
  const std::size_t colon = line.find(':');
  std::size_t name_end = colon == std::string_view::npos ? line.size() : colon;
  for (std::size_t i = 0; i < name_end; ++i) {
    if (!IsTokenChar(static_cast<unsigned char>(line[i]))) {
      name_end = i;
      break;
    }
  }
  if (name_end == 0 || colon == std::string_view::npos || name_end != colon) {
    const std::size_t at = colon == std::string_view::npos ? name_end : std::min(name_end, colon);
    return MakeError(
        Errc::kInvalidArgument,
        Shown(line) + ": expected \"Name: value\" with a token name (RFC 9110 §5.1); " +
            (at < line.size() ? chat::DescribeByte({at, static_cast<unsigned char>(line[at]), ""})
                              : std::string("no ':'")));
  }
  for (std::size_t i = colon + 1; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      const char* why = c == '\r' || c == '\n'
                            ? "a line end would start another header (header injection)"
                            : "a control byte is not field content";
      return MakeError(Errc::kInvalidArgument, Shown(line) + ": " + chat::DescribeByte({i, c, ""}) +
                                                   " refused (" + why + ", RFC 9110 §5.5)");
    }
  }
  if (line.size() > chat::kMaxHttpUser) {
    return MakeError(Errc::kInvalidArgument,
                     Shown(line) + " is longer than 512 bytes (UC8088 manual §2.45)");
  }
  return std::nullopt;
}

std::optional<ServiceError> CheckHttpRequest(const HttpRequest& request, Transport transport) {
  const bool inband = transport == Transport::kInband;
  if (request.url.size() > chat::kMaxHttpUrl) {
    return MakeError(Errc::kInvalidArgument, "URL: longer than 1024 bytes (UC8088 manual §2.45)");
  }
  if (auto e = CheckHttpUrl(request.url)) return e;
  if (inband) {
    if (auto e = chat::EncodeHttppara(chat::HttpParam::kUrl, request.url); !e) {
      return ErrorOf(e.error(), "URL");
    }
  }
  for (const std::string& header : request.headers) {
    if (auto e = CheckHeaderLine(header)) return e;
    if (!inband) continue;
    if (auto e = chat::EncodeHttppara(chat::HttpParam::kUser, header); !e) {
      return ErrorOf(e.error(), Shown(header));
    }
  }
  const bool has_body =
      request.method == chat::HttpMethod::kPut || request.method == chat::HttpMethod::kPost;
  if (!has_body && !request.body.empty()) {
    return MakeError(Errc::kInvalidArgument, "a GET or HEAD request carries no body");
  }
  if (inband && request.encoding == PayloadEncoding::kInline) {
    const chat::PartPlan plan =
        chat::PlanInlineParts(chat::TextParam::kHttpData, request.body, chat::kMaxHttpData);
    if (plan.refused) {
      return UnsendableError(*plan.refused, "AT+HTTPDATA's <data> (manual §2.46)");
    }
  }
  return std::nullopt;
}

HttpClient::HttpClient(HttpRequest request) : request_(std::move(request)) {
  if (request_.encoding == PayloadEncoding::kInline) {
    body_sizes_ =
        chat::PlanInlineParts(chat::TextParam::kHttpData, request_.body, chat::kMaxHttpData).sizes;
  }
}

std::optional<ServiceError> HttpClient::Validate() const {
  return CheckHttpRequest(request_, Transport::kInband);
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
    case Step::kStatus:
    case Step::kDone:
      return;
  }
}

void HttpClient::SendData() {
  const std::size_t size =
      request_.encoding == PayloadEncoding::kInline && body_part_ < body_sizes_.size()
          ? body_sizes_[body_part_++]
          : chat::kMaxHttpData;
  const std::string part = request_.body.substr(body_offset_, size);
  body_offset_ += part.size();
  if (request_.encoding == PayloadEncoding::kPrompt) {
    chat::AtCommand command = chat::AtCommand::FromText(
        chat::CommandText("+HTTPDATA").Int(static_cast<std::int64_t>(part.size())).Take());
    command.payload = part;
    last_command_ = command.text;
    return Submit(std::move(command));
  }
  auto text = chat::EncodeHttpdata(part);
  if (!text) return Finish(ErrorOf(text.error()));
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
  if (step_ == Step::kStatus) return OnStatusReply(reply);
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
        return Complete();
      }
      read_ += n;
      Deliver(reply.payload);
      Emit(ProgressAction{read_, length_});
      if (read_ >= length_) return Complete();
      return Read();
    }
    case Step::kIdle:
    case Step::kAction:
    case Step::kAwaitAction:
    case Step::kStatus:
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
  if (!request_.ask_status) return AfterStatus();
  step_ = Step::kStatus;
  last_command_ = "AT+HTTPACTION?";
  Submit(last_command_);
}

void HttpClient::OnStatusReply(const chat::AtReply& reply) {
  // A module without the read form answers ERROR: the status stays unknown, which is not a
  // failure of the request (its result was table 3.3's 0).
  if (reply.ok()) {
    for (const std::string& line : reply.info) {
      if (auto status = ParseActionStatus(line)) status_ = status;
    }
  }
  AfterStatus();
}

void HttpClient::AfterStatus() {
  if (status_ && *status_ >= 400 && request_.fail_on_http_error) {
    step_ = Step::kDone;
    return Finish(MakeError(Errc::kServiceError, DescribeHttpStatus(*status_)));
  }
  Emit(ProgressAction{0, length_});
  if (length_ == 0) return Complete();
  step_ = Step::kRead;
  Read();
}

bool HttpClient::HoldsOutput() const {
  return request_.method == chat::HttpMethod::kHead && request_.fail_on_http_error && !status_;
}

void HttpClient::Deliver(std::string bytes) {
  if (HoldsOutput()) {
    held_ += bytes;
    return;
  }
  Emit(DataAction{std::move(bytes)});
}

void HttpClient::Complete() {
  step_ = Step::kDone;
  if (HoldsOutput()) {
    // HEAD's data is the header block: its status line says what AT+HTTPACTION? could not.
    if (auto status = ParseStatusLine(held_); status && *status >= 400) {
      status_ = status;
      return Finish(MakeError(Errc::kServiceError, DescribeHttpStatus(*status)));
    }
    if (!held_.empty()) Emit(DataAction{std::move(held_)});
  }
  Succeed();
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
