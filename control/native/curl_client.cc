#include "control/native/curl_client.h"

#include <curl/curl.h>

#include <memory>

namespace uclink::control::native {
namespace {

using inband::Errc;
using inband::MakeError;
using inband::ServiceError;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

struct Transfer {
  const DataSink* sink = nullptr;
  const ProgressSink* progress = nullptr;
  std::size_t received = 0;
  std::optional<std::size_t> total;
  std::string_view upload;
  std::size_t uploaded = 0;
  // HEAD with --fail: the header block waits until the status is known.
  std::string* held = nullptr;
};

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->held != nullptr) {
    t->held->append(data, bytes);
  } else if (*t->sink) {
    (*t->sink)(std::string_view(data, bytes));
  }
  t->received += bytes;
  if (t->progress && *t->progress) (*t->progress)(t->received, t->total);
  return bytes;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t room = size * n;
  const size_t bytes = std::min(room, t->upload.size() - t->uploaded);
  std::copy_n(t->upload.data() + t->uploaded, bytes, buffer);
  t->uploaded += bytes;
  if (t->progress && *t->progress) (*t->progress)(t->uploaded, t->upload.size());
  return bytes;
}

void Common(CURL* easy, const NativeOptions& options, Transfer& transfer) {
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, options.timeout_s);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 20L);
  if (!options.interface.empty()) {
    curl_easy_setopt(easy, CURLOPT_INTERFACE, options.interface.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, &OnRead);
  curl_easy_setopt(easy, CURLOPT_READDATA, &transfer);
}

ServiceError CurlFailure(CURLcode code, const char* error_buffer) {
  const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
      return MakeError(code == CURLE_OPERATION_TIMEDOUT ? Errc::kTimeout : Errc::kConnectFailed,
                       detail);
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return MakeError(Errc::kPeerClosed, detail);
    default:
      return MakeError(Errc::kServiceError, detail);
  }
}

}  // namespace

ServiceError HttpFetch(const inband::HttpRequest& request, const NativeOptions& options,
                       const DataSink& sink, const ProgressSink& progress) {
  // The manual's limits and the header syntax hold in both modes; CR/LF in a header is refused
  // here, before libcurl would put it on the wire.
  if (auto error = inband::CheckHttpRequest(request, inband::Transport::kNative)) return *error;
  Easy easy(curl_easy_init());
  if (!easy) return MakeError(Errc::kServiceError, "curl_easy_init failed");
  Transfer transfer{&sink, &progress};
  Common(easy.get(), options, transfer);
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy.get(), CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  List headers;
  for (const std::string& h : request.headers) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  }
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  // Like `curl --fail`: libcurl stops before the body of a 4xx/5xx response.
  if (request.fail_on_http_error) curl_easy_setopt(easy.get(), CURLOPT_FAILONERROR, 1L);
  std::string held;
  switch (request.method) {
    case chat::HttpMethod::kGet:
      break;
    case chat::HttpMethod::kHead:
      // The module returns the header block as HEAD's data; do the same. With --fail it is held
      // until the status is known, as the in-band client does.
      if (request.fail_on_http_error) transfer.held = &held;
      curl_easy_setopt(easy.get(), CURLOPT_NOBODY, 1L);
      curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, &OnWrite);
      curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &transfer);
      break;
    case chat::HttpMethod::kPut:
    case chat::HttpMethod::kPost:
      curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      if (request.method == chat::HttpMethod::kPut) {
        curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, "PUT");
      }
      break;
  }
  const CURLcode code = curl_easy_perform(easy.get());
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_HTTP_RETURNED_ERROR) {
    // The same message as in-band (inband::DescribeHttpStatus), not libcurl's wording.
    return MakeError(Errc::kServiceError, inband::DescribeHttpStatus(static_cast<int>(status)));
  }
  if (code != CURLE_OK) return CurlFailure(code, error_buffer);
  if (transfer.held != nullptr && !held.empty() && sink) sink(held);
  return {};
}

ServiceError FtpRun(const inband::FtpSession& session, const inband::FtpRequest& request,
                    const NativeOptions& options, const DataSink& sink,
                    const ProgressSink& progress) {
  // The manual's limits and RFC 959's (no CR/LF in names) hold in both modes.
  if (auto error = inband::CheckFtp(session, request, inband::Transport::kNative)) return *error;
  Easy easy(curl_easy_init());
  if (!easy) return MakeError(Errc::kServiceError, "curl_easy_init failed");
  // libcurl lists in ASCII mode and turns the server's CRLF line ends into LF; the module passes
  // the listing's bytes through (§2.43, "+FTPLIST:0,<n>" then n bytes), so the CRs are put back
  // and both modes print the same bytes.
  const DataSink listing_sink = [&sink, last = '\0'](std::string_view bytes) mutable {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 32);
    for (char c : bytes) {
      if (c == '\n' && last != '\r') out.push_back('\r');
      out.push_back(c);
      last = c;
    }
    if (sink) sink(out);
  };
  Transfer transfer{request.verb == inband::FtpVerb::kList ? &listing_sink : &sink, &progress};
  transfer.upload = request.data;
  Common(easy.get(), options, transfer);
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy.get(), CURLOPT_PROTOCOLS_STR, "ftp");
  // NOBODY requests (size, mkdir, rmdir) produce header lines; they are not output.
  curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, &Discard);
  curl_easy_setopt(easy.get(), CURLOPT_USERNAME, session.user.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_PASSWORD, session.password.c_str());
  // §2.26: passive (1) or active (0); active lets curl pick the local address.
  if (!session.passive) curl_easy_setopt(easy.get(), CURLOPT_FTPPORT, "-");
  curl_easy_setopt(easy.get(), CURLOPT_FTP_USE_EPSV, 0L);
  if (session.type == chat::FtpTransferType::kAscii) {
    curl_easy_setopt(easy.get(), CURLOPT_TRANSFERTEXT, 1L);
  }
  List quote;
  std::string url;
  switch (request.verb) {
    case inband::FtpVerb::kList: {
      std::string dir = request.path;
      if (!dir.empty() && !dir.ends_with("/")) dir += "/";
      url = inband::FtpUrlOf(session, dir);
      break;
    }
    case inband::FtpVerb::kGet:
      url = inband::FtpUrlOf(session, request.path);
      break;
    case inband::FtpVerb::kPut:
      url = inband::FtpUrlOf(session, request.path);
      curl_easy_setopt(easy.get(), CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(easy.get(), CURLOPT_INFILESIZE_LARGE,
                       static_cast<curl_off_t>(request.data.size()));
      break;
    case inband::FtpVerb::kSize:
      url = inband::FtpUrlOf(session, request.path);
      curl_easy_setopt(easy.get(), CURLOPT_NOBODY, 1L);
      break;
    case inband::FtpVerb::kMkdir:
    case inband::FtpVerb::kRmdir: {
      url = inband::FtpUrlOf(session, "");
      const std::string verb = request.verb == inband::FtpVerb::kMkdir ? "MKD " : "RMD ";
      quote.reset(curl_slist_append(nullptr, (verb + request.path).c_str()));
      curl_easy_setopt(easy.get(), CURLOPT_QUOTE, quote.get());
      curl_easy_setopt(easy.get(), CURLOPT_NOBODY, 1L);
      break;
    }
  }
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  if (request.verb == inband::FtpVerb::kSize || request.verb == inband::FtpVerb::kMkdir ||
      request.verb == inband::FtpVerb::kRmdir) {
    // libcurl writes its made-up headers (Content-Length: …) as data for NOBODY requests.
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &Discard);
  }
  const CURLcode code = curl_easy_perform(easy.get());
  if (code != CURLE_OK) {
    long reply = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply);
    ServiceError error = CurlFailure(code, error_buffer);
    if (reply >= 400)
      error.message += ": FTP code " + inband::DescribeFtpCode(static_cast<int>(reply));
    return error;
  }
  if (request.verb == inband::FtpVerb::kSize) {
    curl_off_t length = -1;
    curl_easy_getinfo(easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length < 0) return MakeError(Errc::kProtocol, "the server did not report the size");
    sink(std::to_string(length) + "\n");
  }
  return {};
}

}  // namespace uclink::control::native
