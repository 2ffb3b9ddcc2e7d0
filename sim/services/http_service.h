// AT+HTTPTLS / HTTPPARA (manual spelling HTTTPARA) / HTTPDATA / HTTPINIT / HTTPACTION / HTTPREAD
// (UC8088 manual §2.44–2.52): real HTTP/1.1 and HTTPS requests through libcurl on the io_context.
#pragma once

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/service_host.h"
#include "sim/services/curl_multi.h"

namespace uclink::sim::services {

/// The module's HTTP client: one request at a time, the response kept for HTTPREAD.
class HttpService : public std::enable_shared_from_this<HttpService> {
 public:
  HttpService(boost::asio::io_context& io, ServiceHost& host);
  ~HttpService();
  /// Runs one +HTTP... command (names already normalised to the HTTP spelling).
  void Execute(const SimCommand& cmd);
  /// Abandons a running request; no output follows.
  void Shutdown();

 private:
  enum class Method { kGet = 0, kHead = 1, kPut = 2, kPost = 3 };

  void Tls(const SimCommand& cmd);
  void Para(const SimCommand& cmd);
  void Data(const SimCommand& cmd);
  void AppendData(std::string data);
  void Action(const SimCommand& cmd);
  void Read(const SimCommand& cmd);
  std::string EffectiveUrl(std::string* host) const;
  bool Start(Method method, const std::string& url, const std::string& address);
  void Finish(CURLcode result);
  void Report();
  void ReleaseEasy();
  static size_t OnBody(char* data, size_t size, size_t n, void* userp);
  static size_t OnHeader(char* data, size_t size, size_t n, void* userp);

  ServiceHost& host_;
  std::shared_ptr<CurlMulti> multi_;
  // Settings (HTTPTLS, HTTPPARA): kept until changed.
  bool tls_ = false;
  std::string url_;
  std::string path_;
  long port_ = 0;
  long timeout_s_ = 50;  // manual §2.45: "默认时间 50S"
  bool report_mode_ = false;
  // The next request's headers and body: consumed by HTTPACTION.
  std::vector<std::string> headers_;
  std::string body_;
  // The request in flight.
  CURL* easy_ = nullptr;
  curl_slist* header_list_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  std::string request_body_;
  Method method_ = Method::kGet;
  bool overflow_ = false;
  // The last response, read by HTTPREAD.
  bool have_response_ = false;
  long status_ = 0;
  std::string response_;
  std::string response_headers_;
  std::size_t read_offset_ = 0;
  bool stopped_ = false;
};

}  // namespace uclink::sim::services
