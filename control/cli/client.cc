#include "control/cli/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <utility>

namespace uclink::control::cli {

using Clock = std::chrono::steady_clock;

std::optional<ControlClient> ControlClient::Connect(const std::string& path,
                                                    std::error_code& error) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) {
    error = std::make_error_code(std::errc::filename_too_long);
    return std::nullopt;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = {errno, std::system_category()};
    return std::nullopt;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error = {errno, std::system_category()};
    ::close(fd);
    return std::nullopt;
  }
  return ControlClient(fd);
}

ControlClient::ControlClient(ControlClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      next_id_(other.next_id_),
      first_request_id_(other.first_request_id_),
      got_response_(other.got_response_),
      framer_(std::move(other.framer_)),
      lines_(std::move(other.lines_)),
      kept_(std::move(other.kept_)) {}

ControlClient& ControlClient::operator=(ControlClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    next_id_ = other.next_id_;
    first_request_id_ = other.first_request_id_;
    got_response_ = other.got_response_;
    framer_ = std::move(other.framer_);
    lines_ = std::move(other.lines_);
    kept_ = std::move(other.kept_);
  }
  return *this;
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool ControlClient::SendAll(const std::string& bytes, std::error_code& error) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = {errno, std::system_category()};
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<api::Response> ControlClient::Call(api::Method method, nlohmann::json params,
                                                 std::chrono::milliseconds timeout,
                                                 std::error_code& error) {
  api::Request request;
  request.id = next_id_++;
  request.method = method;
  request.params = params.is_null() ? nlohmann::json::object() : std::move(params);
  if (first_request_id_ == 0) first_request_id_ = request.id;
  if (!SendAll(api::EncodeRequest(request), error)) {
    if (std::optional<api::Response> parting = PartingResponse(request.id)) {
      error.clear();
      return parting;
    }
    return std::nullopt;
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<api::ServerLine> line =
        ReadSocketLine(std::max(left, std::chrono::milliseconds(0)), error);
    if (!line) return std::nullopt;
    if (line->event) {
      kept_.push_back(std::move(*line));
      continue;
    }
    if (line->response && line->response->id == request.id) return line->response;
    // One request is in flight: an error of id 0 is the daemon's word on this connection (an
    // idle timeout after earlier answers), sent just before it closes.
    if (line->response && line->response->id == 0 && line->response->error) {
      line->response->id = request.id;
      return line->response;
    }
    if (line->error) {
      error = api::Errc::kProtocolError;
      return std::nullopt;
    }
  }
}

std::optional<std::uint64_t> ControlClient::Send(api::Method method, nlohmann::json params,
                                                 std::error_code& error) {
  api::Request request;
  request.id = next_id_++;
  request.method = method;
  request.params = params.is_null() ? nlohmann::json::object() : std::move(params);
  if (first_request_id_ == 0) first_request_id_ = request.id;
  if (!SendAll(api::EncodeRequest(request), error)) {
    std::optional<api::Response> parting = PartingResponse(request.id);
    if (!parting) return std::nullopt;
    error.clear();
    api::ServerLine line;
    line.response = std::move(parting);
    kept_.push_back(std::move(line));
  }
  return request.id;
}

// A write to a connection the daemon has closed fails (EPIPE, or ECONNRESET when it closed
// with our bytes unread, unix(7)), but what the daemon wrote before closing is still readable.
std::optional<api::Response> ControlClient::PartingResponse(std::uint64_t id) {
  while (true) {
    std::error_code ignored;
    std::optional<api::ServerLine> line = ReadSocketLine(std::chrono::milliseconds(0), ignored);
    if (!line) return std::nullopt;
    if (line->response && line->response->error &&
        (line->response->id == 0 || line->response->id == id)) {
      line->response->id = id;
      return line->response;
    }
    kept_.push_back(std::move(*line));
  }
}

std::optional<api::ServerLine> ControlClient::ReadLine(std::chrono::milliseconds timeout,
                                                       std::error_code& error) {
  if (!kept_.empty()) {
    api::ServerLine line = std::move(kept_.front());
    kept_.erase(kept_.begin());
    return line;
  }
  return ReadSocketLine(timeout, error);
}

std::optional<api::ServerLine> ControlClient::ReadSocketLine(std::chrono::milliseconds timeout,
                                                             std::error_code& error) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (lines_.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) {
      error = api::Errc::kTimeout;
      return std::nullopt;
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      error = ready == 0 ? std::error_code(api::Errc::kTimeout)
                         : std::error_code(errno, std::system_category());
      return std::nullopt;
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      error = api::Errc::kDaemonUnavailable;  // the daemon closed the connection
      return std::nullopt;
    }
    api::LineFramer::Output out =
        framer_.Feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    for (std::string& line : out.lines) lines_.push_back(std::move(line));
  }
  std::string line = std::move(lines_.front());
  lines_.erase(lines_.begin());
  api::ServerLine parsed = api::ParseServerLine(line);
  if (parsed.response) {
    // The daemon refuses a connection it cannot serve with one `busy` line of id 0 before any
    // request was read (docs/control-api.md, "Connection limits"): that is the answer to the
    // first request, also for callers that match responses by id.
    if (!got_response_ && parsed.response->id == 0 && parsed.response->error &&
        first_request_id_ != 0) {
      parsed.response->id = first_request_id_;
    }
    got_response_ = true;
  }
  return parsed;
}

}  // namespace uclink::control::cli
