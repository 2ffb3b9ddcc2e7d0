// PPP-mode HTTP and FTP through libcurl (a well-kept library): the same requests as the in-band
// clients (control/inband), bound to the PPP interface when one is given. Blocking: the CLI runs
// one transfer per process; the daemon would run these on a worker, never on its io_context.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control/inband/ftp_client.h"
#include "control/inband/http_client.h"

namespace uclink::control::native {

struct NativeOptions {
  // CURLOPT_INTERFACE: e.g. "ppp0" or "uclink0"; empty: whatever route exists.
  std::string interface;
  long timeout_s = 60;
};

using DataSink = std::function<void(std::string_view)>;
using ProgressSink = std::function<void(std::size_t done, std::optional<std::size_t> total)>;

// One HTTP request; the body (or, for HEAD, the header block, as the module returns it) goes to
// `sink`. With request.fail_on_http_error (the default, like `curl --fail`) a 4xx/5xx status is
// a kServiceError "HTTP 404 Not Found" and nothing is output; otherwise its body is the output.
inband::ServiceError HttpFetch(const inband::HttpRequest& request, const NativeOptions& options,
                               const DataSink& sink, const ProgressSink& progress = {});

// One FTP operation with the same semantics as inband::FtpClient: ls writes the LIST output,
// get the file, size the decimal size + "\n"; put uploads request.data.
inband::ServiceError FtpRun(const inband::FtpSession& session, const inband::FtpRequest& request,
                            const NativeOptions& options, const DataSink& sink,
                            const ProgressSink& progress = {});

}  // namespace uclink::control::native
