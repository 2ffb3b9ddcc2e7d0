#include "sim/services/http_service.h"

#include "sim/services/errors.h"
#include "sim/services/forms.h"
#include "sim/services/limits.h"
#include "sim/services/params.h"

namespace uclink::sim::services {
namespace {

// Manual table 3.3 codes the simulator reports in "+HTTPACTION:<code>,0".
constexpr int kHttpOk = 0;
constexpr int kHttpInvalidParameter = 101;
constexpr int kHttpTooLarge = 103;
constexpr int kHttpInternal = 201;
constexpr int kHttpNetwork = 202;
constexpr int kHttpConnection = 203;
constexpr int kHttpTls = 206;
constexpr int kHttpTimeout = 208;
constexpr int kHttpParse = 213;

int TableCode(CURLcode c, bool overflow) {
  if (c == CURLE_OK) return kHttpOk;
  if (overflow || c == CURLE_WRITE_ERROR || c == CURLE_FILESIZE_EXCEEDED) return kHttpTooLarge;
  if (c == CURLE_URL_MALFORMAT || c == CURLE_UNSUPPORTED_PROTOCOL) return kHttpInvalidParameter;
  if (c == CURLE_COULDNT_RESOLVE_HOST || c == CURLE_COULDNT_CONNECT) return kHttpConnection;
  if (c == CURLE_OPERATION_TIMEDOUT) return kHttpTimeout;
  if (c == CURLE_SSL_CONNECT_ERROR || c == CURLE_PEER_FAILED_VERIFICATION ||
      c == CURLE_SSL_CERTPROBLEM || c == CURLE_SSL_CIPHER || c == CURLE_SSL_CACERT_BADFILE) {
    return kHttpTls;
  }
  if (c == CURLE_WEIRD_SERVER_REPLY || c == CURLE_HTTP2 || c == CURLE_BAD_CONTENT_ENCODING) {
    return kHttpParse;
  }
  if (c == CURLE_SEND_ERROR || c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING ||
      c == CURLE_PARTIAL_FILE) {
    return kHttpNetwork;
  }
  return kHttpInternal;
}

// Manual §2.49 writes "http:\\www.baidu.com"; §2.45 allows a bare "192.168.1.1".
std::string NormaliseUrl(std::string url, bool tls) {
  if (const auto pos = url.find(":\\\\"); pos != std::string::npos && pos < 6) {
    url.replace(pos, 3, "://");
  }
  if (url.find("://") == std::string::npos) url = (tls ? "https://" : "http://") + url;
  return url;
}

}  // namespace

HttpService::HttpService(boost::asio::io_context& io, ServiceHost& host)
    : host_(host), multi_(std::make_shared<CurlMulti>(io)) {}

HttpService::~HttpService() { ReleaseEasy(); }

void HttpService::Shutdown() {
  stopped_ = true;
  ReleaseEasy();
}

void HttpService::Execute(const SimCommand& cmd) {
  if (cmd.name == "+HTTPTLS") return Tls(cmd);
  if (cmd.name == "+HTTPPARA") return Para(cmd);
  if (cmd.name == "+HTTPDATA") return Data(cmd);
  if (cmd.name == "+HTTPACTION") return Action(cmd);
  if (cmd.name == "+HTTPREAD") return Read(cmd);
  if (cmd.name == "+HTTPINIT") {
    if (cmd.form != SimCommand::Form::kExec) return ReplyError(host_, Errc::kBadParameter);
    // Starts a new session: the previous response can no longer be read.
    have_response_ = false;
    response_.clear();
    response_headers_.clear();
    read_offset_ = 0;
    return host_.Ok();
  }
  host_.PlainError();
}

void HttpService::Tls(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    host_.Info(std::string("+HTTPTLS: ") + (tls_ ? "1" : "0"));
    return host_.Ok();
  }
  if (!ExpectSetForm(host_, cmd, "+HTTPTLS: (0-1)")) return;
  const auto value = OneInt(cmd.raw, 0, 1);
  if (!value) return ReplyError(host_, Errc::kBadParameter);
  tls_ = *value == 1;
  host_.Ok();
}

void HttpService::Para(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    host_.Info("+HTTPPARA: URL," + url_);
    host_.Info("+HTTPPARA: PATH," + path_);
    host_.Info("+HTTPPARA: PORT," + std::to_string(port_));
    host_.Info("+HTTPPARA: TIMEOUT," + std::to_string(timeout_s_));
    host_.Info("+HTTPPARA: MODE," + std::string(report_mode_ ? "1" : "0"));
    return host_.Ok();
  }
  if (!ExpectSetForm(host_, cmd, "+HTTPPARA: [<httpparatag>:<httpparavalue>]")) return;
  const auto p = SplitParams(cmd.raw, 2);
  if (!p || p->size() != 2) return ReplyError(host_, Errc::kBadParameter);
  const std::string tag = Upper(Trim((*p)[0].text));
  const std::string& value = (*p)[1].text;
  if (tag == "URL" || tag == "PATH") {
    if (value.size() > kMaxUrl) return ReplyError(host_, Errc::kTooLong);
    (tag == "URL" ? url_ : path_) = Trim(value);
  } else if (tag == "PORT" || tag == "TIMEOUT") {
    const auto n = ParseInt(value, tag == "PORT" ? 0 : 1, tag == "PORT" ? 65535 : 3600);
    if (!n) return ReplyError(host_, Errc::kBadParameter);
    (tag == "PORT" ? port_ : timeout_s_) = *n;
  } else if (tag == "USER" || tag == "USRE") {  // §2.45 spells it USRE
    if (value.size() > kMaxUserData) return ReplyError(host_, Errc::kTooLong);
    // One user line may carry several headers with escaped CR LF between them (§2.45).
    for (std::string& line : UserHeaders(value)) headers_.push_back(std::move(line));
  } else if (tag == "BODY") {
    if (value.size() > kMaxUserData) return ReplyError(host_, Errc::kTooLong);
    body_ = value;
  } else if (tag == "MODE") {
    // §2.45: 0 = the host reads with HTTPREAD, 1 = the module reports the data by itself.
    const auto n = ParseInt(value, 0, 1);
    if (!n) return ReplyError(host_, Errc::kBadParameter);
    report_mode_ = *n == 1;
  } else {
    return ReplyError(host_, Errc::kBadParameter);
  }
  host_.Ok();
}

void HttpService::Data(const SimCommand& cmd) {
  if (!ExpectSetForm(host_, cmd, "+HTTPDATA: <lent>,<data>")) return;
  // The length ends the data: quotes and commas in it are data (SplitCounted).
  const auto counted = SplitCounted(cmd.raw, 1 << 20);
  if (!counted) return ReplyError(host_, Errc::kBadParameter);
  const long length = counted->length;
  if (static_cast<std::size_t>(length) > kMaxUserData) return ReplyError(host_, Errc::kTooLong);
  if (!counted->data) {
    // Without data: the "> " prompt collects exactly <lent> bytes (simulator extension).
    return host_.Prompt(static_cast<int>(length), [weak = weak_from_this()](std::string data) {
      if (auto self = weak.lock(); self && !self->stopped_) self->AppendData(std::move(data));
    });
  }
  if (counted->data->size() != static_cast<std::size_t>(length)) {
    return ReplyError(host_, Errc::kBadParameter);
  }
  AppendData(*counted->data);
}

void HttpService::AppendData(std::string data) {
  if (body_.size() + data.size() > kMaxHttpBody) return ReplyError(host_, Errc::kTooLong);
  body_ += data;
  host_.Ok();
}

std::string HttpService::EffectiveUrl(std::string* host) const {
  std::string url = NormaliseUrl(url_, tls_);
  CURLU* u = curl_url();
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    // §2.49 sets the path separately ("httppara=path, /"): it applies when the URL has none.
    const auto scheme_end = url.find("://") + 3;
    if (!path_.empty() && url.find('/', scheme_end) == std::string::npos) {
      curl_url_set(u, CURLUPART_PATH, path_.c_str(), 0);
    }
    char* port = nullptr;
    if (port_ != 0 && curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_NO_PORT) {
      curl_url_set(u, CURLUPART_PORT, std::to_string(port_).c_str(), 0);
    }
    curl_free(port);
    char* h = nullptr;
    char* full = nullptr;
    if (curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK) {
      *host = h;
      if (host->size() > 2 && host->front() == '[') *host = host->substr(1, host->size() - 2);
      out = full;
    }
    curl_free(h);
    curl_free(full);
  }
  curl_url_cleanup(u);
  return out;
}

void HttpService::Action(const SimCommand& cmd) {
  if (cmd.form == SimCommand::Form::kRead) {
    // Not in the manual: the last response's method, HTTP status and length.
    if (!have_response_) return ReplyError(host_, Errc::kNotAllowed);
    host_.Info("+HTTPACTION: " + std::to_string(static_cast<int>(method_)) + "," +
               std::to_string(status_) + "," + std::to_string(response_.size()));
    return host_.Ok();
  }
  if (!ExpectSetForm(host_, cmd, "+HTTPACTION: (0-3)")) return;
  const auto method = OneInt(cmd.raw, 0, 3);
  if (!method || url_.empty()) return ReplyError(host_, Errc::kBadParameter);
  if (easy_ != nullptr) return ReplyError(host_, Errc::kNotAllowed);
  if (!host_.NetworkReady()) return ReplyError(host_, Errc::kNoNetwork);
  std::string host_name;
  const std::string url = EffectiveUrl(&host_name);
  if (url.empty()) {
    host_.Info("+HTTPACTION:" + std::to_string(kHttpInvalidParameter) + ",0");
    return host_.PlainError();
  }
  const std::string address = host_.ResolveTarget(host_name);
  if (address.empty() || !Start(static_cast<Method>(*method), url, address)) {
    host_.Info("+HTTPACTION:" + std::to_string(kHttpConnection) + ",0");
    return host_.PlainError();
  }
}

bool HttpService::Start(Method method, const std::string& url, const std::string& address) {
  easy_ = curl_easy_init();
  if (easy_ == nullptr) return false;
  method_ = method;
  overflow_ = false;
  response_.clear();
  response_headers_.clear();
  read_offset_ = 0;
  have_response_ = false;
  request_body_ = std::move(body_);
  body_.clear();
  for (const auto& h : headers_) header_list_ = curl_slist_append(header_list_, h.c_str());
  headers_.clear();
  header_list_ = curl_slist_append(header_list_, "Expect:");
  // Every connection goes to the address ResolveTarget allowed; Host and SNI keep the name.
  const std::string to = address.find(':') == std::string::npos ? address : "[" + address + "]";
  connect_to_ = curl_slist_append(connect_to_, ("::" + to + ":").c_str());
  curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_CONNECT_TO, connect_to_);
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, header_list_);
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT, timeout_s_);
  // The manual's HTTPTLS has no CA parameter, so the module cannot verify servers either.
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpService::OnBody);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpService::OnHeader);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  switch (method) {
    case Method::kGet:
      curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
      break;
    case Method::kHead:
      curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
      break;
    case Method::kPut:
    case Method::kPost:
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request_body_.data());
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request_body_.size()));
      if (method == Method::kPut) curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, "PUT");
      break;
  }
  multi_->Add(easy_, [weak = weak_from_this()](CURLcode result) {
    if (auto self = weak.lock(); self && !self->stopped_) self->Finish(result);
  });
  return true;
}

void HttpService::Finish(CURLcode result) {
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status_);
  const int code = TableCode(result, overflow_);
  ReleaseEasy();
  if (code != kHttpOk) {
    response_.clear();
    response_headers_.clear();
    host_.Info("+HTTPACTION:" + std::to_string(code) + ",0");
    return host_.PlainError();
  }
  // A HEAD response has no body: its header block is what HTTPREAD returns.
  if (method_ == Method::kHead) response_ = std::move(response_headers_);
  response_headers_.clear();
  have_response_ = true;
  // Manual §2.50: "+HTTPACTION:0,292" — table 3.3 code 0, then the response length.
  host_.Info("+HTTPACTION:0," + std::to_string(response_.size()));
  host_.Ok();
  if (report_mode_) Report();
}

void HttpService::Report() {
  // Report mode: the body follows as URCs in the +FTPGET style, "+HTTPREAD:<n>,<n bytes>",
  // ending with "+HTTPREAD:0,"; nothing is left for AT+HTTPREAD.
  for (std::size_t off = 0; off < response_.size(); off += kMaxReportChunk) {
    const std::string piece = response_.substr(off, kMaxReportChunk);
    host_.Urc("+HTTPREAD:" + std::to_string(piece.size()) + "," + piece);
  }
  host_.Urc("+HTTPREAD:0,");
  read_offset_ = response_.size();
}

void HttpService::Read(const SimCommand& cmd) {
  std::size_t limit = kMaxReportChunk;
  switch (cmd.form) {
    case SimCommand::Form::kTest:
      host_.Info("+HTTPREAD");
      return host_.Ok();
    case SimCommand::Form::kRead:
      return ReplyError(host_, Errc::kBadParameter);
    case SimCommand::Form::kSet: {
      // Not in the manual: AT+HTTPREAD=<n> caps the piece at n bytes.
      const auto n = OneInt(cmd.raw, 1, kMaxReportChunk);
      if (!n) return ReplyError(host_, Errc::kBadParameter);
      limit = static_cast<std::size_t>(*n);
      break;
    }
    case SimCommand::Form::kExec:
      break;
  }
  if (!have_response_) return ReplyError(host_, Errc::kNotAllowed);
  // Manual §2.48: "+HTTPREAD:XXX," then the data, then OK; each read returns the next piece and
  // "+HTTPREAD:0," once everything was read.
  const std::string piece = response_.substr(read_offset_, limit);
  read_offset_ += piece.size();
  host_.Info("+HTTPREAD:" + std::to_string(piece.size()) + ",");
  if (!piece.empty()) host_.Raw(piece);
  host_.Ok();
}

void HttpService::ReleaseEasy() {
  if (easy_ != nullptr) {
    multi_->Remove(easy_);
    curl_easy_cleanup(easy_);
    easy_ = nullptr;
  }
  curl_slist_free_all(header_list_);
  header_list_ = nullptr;
  curl_slist_free_all(connect_to_);
  connect_to_ = nullptr;
  request_body_.clear();
}

size_t HttpService::OnBody(char* data, size_t size, size_t n, void* userp) {
  auto* self = static_cast<HttpService*>(userp);
  const size_t bytes = size * n;
  if (self->response_.size() + bytes > kMaxHttpBody) {
    self->overflow_ = true;
    return 0;  // curl ends the transfer with CURLE_WRITE_ERROR
  }
  self->response_.append(data, bytes);
  return bytes;
}

size_t HttpService::OnHeader(char* data, size_t size, size_t n, void* userp) {
  auto* self = static_cast<HttpService*>(userp);
  const size_t bytes = size * n;
  if (self->response_headers_.size() + bytes <= kMaxHttpBody) {
    self->response_headers_.append(data, bytes);
  }
  return bytes;
}

}  // namespace uclink::sim::services
