#include "control/api/protocol.h"

#include <utility>

namespace uclink::control::api {
namespace {

using nlohmann::json;

// Parses without exceptions: nlohmann returns a discarded value on malformed input.
std::optional<json> ParseJson(std::string_view line) {
  json value = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::string Dump(const json& value) {
  // Replace invalid UTF-8 (module text can hold any byte) instead of throwing.
  return value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

json ErrorToJson(const Error& error) {
  return json{{"code", ToString(error.code)}, {"message", error.message}};
}

std::optional<Error> ErrorFromJson(const json& value) {
  if (!value.is_object() || !value.contains("code") || !value["code"].is_string()) {
    return std::nullopt;
  }
  Error error;
  error.code = ErrcFromString(value["code"].get<std::string>()).value_or(Errc::kProtocolError);
  if (value.contains("message") && value["message"].is_string()) {
    error.message = value["message"].get<std::string>();
  }
  return error;
}

void FlattenInto(const json& value, const std::string& prefix, std::vector<std::string>* out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      FlattenInto(child, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  std::string text;
  if (value.is_null()) {
    text = "";
  } else if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (!text.empty()) text += ",";
      text += item.is_string() ? item.get<std::string>() : item.dump();
    }
  } else {
    text = value.dump();
  }
  out->push_back(prefix + "=" + text);
}

}  // namespace

const char* ToString(Method method) {
  switch (method) {
    case Method::kStatus:
      return "status";
    case Method::kConnect:
      return "connect";
    case Method::kDisconnect:
      return "disconnect";
    case Method::kAt:
      return "at";
    case Method::kSubscribe:
      return "subscribe";
    case Method::kReload:
      return "reload";
    case Method::kService:
      return "service";
    case Method::kServiceSend:
      return "service.send";
    case Method::kServiceClose:
      return "service.close";
    case Method::kUsage:
      return "usage";
  }
  return "unknown";
}

std::optional<Method> MethodFromString(std::string_view name) {
  for (Method m : {Method::kStatus, Method::kConnect, Method::kDisconnect, Method::kAt,
                   Method::kSubscribe, Method::kReload, Method::kService, Method::kServiceSend,
                   Method::kServiceClose, Method::kUsage}) {
    if (name == ToString(m)) return m;
  }
  return std::nullopt;
}

bool IsMutating(Method method) {
  switch (method) {
    case Method::kStatus:
    case Method::kSubscribe:
    case Method::kUsage:
      return false;
    case Method::kConnect:
    case Method::kDisconnect:
    case Method::kAt:  // raw AT can change anything on the module
    case Method::kReload:
    case Method::kService:  // drives the module's clients (IPCREATE, FTP, MQTT, ...)
    case Method::kServiceSend:
    case Method::kServiceClose:
      return true;
  }
  return true;
}

bool IsFollowUp(Method method) {
  switch (method) {
    case Method::kServiceSend:
    case Method::kServiceClose:
      return true;
    case Method::kStatus:
    case Method::kConnect:
    case Method::kDisconnect:
    case Method::kAt:
    case Method::kSubscribe:
    case Method::kReload:
    case Method::kService:
    case Method::kUsage:
      return false;
  }
  return false;
}

ParsedRequest ParseRequest(std::string_view line) {
  ParsedRequest parsed;
  std::optional<json> value = ParseJson(line);
  if (!value || !value->is_object()) {
    parsed.error = Error{Errc::kBadRequest, "request is not a JSON object"};
    return parsed;
  }
  if (value->contains("id")) {
    const json& id = (*value)["id"];
    if (!id.is_number_unsigned()) {
      parsed.error = Error{Errc::kBadRequest, "\"id\" must be a non-negative integer"};
      return parsed;
    }
    parsed.id = id.get<std::uint64_t>();
  }
  if (!value->contains("method") || !(*value)["method"].is_string()) {
    parsed.error = Error{Errc::kBadRequest, "missing string \"method\""};
    return parsed;
  }
  const std::string name = (*value)["method"].get<std::string>();
  std::optional<Method> method = MethodFromString(name);
  if (!method) {
    parsed.error = Error{Errc::kUnknownMethod, "unknown method \"" + name + "\""};
    return parsed;
  }
  Request request;
  request.id = parsed.id;
  request.method = *method;
  if (value->contains("params") && !(*value)["params"].is_null()) {  // null = absent
    if (!(*value)["params"].is_object()) {
      parsed.error = Error{Errc::kInvalidParams, "\"params\" must be an object"};
      return parsed;
    }
    request.params = (*value)["params"];
  }
  parsed.request = std::move(request);
  return parsed;
}

std::optional<AtParams> ParseAtParams(const json& params, Error* error) {
  AtParams at;
  if (!params.contains("command") || !params["command"].is_string()) {
    *error = Error{Errc::kInvalidParams, "\"command\" (string) is required"};
    return std::nullopt;
  }
  at.command = params["command"].get<std::string>();
  if (at.command.empty() || at.command.size() > 1024 ||
      at.command.find_first_of("\r\n") != std::string::npos) {
    *error = Error{Errc::kInvalidParams, "\"command\" must be one line of 1..1024 bytes"};
    return std::nullopt;
  }
  if (params.contains("timeout_ms")) {
    const json& t = params["timeout_ms"];
    if (!t.is_number_unsigned() || t.get<std::uint64_t>() == 0 || t.get<std::uint64_t>() > 300000) {
      *error = Error{Errc::kInvalidParams, "\"timeout_ms\" must be 1..300000"};
      return std::nullopt;
    }
    at.timeout_ms = t.get<std::uint32_t>();
  }
  return at;
}

std::string EncodeRequest(const Request& request) {
  return Dump(
      json{{"id", request.id}, {"method", ToString(request.method)}, {"params", request.params}});
}

std::string EncodeResponse(const Response& response) {
  json line{{"id", response.id}, {"ok", !response.error.has_value()}};
  if (response.error) {
    line["error"] = ErrorToJson(*response.error);
  } else {
    line["result"] = response.result;
  }
  return Dump(line);
}

std::string EncodeEvent(const Event& event) {
  return Dump(json{{"event", event.name}, {"time", event.time}, {"data", event.data}});
}

ServerLine ParseServerLine(std::string_view line) {
  ServerLine out;
  std::optional<json> value = ParseJson(line);
  if (!value || !value->is_object()) {
    out.error = "not a JSON object";
    return out;
  }
  if (value->contains("event") && (*value)["event"].is_string()) {
    Event event;
    event.name = (*value)["event"].get<std::string>();
    if (value->contains("time") && (*value)["time"].is_string()) {
      event.time = (*value)["time"].get<std::string>();
    }
    if (value->contains("data")) event.data = (*value)["data"];
    out.event = std::move(event);
    return out;
  }
  if (!value->contains("ok") || !(*value)["ok"].is_boolean()) {
    out.error = "neither an event nor a response";
    return out;
  }
  Response response;
  if (value->contains("id") && (*value)["id"].is_number_unsigned()) {
    response.id = (*value)["id"].get<std::uint64_t>();
  }
  if ((*value)["ok"].get<bool>()) {
    if (value->contains("result")) response.result = (*value)["result"];
  } else {
    std::optional<Error> error =
        value->contains("error") ? ErrorFromJson((*value)["error"]) : std::nullopt;
    response.error = error.value_or(Error{Errc::kProtocolError, "error response without code"});
  }
  out.response = std::move(response);
  return out;
}

Response ErrorResponse(std::uint64_t id, Errc code, std::string message) {
  Response response;
  response.id = id;
  response.error = Error{code, std::move(message)};
  return response;
}

LineFramer::Output LineFramer::Feed(std::string_view bytes) {
  Output out;
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view chunk = bytes.substr(0, newline);
    if (!discarding_) {
      if (partial_.size() + chunk.size() > max_line_) {
        ++out.overflows;
        partial_.clear();
        discarding_ = true;
      } else {
        partial_.append(chunk);
      }
    }
    if (newline == std::string_view::npos) break;
    if (!discarding_) {
      if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      if (!partial_.empty()) out.lines.push_back(std::move(partial_));
    }
    partial_.clear();
    discarding_ = false;
    bytes.remove_prefix(newline + 1);
  }
  return out;
}

std::vector<std::string> FlattenKeyValue(const json& document) {
  std::vector<std::string> lines;
  FlattenInto(document, "", &lines);
  return lines;
}

}  // namespace uclink::control::api
