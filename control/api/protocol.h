// The control protocol of uclinkd: JSON lines over a Unix socket (docs/control-api.md).
// One request per line, one response line per request (same "id"); after "subscribe" the
// connection also carries event lines. Pure: no sockets here, so the CLI can stay synchronous.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/api/errc.h"

namespace uclink::control::api {

/// The uclink release, the one version constant: `uclink --version` and `uclinkd --version`
/// print "uclink <kVersion>".
inline constexpr std::string_view kVersion = "0.14.0";

/// Where uclinkd listens unless configured otherwise.
inline constexpr std::string_view kDefaultSocketPath = "/run/uclink/uclinkd.sock";
/// Upper bound of one JSON line in either direction, newline excluded (AT replies included).
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;
/// Version of the status document and event schema; bumped on incompatible changes.
inline constexpr int kSchemaVersion = 1;

/// The methods of the control API.
enum class Method {
  kStatus,
  kConnect,
  kDisconnect,
  kAt,
  kSubscribe,
  kReload,
  kService,       ///< run an in-band service (control/api/service.h); streams events
  kServiceSend,   ///< follow-up of a running "service": data for it (no response of its own)
  kServiceClose,  ///< follow-up of a running "service": no more data
  kUsage,         ///< the SIM's data-usage ledger (docs/data-budget.md)
};
/// The wire name: "status", "connect", ...
const char* ToString(Method method);
std::optional<Method> MethodFromString(std::string_view name);
/// Methods that change state and therefore need an authorised caller (SO_PEERCRED).
bool IsMutating(Method method);
/// Follow-up lines of a running "service" request on the same connection (no own response).
bool IsFollowUp(Method method);

/// Parameters of "at".
struct AtParams {
  std::string command;  ///< e.g. "AT+CSQ"; one line, no CR/LF
  std::uint32_t timeout_ms = 5000;
};

/// One request line: {"id":N,"method":"...","params":{...}}.
struct Request {
  std::uint64_t id = 0;
  Method method = Method::kStatus;
  nlohmann::json params = nlohmann::json::object();
};

/// An error carried in a response or an event.
struct Error {
  Errc code = Errc::kBadRequest;
  std::string message;
};

/// One response line: {"id":N,"ok":true,"result":{...}} or {"id":N,"ok":false,"error":{...}}.
struct Response {
  std::uint64_t id = 0;
  std::optional<Error> error;  ///< set ⇔ the request failed
  nlohmann::json result = nlohmann::json::object();
};

/// One event line after "subscribe": {"event":"state","time":"...","data":{...}}.
struct Event {
  std::string name;  ///< "state", "registration", ... (control/api/events.h), or a service's
  std::string time;  ///< ISO 8601 UTC of the event
  nlohmann::json data = nlohmann::json::object();
};

/// Either a request that parsed or the error to answer with (and the id, if readable).
struct ParsedRequest {
  std::optional<Request> request;
  std::optional<Error> error;
  std::uint64_t id = 0;
};

/// Parses one request line (without its newline). Never throws.
ParsedRequest ParseRequest(std::string_view line);
/// Parses "at" parameters.
std::optional<AtParams> ParseAtParams(const nlohmann::json& params, Error* error);

std::string EncodeRequest(const Request& request);     ///< one line, newline included
std::string EncodeResponse(const Response& response);  ///< one line, newline included
std::string EncodeEvent(const Event& event);           ///< one line, newline included

/// A line the daemon sent: a response or an event. Never throws.
struct ServerLine {
  std::optional<Response> response;
  std::optional<Event> event;
  std::optional<std::string> error;  ///< why the line is neither
};
ServerLine ParseServerLine(std::string_view line);

/// Makes the error response for `id`.
Response ErrorResponse(std::uint64_t id, Errc code, std::string message);

/// Splits a byte stream into lines with the kMaxLineBytes bound. A longer line is dropped up to
/// its newline and reported once, so a client cannot grow the daemon's memory.
class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line = kMaxLineBytes) : max_line_(max_line) {}

  struct Output {
    std::vector<std::string> lines;  ///< complete lines, newline (and a trailing CR) removed
    std::size_t overflows = 0;       ///< lines dropped for exceeding the bound
  };
  /// Consumes bytes (any split) and returns what completed.
  Output Feed(std::string_view bytes);
  /// Bytes held for an incomplete line.
  std::size_t buffered() const { return partial_.size(); }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool discarding_ = false;
};

/// Flattens a JSON document into "a.b.c=value" lines for `uclink status --keyvalue` (null →
/// empty value; arrays joined with ',').
std::vector<std::string> FlattenKeyValue(const nlohmann::json& document);

}  // namespace uclink::control::api
