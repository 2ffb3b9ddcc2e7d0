// One HTTP request through the module (UC8088 manual §2.44–§2.52): AT+HTTPTLS, AT+HTTPPARA
// (url, then one `user` line per header), AT+HTTPINIT, the body in AT+HTTPDATA parts,
// AT+HTTPACTION, then AT+HTTPREAD until the announced length was read, in as many reads as it
// takes. Result codes of +HTTPACTION come from table 3.3.
//
// HTTP status: `+HTTPACTION:<state>,<len>` (§2.47) carries table 3.3's code, not the server's
// status, and the manual has no command that reports it. The client therefore asks
// `AT+HTTPACTION?`, which uclink-sim answers `+HTTPACTION: <method>,<status>,<len>` (a
// simulator extension); a module that answers ERROR (or any other shape) leaves the status
// unknown. For HEAD the header block read back holds the status line, so the status is known
// from it in every case. Like `curl --fail`, a known status ≥ 400 ends the request with
// "HTTP 404 Not Found" and no output; with an unknown status the body is the output.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/commands/http.h"
#include "control/inband/operation.h"

namespace uclink::control::inband {

struct HttpRequest {
  chat::HttpMethod method = chat::HttpMethod::kGet;
  // http://… or https:// (selects AT+HTTPTLS=1); at most 1024 bytes (§2.45).
  std::string url;
  // "Name: value" lines, each sent as one `user` parameter of at most 512 bytes (§2.45).
  std::vector<std::string> headers;
  // PUT/POST body, sent in AT+HTTPDATA parts of at most 512 bytes (§2.46).
  std::string body;
  PayloadEncoding encoding = PayloadEncoding::kInline;
  // Like `curl --fail`: a 4xx/5xx status (when known, see above) is an error and nothing is
  // output. false: the body of any status is the output (`--no-fail`).
  bool fail_on_http_error = true;
  // Ask `AT+HTTPACTION?` for the server's status after the request (uclink-sim extension).
  bool ask_status = true;
  // How long +HTTPACTION may take when the module reports it after OK (§2.49 prints it after).
  chat::Duration action_timeout{60000};
};

// One header line "Name: value" for both modes: a token name (RFC 9110 §5.1), ':', and a value
// of visible bytes, spaces and tabs (§5.5). CR, LF, NUL and other control bytes are refused, so
// no header can smuggle in another (`X-A: b\r\nX-Injected: 1`); the manual's limit of 512
// bytes per `user` parameter (§2.45) holds in both modes.
std::optional<ServiceError> CheckHeaderLine(std::string_view line);

// The checks of one request made before anything is sent. Both modes: the URL (CheckHttpUrl,
// at most 1024 bytes, §2.45), every header (CheckHeaderLine), no body on GET/HEAD. In-band also
// what AT+HTTPPARA's url and user values and AT+HTTPDATA's inline <data> can carry
// (chat::TextParam).
std::optional<ServiceError> CheckHttpRequest(const HttpRequest& request, Transport transport);

class HttpClient : public Operation {
 public:
  enum class Step {
    kIdle,
    kTls,
    kUrl,
    kInit,
    kHeader,
    kData,
    kAction,
    kAwaitAction,
    kStatus,
    kRead,
    kDone
  };

  explicit HttpClient(HttpRequest request);

  // Checks every limit before anything is sent, then starts.
  void Start(chat::TimePoint now);

  void OnReply(const chat::AtReply& reply, chat::TimePoint now) override;
  void OnUrc(const chat::Urc& urc, chat::TimePoint now) override;
  void OnTimer(chat::TimePoint now) override;

  Step step() const { return step_; }
  // The length +HTTPACTION announced.
  std::size_t content_length() const { return length_; }
  // The server's HTTP status, when the module reported it (or the HEAD header block held it).
  std::optional<int> http_status() const { return status_; }

 private:
  std::optional<ServiceError> Validate() const;
  void Next();
  void SendData();
  void OnActionResult(std::string_view line);
  void OnStatusReply(const chat::AtReply& reply);
  void AfterStatus();
  void Read();
  void Deliver(std::string bytes);
  void Complete();
  // HEAD with an unknown status: the header block is held until its status line was checked.
  bool HoldsOutput() const;

  HttpRequest request_;
  Step step_ = Step::kIdle;
  std::size_t header_index_ = 0;
  std::size_t body_offset_ = 0;
  // Inline body: the part sizes chat::PlanInlineParts chose (no part begins with a space).
  std::vector<std::size_t> body_sizes_;
  std::size_t body_part_ = 0;
  std::size_t length_ = 0;
  std::size_t read_ = 0;
  std::optional<int> status_;
  std::string held_;
  std::string last_command_;
};

std::string_view ToString(HttpClient::Step step);

// Table 3.3's text for an +HTTPACTION result code: "208 (The synchronous response could not be
// received ...)".
std::string DescribeHttpCode(int code);

// "HTTP 404 Not Found": the status and its reason phrase from RFC 9110 §15 (the same text in
// both modes, whatever phrase the server sent); "HTTP 599" for a code without one.
std::string DescribeHttpStatus(int status);

// The status of the first line of a response header block ("HTTP/1.1 404 Not Found\r\n..."),
// or nullopt when it is not a status line (RFC 9112 §4).
std::optional<int> ParseStatusLine(std::string_view header_block);

// `+HTTPACTION: <method>,<status>,<len>` (uclink-sim's answer to AT+HTTPACTION?) → status;
// nullopt for any other shape (the manual's two-field form carries no status).
std::optional<int> ParseActionStatus(std::string_view line);

}  // namespace uclink::control::inband
