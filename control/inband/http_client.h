// One HTTP request through the module (UC8088 manual §2.44–§2.52): AT+HTTPTLS, AT+HTTPPARA
// (url, then one `user` line per header), AT+HTTPINIT, the body in AT+HTTPDATA parts,
// AT+HTTPACTION, then AT+HTTPREAD until the announced length was read, in as many reads as it
// takes. Result codes of +HTTPACTION come from table 3.3.
#ifndef UCLINK_CONTROL_INBAND_HTTP_CLIENT_H_
#define UCLINK_CONTROL_INBAND_HTTP_CLIENT_H_

#include <string>
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
  // How long +HTTPACTION may take when the module reports it after OK (§2.49 prints it after).
  chat::Duration action_timeout{60000};
};

class HttpClient : public Operation {
 public:
  enum class Step { kIdle, kTls, kUrl, kInit, kHeader, kData, kAction, kAwaitAction, kRead, kDone };

  explicit HttpClient(HttpRequest request);

  // Checks every limit before anything is sent, then starts.
  void Start(chat::TimePoint now);

  void OnReply(const chat::AtReply& reply, chat::TimePoint now) override;
  void OnUrc(const chat::Urc& urc, chat::TimePoint now) override;
  void OnTimer(chat::TimePoint now) override;

  Step step() const { return step_; }
  // The length +HTTPACTION announced.
  std::size_t content_length() const { return length_; }

 private:
  std::optional<ServiceError> Validate() const;
  void Next();
  void SendData();
  void OnActionResult(std::string_view line);
  void Read();

  HttpRequest request_;
  Step step_ = Step::kIdle;
  std::size_t header_index_ = 0;
  std::size_t body_offset_ = 0;
  std::size_t length_ = 0;
  std::size_t read_ = 0;
  std::string last_command_;
};

std::string_view ToString(HttpClient::Step step);

// Table 3.3's text for an +HTTPACTION result code: "208 (The synchronous response could not be
// received ...)".
std::string DescribeHttpCode(int code);

}  // namespace uclink::control::inband

#endif  // UCLINK_CONTROL_INBAND_HTTP_CLIENT_H_
